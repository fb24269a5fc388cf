"""What a learner does in JupyterLab, as Playwright steps: open a notebook, Run All Cells from the menu, find an
explorer (``helpers/widgets/explorer.py``), move its slider with the keyboard, and read the plot it draws.

The selectors and menu labels are JupyterLab 4.6's and ipywidgets 8.1's (noUiSlider sliders); they are all here, at
the top, so that an upgrade of either is one place to look.
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported only for types: without playwright, the test is skipped (conftest), not broken
    from playwright.sync_api import Locator, Page

# JupyterLab 4.6
NOTEBOOK = ".jp-NotebookPanel"
CODE_CELL = ".jp-CodeCell"
INPUT_PROMPT = ".jp-InputPrompt"
KERNEL_STATUS = ".jp-Notebook-ExecutionIndicator"  # data-status="idle" | "busy" | ...
DIALOG = ".jp-Dialog"
RUN_MENU, RUN_ALL = "Run", "Run All Cells"  # menu bar > menu item (role menuitem)
THEME_SUBMENU = '#jp-mainmenu-settings .lm-Menu-item[data-type="submenu"]'  # Settings > Theme > (a theme's name)
THEME_ITEM = '.lm-Menu-item[data-command="apputils:change-theme"]'
OUTPUT = ".jp-OutputArea-output"  # a widget's output shows "Loading widget..." then the widget or "Error displaying..."
OUTPUT_STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'  # errors render as stderr
# ipywidgets 8.1: an Explorer's view is a VBox whose direct children are its heading, controls, image and caption.
EXPLORER = ".jp-OutputArea-output .widget-vbox:has(> .widget-slider):has(> img.widget-image)"
SLIDER = ":scope > .widget-slider"
SLIDER_LABEL = ".widget-label"  # the description, with its unit: "Memory (MB)"
SLIDER_HANDLE = '.noUi-handle[role="slider"]'  # focusable; arrow keys move it one step
SLIDER_READOUT = ".widget-readout"
PLOT = ":scope > img.widget-image"
TEXT = ".widget-label:visible, .widget-html-content, .widget-readout"

DARK = "JupyterLab Dark"
LIGHT = "JupyterLab Light"


def open_notebook(page: Page, url: str, path: str, *, timeout_s: float = 60) -> Locator:
    """Open a notebook's URL and wait until its kernel has started, is connected and idle; returns its panel."""
    page.goto(url)
    panel = page.locator(f"{NOTEBOOK}:not(.lm-mod-hidden)")  # the notebook on show (strict: there is one)
    panel.wait_for(timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    # The indicator says "idle" before the kernel exists too: ask the server (as the page, with its cookie).
    while not page.evaluate(
            """async path => (await (await fetch(JSON.parse(document.getElementById('jupyter-config-data')
                                                            .textContent).baseUrl + 'api/sessions')).json())
                   .some(s => s.path === path && s.kernel && s.kernel.connections > 0
                              && s.kernel.execution_state === 'idle')""", path):
        assert time.monotonic() < deadline, f"the kernel of {path} did not start within {timeout_s:.0f} s"
        page.wait_for_timeout(200)
    panel.locator(f'{KERNEL_STATUS}[data-status="idle"]').wait_for(timeout=timeout_s * 1000)
    return panel


def run_all_cells(page: Page, panel: Locator, *, timeout_s: float = 150) -> None:
    """Run > Run All Cells, then wait until every cell of the notebook in ``panel`` has run (or the run stopped at
    an error) and its kernel is idle again. Raises AssertionError with the traceback if a cell failed."""
    page.get_by_role("menuitem", name=RUN_MENU, exact=True).click()
    page.get_by_role("menuitem", name=RUN_ALL, exact=True).click()
    page.wait_for_function(
        """([panel, cells, prompt, status, stderr, dialog]) => {
            const prompts = [...panel.querySelectorAll(cells)].map(c => c.querySelector(prompt).textContent);
            const idle = panel.querySelector(status)?.dataset.status === 'idle';
            const failed = [...panel.querySelectorAll(stderr)].some(e => e.textContent.includes('Traceback'));
            const running = prompts.some(p => p.includes('*'));
            const ran = prompts.every(p => /\\d/.test(p));
            return document.querySelector(dialog) || (idle && !running && (ran || failed));
        }""",
        arg=[panel.element_handle(), CODE_CELL, INPUT_PROMPT, KERNEL_STATUS, OUTPUT_STDERR, DIALOG],
        timeout=timeout_s * 1000, polling=250)
    assert not page.locator(DIALOG).count(), "JupyterLab asks: " + page.locator(DIALOG).first.inner_text()
    failures = [text for text in panel.locator(OUTPUT_STDERR).all_inner_texts() if "Traceback" in text]
    assert not failures, "a cell failed in JupyterLab:\n" + failures[0][-3000:]


def widgets_rendered(panel: Locator, *, timeout_s: float = 30) -> None:
    """Wait until every widget output of the notebook has rendered (none says "Loading widget..."); raises
    AssertionError if one shows JupyterLab's "Error displaying widget"."""
    outputs = panel.locator(OUTPUT)
    panel.page.wait_for_function(
        "outputs => !outputs.some(o => o.textContent.trim().startsWith('Loading widget'))",
        arg=outputs.element_handles(), timeout=timeout_s * 1000, polling=250)
    broken = [text for text in outputs.all_inner_texts() if "Error displaying widget" in text]
    assert not broken, f"a widget did not render: {broken[0][:500]}"


def first_explorer(panel: Locator, *, timeout_s: float = 30) -> Locator:
    """The first explorer in the notebook's outputs, once it has rendered its controls and its plot."""
    explorer = panel.locator(EXPLORER).first
    explorer.wait_for(timeout=timeout_s * 1000)
    plot(explorer).wait_for(timeout=timeout_s * 1000)
    return explorer


def plot(explorer: Locator) -> Locator:
    """The explorer's plot (an ``Image`` widget: an <img> showing a PNG blob)."""
    return explorer.locator(PLOT).first


def plot_png(explorer: Locator) -> bytes:
    """The bytes of the PNG the explorer's plot shows now."""
    data_url = plot(explorer).evaluate(
        """async img => {
            const blob = await (await fetch(img.src)).blob();
            return await new Promise(done => { const r = new FileReader(); r.onload = () => done(r.result);
                                               r.readAsDataURL(blob); });
        }""")
    return base64.b64decode(data_url.split(",", 1)[1])


@dataclass(frozen=True)
class SliderMove:
    label: str
    before: str  # the readout before and after
    after: str
    png_before: bytes
    png_after: bytes
    seconds: float  # from the key press until the new plot had loaded

    @property
    def plot_changed(self) -> bool:
        """Whether the plot shows a different picture now (a new PNG, not just the same one sent again)."""
        return self.png_after.startswith(b"\x89PNG") and self.png_after != self.png_before


def move_first_slider(explorer: Locator, *, timeout_s: float = 30) -> SliderMove:
    """Focus the explorer's first slider, press the arrow key that moves it one step (right, or left at the top),
    and wait until the explorer shows a new plot."""
    slider = explorer.locator(SLIDER).first
    handle = slider.locator(SLIDER_HANDLE)
    readout = slider.locator(SLIDER_READOUT)
    label = slider.locator(SLIDER_LABEL).inner_text()
    before = readout.inner_text()
    png_before = plot_png(explorer)
    image = plot(explorer).element_handle()
    source = image.get_attribute("src")
    at_top = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
    handle.focus()
    started = time.perf_counter()
    handle.press("ArrowLeft" if at_top else "ArrowRight")
    explorer.page.wait_for_function(
        "([img, old]) => img.src !== old && img.complete && img.naturalWidth > 0",
        arg=[image, source], timeout=timeout_s * 1000)
    seconds = time.perf_counter() - started
    return SliderMove(label, before, readout.inner_text(), png_before, plot_png(explorer), seconds)


def use_theme(page: Page, theme: str, *, timeout_s: float = 30) -> None:
    """Settings > Theme > ``theme``, and wait until the page has it."""
    if page.locator("body").get_attribute("data-jp-theme-name") == theme:
        return
    page.get_by_role("menuitem", name="Settings", exact=True).click()
    _menu_item(page, THEME_SUBMENU, "Theme").hover()
    _menu_item(page, THEME_ITEM, theme).click()
    page.locator(f'body[data-jp-theme-name="{theme}"]').wait_for(state="attached", timeout=timeout_s * 1000)
    page.wait_for_timeout(300)  # let the theme's stylesheet apply before anyone measures colours


def _menu_item(page: Page, selector: str, label: str) -> Locator:
    """The menu entry matching ``selector`` whose label is ``label`` (submenus and toggles have no menuitem role)."""
    return page.locator(selector).filter(has=page.locator(".lm-Menu-itemLabel", has_text=re.compile(
        f"^{re.escape(label)}$"))).first


def low_contrast_text(explorer: Locator, *, minimum: float = 4.5) -> list[str]:
    """The explorer's texts (heading, labels, readouts, caption) whose contrast with the background they are drawn
    on is below ``minimum`` (WCAG AA for normal text: 4.5), as "text: ratio" lines; [] when all read well."""
    found = explorer.locator(TEXT).evaluate_all(
        """(elements, minimum) => {
            const rgba = s => (s.match(/[\\d.]+/g) || []).map(Number);
            const luminance = ([r, g, b]) => {
                const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
            };
            const background = element => {
                for (let e = element; e; e = e.parentElement) {
                    const c = rgba(getComputedStyle(e).backgroundColor);
                    if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c;
                }
                return [255, 255, 255];
            };
            return elements.filter(e => e.textContent.trim()).map(e => {
                const [a, b] = [luminance(rgba(getComputedStyle(e).color)), luminance(background(e))];
                const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                return [e.textContent.trim().slice(0, 40), ratio];
            }).filter(([, ratio]) => ratio < minimum).map(([text, ratio]) => `${text}: ${ratio.toFixed(2)}`);
        }""", minimum)
    return list(found)


def explorer_texts(explorer: Locator) -> list[str]:
    """The explorer's visible texts, whitespace collapsed (its heading, control labels, readouts, caption)."""
    return [re.sub(r"\s+", " ", text).strip() for text in explorer.locator(TEXT).all_inner_texts() if text.strip()]
