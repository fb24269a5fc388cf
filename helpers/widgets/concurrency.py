"""Notebook 09's widgets and pictures: Little's law, a real run as one row per execution environment, a burst
against the account's quota (modelled, and measured here where a laptop can run it), scaling at AWS scale (the
model), and stream concurrency (the model). Each draws pure functions from ``helpers.simulate`` and
``helpers.observe`` over measurements made before: moving a control never invokes anything.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers import aws_facts
from helpers.observe.timeline import INIT, Timeline
from helpers.simulate import littles_law, streams
from helpers.simulate.agreement import Counts
from helpers.simulate.bursts import NO_RESERVATION, BurstSettings, modelled, parse_reserved, refusal
from helpers.simulate.results import ACCOUNT_LIMIT, RESERVED_LIMIT, SCALING_LIMIT, THROTTLED
from helpers.simulate.spike import QUIET_S, SPIKE_S, spike_result

from .explorer import Explorer, RunButton, choice, round_limit, slider

MEASURED, MODELLED = "measured here", "modelled"
COLOURS = {"init": "#e69f00", "busy": "#0072b2", "idle": "#bbbbbb", "provisioned": "#009e73",
           RESERVED_LIMIT: "#cc3311", ACCOUNT_LIMIT: "#ee7733", SCALING_LIMIT: "#aa3377"}
SHORT_REASON = {RESERVED_LIMIT: "429 Reserved...LimitExceeded", ACCOUNT_LIMIT: "429 ConcurrentInvocationLimitExceeded",
                SCALING_LIMIT: "429 FunctionInvocationRateLimitExceeded"}


def png(figure: Figure) -> bytes:
    """A figure as PNG bytes (white background)."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def show(figure: Figure) -> Any:
    """A figure for a notebook cell to display."""
    from IPython.display import Image

    return Image(png(figure))


# ---------------------------------------------------------------------------------------------- 1. Little's law

def littles_law_explorer(quota: int = 20) -> Explorer:
    """Rate and duration -> concurrent executions (Little's law), beside the lesson's quota. Pure arithmetic."""
    controls = {"rate": slider("Requests", "per second", value=20, min=1, max=200),
                "duration": slider("Duration", "ms", value=500, min=50, max=3000, step=50)}

    def static(values: Mapping[str, Any]) -> float:
        """The y limit (rounded up, so that it stays put over most moves): all else on the plot is redrawn per move."""
        needed = littles_law.concurrency_needed(values["rate"], values["duration"] / 1000)
        return round_up(max(quota * 1.6, needed * 1.15, 1))

    def draw(figure: Figure, values: Mapping[str, Any]) -> None:
        rate, duration_s = values["rate"], values["duration"] / 1000
        needed = littles_law.concurrency_needed(rate, duration_s)
        axes = figure.add_subplot()
        rates = np.linspace(0, 200, 201)
        axes.plot(rates, rates * duration_s, color=COLOURS["busy"], label=f"concurrency at {values['duration']} ms",
                  animated=True)
        axes.axhline(quota, color=COLOURS[ACCOUNT_LIMIT], linestyle="--", label=f"lesson quota ({quota})")
        axes.plot([rate], [needed], "o", color="black", markersize=8, animated=True)
        axes.annotate(f"{needed:g}", (rate, needed), textcoords="offset points", xytext=(8, 6), animated=True)
        axes.set_xlim(0, 200)
        axes.set_ylim(0, static(values))
        axes.set_xlabel("requests per second")
        axes.set_ylabel("concurrent executions")
        axes.set_title(f"{rate} /s x {duration_s:g} s = {needed:g} concurrent executions (arithmetic)", y=1.0,
                       animated=True)
        axes.legend(loc="upper left", fontsize=8).set_animated(True)
        figure.subplots_adjust(left=0.09, right=0.97, top=0.9, bottom=0.16)

    def summary(values: Mapping[str, Any]) -> str:
        rate, duration_s = values["rate"], values["duration"] / 1000
        needed = littles_law.environments_needed(rate, duration_s)
        verdict = ("fits in" if needed <= quota else "is more than")
        return (f"{rate} requests a second, each busy {duration_s:g} s, keep about {needed} execution environments "
                f"busy, which {verdict} the lesson quota of {quota}. At that quota the most this function can serve "
                f"is {littles_law.max_rate(quota, duration_s):g} requests a second.")

    return Explorer("Little's law: concurrency = requests per second x duration", controls, draw, summary=summary,
                    static=static)


