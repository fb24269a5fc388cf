"""The widgets in the real JupyterLab, in a real (headless) Chromium, as a learner uses them: open the notebook,
Run All Cells, move the first explorer's slider one step with the keyboard, and see its plot change; in JupyterLab's
light theme and in its dark theme, where the explorer's text must stay readable.

The notebook runs from a temporary copy (nothing is written to the repository). To test another notebook, add a
line ``repo_notebook("NN_name.ipynb")`` to NOTEBOOKS: its first explorer with a slider is the one moved.

Needs Chromium (see ``lab_server.HOW_TO_ENABLE``; skipped with that message without it, except under CI).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import lab_page
import nbformat
import pytest

pytestmark = pytest.mark.browser

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"

Place = Callable[[Path], str]  # puts a notebook into the server's folder; returns its name there


def explorer_notebook(folder: Path) -> str:
    """A small notebook, written now, with one explorer (helpers/widgets/explorer.py): a slider sets a line's slope."""
    code = '''\
from helpers.widgets.explorer import Explorer, slider


def draw(figure, values):
    figure.set_layout_engine("constrained")
    axes = figure.add_subplot()
    axes.plot([0, 10], [0, 10 * values["slope"]], color="tab:blue", label="distance travelled")
    axes.set(xlim=(0, 10), ylim=(0, 100), xlabel="time (s)", ylabel="distance (m)")
    axes.legend(loc="upper left")


explorer = Explorer("A line whose slope the slider sets", {"slope": slider("Speed", "m/s", value=3, min=1, max=10)},
                    draw, summary=lambda values: f"After 10 s: {10 * values['slope']} m.")
explorer'''
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Browser check\nOne explorer; the browser test moves its slider."),
        nbformat.v4.new_code_cell(code),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nbformat.write(notebook, folder / "explorer_check.ipynb")
    return "explorer_check.ipynb"


def repo_notebook(name: str) -> pytest.param:
    """A notebook of the course, copied into the server's folder; skipped while it is not in the repository."""
    source = NOTEBOOKS_DIR / name

    def place(folder: Path) -> str:
        shutil.copyfile(source, folder / name)
        return name

    marks = () if source.exists() else pytest.mark.skip(reason=f"notebooks/{name} is not in this checkout yet")
    return pytest.param(place, id=source.stem, marks=marks)


NOTEBOOKS = [
    pytest.param(explorer_notebook, id="generated-explorer"),
    repo_notebook("08_cold_starts.ipynb"),
    repo_notebook("09_concurrency_and_scaling.ipynb"),
    repo_notebook("10_memory_and_cost.ipynb"),
]


@pytest.mark.parametrize("place", NOTEBOOKS)
def test_a_slider_moved_with_the_keyboard_redraws_the_plot(place: Place, jupyterlab, browser, screenshots: Path):
    name = place(jupyterlab.root)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        notebook = lab_page.open_notebook(page, jupyterlab.notebook_url(name), name)
        lab_page.run_all_cells(page, notebook)
        lab_page.widgets_rendered(notebook)
        explorer = lab_page.first_explorer(notebook)
        for theme in (lab_page.LIGHT, lab_page.DARK):
            lab_page.use_theme(page, theme)
            explorer.scroll_into_view_if_needed()
            shot = screenshots / f"{Path(name).stem}-{theme.split()[-1].lower()}"
            page.screenshot(path=f"{shot}-before.png")
            unreadable = lab_page.low_contrast_text(explorer)
            assert not unreadable, f"hard to read in {theme}: {unreadable}"

            move = lab_page.move_first_slider(explorer)

            page.screenshot(path=f"{shot}-after.png")
            assert move.after != move.before, f"{move.label}: the readout stayed at {move.before}"
            assert move.plot_changed, f"{move.label} moved {move.before} -> {move.after} but the plot did not change"
            texts = " | ".join(lab_page.explorer_texts(explorer))
            print(f"{name}, {theme}: {move.label} {move.before} -> {move.after}, new plot shown after "
                  f"{move.seconds * 1000:.0f} ms; the explorer reads: {texts}; screenshots: {shot}-*.png")
    finally:
        page.close()
        leftovers = jupyterlab.shutdown_kernels()
    assert not leftovers, f"still running after the kernel shut down: {[p.pid for p in leftovers]}"
    assert not page_errors, f"uncaught errors in the page: {page_errors}"
