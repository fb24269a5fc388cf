"""helpers/widgets/cold_starts.py: the widget's callbacks redraw from the model and the measured points."""

from __future__ import annotations

import pytest

from helpers.observe.cold_start_phases import Bar, Phase
from helpers.observe.cold_start_runs import Sample
from helpers.simulate import cold_start_model as model
from helpers.widgets import cold_starts


def test_memory_explorer_redraws_when_a_learner_moves_the_slider_and_switches_work():
    runs = cold_starts._recorded_runs()
    explorer = cold_starts.memory_explorer(runs)
    explorer.set(work="boto3 lazily, on first use", memory=128)
    (axes,) = explorer.figure.axes
    calibration = cold_starts.calibrations(runs)["boto3 lazily, on first use"]
    init_line, first_line = axes.lines[:2]
    assert list(first_line.get_ydata()) == pytest.approx(model.curve(calibration, cold_starts.MEMORY_AXIS)[1])
    assert len(set(init_line.get_ydata())) == 1  # init: flat
    marker = axes.collections[-1].get_offsets()
    assert marker[1][0] == 128 and marker[1][1] == pytest.approx(model.first_duration_ms(calibration, 128))
    measured = axes.collections[1].get_offsets()
    assert sorted(point[0] for point in measured) == [128, 1769]
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "measured here" in legend[3] and "modelled" in legend[1]
    explorer.controls["memory"].value = 3008
    assert axes is not explorer.figure.axes[0]
    assert explorer.figure.axes[0].collections[-1].get_offsets()[0][0] == 3008
    assert "3,008 MB" in explorer.caption.value and "1.0 x" in explorer.caption.value


def test_the_run_button_adds_measured_points():
    runs = cold_starts._recorded_runs()
    extra = [run for run in cold_starts._recorded_runs() if run.work == "no imports"]
    more = [type(run)(run.work, Sample(True, run.sample.init_ms, run.sample.duration_ms, run.sample.measured_ms,
                                       run.sample.cpu_ms, 512, 0.0)) for run in extra[:1]]
    explorer = cold_starts.memory_explorer(runs, measure_more=lambda progress: more)
    explorer.set(work="no imports")
    button = explorer._extra[0].children[0]
    button.click()
    offsets = explorer.figure.axes[0].collections[0].get_offsets()
    assert 512 in [point[0] for point in offsets]
    assert runs[-1] is more[0]  # the notebook's list grows too: exercise 3's check sees what the widget shows


def test_static_figures_hold_the_data_they_were_given():
    phases = [Phase("a", 10.0, "stamps"), Phase("b", 5.0, "import timing")]
    figure = cold_starts.phases_figure(phases, 14.0, [Bar("import x", 0.0, 3.0, "your imports")])
    timeline = figure.axes[0]
    assert [patch.get_width() for patch in timeline.patches] == [10.0, 5.0, 14.0]
    runs = cold_starts._recorded_runs()
    agreement = cold_starts.agreement_figure(runs)
    assert len(agreement.axes[0].collections) == 3
    points = cold_starts.agreement_points(runs)
    lazy_128 = next(p for p in points if p[0] == "boto3 lazily, on first use" and p[1] == 128)
    from_1769 = model.Calibration(105.0, 640.0, 415.0)  # the other run of that work
    assert lazy_128[2] == pytest.approx(model.first_duration_ms(from_1769, 128))
    sample = Sample(True, 100.0, 5.0, 1.0, 1.0, 128, 110.0)
    experiments = cold_starts.experiments_figure({"t": {"a": ([sample], [sample]), "b": ([sample], [])}})
    assert experiments.axes[0].get_title() == "t"
    runtimes = cold_starts.runtimes_figure({"Python": [80.0, 90.0]}, model.PUBLISHED_INITS)
    assert len(runtimes.axes[0].get_yticklabels()) == 1 + len(model.PUBLISHED_INITS)
    assert cold_starts.png(figure).data.startswith(b"\x89PNG")


def test_benchmark_explorers():
    explorers = cold_starts.benchmark_explorers()
    assert len(explorers) == 1 and explorers[0].redraw() < 5
