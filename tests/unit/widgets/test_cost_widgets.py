"""Notebook 10's widgets (helpers/widgets/cost.py), driven through their controls over recorded runs."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.observe.power_tuning import report_lines
from helpers.simulate import monthly_bill, servers
from helpers.simulate import power_tuning as pt
from helpers.widgets import cost


@pytest.fixture(scope="module")
def sample():
    return cost.load_sample_runs()


def test_memory_explorer_draws_real_runs_and_the_model(sample):
    explorer = cost.memory_explorer(sample["warm"])
    left, right = explorer.figure.axes
    labels = [line.get_label() for line in left.lines]
    assert any(label.startswith("modelled") for label in labels)
    assert "REPORT Duration of real runs" in labels and any(label.startswith("measured here") for label in labels)
    measured = next(line for line in left.lines if line.get_label() == "REPORT Duration of real runs")
    assert list(measured.get_xdata()) == sorted(sample["warm"]["cpu-bound"])
    # the CPU-bound function: slower at 128 MB than at 1,769 MB by several times, in REPORT and in the model
    durations = dict(zip(measured.get_xdata(), measured.get_ydata()))
    assert durations[128] > 4 * durations[1769]
    explorer.controls["memory"].value = 1024
    assert explorer.figure.axes[0].lines[-1].get_xdata()[0] == 1024  # the marker moved
    assert "Modelled at 1024 MB" in explorer.caption.value
    explorer.controls["function"].value = "io-bound"
    measured = next(line for line in explorer.figure.axes[0].lines
                    if line.get_label() == "REPORT Duration of real runs")
    io = dict(zip(measured.get_xdata(), measured.get_ydata()))
    assert io[128] < 2 * io[1769]  # waiting does not get faster with memory


def test_power_tuner_follows_the_tool_over_cached_runs(sample):
    tuner = cost.PowerTuner(sample["warm"], sample["cold"])
    explorer = tuner.explorer
    num = explorer.values()["num"]
    assert num == max(len(runs) for runs in sample["warm"]["cpu-bound"].values())  # every cached invocation
    expected = pt.tune(report_lines(sample["warm"]["cpu-bound"]), num=num, strategy="cost")
    assert f"picks <b>{expected.best.power} MB</b>" in explorer.caption.value
    axes = explorer.figure.axes[0]
    assert list(axes.lines[0].get_ydata()) == pytest.approx([item.duration for item in expected.stats])
    assert list(explorer.figure.axes[1].lines[0].get_ydata()) == pytest.approx(
        [item.cost * 1e6 for item in expected.stats])
    explorer.controls["num"].value = 5  # the first five of each value, as if the tool had run with num=5
    first_five = pt.tune(report_lines(sample["warm"]["cpu-bound"]), num=5)
    assert list(explorer.figure.axes[0].lines[0].get_ydata()) == pytest.approx(
        [item.duration for item in first_five.stats])
    explorer.controls["strategy"].value = "speed"
    fastest = pt.tune(report_lines(sample["warm"]["cpu-bound"]), num=5, strategy="speed").best.power
    assert f"picks <b>{fastest} MB</b>" in explorer.caption.value
    explorer.controls["128 MB"].value = False
    assert len(explorer.figure.axes[0].lines[0].get_xdata()) == len(sample["warm"]["cpu-bound"]) - 1
    explorer.controls["cold"].value = True
    title = explorer.figure.axes[0].get_title()
    cold_count = min(len(runs) for runs in sample["cold"]["cpu-bound"].values())
    assert "cold starts only" in title and f"{min(cold_count, 5)} invocations per value" in title  # those used
    explorer.controls["function"].value = "io-bound"
    assert "No cold-start runs" in explorer.caption.value  # none recorded for it: says so, no error
    explorer.controls["cold"].value = False
    explorer.set(strategy="balanced", weight=1.0)
    assert "balancedWeight 1" in explorer.caption.value


def test_power_tuner_button_runs_and_stores(sample):
    calls = []

    def tune_for_real(name, cold, num, progress):
        calls.append((name, cold, num))
        progress(1, 1)
        return {128: sample["warm"][name][128], 1769: sample["warm"][name][1769]}

    tuner = cost.PowerTuner(sample["warm"], None, tune_for_real)
    tuner.button.run()
    assert calls == [("cpu-bound", False, tuner.explorer.values()["num"])]
    assert sorted(tuner.warm["cpu-bound"]) == [128, 1769]
    assert len(tuner.explorer.figure.axes[0].lines[0].get_xdata()) == 2


def test_pricing_calculator_lines_are_the_bill():
    explorer = cost.pricing_explorer()
    bars = explorer.figure.axes[0].patches
    expected = monthly_bill.bill_lines(cost.workload_of(explorer.values()))
    assert sorted(bar.get_width() for bar in bars) == pytest.approx(sorted(usd for _, usd in expected[:-1]))
    assert f"${expected[-1][1]:,.2f}" in explorer.figure.axes[0].get_title()
    before = expected[-1][1]
    explorer.controls["init_billed"].value = False
    assert "INIT" not in explorer.caption.value
    explorer.controls["architecture"].value = "arm64"
    explorer.set(provisioned=5, provisioned_hours=730, provisioned_share=50)
    assert "provisioned concurrency" in explorer.caption.value
    assert "No free tier" not in explorer.caption.value
    explorer.controls["free_tier"].value = True  # ignored with provisioned concurrency, and the caption says so
    assert "No free tier" in explorer.caption.value and "free tier</td>" not in explorer.caption.value
    explorer.set(free_tier=True, provisioned=0, requests=0.5)
    assert "free tier" in explorer.caption.value
    assert monthly_bill.bill_lines(cost.workload_of(explorer.values()))[-1][1] < before


def test_servers_explorer_marks_the_break_even():
    explorer = cost.servers_explorer()
    rate = servers.break_even_rps(servers.server_named("EC2 t4g.small"), 100, 512)
    axes = explorer.figure.axes[0]
    assert any(line.get_label().startswith("break-even") and line.get_xdata()[0] == pytest.approx(rate)
               for line in axes.lines)
    assert "4.5" in explorer.caption.value
    explorer.controls["instances"].value = 2
    assert f"{2 * rate:.1f}"[:3] in explorer.caption.value
    explorer.controls["server"].value = "Fargate Arm 1 vCPU / 2 GB"
    lambda_line = explorer.figure.axes[0].lines[0]
    assert np.all(np.diff(lambda_line.get_ydata()) >= 0)  # more requests, more cost


def test_benchmark_explorers_build():
    assert len(cost.benchmark_explorers()) == 4
