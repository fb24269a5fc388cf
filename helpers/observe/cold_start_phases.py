"""A cold start, phase by phase, read from real data (pure functions: no engine, no boto3).

Three sources, all from one real cold start:

* **Python's own import timing.** With ``PYTHONPROFILEIMPORTTIME=1`` in a function's environment, the interpreter
  writes one ``import time:`` line per import to stderr, which is the function's log (on AWS too)::

      import time: self [us] | cumulative | imported package
      import time:       312 |        312 |   _io
      import time:      2000 |       3000 | email.parser

  A line is written when its import ends, so a module's own imports come before it, two spaces deeper. ``self`` is
  the module's own time (running its body), ``cumulative`` adds its imports. The runtime imports your handler's
  module with ``importlib.import_module`` (AWS's runtime does too), which Python does not time: the module itself
  has no line, and its imports show at the top level. So the handler prints a line as it starts and one as it
  ends (``init_imports`` splits the log there).
* **Stamps** (``time.perf_counter()``, one clock for every process on the machine) taken by the notebook just
  before and just after the invocation, and by the handler module at its first and last line and at the handler's
  first line (``handlers/cold_start_phases.py``).
* **The REPORT line**: Init Duration (the platform's measure: from starting the runtime process to the runtime's
  first request for an event) and Duration.

``phases`` lays them end to end. Whatever no source covers (starting the process, the runtime's own code between
imports) is the remainder of a measured interval, and is labelled as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( +)(\S+)\s*$")

INTERPRETER = "interpreter start-up imports"
RUNTIME = "runtime's imports"
YOUR_IMPORTS = "your imports"
MODULE_CODE = "your module-level code"
AFTER = "runtime's imports after your module"


@dataclass
class ImportTime:
    """One import, as ``-X importtime`` reports it (microseconds), with the imports it made itself."""

    name: str
    self_us: int
    cumulative_us: int
    depth: int  # 1 for an import made by code that was not itself being imported
    children: list[ImportTime] = field(default_factory=list)

    @property
    def cumulative_ms(self) -> float:
        return self.cumulative_us / 1000

    @property
    def self_ms(self) -> float:
        return self.self_us / 1000


def parse_import_times(lines: Iterable[str]) -> list[ImportTime]:
    """The top-level imports in these log lines (other lines are skipped), in the order they finished, each with
    its own imports as ``children``. Their cumulative times add up to all the time spent importing."""
    pending: dict[int, list[ImportTime]] = {}
    for line in lines:
        match = _LINE.match(line.rstrip("\n"))
        if match is None:
            continue
        self_us, cumulative_us, indent, name = match.groups()
        depth = (len(indent) + 1) // 2
        entry = ImportTime(name, int(self_us), int(cumulative_us), depth, pending.pop(depth + 1, []))
        pending.setdefault(depth, []).append(entry)
    return pending.get(1, [])


def split_at_start(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """A cold invocation's log lines: (the init phase's, the invocation's), split at the ``START`` line."""
    for index, line in enumerate(lines):
        if line.startswith("START RequestId: "):
            return list(lines[:index]), list(lines[index:])
    return list(lines), []


def imported_names(imports: Iterable[ImportTime]) -> set[str]:
    """Every module name in these imports and their children."""
    names: set[str] = set()
    for entry in imports:
        names.add(entry.name)
        names |= imported_names(entry.children)
    return names


@dataclass(frozen=True)
class InitImports:
    """An init's imports, in three parts: before your module started (the interpreter's and the runtime's), while it
    ran (yours, including any that its module-level code triggered), and after it (the runtime's again)."""

    platform: list[ImportTime]
    yours: list[ImportTime]
    after: list[ImportTime]


def init_imports(init_lines: Sequence[str], starts: str, ends: str) -> InitImports:
    """Split an init's log lines at the two lines your module printed first (``starts``) and last (``ends``), and
    read the import timing of each part. Without the markers, every import counts as the platform's."""
    lines = list(init_lines)
    first = next((i for i, line in enumerate(lines) if line.strip() == starts), None)
    last = next((i for i, line in enumerate(lines) if line.strip() == ends), None)
    if first is None or last is None or last < first:
        return InitImports(parse_import_times(lines), [], [])
    return InitImports(parse_import_times(lines[:first]), parse_import_times(lines[first + 1:last]),
                       parse_import_times(lines[last + 1:]))


def import_groups(imports: InitImports) -> dict[str, float]:
    """Milliseconds of import time by who caused it: the interpreter's start-up (up to and including ``site``), the
    runtime's own imports before your module, your module's, and the runtime's after your module."""
    names = [entry.name for entry in imports.platform]
    site_at = names.index("site") if "site" in names else -1
    return {
        INTERPRETER: sum(entry.cumulative_ms for entry in imports.platform[:site_at + 1]),
        RUNTIME: sum(entry.cumulative_ms for entry in imports.platform[site_at + 1:]),
        YOUR_IMPORTS: sum(entry.cumulative_ms for entry in imports.yours),
        AFTER: sum(entry.cumulative_ms for entry in imports.after),
    }


@dataclass(frozen=True)
class Bar:
    """One bar of a waterfall: a label, where it starts and how long it lasts (ms), and its group."""

    label: str
    start_ms: float
    duration_ms: float
    group: str