# ---------------------------------------------------------------------------------------------- 2. a real run

def timeline_figure(timeline: Timeline, title: str, *, predicted: float | None = None) -> Figure:
    """One row per execution environment (init, busy, idle), throttles marked above them, and the executions in
    flight below. Measured here: every bar is a real invocation's REPORT figures."""
    rows = max(len(timeline.environments), 1)
    figure = Figure(figsize=(9, 2.2 + 0.16 * rows), dpi=90, facecolor="white")
    grid = figure.add_gridspec(2, 1, height_ratios=[max(rows, 4) * 0.16 + 0.6, 1.0], hspace=0.08)
    axes = figure.add_subplot(grid[0])
    end = timeline.end * 1.02 + 0.01
    first = {}
    for segment in timeline.segments:
        first.setdefault(segment.row, segment.start)
    for row, start in first.items():
        axes.broken_barh([(start, end - start)], (row - 0.08, 0.16), color=COLOURS["idle"])
    for kind in (INIT, "busy"):
        chosen = [segment for segment in timeline.segments if segment.kind == kind]
        for provisioned in (False, True):
            bars = [s for s in chosen if s.provisioned == provisioned]
            if not bars:
                continue
            colour = COLOURS["provisioned"] if provisioned and kind == "busy" else COLOURS[kind]
            for segment in bars:
                axes.broken_barh([(segment.start, segment.end - segment.start)], (segment.row - 0.38, 0.76),
                                 facecolor=colour, edgecolor="white", linewidth=0.8)  # back-to-back ones apart
    reasons = sorted({mark.reason for mark in timeline.throttles})
    for reason in reasons:
        times = [mark.time for mark in timeline.throttles if mark.reason == reason]
        axes.plot(times, [-1.0] * len(times), "x", color=COLOURS.get(reason, "black"), markersize=7)
    axes.set_ylim(rows - 0.4, -1.7)
    axes.set_yticks([-1] + list(range(rows)))
    axes.set_yticklabels(["throttled"] + [f"env {index + 1}" for index in range(rows)], fontsize=7)
    axes.set_xlim(0, end)
    axes.tick_params(labelbottom=False)
    handles = [_patch(COLOURS["init"], "init (cold start)"), _patch(COLOURS["busy"], "busy"),
               _patch(COLOURS["idle"], "idle (warm)")]
    if any(segment.provisioned for segment in timeline.segments):
        handles.append(_patch(COLOURS["provisioned"], "busy, provisioned"))
    handles += [_cross(COLOURS.get(reason, "black"), SHORT_REASON.get(reason, reason)) for reason in reasons]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    axes.set_title(f"{title} (measured here)", fontsize=10)
    below = figure.add_subplot(grid[1], sharex=axes)
    times = np.linspace(0, end, 400)
    below.step(times, timeline.in_flight(times), where="post", color="black", label="in flight (measured here)")
    if predicted is not None:
        below.axhline(predicted, color=COLOURS["busy"], linestyle="--", label=f"Little's law: {predicted:g}")
    below.set_xlabel("seconds")
    below.set_ylabel("in flight", fontsize=8)
    below.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    figure.subplots_adjust(left=0.08, right=0.72, top=0.92, bottom=0.12)
    return figure


