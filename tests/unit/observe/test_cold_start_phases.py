"""helpers/observe/cold_start_phases.py: the import timing, the stamps and REPORT lines, read into phases."""

from __future__ import annotations

import pytest

from helpers.observe import cold_start_phases as phases

LOG = [
    "INIT_START Runtime Version: python:3.12.v1\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:ab",
    "import time: self [us] | cumulative | imported package",
    "import time:       100 |        100 |   _io",
    "import time:       400 |        500 | _frozen_importlib_external",
    "import time:      1000 |       1000 |   os",
    "import time:      2000 |       3000 | site",
    "import time:      1500 |       1500 | json",
    "mod: starts",
    "import time:       300 |        300 |     email.errors",
    "import time:       700 |       1000 |   email",
    "import time:      2000 |       3000 | email.parser",
    "import time:       500 |        500 | decimal",
    "mod: done",
    "import time:       250 |        250 | encodings.idna",
    "START RequestId: r-1 Version: $LATEST",
    "import time:      9000 |       9000 | boto3",
    "END RequestId: r-1",
]


def test_import_lines_become_a_tree_in_finishing_order():
    tree = phases.parse_import_times(LOG)
    assert [entry.name for entry in tree] == ["_frozen_importlib_external", "site", "json", "email.parser",
                                              "decimal", "encodings.idna", "boto3"]
    parser = tree[3]
    assert (parser.depth, parser.self_ms, parser.cumulative_ms) == (1, 2.0, 3.0)
    assert [child.name for child in parser.children] == ["email"]
    assert [grandchild.name for grandchild in parser.children[0].children] == ["email.errors"]
    assert phases.imported_names(tree) >= {"email.errors", "os", "_io", "boto3"}


def test_split_at_start_and_the_three_parts_of_an_init():
    init, invoke = phases.split_at_start(LOG)
    assert invoke[0].startswith("START") and "boto3" not in phases.imported_names(phases.parse_import_times(init))
    imports = phases.init_imports(init, "mod: starts", "mod: done")
    assert [e.name for e in imports.platform] == ["_frozen_importlib_external", "site", "json"]
    assert [e.name for e in imports.yours] == ["email.parser", "decimal"]
    assert [e.name for e in imports.after] == ["encodings.idna"]
    assert phases.import_groups(imports) == {phases.INTERPRETER: 3.5, phases.RUNTIME: 1.5, phases.YOUR_IMPORTS: 3.5,
                                             phases.AFTER: 0.25}
    unmarked = phases.init_imports(init, "no such line", "mod: done")
    assert unmarked.yours == [] and len(unmarked.platform) == 6


def test_the_waterfall_is_laid_end_to_end_in_order():
    imports = phases.init_imports(phases.split_at_start(LOG)[0], "mod: starts", "mod: done")
    bars = phases.import_waterfall(imports, module_code=4.0, largest=1)
    assert [bar.label for bar in bars] == ["interpreter start-up (encodings, site, ...)",
                                           "runtime client (json, socket, logging, ...)", "import email.parser",
                                           "1 smaller imports", "your module-level code", "runtime, after your module"]
    for before, after in zip(bars, bars[1:]):
        assert after.start_ms == pytest.approx(before.start_ms + before.duration_ms)
    assert bars[-2].duration_ms == 4.0


def test_phases_from_stamps_imports_and_report():
    imports = phases.init_imports(phases.split_at_start(LOG)[0], "mod: starts", "mod: done")
    stamps = phases.Stamps(called=10.000, module_started=10.020, module_done=10.030, handler_started=10.032,
                           answered=10.040)
    found = {phase.label: phase.ms for phase in phases.phases(stamps, imports, duration_ms=5.0)}
    assert found["start the process, the interpreter and the runtime (not importing)"] == pytest.approx(15.0)
    assert found[phases.YOUR_IMPORTS] == 3.5
    assert found[phases.MODULE_CODE] == pytest.approx(6.5)
    assert found["runtime ready, asks for the event; the event arrives"] == pytest.approx(2.0)
    assert found["the answer travels back"] == pytest.approx(3.0)
    assert sum(found.values()) == pytest.approx(40.0)
    assert phases.init_covers(stamps) == pytest.approx(30.0)


def test_cold_start_stats_from_report_lines():
    lines = ["REPORT RequestId: a\tDuration: 10.00 ms\tBilled Duration: 110 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 40 MB\tInit Duration: 100.00 ms\t",
             "REPORT RequestId: b\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 40 MB\t",
             "REPORT RequestId: c\tDuration: 4.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 40 MB\t",
             "START RequestId: d Version: $LATEST"]
    stats = phases.cold_start_stats(lines)
    assert (stats.invocations, stats.cold_starts, stats.init_median_ms, stats.init_max_ms) == (3, 1, 100.0, 100.0)
    assert (stats.cold_duration_median_ms, stats.warm_duration_median_ms) == (10.0, 3.0)
    assert stats.cold_fraction == pytest.approx(1 / 3)
    assert phases.cold_start_stats([]).cold_fraction == 0.0
