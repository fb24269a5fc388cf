"""Notebook 10's widgets: memory against Duration and cost, the power tuner, the pricing calculator, and Lambda
against EC2 and Fargate.

Every plot is drawn from cached measurements (``helpers.observe.power_tuning.Run``: REPORT lines of real
invocations, with the wall and CPU time the engine measured) or from the dated prices, by pure functions of
``helpers.simulate`` (``memory_model``, ``power_tuning``, ``monthly_bill``, ``servers``). New real runs start from
the power tuner's button only. Each plot says what is measured here and what is modelled.
"""

from __future__ import annotations

import functools
import json
import statistics
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from helpers import aws_facts
from helpers.observe.power_tuning import Run, report_lines
from helpers.runtime.log_lines import parse_report
from helpers.simulate import memory_model, monthly_bill, servers
from helpers.simulate import power_tuning as pt

from .explorer import Explorer, RunButton, choice, round_limit, slider, toggle

Runs = Mapping[int, list[Run]]
MEASURED, MODELLED, BEST = "#1f77b4", "#ff7f0e", "#2ca02c"
SAMPLE_RUNS = Path(__file__).with_name("cost_sample_runs.json")

# ------------------------------------------------------------------------------------------- reading cached runs


def warm_runs(runs: Runs) -> dict[int, list[Run]]:
    """Each memory size's warm invocations (a cold one's first run in a new process is slower to warm up)."""
    return {memory: [run for run in found if not run.cold_start] or list(found) for memory, found in runs.items()}


def calibration_of(runs: Runs) -> memory_model.Calibration:
    """The model's calibration from every warm run: the CPU time and the wait measured here do not depend on the
    memory size (a full core at every size), so the medians over all of them are the steadiest estimate."""
    found = [run for runs_at in warm_runs(runs).values() for run in runs_at]
    return memory_model.calibrate([run.measured_ms for run in found], [run.cpu_ms for run in found])


def measured_points(runs: Runs) -> dict[str, np.ndarray]:
    """Per memory size (sorted): median REPORT Duration, median wall and CPU time measured here, and the cost per
    million invocations from the median Billed Duration."""
    sizes = sorted(runs)
    warm = warm_runs(runs)
    reports = {memory: [parse_report(run.report_line) for run in warm[memory]] for memory in sizes}
    return {
        "memory": np.array(sizes, dtype=float),
        "duration": np.array([statistics.median(r.duration_ms for r in reports[m]) for m in sizes]),
        "wall": np.array([statistics.median(run.measured_ms for run in warm[m]) for m in sizes]),
        "cpu": np.array([statistics.median(run.cpu_ms for run in warm[m]) for m in sizes]),
        "cost": np.array([memory_model.cost_per_million(statistics.median(r.billed_duration_ms for r in reports[m]), m)
                          for m in sizes]),
    }


# ------------------------------------------------------------------------------------------- memory buys CPU

MODEL_MEMORY = np.unique(np.concatenate([np.geomspace(128, 3008, 40).round(), [1769.0]]))


def memory_curves(runs: Runs) -> dict[str, Any]:
    """What the memory plot draws for one function: measured points, the calibration and the model's curves."""
    points = measured_points(runs)
    calibration = calibration_of(runs)
    model_duration = np.array([memory_model.duration_ms(calibration, int(m)) for m in MODEL_MEMORY])
    model_cost = np.array([memory_model.cost_per_million(d, int(m)) for d, m in zip(model_duration, MODEL_MEMORY)])
    return {"points": points, "calibration": calibration, "duration": model_duration, "cost": model_cost}


