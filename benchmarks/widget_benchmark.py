"""Slider to plot: how long each notebook widget takes to redraw when a learner moves one of its controls.

Each notebook's widget module (``helpers/widgets/<topic>.py``) offers ``benchmark_explorers()``: its explorers,
built over measurements as the notebook caches them. For every control of every explorer, this moves the control
through a few values (a slider: low, middle, high; a drop-down: each option) as a learner would, and times the
change from setting ``.value`` to the new PNG being ready. Target: <= 150 ms per move.

Machines differ (and a busy one is slower), so the run first times a baseline on the same machine: a one-line
matplotlib plot rendered to PNG (median of 10), and gives each widget's median as a multiple of it ("x baseline"):
a figure readers can compare across machines.

    python benchmarks/widget_benchmark.py
"""

from __future__ import annotations

import importlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.widgets.explorer import moves  # noqa: E402 (after the repository is on the path)

TOPICS = ("cold_starts", "concurrency", "cost")
TARGET_MS = 150.0


def baseline_ms(repeats: int = 10) -> float:
    """Median milliseconds to draw a one-line plot on a new figure and render it to PNG, as a widget would."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    times = []
    for index in range(repeats + 1):
        started = time.perf_counter()
        figure = Figure(figsize=(8.0, 3.6), dpi=90, facecolor="white")
        figure.add_subplot().plot([0, 1], [0, index])
        FigureCanvasAgg(figure).print_png(io.BytesIO())
        if index:  # the first warms matplotlib's caches
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def time_explorer(explorer) -> list[float]:
    """Milliseconds per move, over every move of every control."""
    times = []
    for control in explorer.controls.values():
        for value in moves(control):
            started = time.perf_counter()
            control.value = value
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    worst, timed = 0.0, 0
    baseline = baseline_ms()
    print(f"baseline: a one-line matplotlib plot to PNG takes {baseline:.1f} ms here (median of 10)")
    print(f"{'widget':<58} {'moves':>5} {'median ms':>10} {'max ms':>8} {'x baseline':>10}")
    for topic in TOPICS:
        try:
            module = importlib.import_module(f"helpers.widgets.{topic}")
        except ModuleNotFoundError as missing:
            print(f"{topic}: not built yet ({missing})")
            continue
        for explorer in module.benchmark_explorers():
            explorer.redraw()  # the first draw warms matplotlib's caches, as the notebook's own display does
            times = time_explorer(explorer)
            worst, timed = max(worst, max(times)), timed + 1
            name = f"{topic}: {explorer.title}"[:58]
            median = statistics.median(times)
            print(f"{name:<58} {len(times):>5} {median:>10.1f} {max(times):>8.1f} {median / baseline:>10.2f}")
    if not timed:
        print("no widget to time yet")
        return 1
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"slowest move {worst:.1f} ms; target <= {TARGET_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
