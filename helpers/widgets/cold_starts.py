"""Notebook 08's plots and its widget: a cold start phase by phase, the experiments side by side, runtimes, and
memory size x init work -> Init Duration and first-invoke Duration (measured here and modelled, labelled).

The plots are drawn on plain matplotlib ``Figure`` objects by pure functions of measurements the notebook made
(``helpers.observe.cold_start_runs``, ``helpers.observe.cold_start_phases``) and of the model
(``helpers.simulate.cold_start_model``); ``png`` turns one into an image for the notebook.
"""

from __future__ import annotations

import io
import statistics
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from helpers.observe.cold_start_phases import AFTER, INTERPRETER, MODULE_CODE, RUNTIME, YOUR_IMPORTS, Bar, Phase
from helpers.observe.cold_start_runs import MemoryRun, Sample
from helpers.simulate import cold_start_model as model

from .explorer import Explorer, RunButton, choice, slider

MEASURED = "measured here"
MODELLED = "modelled"
COLOURS = {INTERPRETER: "#9ecae1", RUNTIME: "#4292c6", YOUR_IMPORTS: "#fd8d3c", MODULE_CODE: "#d94801",
           AFTER: "#6baed6"}
MEMORY_AXIS = [128, 192, 256, 384, 512, 768, 1024, 1536, 1769, 2048, 3008, 4096, 6144, 8192, 10240]


def png(figure: Figure) -> Any:
    """The figure as an image the notebook displays (white background: light and dark themes)."""
    from IPython.display import Image

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return Image(data=buffer.getvalue(), format="png")


# --------------------------------------------------------------------------------------- section 1: the phases

def phases_figure(phases: Sequence[Phase], init_duration_ms: float, waterfall: Sequence[Bar]) -> Figure:
    """Left: the cold start as the caller lived it, phase by phase, with REPORT's Init Duration under it. Right: the
    import waterfall of the same init (Python's own timing)."""
    figure = Figure(figsize=(11, 4.6), dpi=90, facecolor="white")
    timeline, imports = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    start = 0.0
    palette = ["#bdbdbd", COLOURS[INTERPRETER], COLOURS[RUNTIME], COLOURS[YOUR_IMPORTS], COLOURS[MODULE_CODE],
               "#969696", "#31a354", "#d9d9d9"]
    for phase, colour in zip(phases, palette):
        timeline.barh(1, phase.ms, left=start, color=colour, edgecolor="white",
                      label=f"{phase.label} ({phase.ms:.0f} ms)")
        start += phase.ms
    timeline.barh(0, init_duration_ms, left=0, color="#756bb1",
                  label=f"Init Duration, REPORT ({init_duration_ms:.0f} ms)")
    timeline.set_yticks([0, 1], ["REPORT", "measured\nphases"])
    timeline.set_xlabel("milliseconds since the invoke call (measured here)")
    timeline.set_title("One cold start, phase by phase")
    handles, labels = timeline.get_legend_handles_labels()
    for index, bar in enumerate(waterfall):
        imports.barh(len(waterfall) - index, bar.duration_ms, left=bar.start_ms, color=COLOURS.get(bar.group, "grey"))
        imports.text(bar.start_ms + bar.duration_ms + 0.5, len(waterfall) - index,
                     f"{bar.label}  {bar.duration_ms:.1f} ms", va="center", fontsize=7)
    imports.set_yticks([])
    imports.set_xlabel("ms, laid end to end (the time between imports is left out)")
    imports.set_title("The init, import by import (PYTHONPROFILEIMPORTTIME)", fontsize=10)
    right = max((bar.start_ms + bar.duration_ms for bar in waterfall), default=1.0)
    imports.set_xlim(0, right * 1.9)
    figure.legend(handles, labels, fontsize=7, loc="lower center", ncol=3, frameon=False)
    figure.tight_layout(rect=(0, 0.2, 1, 1))
    return figure


# --------------------------------------------------------------------------------------- section 3: experiments

def experiments_figure(experiments: Mapping[str, Mapping[str, tuple[Sequence[Sample], Sequence[Sample]]]]) -> Figure:
    """One panel per experiment ({title: {variant: (cold samples, warm samples)}}): for each variant, the median
    cold start (Init Duration + first Duration, stacked) beside the median warm Duration; dots are the samples."""
    figure = Figure(figsize=(12, 3.6), dpi=90, facecolor="white")
    panels = figure.subplots(1, len(experiments), squeeze=False)[0]
    for axes, (title, variants) in zip(panels, experiments.items()):
        for position, (variant, (cold, warm)) in enumerate(variants.items()):
            init = statistics.median(s.init_ms or 0.0 for s in cold)
            first = statistics.median(s.duration_ms for s in cold)
            axes.bar(position - 0.18, init, 0.34, color="#756bb1", label="Init Duration" if position == 0 else None)
            axes.bar(position - 0.18, first, 0.34, bottom=init, color="#fd8d3c",
                     label="first Duration" if position == 0 else None)
            axes.scatter([position - 0.18] * len(cold), [s.first_response_ms for s in cold], s=8, color="black",
                         zorder=3)
            if warm:
                axes.bar(position + 0.18, statistics.median(s.duration_ms for s in warm), 0.34, color="#31a354",
                         label="warm Duration" if position == 0 else None)
                axes.scatter([position + 0.18] * len(warm), [s.duration_ms for s in warm], s=8, color="black",
                             zorder=3)
        axes.set_xticks(range(len(variants)), [textwrap.fill(name, 16) for name in variants], fontsize=7)
        axes.set_title(title, fontsize=9)
        axes.set_ylabel("ms (medians; dots: samples)", fontsize=7)
    panels[0].legend(fontsize=7)
    figure.suptitle("What makes init slow: each variant measured here (cold = Init + first Duration; warm = Duration)",
                    fontsize=10)
    figure.tight_layout()
    return figure


