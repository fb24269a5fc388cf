"""An explorer: labelled controls, one plot drawn by a pure function of their values, and a text summary.

Moving a control redraws the plot at once (no new measurement: that is what a ``RunButton`` is for). The figure is
a plain matplotlib ``Figure`` (no pyplot, no global state) rendered to a PNG on a white background, so it reads the
same in JupyterLab's light and dark themes, and tests can look at ``explorer.figure``'s data.

Most of a redraw's time is matplotlib drawing what does not change (axes, ticks, labels, legends). An explorer
given ``static(values)`` (a key naming everything the plot draws that is *not* marked animated) draws that part once
per key, keeps its pixels, and on a move draws only the artists the draw function marked ``set_animated(True)`` (a
cursor line, a marker, a title that shows a value) over them: Agg blitting. Two ways to get the animated artists:

- without ``update``: ``draw`` builds a new figure every time as usual (so ``explorer.figure`` is always fresh), and
  only its animated artists are rendered, over the kept background of the same key;
- with ``update(figure, values)``: the figure drawn for a key is kept, and ``update`` brings its animated artists up
  to date (new data, new text): no figure is built at all on a move.

A new key (another function chosen, new axis limits) draws everything again. The key must cover every non-animated
thing that depends on the values; ``blit_matches_full_render`` (used by the tests) checks that a blitted image is the
image a full render of a figure drawn afresh for the same values gives. ``full_draws`` counts the full renders.
"""

from __future__ import annotations

import io
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

Values = Mapping[str, Any]
Draw = Callable[[Figure, Values], None]
Summary = Callable[[Values], str]
Static = Callable[[Values], Hashable]
Update = Callable[[Figure, Values], None]

_WIDE = {"description_width": "initial"}


def slider(label: str, unit: str, *, value: float, min: float, max: float, step: float = 1) -> widgets.ValueWidget:
    """A keyboard-usable slider whose label names its unit ("Memory (MB)"); integers give an ``IntSlider``."""
    integral = all(float(x).is_integer() for x in (value, min, max, step))
    kind = widgets.IntSlider if integral else widgets.FloatSlider
    cast = int if integral else float
    description = f"{label} ({unit})" if unit else label
    return kind(value=cast(value), min=cast(min), max=cast(max), step=cast(step), description=description,
                style=_WIDE, continuous_update=False, layout=widgets.Layout(width="32em"))


def choice(label: str, options: Sequence[Any], *, value: Any) -> widgets.ValueWidget:
    """A labelled drop-down (keyboard-usable: arrows and type-ahead)."""
    return widgets.Dropdown(options=list(options), value=value, description=label, style=_WIDE)


def toggle(label: str, *, value: bool) -> widgets.ValueWidget:
    """A labelled check box."""
    return widgets.Checkbox(value=value, description=label, style=_WIDE, indent=False)


def round_limit(value: float, *, up: bool = True, steps: Sequence[float] = (1.0, 2.0, 5.0)) -> float:
    """The nearest round number (one of ``steps`` times a power of ten) at or above ``value`` (``up``), or at or
    below it: an axis limit that stays put while the data moves a little, so that a blitting explorer's key (see
    above) seldom changes. ``value`` must be positive (1.0 otherwise)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    candidates = [step * power * scale for scale in (0.1, 1.0, 10.0) for step in steps]
    tolerance = value * 1e-9
    if up:
        return min(candidate for candidate in candidates if candidate >= value - tolerance)
    return max(candidate for candidate in candidates if candidate <= value + tolerance)


def animated_artists(figure: Figure) -> list[Artist]:
    """The artists a full draw leaves out (``set_animated(True)``), in the order a full draw would paint them."""
    found = []
    for axes in figure.axes:
        found += sorted((a for a in axes.get_children() if a.get_animated()), key=lambda artist: artist.zorder)
    found += [a for a in figure.get_children() if a.get_animated() and not isinstance(a, Axes)]
    return found


def png_of(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's pixels as PNG bytes (a fast zlib level: the image is sent once and thrown away)."""
    width, height = canvas.get_width_height(physical=True)
    buffer = io.BytesIO()
    Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buffer, format="png", compress_level=1)
    return buffer.getvalue()


