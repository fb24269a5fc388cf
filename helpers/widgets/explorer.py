"""An explorer: labelled controls, one plot drawn by a pure function of their values, and a text summary.

Moving a control redraws the plot at once (no new measurement: that is what a ``RunButton`` is for). The figure is
a plain matplotlib ``Figure`` (no pyplot, no global state) rendered to a PNG on a white background, so it reads the
same in JupyterLab's light and dark themes, and tests can look at ``explorer.figure``'s data.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

Values = Mapping[str, Any]
Draw = Callable[[Figure, Values], None]
Summary = Callable[[Values], str]

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


class Explorer:
    """Controls plus a plot: ``draw(figure, values)`` and ``summary(values)`` are pure functions of the controls'
    values (and of whatever measurements they closed over)."""

    def __init__(self, title: str, controls: Mapping[str, widgets.ValueWidget], draw: Draw, *,
                 summary: Summary | None = None, figsize: tuple[float, float] = (8.0, 3.6), dpi: int = 90,
                 extra: Sequence[widgets.Widget] = ()) -> None:
        self.title = title
        self.controls = dict(controls)
        self._draw = draw
        self._summary = summary
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
        figure = Figure(figsize=self._figsize, dpi=self._dpi, facecolor="white")
        self._draw(figure, values)
        canvas = FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        canvas.print_png(buffer)
        self.figure = figure
        self.image.value = buffer.getvalue()
        if self._summary is not None:
            self.caption.value = f"<p>{self._summary(values)}</p>"
        self.redraws += 1
        self.last_redraw_s = time.perf_counter() - started
        return self.last_redraw_s

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