def import_waterfall(imports: InitImports, *, module_code: float = 0.0, largest: int = 8) -> list[Bar]:
    """Bars for a waterfall of an init, laid end to end in the order things ran: the interpreter's and the runtime's
    imports as one bar per group; your module's imports one by one (its ``largest`` slowest; the rest together);
    then your module-level code (``module_code`` ms, from the stamps). The code that ran between imports is not in
    the timing, so the bars are packed: the x axis adds up import time, not wall time."""
    groups = import_groups(imports)
    bars: list[Bar] = []
    clock = 0.0

    def add(label: str, duration: float, group: str) -> None:
        nonlocal clock
        if duration > 0:
            bars.append(Bar(label, clock, duration, group))
            clock += duration

    add("interpreter start-up (encodings, site, ...)", groups[INTERPRETER], INTERPRETER)
    add("runtime client (json, socket, logging, ...)", groups[RUNTIME], RUNTIME)
    ranked = sorted(imports.yours, key=lambda entry: entry.cumulative_us, reverse=True)
    shown = {id(entry) for entry in ranked[:largest]}
    for entry in imports.yours:  # in the order they ran
        if id(entry) in shown:
            add(f"import {entry.name}", entry.cumulative_ms, YOUR_IMPORTS)
    rest = [entry for entry in imports.yours if id(entry) not in shown]
    add(f"{len(rest)} smaller imports", sum(entry.cumulative_ms for entry in rest), YOUR_IMPORTS)
    add("your module-level code", module_code, MODULE_CODE)
    add("runtime, after your module", groups[AFTER], AFTER)
    return bars


@dataclass(frozen=True)
class Stamps:
    """perf_counter readings (seconds) of one cold invocation: the caller's and the handler module's."""

    called: float  # the notebook, just before invoking
    module_started: float  # the handler module's first line
    module_done: float  # its last line
    handler_started: float  # the handler's first line
    answered: float  # the notebook, once the answer was back


@dataclass(frozen=True)
class Phase:
    label: str
    ms: float
    source: str  # how it was measured


def module_code_ms(stamps: Stamps, imports: InitImports) -> float:
    """Your module-level code: from the module's first line to its last, less the time its imports took."""
    return max((stamps.module_done - stamps.module_started) * 1000 - import_groups(imports)[YOUR_IMPORTS], 0.0)


def phases(stamps: Stamps, imports: InitImports, *, duration_ms: float) -> list[Phase]:
    """The cold start from the caller's point of view, phase by phase (milliseconds, in order); each phase says
    where its figure comes from."""
    groups = import_groups(imports)
    before_module = (stamps.module_started - stamps.called) * 1000
    platform_imports = groups[INTERPRETER] + groups[RUNTIME]
    return [
        Phase("start the process, the interpreter and the runtime (not importing)",
              max(before_module - platform_imports, 0.0), "stamps minus import timing"),
        Phase(INTERPRETER, groups[INTERPRETER], "import timing"),
        Phase(RUNTIME, groups[RUNTIME], "import timing"),
        Phase(YOUR_IMPORTS, groups[YOUR_IMPORTS], "import timing"),
        Phase(MODULE_CODE, module_code_ms(stamps, imports), "stamps minus import timing"),
        Phase("runtime ready, asks for the event; the event arrives",
              max((stamps.handler_started - stamps.module_done) * 1000, 0.0), "stamps"),
        Phase("your handler (REPORT Duration)", duration_ms, "REPORT"),
        Phase("the answer travels back",
              max((stamps.answered - stamps.handler_started) * 1000 - duration_ms, 0.0), "stamps minus REPORT"),
    ]


def init_covers(stamps: Stamps) -> float:
    """Milliseconds from the call to the handler module's last line: what Init Duration should come close to
    (it also counts the runtime's own code after your module, until it asks for the first event; it does not count
    the invoke request reaching the platform)."""
    return (stamps.module_done - stamps.called) * 1000


@dataclass(frozen=True)
class ColdStartStats:
    """What a function's REPORT lines say about its cold starts (what the Logs Insights query of AWS's docs counts:
    ``filter @type = "REPORT" and ispresent(@initDuration) | stats count(), avg(@initDuration), ...``)."""

    invocations: int
    cold_starts: int
    init_median_ms: float | None
    init_max_ms: float | None
    cold_duration_median_ms: float | None  # Duration of the cold starts' invocations
    warm_duration_median_ms: float | None

    @property
    def cold_fraction(self) -> float:
        return self.cold_starts / self.invocations if self.invocations else 0.0


def cold_start_stats(lines: Iterable[str]) -> ColdStartStats:
    """Read REPORT lines (other lines are skipped) and sum up the cold starts among them."""
    import statistics

    from helpers.runtime.log_lines import parse_report

    reports = [report for report in map(parse_report, lines) if report is not None]
    inits = [report.init_duration_ms for report in reports if report.init_duration_ms is not None]
    cold = [report.duration_ms for report in reports if report.init_duration_ms is not None]
    warm = [report.duration_ms for report in reports if report.init_duration_ms is None]

    def median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    return ColdStartStats(len(reports), len(inits), median(inits), max(inits) if inits else None, median(cold),
                          median(warm))