# --------------------------------------------------------------------------------------- section 5: runtimes

def runtimes_figure(measured: Mapping[str, Sequence[float]], published: Sequence[model.PublishedInit]) -> Figure:
    """Init Duration per runtime: bars measured here (dots: samples) above, AWS figures (not measured here) below."""
    figure = Figure(figsize=(9, 4.2), dpi=90, facecolor="white")
    axes = figure.add_subplot()
    labels: list[str] = []
    for name, samples in measured.items():
        y = len(labels)
        axes.barh(y, statistics.median(samples), color="#3182bd", label=MEASURED if y == 0 else None)
        axes.scatter(samples, [y] * len(samples), s=10, color="black", zorder=3)
        labels.append(f"{name} (here)")
    for index, entry in enumerate(published):
        y = len(labels)
        axes.barh(y, entry.high_ms, color="white", edgecolor="#969696", hatch="//",
                  label="on AWS, not measured here (grey: lowest average, hatched: up to the highest)"
                  if index == 0 else None)
        axes.barh(y, entry.low_ms, color="#d9d9d9", edgecolor="#969696")  # one figure: all grey
        labels.append(f"{entry.runtime} ({entry.source})")
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("Init Duration of a hello-world (ms)")
    axes.set_title("A hello-world's Init Duration: here, and on AWS (lambda-perf)", fontsize=10)
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


# --------------------------------------------------------------------------------------- section 4: the widget

def calibrations(runs: Sequence[MemoryRun]) -> dict[str, model.Calibration]:
    """Per kind of init work, the model's calibration from every cold start measured for it."""
    works: dict[str, list[tuple[float, float, float]]] = {}
    for run in runs:
        works.setdefault(run.work, []).append((run.sample.init_ms or 0.0, run.sample.measured_ms, run.sample.cpu_ms))
    return {work: model.calibrate(rows) for work, rows in works.items()}


def draw_memory(figure: Figure, values: Mapping[str, Any], runs: Sequence[MemoryRun]) -> None:
    """The widget's plot: for the chosen init work, Init Duration and the first invocation's Duration against
    memory, modelled (lines) and measured here (dots), with the chosen memory size marked. One axes, few ticks: a
    redraw stays fast."""
    work, memory = values["work"], values["memory"]
    calibration = calibrations(runs)[work]
    inits, firsts = model.curve(calibration, MEMORY_AXIS)
    measured = [run.sample for run in runs if run.work == work]
    axes = figure.add_subplot()
    axes.plot(MEMORY_AXIS, inits, color="#756bb1", label=f"Init Duration, {MODELLED} (init at full speed)")
    axes.plot(MEMORY_AXIS, firsts, color="#fd8d3c", label=f"first-invoke Duration, {MODELLED} (CPU model)")
    axes.scatter([s.memory_mb for s in measured], [s.init_ms for s in measured], color="#3f007d", zorder=3,
                 label=f"Init Duration, {MEASURED}")
    axes.scatter([s.memory_mb for s in measured], [s.duration_ms for s in measured], color="#7f2704", marker="s",
                 zorder=3, label=f"first-invoke Duration, {MEASURED} (REPORT)")
    init_here, first_here = model.init_ms(calibration, memory), model.first_duration_ms(calibration, memory)
    axes.axvline(memory, color="#969696", linestyle="--", linewidth=1, animated=True)  # animated: drawn per move
    axes.scatter([memory, memory], [init_here, first_here], marker="D", color="#de2d26", zorder=4,
                 label=f"{memory:,} MB: init {init_here:.0f} ms, first invoke {first_here:.0f} ms", animated=True)
    axes.set_xscale("log")
    axes.xaxis.set_minor_locator(NullLocator())  # no minor ticks: a redraw stays fast
    axes.set_xticks([128, 256, 512, 1024, 1769, 4096, 10240],
                    ["128", "256", "512", "1,024", "1,769", "4,096", "10,240"])
    axes.set_xlabel("memory (MB)")
    axes.set_ylabel("ms")
    axes.set_ylim(bottom=0)
    axes.set_title(f"{work}: measured here (dots) and modelled (lines)", fontsize=10)
    axes.legend(fontsize=7, loc="center right")  # the lines run low on the right: the legend hides none of them
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9)  # fixed: no layout pass
    axes.get_legend().set_animated(True)  # its last entry shows the memory: drawn per move, with the cursor


