"""Notebook 09's explorers: each control redraws its plot from the model (and from measurements, where given)."""

from __future__ import annotations

import numpy as np

from helpers import aws_facts
from helpers.lambda_service.telemetry import INVOCATION, THROTTLE, TelemetryEvent
from helpers.observe.timeline import timeline
from helpers.simulate.agreement import Counts
from helpers.simulate.bursts import BurstSettings
from helpers.widgets import concurrency


def test_littles_law_moves_the_point_and_the_title():
    explorer = concurrency.littles_law_explorer(quota=20)
    first = explorer.image.value
    explorer.controls["rate"].value += 1  # what the browser test's ArrowRight does
    assert explorer.image.value != first
    axes = explorer.figure.axes[0]
    point = [line for line in axes.lines if len(line.get_xdata()) == 1][0]
    assert (point.get_xdata()[0], point.get_ydata()[0]) == (21, 10.5)
    assert "10.5 concurrent" in axes.get_title()
    explorer.set(rate=100, duration=400)
    assert "40 concurrent" in explorer.figure.axes[0].get_title() and "more than" in explorer.caption.value


def _bar_heights(explorer):
    return [patch.get_height() for patch in explorer.figure.axes[0].patches]


def test_the_burst_explorer_draws_the_model_and_the_measurement():
    measured = {BurstSettings(20, None, 0, 30): Counts(invocations=30, cold_starts=20, warm=0, provisioned=0,
                                                       throttles={aws_facts.THROTTLE_ACCOUNT: 10})}
    explorer = concurrency.quota_explorer(measured)
    heights = _bar_heights(explorer)
    assert heights[:6] == [20, 0, 0, 0, 10, 0] and heights[6:] == [20, 0, 0, 0, 10, 0]  # model, then measured
    assert "measured here and modelled" in explorer.figure.axes[0].get_title()
    explorer.set(reserved=10, provisioned=5)
    assert _bar_heights(explorer) == [5, 0, 5, 20, 0, 0]  # the model alone: not measured
    assert "Run it for real" in explorer.figure.axes[0].get_title()
    explorer.set(quota=1000, reserved="none", provisioned=0, burst=3000)
    assert _bar_heights(explorer) == [1000, 0, 0, 0, 2000, 0]
    assert "beyond a laptop" in explorer.figure.axes[0].get_title()
    explorer.set(quota=20, reserved=20)
    assert "AWS refuses" in explorer.figure.axes[0].texts[0].get_text()


def test_the_run_button_measures_and_redraws():
    calls = []

    def run_real(settings, progress):
        calls.append(settings)
        progress(1, 1)
        return Counts(invocations=settings.burst, cold_starts=7, warm=0, provisioned=0)

    explorer = concurrency.quota_explorer({}, run_real)
    explorer.set(burst=7)
    button = explorer.view().children[5].children[0]
    button.click()
    assert calls == [BurstSettings(20, None, 0, 7)]
    assert _bar_heights(explorer)[6] == 7 and "Measured here" in explorer.caption.value


def test_the_scaling_explorer_shows_the_quota_then_the_scaling_rate():
    explorer = concurrency.scaling_explorer()
    assert "ConcurrentInvocationLimitExceeded" in explorer.caption.value
    top = explorer.figure.axes[0]
    assert max(top.lines[1].get_ydata()) == 1000  # concurrency flat at the quota
    explorer.set(quota=3000)
    assert "FunctionInvocationRateLimitExceeded" in explorer.caption.value
    assert max(explorer.figure.axes[0].lines[1].get_ydata()) >= 1500  # 5,000/s x 0.3 s, reached at 100 a second
    explorer.set(provisioned=1500)
    assert "throttled: none" in explorer.caption.value
    assert "Modelled" in explorer.figure.axes[0].get_title()


def test_the_streams_explorer():
    explorer = concurrency.streams_explorer()
    assert "falls behind" in explorer.caption.value
    explorer.set(factor=3)
    assert "6 concurrent" in explorer.caption.value and "keeps up" in explorer.caption.value
    assert np.all(explorer.figure.axes[0].lines[1].get_ydata() == 0)


def test_the_timeline_and_the_agreement_pictures():
    events = [TelemetryEvent(1.1, INVOCATION, "fn", "$LATEST", duration_ms=1000, init_ms=100, environment="a"),
              TelemetryEvent(0.2, THROTTLE, "fn", "$LATEST", reason=aws_facts.THROTTLE_ACCOUNT)]
    figure = concurrency.timeline_figure(timeline(events), "one", predicted=1)
    assert "measured here" in figure.axes[0].get_title()
    assert concurrency.png(figure).startswith(b"\x89PNG")
    counts = Counts(invocations=30, cold_starts=20, warm=0, provisioned=0, throttles={aws_facts.THROTTLE_ACCOUNT: 10})
    figure = concurrency.agreement_figure([("burst", counts, counts)])
    heights = [patch.get_height() for patch in figure.axes[0].patches]
    assert heights == [20, 0, 0, 0, 10, 0] * 2
    assert [text.get_text() for text in figure.axes[0].get_legend().get_texts()] == ["modelled", "measured here"]


def test_benchmark_explorers():
    assert len(concurrency.benchmark_explorers()) == 4