def blit_matches_full_render(explorer: Explorer, *, tolerance: float = 0.002) -> bool:
    """Whether the explorer's last image (blitted) is the image a full render of a figure drawn afresh for the same
    values gives, but for at most ``tolerance`` of the pixels (anti-aliased edges where an animated artist now lies
    over, not under, another). A key that misses something, or an ``update`` that forgets an artist, fails it."""
    blitted = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB"), dtype=int)
    figure = Figure(figsize=explorer._figsize, dpi=explorer._dpi, facecolor="white")
    explorer._draw(figure, explorer.values())
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_figure(buffer, format="png")  # saving draws the animated artists too
    full = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"), dtype=int)
    if blitted.shape != full.shape:
        return False
    differs = np.abs(blitted - full).max(axis=2) > 48
    return float(differs.mean()) <= tolerance


class _Background:
    """The pixels of a figure drawn without its animated artists, and (with ``update``) the figure itself."""

    def __init__(self, figure: Figure, canvas: FigureCanvasAgg) -> None:
        self.figure, self.canvas = figure, canvas
        canvas.draw()
        self.pixels = canvas.copy_from_bbox(figure.bbox)


def option_values(control: widgets.ValueWidget) -> list[Any]:
    """The values a drop-down's options stand for (its ``options`` may be labels or ``(label, value)`` pairs)."""
    return [option[1] if isinstance(option, tuple) and len(option) == 2 else option for option in control.options]


def moves(control: widgets.ValueWidget) -> list[Any]:
    """The values a learner moves a control through, ending where it started: a drop-down's every other option, a
    check box's other state, a slider's low, middle and high ends (on its step)."""
    start = control.value
    if getattr(control, "options", None) is not None:
        return [value for value in option_values(control) if value != start] + [start]
    if isinstance(start, bool):
        return [not start, start]
    low, high = control.min, control.max
    middle = type(start)((low + high) / 2)
    if isinstance(start, int):
        middle = low + (middle - low) // control.step * control.step
    return [value for value in (low, middle, high) if value != start] + [start]