def _patch(colour: str, label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(color=colour, label=label)


def _cross(colour: str, label: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], marker="x", linestyle="", color=colour, label=label)


# ---------------------------------------------------------------------------------------------- 3. the quota

CATEGORIES = ("cold starts", "warm", "provisioned", RESERVED_LIMIT, ACCOUNT_LIMIT, SCALING_LIMIT)
CATEGORY_COLOURS = ("#e69f00", "#0072b2", "#009e73", "#cc3311", "#ee7733", "#aa3377")
RESERVED_CHOICES = (NO_RESERVATION, 0, 1, 2, 5, 10, 15, 18, 20, 50, 100, 200, 500, 900)


@lru_cache(maxsize=512)
def _modelled(settings: BurstSettings) -> Counts:
    return modelled(settings)


def counts_by_category(counts: Counts) -> list[int]:
    """A burst's counts in ``CATEGORIES`` order."""
    return [counts.cold_starts, counts.warm, counts.provisioned,
            *(counts.throttles.get(reason, 0) for reason in CATEGORIES[3:])]


def settings_of(values: Mapping[str, Any]) -> BurstSettings:
    return BurstSettings(quota=int(values["quota"]), reserved=parse_reserved(values["reserved"]),
                         provisioned=int(values["provisioned"]), burst=int(values["burst"]))


