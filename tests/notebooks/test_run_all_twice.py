"""Every notebook runs top to bottom, and again in the same kernel (Run All twice), without an error.

nbval (in the README's test command) runs each notebook once on a fresh kernel; this runs each twice in one
kernel, as a learner who presses Run All again would, and prints how long each run took.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_run_all_twice_in_one_kernel(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": path.parent}})
    timings = []
    with client.setup_kernel():
        for _ in range(2):
            started = time.monotonic()
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)  # raises CellExecutionError on an error output
            timings.append(time.monotonic() - started)
    print(f"{path.name}: first run {timings[0]:.1f} s, second run {timings[1]:.1f} s")
