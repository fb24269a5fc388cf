"""How the notebooks run as tests (``pytest notebooks --nbval-lax``): nbval runs each notebook top to bottom on a
fresh kernel, one test per code cell; then every code cell runs again, in order, in the same kernel, as a learner
who presses Run All a second time would ("Cell N (Run All again)"). A notebook must pass both.

With parallel workers (pytest-xdist), ``--dist loadfile`` keeps all of a notebook's cells, both runs, on one worker.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

AGAIN = " (Run All again)"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    try:
        from nbval.plugin import IPyNbCell, IPyNbFile
    except ImportError:  # nbval not installed: nothing to do
        return
    cells: dict[IPyNbFile, list[IPyNbCell]] = defaultdict(list)
    for item in items:
        if isinstance(item, IPyNbCell) and not item.name.endswith(AGAIN):
            cells[item.parent].append(item)
    for notebook, first_run in cells.items():
        again = []
        for cell in first_run:
            options = defaultdict(bool, cell.options)
            options["check"] = False  # the second run's outputs (times, ids) differ from the first's
            again.append(IPyNbCell.from_parent(notebook, name=cell.name + AGAIN, cell_num=cell.cell_num,
                                               cell=cell.cell, options=options))
        position = items.index(first_run[-1]) + 1
        items[position:position] = again