def memory_summary(values: Mapping[str, Any], runs: Sequence[MemoryRun]) -> str:
    calibration = calibrations(runs)[values["work"]]
    memory = values["memory"]
    first = model.first_duration_ms(calibration, memory)
    full = model.first_duration_ms(calibration, 1769)
    return (f"At {memory:,} MB ({model.vcpus(memory):.2f} vCPU for one thread): Init Duration "
            f"{model.init_ms(calibration, memory):.0f} ms, first invocation {first:.0f} ms "
            f"({first / full:.1f} x its time at 1,769 MB). Modelled from {sum(r.work == values['work'] for r in runs)} "
            f"cold start(s) measured here.")


MeasureMore = Callable[[Callable[[int, int], None]], Sequence[MemoryRun]]


def memory_explorer(runs: Sequence[MemoryRun], *, measure_more: MeasureMore | None = None) -> Explorer:
    """Memory size and init work -> Init Duration and first-invoke Duration. ``measure_more(progress)`` (optional)
    runs more real cold starts; its button adds them to the plot, and to ``runs`` itself when it is a list (so that
    a check given the notebook's list sees what the widget shows)."""
    cached = runs if isinstance(runs, list) else list(runs)
    works = list(dict.fromkeys(run.work for run in cached))
    controls = {"memory": slider("Memory", "MB", value=128, min=128, max=10240, step=64),
                "work": choice("Init work", works, value=works[0])}
    extra = []
    holder: dict[str, Explorer] = {}
    if measure_more is not None:
        def added(new_runs: Sequence[MemoryRun]) -> None:
            cached.extend(new_runs)
            holder["explorer"].redraw()
        extra.append(RunButton("Measure more memory sizes for real", measure_more, added).view())
    explorer = Explorer("Memory and init work -> Init Duration and first-invoke Duration", controls,
                        lambda figure, values: draw_memory(figure, values, cached),
                        summary=lambda values: memory_summary(values, cached), figsize=(9.0, 3.3), dpi=80,
                        extra=extra, static=lambda values: (values["work"], len(cached)))  # memory: blitted
    holder["explorer"] = explorer
    return explorer


def agreement_points(runs: Sequence[MemoryRun]) -> list[tuple[str, int, float, float]]:
    """(work, memory MB, modelled first Duration, measured REPORT Duration) for every cold start measured here, the
    model calibrated on the *other* runs of the same work, so that no point predicts itself."""
    points = []
    for run in runs:
        others = [other for other in runs if other.work == run.work and other is not run] or [run]
        calibration = calibrations(others)[run.work]
        points.append((run.work, run.sample.memory_mb, model.first_duration_ms(calibration, run.sample.memory_mb),
                       run.sample.duration_ms))
    return points


def agreement_figure(runs: Sequence[MemoryRun]) -> Figure:
    """Model and measurement where both run (``agreement_points``), against the line where they are equal."""
    figure = Figure(figsize=(5.2, 4.2), dpi=90, facecolor="white")
    axes = figure.add_subplot()
    points = agreement_points(runs)
    for work in dict.fromkeys(point[0] for point in points):
        mine = [point for point in points if point[0] == work]
        axes.scatter([p[2] for p in mine], [p[3] for p in mine], label=work, zorder=3)
    highest = max((max(p[2], p[3]) for p in points), default=1.0)
    axes.plot([0, highest * 1.1], [0, highest * 1.1], color="#969696", linestyle="--", label="model = measurement")
    axes.set_xlabel(f"{MODELLED}: first Duration (ms)")
    axes.set_ylabel(f"{MEASURED}: REPORT Duration (ms)")
    axes.set_title("Model and measurement, where both run", fontsize=10)
    axes.legend(fontsize=7)
    figure.tight_layout()
    return figure


def _recorded_runs() -> list[MemoryRun]:
    """A small recorded set (this module's benchmark input): figures of one run on a laptop, in the shapes the
    notebook measures them."""
    rows = [("no imports", 128, 95.0, 0.5, 0.3), ("no imports", 1769, 92.0, 0.4, 0.3),
            ("boto3 at module level", 128, 610.0, 160.0, 40.0), ("boto3 at module level", 1769, 600.0, 150.0, 38.0),
            ("boto3 lazily, on first use", 128, 110.0, 650.0, 420.0),
            ("boto3 lazily, on first use", 1769, 105.0, 640.0, 415.0)]
    runs = []
    for work, memory, init, wall, cpu in rows:
        duration = model.first_duration_ms(model.Calibration(init, wall, cpu), memory)
        runs.append(MemoryRun(work, Sample(True, init, duration, wall, cpu, memory, init + wall)))
    return runs


def benchmark_explorers() -> list[Explorer]:
    """Every explorer of notebook 08, over recorded inputs (for benchmarks/widget_benchmark.py)."""
    return [memory_explorer(_recorded_runs())]