def draw_memory(figure: Figure, values: Mapping[str, Any], curves: Mapping[str, Any]) -> None:
    """Duration and cost per million against memory: REPORT lines of real runs, wall time measured here, and the
    CPU model calibrated on what was measured (``curves``: ``memory_curves`` of the chosen function)."""
    points = curves["points"]
    model_duration, model_cost = curves["duration"], curves["cost"]
    left, right = figure.subplots(1, 2)
    left.plot(MODEL_MEMORY, model_duration, color=MODELLED, label="modelled: wait + CPU / min(memory / 1,769, 1)")
    left.plot(points["memory"], points["duration"], "o", color=MEASURED, label="REPORT Duration of real runs")
    left.plot(points["memory"], points["wall"], "x", color="black", label="measured here: wall time (a full core)")
    right.plot(MODEL_MEMORY, model_cost, color=MODELLED, label="modelled")
    right.plot(points["memory"], points["cost"], "o", color=MEASURED, label="from real REPORT lines")
    for axes in (left, right):
        axes.set_xscale("log")
        axes.set_xticks([128, 256, 512, 1024, 1769, 3008], labels=["128", "256", "512", "1024", "1769", "3008"])
        axes.minorticks_off()
        axes.axvline(values["memory"], color="grey", linestyle="--", linewidth=1, animated=True)  # moves alone
        axes.set_xlabel("memory (MB)")
        axes.grid(alpha=0.3)
    left.set_yscale("log")
    left.minorticks_off()
    low, high = min(points["wall"].min(), model_duration.min()), max(points["duration"].max(), model_duration.max())
    ticks = [tick for tick in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if low / 2 <= tick <= high * 2]
    left.set_yticks(ticks, labels=[f"{tick:g}" for tick in ticks])
    left.set_ylabel("ms per invocation (median, warm)")
    left.set_title(f"{values['function']}: Duration", fontsize=10, y=1.0)  # y given: no title layout pass
    right.set_ylabel("$ per million invocations")
    right.set_ylim(bottom=0)
    right.set_title(f"{values['function']}: cost (x86, requests included)", fontsize=10, y=1.0)
    left.legend(fontsize=7, loc="upper right")
    right.legend(fontsize=7, loc="upper left")
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.25)


def move_memory(figure: Figure, values: Mapping[str, Any]) -> None:
    """The memory slider moves the two cursors (the last line of each axes) and nothing else."""
    for axes in figure.axes:
        axes.lines[-1].set_xdata([values["memory"], values["memory"]])


def memory_summary(values: Mapping[str, Any], curves: Mapping[str, Any]) -> str:
    calibration = curves["calibration"]
    memory = values["memory"]
    duration = memory_model.duration_ms(calibration, memory)
    full = memory_model.duration_ms(calibration, 1769)
    cost, full_cost = (memory_model.cost_per_million(duration, memory),
                       memory_model.cost_per_million(full, 1769))
    return (f"Modelled at {memory} MB: {duration:.1f} ms and ${cost:.2f} per million invocations "
            f"({duration / full:.1f} x the Duration at 1,769 MB, {cost / full_cost:.2f} x its cost). "
            f"Calibration (medians of every warm run measured here): {calibration.cpu_ms:.1f} ms of CPU, "
            f"{calibration.wait_ms:.1f} ms of waiting per invocation.")


def memory_explorer(sweeps: Mapping[str, Runs]) -> Explorer:
    """Memory against Duration and cost, for each function swept (real runs at a few sizes, the model throughout)."""
    controls = {"function": choice("Function", list(sweeps), value=next(iter(sweeps))),
                "memory": slider("Memory", "MB", value=128, min=128, max=3008, step=64)}
    curves = {name: memory_curves(runs) for name, runs in sweeps.items()}  # computed once: a redraw only draws
    return Explorer("Memory buys CPU: Duration and cost against memory", controls,
                    lambda figure, values: draw_memory(figure, values, curves[values["function"]]),
                    summary=lambda values: memory_summary(values, curves[values["function"]]), figsize=(10.0, 3.8),
                    static=lambda values: values["function"], update=move_memory)


# ------------------------------------------------------------------------------------------- the power tuner