class Explorer:
    """Controls plus a plot: ``draw(figure, values)`` and ``summary(values)`` are pure functions of the controls'
    values (and of whatever measurements they closed over). ``static`` and ``update`` make moves cheap (blitting:
    see the module's docstring)."""

    BACKGROUNDS = 4  # kept per explorer: a learner going back to the function they had chosen draws nothing again

    def __init__(self, title: str, controls: Mapping[str, widgets.ValueWidget], draw: Draw, *,
                 summary: Summary | None = None, figsize: tuple[float, float] = (8.0, 3.6), dpi: int = 90,
                 extra: Sequence[widgets.Widget] = (), static: Static | None = None,
                 update: Update | None = None) -> None:
        if update is not None and static is None:
            raise ValueError("update needs static: the key of the figure it updates")
        self.title = title
        self.controls = dict(controls)
        self._draw = draw
        self._summary = summary
        self._static = static
        self._update = update
        self._backgrounds: OrderedDict[Hashable, _Background] = OrderedDict()
        self.full_draws = 0
        self._figsize = figsize
        self._dpi = dpi
        self._extra = list(extra)
        self.figure = Figure(figsize=figsize, dpi=dpi, facecolor="white")
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.caption = widgets.HTML()
        self.last_redraw_s = 0.0
        self.redraws = 0
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self._prepare_choices()
        self.redraw()

    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values: Any) -> None:
        """Set several controls at once, as a learner would one by one (each change redraws)."""
        for name, value in values.items():
            self.controls[name].value = value

    def redraw(self) -> float:
        """Draw the plot and the summary for the current values; returns the seconds it took."""
        started = time.perf_counter()
        values = self.values()
        if self._static is None:
            figure = Figure(figsize=self._figsize, dpi=self._dpi, facecolor="white")
            self._draw(figure, values)
            canvas = FigureCanvasAgg(figure)
            canvas.draw()
            self.full_draws += 1
            self.figure = figure
            self.image.value = png_of(canvas)
        else:
            self.image.value = self._blit(values)
        if self._summary is not None:
            self.caption.value = f"<p>{self._summary(values)}</p>"
        self.redraws += 1
        self.last_redraw_s = time.perf_counter() - started
        return self.last_redraw_s

    def _prepare_choices(self) -> None:
        """Draw ahead the backgrounds a drop-down's other options need (as many as are kept), so that choosing one
        blits like any other move: the full renders happen when the cell runs, not when the learner clicks."""
        if self._static is None:
            return
        current = self.values()
        keys = {self._static(current)}
        for name, control in self.controls.items():
            if not isinstance(control, widgets.Dropdown):
                continue
            for value in option_values(control):
                values = {**current, name: value}
                key = self._static(values)
                if key in keys or len(keys) >= self.BACKGROUNDS:
                    continue
                keys.add(key)
                self._blit(values)

    def forget_backgrounds(self) -> None:
        """Draw everything again on the next redraw (call it when what ``draw`` closed over changes, e.g. new runs)."""
        self._backgrounds.clear()

    def _blit(self, values: Values) -> bytes:
        key = self._static(values)  # type: ignore[misc]
        background = self._backgrounds.get(key)
        if background is not None and self._update is not None:
            figure, canvas = background.figure, background.canvas
            self._update(figure, values)
        else:
            figure = Figure(figsize=self._figsize, dpi=self._dpi, facecolor="white")
            self._draw(figure, values)
            canvas = FigureCanvasAgg(figure)
            if background is None:
                background = _Background(figure, canvas)
                self.full_draws += 1
            else:
                background.figure, background.canvas = figure, canvas
        self._backgrounds[key] = background
        self._backgrounds.move_to_end(key)
        while len(self._backgrounds) > self.BACKGROUNDS:
            self._backgrounds.popitem(last=False)
        renderer = canvas.get_renderer()
        canvas.restore_region(background.pixels)
        for axes in figure.axes:
            axes.viewLim  # noqa: B018 (applies pending autoscaling before artists are drawn alone)
        for artist in animated_artists(figure):
            artist.draw(renderer)
        self.figure = figure
        return png_of(canvas)

    def view(self) -> widgets.Widget:
        """The widget to display: the title, the controls, any extra widgets (a run button), the plot, the summary."""
        heading = widgets.HTML(f"<b>{self.title}</b>")
        return widgets.VBox([heading, *self.controls.values(), *self._extra, self.image, self.caption])

    def _changed(self, _change: Mapping[str, Any]) -> None:
        self.redraw()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view()._repr_mimebundle_(**kwargs)


class RunButton:
    """A button that starts new real runs, with a progress bar; ``work(progress)`` calls ``progress(done, total)``
    and returns the result, which goes to ``on_done``. A failure is shown beside the button, never raised."""

    def __init__(self, label: str, work: Callable[[Callable[[int, int], None]], Any],
                 on_done: Callable[[Any], None]) -> None:
        self.button = widgets.Button(description=label, layout=widgets.Layout(width="auto"))
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="", layout=widgets.Layout(width="16em"))
        self.status = widgets.Label("")
        self._work = work
        self._on_done = on_done
        self.button.on_click(lambda _button: self.run())

    def run(self) -> Any:
        """Run the work now (what a click does); returns its result, or None if it failed."""
        self.button.disabled = True
        self.status.value = "running..."
        started = time.perf_counter()
        try:
            result = self._work(self._report)
        except Exception as error:  # shown to the learner, not raised into the widget's event loop
            self.status.value = f"failed: {type(error).__name__}: {error}"
            return None
        finally:
            self.button.disabled = False
        self._on_done(result)
        self.status.value = f"done in {time.perf_counter() - started:.1f} s"
        return result

    def view(self) -> widgets.Widget:
        """The button, its progress bar and its status."""
        return widgets.HBox([self.button, self.progress, self.status])

    def _report(self, done: int, total: int) -> None:
        self.progress.max = max(1, total)
        self.progress.value = min(done, self.progress.max)