def quota_explorer(measured: dict[BurstSettings, Counts] | None = None,
                   run_real: Callable[[BurstSettings, Callable[[int, int], None]], Counts] | None = None) -> Explorer:
    """Quota, reservation, provisioned concurrency and a burst -> what is served and what is throttled (by Reason).
    Modelled always; measured here too for settings in ``measured`` (``run_real`` adds them: a Run button)."""
    cache = measured if measured is not None else {}
    controls = {"quota": slider("Account quota", "concurrent executions", value=20, min=10, max=1000, step=10),
                "reserved": choice("Reserved concurrency", RESERVED_CHOICES, value=NO_RESERVATION),
                "provisioned": slider("Provisioned concurrency", "environments", value=0, min=0, max=200),
                "burst": slider("Burst", "requests at once", value=30, min=1, max=3000)}

    def static(values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The background's key: a refusal (the whole plot), else whether measured bars stand beside the model's
        and the y limit, rounded up so that it stays put over most moves (bars, counts and title move alone)."""
        settings = settings_of(values)
        problem = refusal(settings)
        if problem is not None:
            return ("refused", problem)
        model = counts_by_category(_modelled(settings))
        return ("bars", settings in cache, round_up(max(max(model), 1) * 1.18))

    def draw(figure: Figure, values: Mapping[str, Any]) -> None:
        settings = settings_of(values)
        axes = figure.add_subplot()
        problem = refusal(settings)
        if problem is not None:
            axes.text(0.5, 0.5, "AWS refuses these settings:\n" + problem, ha="center", va="center", wrap=True,
                      fontsize=10, color=COLOURS[RESERVED_LIMIT], transform=axes.transAxes)
            axes.set_axis_off()
            axes.set_title(f"{settings.burst} requests at once: not configurable", y=1.0, animated=True)
            return
        model = counts_by_category(_modelled(settings))
        positions = np.arange(len(CATEGORIES))
        colours = CATEGORY_COLOURS
        real = cache.get(settings)
        width = 0.4 if real is not None else 0.7
        offset = -width / 2 if real is not None else 0.0
        axes.bar(positions + offset, model, width, color=colours, alpha=0.45, hatch="//", edgecolor="black",
                 label=MODELLED, animated=True)
        if real is not None:
            axes.bar(positions + width / 2, counts_by_category(real), width, color=colours, edgecolor="black",
                     label=MEASURED, animated=True)
        for x, value in zip(positions + offset, model):
            axes.annotate(str(value), (x, value), ha="center", va="bottom", fontsize=8, animated=True)
        axes.set_xticks(positions)
        axes.set_xticklabels(["cold\nstarts", "warm", "provi-\nsioned", "429\nReserved...", "429\nConcurrent...",
                              "429\nFunctionInvo-\ncationRate..."], fontsize=8)
        axes.set_ylabel("requests")
        axes.set_ylim(0, static(values)[2])
        where = "measured here and modelled" if real is not None else (
            "modelled (press Run it for real)" if settings.laptop_sized else "modelled (beyond a laptop)")
        axes.set_title(f"{settings.burst} at once, quota {settings.quota}: {where}", fontsize=10, y=1.0,
                       animated=True)
        axes.legend(fontsize=8, loc="upper right")
        figure.subplots_adjust(left=0.09, right=0.97, top=0.9, bottom=0.16)

    def summary(values: Mapping[str, Any]) -> str:
        settings = settings_of(values)
        if refusal(settings) is not None:
            return "Change a setting: AWS would answer InvalidParameterValueException."
        counts = _modelled(settings)
        served = counts.cold_starts + counts.warm + counts.provisioned
        minimum = aws_facts.minimum_unreserved(settings.quota)
        pool = settings.quota - (settings.reserved or 0)
        text = (f"Model: {served} served ({counts.cold_starts} cold starts, {counts.provisioned} on provisioned "
                f"environments), {sum(counts.throttles.values())} throttled. Unreserved pool: {pool} "
                f"(the minimum unreserved at this quota is {minimum}).")
        if settings in cache:
            text += " Measured here: the solid bars."
        elif not settings.laptop_sized:
            text += " Too big for a laptop: the model alone."
        return text

    extra: list[Any] = []
    explorer_ref: list[Explorer] = []
    if run_real is not None:
        def work(progress: Callable[[int, int], None]) -> tuple[BurstSettings, Counts] | None:
            settings = settings_of(explorer_ref[0].values())
            if refusal(settings) is not None or not settings.laptop_sized:
                raise ValueError("only configurable bursts of at most 40 requests at a quota of at most 50 run here")
            return settings, run_real(settings, progress)

        def done(result: tuple[BurstSettings, Counts]) -> None:
            cache[result[0]] = result[1]
            explorer_ref[0].redraw()

        extra.append(RunButton("Run it for real", work, done).view())
    explorer = Explorer("A burst against the quota: served, throttled (by Reason), cold starts", controls, draw,
                        summary=summary, extra=extra, static=static)
    explorer_ref.append(explorer)
    return explorer


def agreement_figure(pairs: Sequence[tuple[str, Counts, Counts]]) -> Figure:
    """Each burst's counts side by side, the model's (hatched) and the ones measured here (solid): where the bars
    are the same height, model and measurement agree."""
    figure = Figure(figsize=(9, 3.4), dpi=90, facecolor="white")
    axes_list = figure.subplots(1, max(len(pairs), 1), sharey=True, squeeze=False)[0]
    positions = np.arange(len(CATEGORIES))
    labels = ["cold", "warm", "prov.", "429\nRes.", "429\nConc.", "429\nRate"]
    for axes, (name, model, real) in zip(axes_list, pairs):
        axes.bar(positions - 0.2, counts_by_category(model), 0.4, color=CATEGORY_COLOURS, alpha=0.45, hatch="//",
                 edgecolor="black", label=MODELLED)
        axes.bar(positions + 0.2, counts_by_category(real), 0.4, color=CATEGORY_COLOURS, edgecolor="black",
                 label=MEASURED)
        axes.set_xticks(positions)
        axes.set_xticklabels(labels, fontsize=7)
        axes.set_title(name, fontsize=8)
    axes_list[0].set_ylabel("requests")
    axes_list[0].legend(fontsize=7, loc="upper center")
    figure.suptitle("The same bursts, modelled (hatched) and measured here (solid)", fontsize=10)
    figure.subplots_adjust(left=0.07, right=0.98, top=0.82, bottom=0.17, wspace=0.08)
    return figure


# ---------------------------------------------------------------------------------------------- 4. AWS scale

BINS = np.arange(0, QUIET_S + SPIKE_S + 0.5, 0.5)
ROUND = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)  # round y limits, fine enough to leave little blank


def round_up(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of ten) at least ``value``."""
    return round_limit(value, steps=ROUND)


def scaling_explorer() -> Explorer:
    """A spike to thousands of requests a second at AWS scale, in the scale model: concurrency over time against
    Little's law's need, the quota and provisioned concurrency, and the throttles by Reason."""
    controls = {"peak": slider("Spike", "requests per second", value=5000, min=500, max=6000, step=500),
                "duration": slider("Duration", "ms", value=300, min=50, max=1000, step=50),
                "quota": slider("Account quota", "concurrent executions", value=1000, min=1000, max=10000, step=500),
                "provisioned": slider("Provisioned concurrency", "environments", value=0, min=0, max=3000,
                                      step=100)}

    def throttles(values: Mapping[str, Any]) -> list[tuple[str, np.ndarray]]:
        """429s per second in half-second bins, stacked, for each Reason that occurs."""
        requests = spike_result(values["peak"], values["duration"], values["quota"], values["provisioned"]).requests
        throttled = requests.outcome == THROTTLED
        found = []
        for code, reason in ((1, RESERVED_LIMIT), (2, ACCOUNT_LIMIT), (3, SCALING_LIMIT)):
            chosen = requests.arrival[throttled & (requests.reason == code)]
            if chosen.size:
                found.append((reason, np.histogram(chosen, BINS)[0] * 2.0))  # per second
        return found

    def static(values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The background's key: the axes' limits (rounded up to a round number, so that most moves keep them),
        whether provisioned environments are drawn, and which Reasons the lower legend lists."""
        need = littles_law.concurrency_needed(values["peak"], values["duration"] / 1000)
        found = throttles(values)
        most = float(np.sum([counts for _, counts in found], axis=0).max()) if found else 0.0
        return (round_up(max(need, values["quota"]) * 1.15), round_up(most * 1.05) if most else None,
                bool(values["provisioned"]), tuple(reason for reason, _ in found))

    def draw(figure: Figure, values: Mapping[str, Any]) -> None:
        result = spike_result(values["peak"], values["duration"], values["quota"], values["provisioned"])
        series = result.series
        top_limit, bottom_limit, _, _ = static(values)
        top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
        need = littles_law.concurrency_needed(values["peak"], values["duration"] / 1000)
        top.plot([QUIET_S, QUIET_S + SPIKE_S], [need, need], color="grey", linestyle=":",
                 label=f"needed (Little's law): {need:g}", animated=True)
        top.plot(series.time, series.concurrent, color=COLOURS["busy"], label="concurrent executions", animated=True)
        top.axhline(values["quota"], color=COLOURS[ACCOUNT_LIMIT], linestyle="--", label=f"quota {values['quota']}",
                    animated=True)
        if values["provisioned"]:
            top.plot(series.time, series.provisioned_busy + series.provisioned_idle, color=COLOURS["provisioned"],
                     label="provisioned environments", animated=True)
        top.set_ylabel("executions")
        top.set_ylim(0, top_limit)
        top.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False).set_animated(True)
        top.set_title("Modelled (helpers.simulate): no laptop runs thousands of environments", fontsize=10, y=1.0)
        stacked = np.zeros(len(BINS) - 1)
        for reason, counts in throttles(values):
            bottom.stairs(stacked + counts, BINS, baseline=stacked.copy(), fill=True, color=COLOURS[reason],
                          label=SHORT_REASON[reason], animated=True)
            stacked += counts
        bottom.set_ylabel("429s per s")
        bottom.set_xlabel("seconds")
        if bottom_limit is not None:
            bottom.set_ylim(0, bottom_limit)
            bottom.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        figure.subplots_adjust(left=0.1, right=0.68, top=0.9, bottom=0.13, hspace=0.1)

    def summary(values: Mapping[str, Any]) -> str:
        result = spike_result(values["peak"], values["duration"], values["quota"], values["provisioned"])
        totals = result.totals
        reasons = ", ".join(f"{count:,} {reason}" for reason, count in totals.throttles.items()) or "none"
        return (f"Model: {totals.served:,} of {totals.invocations:,} requests served, {totals.cold_starts:,} cold "
                f"starts, peak {totals.peak_concurrency:,} concurrent; throttled: {reasons}.")

    return Explorer("A spike at AWS scale (modelled)", controls, draw, summary=summary, figsize=(9.0, 4.0), dpi=80,
                    static=static)


# ---------------------------------------------------------------------------------------------- 5. streams

def streams_explorer() -> Explorer:
    """Shards and ParallelizationFactor -> concurrent batches, and the backlog when records arrive faster than
    they are processed (the model: the workbook's poller runs one batch per shard)."""
    controls = {"shards": slider("Shards", "", value=2, min=1, max=16),
                "factor": slider("ParallelizationFactor", "batches per shard", value=1, min=1, max=10),
                "incoming": slider("Records arriving", "per second", value=1000, min=100, max=5000, step=100)}
    batch_size, batch_s = 100, 0.5

    def draw(figure: Figure, values: Mapping[str, Any]) -> None:
        axes = figure.add_subplot()
        times = np.linspace(0, 60, 121)
        shown = ((1, ":"), (values["factor"], "-")) if values["factor"] > 1 else ((1, "-"),)
        for factor, style in shown:
            capacity = streams.records_per_second(values["shards"], factor, batch_size, batch_s)
            axes.plot(times, streams.iterator_age_s(values["incoming"], capacity, times), linestyle=style,
                      color=COLOURS["busy"] if style == "-" else "grey",
                      label=f"factor {factor}: {streams.concurrent_batches(values['shards'], factor)} concurrent "
                            f"batches, {capacity:g} records/s", animated=True)
        axes.set_xlabel("seconds")
        axes.set_ylabel("IteratorAge (s)")
        axes.set_xlim(0, 60)  # fixed limits: nothing but the curves, the legend and the title changes
        axes.set_ylim(0, 60)
        axes.set_title(f"{values['shards']} shards, batches of {batch_size} taking {batch_s} s (modelled)",
                       fontsize=10, y=1.0, animated=True)
        axes.legend(fontsize=8, loc="upper left").set_animated(True)
        figure.subplots_adjust(left=0.09, right=0.97, top=0.9, bottom=0.16)

    def summary(values: Mapping[str, Any]) -> str:
        capacity = streams.records_per_second(values["shards"], values["factor"], batch_size, batch_s)
        keeps_up = "keeps up" if capacity >= values["incoming"] else "falls behind: IteratorAge grows"
        return (f"{streams.concurrent_batches(values['shards'], values['factor'])} concurrent executions at most; "
                f"{capacity:g} records a second against {values['incoming']} arriving: the mapping {keeps_up}.")

    return Explorer("Streams: one batch per shard, times ParallelizationFactor (modelled)", controls, draw,
                    summary=summary, static=lambda values: None)  # fixed axes: curves, legend and title blitted


# ---------------------------------------------------------------------------------------------- the benchmark

def benchmark_explorers() -> list[Explorer]:
    """Every explorer of notebook 09, over small recorded inputs (one burst measured as the notebook does)."""
    recorded = {BurstSettings(20, None, 0, 30): Counts(invocations=30, cold_starts=20, warm=0, provisioned=0,
                                                       throttles={ACCOUNT_LIMIT: 10})}
    return [littles_law_explorer(), quota_explorer(recorded), scaling_explorer(), streams_explorer()]