class PowerTuner:
    """The power tuner's state: cached runs per function (warm and cold-starts-only) and the explorer over them."""

    def __init__(self, warm: Mapping[str, Runs], cold: Mapping[str, Runs] | None = None,
                 tune_for_real: Callable[[str, bool, int, Callable[[int, int], None]], Runs] | None = None) -> None:
        self.warm = {name: dict(runs) for name, runs in warm.items()}
        self.cold = {name: dict(runs) for name, runs in (cold or {}).items()}
        sizes = sorted({memory for runs in [*self.warm.values(), *self.cold.values()] for memory in runs})
        most = max(len(found) for runs in self.warm.values() for found in runs.values())
        self._most = max(most, pt.MIN_NUM)
        controls: dict[str, Any] = {"function": choice("Function", list(self.warm), value=next(iter(self.warm)))}
        controls |= {f"{memory} MB": toggle(f"{memory} MB", value=True) for memory in sizes}
        controls |= {"num": slider("Invocations per memory value (N)", "", value=most, min=pt.MIN_NUM,
                                   max=max(most, pt.MIN_NUM)),
                     "strategy": choice("Strategy", pt.STRATEGIES, value="cost"),
                     "weight": slider("balancedWeight (0 = speed, 1 = cost)", "", value=0.5, min=0.0, max=1.0,
                                      step=0.1),
                     "cold": toggle("Cold starts only (onlyColdStarts)", value=False)}
        extra = []
        self.button: RunButton | None = None
        if tune_for_real is not None:
            def work(progress: Callable[[int, int], None]) -> tuple[str, bool, Runs]:
                values = self.explorer.values()
                return values["function"], values["cold"], tune_for_real(values["function"], values["cold"],
                                                                         max(values["num"], pt.MIN_NUM), progress)
            self.button = RunButton("Run the power tuning again (real invocations)", work, self._store)
            extra = [self.button.view()]
        self.explorer = Explorer("Power tuning (AWS Lambda Power Tuning's rules)", controls, self.draw,
                                 summary=self.summary, figsize=(8.0, 3.8), extra=extra, static=self.static,
                                 update=self.update)

    def _store(self, result: tuple[str, bool, Runs]) -> None:
        name, cold, runs = result
        (self.cold if cold else self.warm)[name] = dict(runs)
        self.explorer.forget_backgrounds()  # new runs: new curves and limits
        self.explorer.redraw()

    def tuning(self, values: Mapping[str, Any]) -> pt.Tuning | str:
        """The tuning for the controls' values, or why there is none."""
        source = self.cold if values["cold"] else self.warm
        runs = source.get(values["function"])
        if not runs:
            return "No cold-start runs cached for this function: press the button to run them."
        chosen = {memory: lines for memory, lines in report_lines(runs).items() if values.get(f"{memory} MB")}
        if not chosen:
            return "Tick at least one memory value."
        try:
            return pt.tune(chosen, num=values["num"], strategy=values["strategy"], balanced_weight=values["weight"],
                           only_cold_starts=values["cold"])
        except pt.PowerTuningError as error:
            return str(error)

    def static(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """What the plot's background depends on: the runs shown, the memory values ticked, or why there is no plot.
        N, the strategy and its weight only move the curves, the star, the legend and the title (blitted)."""
        tuning = self.tuning(values)
        ticked = tuple(name for name, value in values.items() if name.endswith(" MB") and value)
        return values["function"], values["cold"], ticked, tuning if isinstance(tuning, str) else None

    def _limits(self, values: Mapping[str, Any]) -> tuple[float, float]:
        """Fixed y limits for a background: the highest average duration and cost at any N the slider offers."""
        top_duration, top_cost = 0.0, 0.0
        for num in range(pt.MIN_NUM, max(self._most, values["num"]) + 1):
            tuning = self.tuning({**values, "num": num})
            if not isinstance(tuning, str):
                top_duration = max([top_duration, *(item.duration for item in tuning.stats)])
                top_cost = max([top_cost, *(item.cost * 1e6 for item in tuning.stats)])
        return (top_duration or 1.0) * 1.08, (top_cost or 1.0) * 1.08

    @staticmethod
    def _star_label(tuning: pt.Tuning) -> str:
        return f"{tuning.strategy} picks {tuning.best.power} MB"

    def _title(self, values: Mapping[str, Any]) -> str:
        kind = "cold starts only" if values["cold"] else "warm and the first cold"
        tuning = self.tuning(values)
        used = values["num"] if isinstance(tuning, str) else min(item.invocations for item in tuning.stats)
        return (f"{values['function']}: {used} invocations per value ({kind}); measured here: REPORT lines, "
                "Duration by the CPU model")

    def draw(self, figure: Figure, values: Mapping[str, Any]) -> None:
        tuning = self.tuning(values)
        axes = figure.add_subplot()
        if isinstance(tuning, str):
            axes.text(0.5, 0.5, tuning, ha="center", va="center", wrap=True)
            axes.set_axis_off()
            return
        powers = [item.power for item in tuning.stats]
        positions = np.arange(len(powers))
        durations = [item.duration for item in tuning.stats]
        costs = [item.cost * 1e6 for item in tuning.stats]
        top_duration, top_cost = self._limits(values)
        duration_line, = axes.plot(positions, durations, "o-", color="#d62728", label="average duration (ms)",
                                   animated=True)
        axes.set_ylabel("average duration (ms)", color="#d62728")
        axes.set_xticks(positions, labels=[str(power) for power in powers])
        axes.set_xlabel("memory (MB)")
        axes.set_ylim(0, top_duration)
        twin = axes.twinx()
        cost_line, = twin.plot(positions, costs, "s-", color=MEASURED, label="average cost per million invocations ($)",
                               animated=True)
        twin.set_ylabel("$ per million invocations (duration only)", color=MEASURED)
        twin.set_ylim(0, top_cost)
        best = powers.index(tuning.best.power)
        star, = axes.plot([positions[best]], [durations[best]], "*", color=BEST, markersize=18,
                          label=self._star_label(tuning), animated=True)
        axes.legend(handles=[duration_line, cost_line, star], loc="upper center", fontsize=8).set_animated(True)
        axes.set_title(self._title(values), fontsize=9, y=1.0, animated=True)
        figure.subplots_adjust(left=0.1, right=0.88, bottom=0.14, top=0.9)

    def update(self, figure: Figure, values: Mapping[str, Any]) -> None:
        """N, the strategy or its weight moved: new averages, a new pick, a new title, on the same axes."""
        tuning = self.tuning(values)
        if isinstance(tuning, str):  # the message is the background itself (it is part of the key)
            return
        axes, twin = figure.axes
        duration_line, star = axes.lines
        durations = [item.duration for item in tuning.stats]
        duration_line.set_ydata(durations)
        twin.lines[0].set_ydata([item.cost * 1e6 for item in tuning.stats])
        best = [item.power for item in tuning.stats].index(tuning.best.power)
        star.set_data([best], [durations[best]])
        star.set_label(self._star_label(tuning))
        axes.get_legend().get_texts()[2].set_text(self._star_label(tuning))
        axes.title.set_text(self._title(values))

    def summary(self, values: Mapping[str, Any]) -> str:
        tuning = self.tuning(values)
        if isinstance(tuning, str):
            return tuning
        rows = "".join(f"<tr><td>{item.power} MB</td><td>{item.duration:.1f} ms</td>"
                       f"<td>${item.cost * 1e6:.3f}</td></tr>" for item in tuning.stats)
        weight = f" (balancedWeight {tuning.balanced_weight:g})" if tuning.strategy == "balanced" else ""
        return (f"Strategy <b>{tuning.strategy}</b>{weight} picks <b>{tuning.best.power} MB</b>. The tuning's own "
                f"invocations cost ${tuning.lambda_cost:.8f}.<table><tr><th>memory</th><th>average duration</th>"
                f"<th>$ per million (duration only, as the tool counts)</th></tr>{rows}</table>")


# ------------------------------------------------------------------------------------------- the pricing calculator


def workload_of(values: Mapping[str, Any]) -> monthly_bill.Workload:
    """The calculator's controls as a month's workload."""
    return monthly_bill.Workload(
        requests=round(values["requests"] * 1_000_000), duration_ms=values["duration"], memory_mb=values["memory"],
        architecture=values["architecture"], cold_start_share=values["cold"] / 100, init_ms=values["init"],
        init_billed=values["init_billed"], provisioned=values["provisioned"],
        provisioned_hours=values["provisioned_hours"], provisioned_share=values["provisioned_share"] / 100,
        ephemeral_mb=values["ephemeral"], free_tier=values["free_tier"])


def bill_static(values: Mapping[str, Any]) -> tuple[tuple[str, ...], float, float]:
    """The background's key: the bill's lines (the bars' names) and the x limits, rounded out so that they stay put
    over most moves (with room for the amounts' labels); the bars, their amounts and the title move alone."""
    items = monthly_bill.bill_lines(workload_of(values))[:-1]
    amounts = [usd for _, usd in items]
    low, high = min([0.0, *amounts]), max([0.0, *amounts])
    room = 0.25 * ((high - low) or 1.0)
    return (tuple(name for name, _ in items), -round_limit(room - low, up=True) if low < 0 else 0.0,
            round_limit(high + room, up=True))


def draw_bill(figure: Figure, values: Mapping[str, Any]) -> None:
    lines = monthly_bill.bill_lines(workload_of(values))
    items, total = lines[:-1], lines[-1][1]
    axes = figure.add_subplot()
    names = [name for name, _ in items][::-1]
    amounts = [usd for _, usd in items][::-1]
    colours = [BEST if usd < 0 else MODELLED for usd in amounts]
    axes.barh(names, amounts, color=colours, animated=True)
    for position, usd in enumerate(amounts):
        axes.annotate(f"${usd:,.2f}", (usd, position), xytext=(4 if usd >= 0 else -4, 0),
                      textcoords="offset points", va="center", ha="left" if usd >= 0 else "right", fontsize=8,
                      animated=True)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel("USD per month")
    _, low, high = bill_static(values)
    axes.set_xlim(low, high)
    axes.set_title(f"Modelled monthly bill: ${total:,.2f} (us-east-1 prices as of {aws_facts.CHECKED})",
                   fontsize=10, y=1.0, animated=True)
    figure.subplots_adjust(left=0.3, right=0.97, bottom=0.16, top=0.9)


def bill_summary(values: Mapping[str, Any]) -> str:
    workload = workload_of(values)
    rows = "".join(f"<tr><td>{name}</td><td style='text-align:right'>${usd:,.4f}</td></tr>"
                   for name, usd in monthly_bill.bill_lines(workload))
    usage = monthly_bill.usage(workload)
    no_free = " No free tier: a function with provisioned concurrency gets none." if (
        workload.free_tier and workload.provisioned) else ""
    return (f"{workload.requests:,} requests, {usage.billed_ms / 1000 * workload.memory_mb / 1024:,.0f} GB-s "
            f"on demand.{no_free}<table>{rows}</table>")


def pricing_explorer(defaults: Mapping[str, Any] | None = None) -> Explorer:
    """The pricing calculator: a month's traffic in, the bill line by line out."""
    start = {"requests": 10.0, "duration": 120, "memory": 512, "architecture": "x86_64", "cold": 1.0, "init": 400,
             "init_billed": True, "provisioned": 0, "provisioned_hours": 0, "provisioned_share": 0,
             "ephemeral": 512, "free_tier": False, **(defaults or {})}
    controls = {
        "requests": slider("Requests per month", "millions", value=start["requests"], min=0.0, max=100.0, step=0.5),
        "duration": slider("Average Duration", "ms", value=start["duration"], min=1, max=3000),
        "memory": slider("Memory", "MB", value=start["memory"], min=128, max=10240, step=64),
        "architecture": choice("Architecture", ["x86_64", "arm64"], value=start["architecture"]),
        "cold": slider("Cold starts", "% of on-demand requests", value=start["cold"], min=0.0, max=20.0, step=0.5),
        "init": slider("Init Duration", "ms", value=start["init"], min=0, max=3000, step=10),
        "init_billed": toggle("Bill INIT (the rule since 1 August 2025)", value=start["init_billed"]),
        "provisioned": slider("Provisioned concurrency", "environments", value=start["provisioned"], min=0, max=50),
        "provisioned_hours": slider("Provisioned concurrency enabled", "hours per month",
                                    value=start["provisioned_hours"], min=0, max=730, step=10),
        "provisioned_share": slider("Requests served by provisioned environments", "%",
                                    value=start["provisioned_share"], min=0, max=100, step=5),
        "ephemeral": slider("Ephemeral storage (/tmp)", "MB", value=start["ephemeral"], min=512, max=10240, step=512),
        "free_tier": toggle("Free tier (the account's whole month)", value=start["free_tier"]),
    }
    return Explorer("Pricing calculator: a month of one function", controls, draw_bill, summary=bill_summary,
                    figsize=(8.0, 3.2), static=bill_static)


# ------------------------------------------------------------------------------------------- Lambda against servers

RATES = np.geomspace(0.01, 1000, 120)
RATE_TICKS = (0.01, 0.1, 1, 10, 100, 1000)


@functools.lru_cache(maxsize=256)
def lambda_curve(duration: int, memory: int, architecture: str, free_tier: bool) -> tuple[float, ...]:
    """A month of Lambda at each of ``RATES`` (kept: moving the server controls does not recompute it)."""
    return tuple(servers.lambda_monthly_usd(rate, duration, memory, architecture, free_tier) for rate in RATES)


@functools.lru_cache(maxsize=256)
def break_even(server: str, duration: int, memory: int, architecture: str, instances: int, free_tier: bool) -> float:
    return servers.break_even_rps(servers.server_named(server), duration, memory, architecture, instances, free_tier)


@functools.lru_cache(maxsize=1)
def servers_y_limits() -> tuple[float, float]:
    """Fixed y limits for every setting the controls offer: from the cheapest Lambda month (1 ms at 128 MB, the
    lowest rate) to the dearest (2 s at 10,240 MB, the highest rate) and every server's month at 1 to 4 instances.
    Fixed, so that no move redraws the background: the curves move over it."""
    corners = [usd for duration in (1, 2000) for memory in (128, 10240) for arch in ("x86_64", "arm64")
               for usd in lambda_curve(duration, memory, arch, False) if usd > 0]
    months = [server.monthly_usd(count) for server in servers.SERVERS for count in (1, 4)]
    return round_limit(min(corners + months) / 1.5, up=False), round_limit(max(corners + months) * 1.5, up=True)


def servers_static(values: Mapping[str, Any]) -> str:
    """The background's key: one for every setting. The y limits are fixed (``servers_y_limits``) and every server's
    month is a grey line in it; the Lambda curve, the chosen server's line, the break-even and the legend move."""
    return "servers"


def draw_servers(figure: Figure, values: Mapping[str, Any]) -> None:
    duration, memory, arch = values["duration"], values["memory"], values["architecture"]
    chosen = servers.server_named(values["server"])
    lambda_usd = lambda_curve(duration, memory, arch, values["free_tier"])
    axes = figure.add_subplot()
    axes.plot(RATES, lambda_usd, color=MODELLED, linewidth=2, label=f"Lambda: {duration} ms at {memory} MB, {arch}",
              animated=True)
    for server in servers.SERVERS:
        axes.axhline(server.monthly_usd(), color="grey", linewidth=0.6, alpha=0.5)
    axes.axhline(chosen.monthly_usd(values["instances"]), color=MEASURED, linewidth=2,
                 label=f"{values['instances']} x {chosen.name} (${chosen.hourly_usd:.4f}/h, {chosen.checked})",
                 animated=True)
    rate = break_even(chosen.name, duration, memory, arch, values["instances"], values["free_tier"])
    if np.isfinite(rate):
        axes.axvline(rate, color=BEST, linestyle="--", label=f"break-even: {rate:.2f} requests/s", animated=True)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.minorticks_off()
    axes.set_xticks(RATE_TICKS, labels=[f"{tick:g}" for tick in RATE_TICKS])  # plain labels: no mathtext to render
    axes.set_xlim(RATES[0], RATES[-1])
    low, high = servers_y_limits()
    axes.set_ylim(low, high)
    usd_ticks = [10.0 ** power for power in range(-4, 8) if low <= 10.0 ** power <= high]
    axes.set_yticks(usd_ticks, labels=[f"${tick:,.0f}" if tick >= 1 else f"${tick:g}" for tick in usd_ticks])
    axes.set_xlabel("steady request rate (requests per second)")
    axes.set_ylabel("USD per month")
    axes.set_title("Modelled from dated prices (grey: every server, one instance each)", fontsize=10, y=1.0)
    axes.legend(fontsize=8, loc="upper left").set_animated(True)
    axes.grid(alpha=0.3)
    figure.subplots_adjust(left=0.13, right=0.97, bottom=0.13, top=0.91)


def servers_summary(values: Mapping[str, Any]) -> str:
    chosen = servers.server_named(values["server"])
    rate = break_even(chosen.name, values["duration"], values["memory"], values["architecture"], values["instances"],
                      values["free_tier"])
    if not np.isfinite(rate):
        return "Lambda stays cheaper at every rate on the plot."
    per_request = servers.lambda_cost_per_request(values["duration"], values["memory"], values["architecture"])
    return (f"Lambda costs ${per_request * 1e6:.3f} per million requests. Below {rate:.2f} requests per second "
            f"({rate * servers.SECONDS_PER_MONTH / 1e6:.1f} million a month, steady) it is cheaper than "
            f"{values['instances']} x {chosen.name} (${chosen.monthly_usd(values['instances']):.2f} a month); "
            f"at that rate Lambda runs about {rate * values['duration'] / 1000:.2f} environments at once.")


def servers_explorer() -> Explorer:
    """Lambda's monthly cost against an always-on server's, over the request rate."""
    controls = {
        "duration": slider("Duration", "ms", value=100, min=1, max=2000),
        "memory": slider("Memory", "MB", value=512, min=128, max=10240, step=64),
        "architecture": choice("Architecture", ["x86_64", "arm64"], value="x86_64"),
        "server": choice("Compare with", [server.name for server in servers.SERVERS], value="EC2 t4g.small"),
        "instances": slider("Server instances (peak, availability)", "", value=1, min=1, max=4),
        "free_tier": toggle("Free tier for Lambda", value=False),
    }
    return Explorer("Lambda against EC2 and Fargate: monthly cost at a steady rate", controls, draw_servers,
                    summary=servers_summary, figsize=(8.0, 3.8), static=servers_static)


# ------------------------------------------------------------------------------------------- benchmark


def load_sample_runs(path: Path = SAMPLE_RUNS) -> dict[str, dict[str, dict[int, list[Run]]]]:
    """Runs recorded once with the notebook's own calls (``run_power_tuning`` on ``cpu-bound`` and ``io-bound``, seven
    invocations at 128, 512, 1,024, 1,769 and 3,008 MB; cold starts only at three sizes), on 2026-12-06 on a busy
    two-core machine: for the benchmark and the widget tests, which need no local AWS."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {kind: {name: {int(memory): [Run(**run) for run in found] for memory, found in runs.items()}
                   for name, runs in functions.items()} for kind, functions in raw.items()}


def benchmark_explorers() -> list[Explorer]:
    """Every explorer of notebook 10, over recorded runs (``cost_sample_runs.json``)."""
    sample = load_sample_runs()
    return [memory_explorer(sample["warm"]), PowerTuner(sample["warm"], sample["cold"]).explorer,
            pricing_explorer(), servers_explorer()]
