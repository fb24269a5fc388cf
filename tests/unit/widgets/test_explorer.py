"""The explorer every widget is made of: controls redraw the plot from a pure function; the run button reports."""

from helpers.widgets.explorer import Explorer, RunButton, choice, slider, toggle


def _line(figure, values):
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, values["height"]])


def test_moving_a_slider_redraws_the_plot_with_the_new_value():
    explorer = Explorer("t", {"height": slider("Height", "m", value=2, min=0, max=10)}, _line,
                        summary=lambda v: f"height {v['height']} m")
    first = explorer.image.value
    explorer.controls["height"].value = 7
    assert list(explorer.figure.axes[0].lines[0].get_ydata()) == [0, 7]
    assert explorer.image.value != first and bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.caption.value == "<p>height 7 m</p>"
    assert explorer.redraws == 2 and explorer.last_redraw_s > 0


def test_labels_carry_units_and_kinds_follow_values():
    assert slider("Memory", "MB", value=128, min=128, max=3008, step=64).description == "Memory (MB)"
    assert type(slider("Rate", "req/s", value=0.5, min=0, max=1, step=0.1)).__name__ == "FloatSlider"
    assert choice("Strategy", ["cost", "speed"], value="cost").value == "cost"
    assert toggle("Cold starts only", value=False).value is False


def test_set_and_view():
    explorer = Explorer("t", {"height": slider("Height", "m", value=2, min=0, max=10)}, _line)
    explorer.set(height=3)
    assert explorer.values() == {"height": 3}
    assert len(explorer.view().children) == 4


def test_run_button_reports_progress_and_hands_over_the_result():
    got = []

    def work(progress):
        for i in range(3):
            progress(i + 1, 3)
        return "measured"

    button = RunButton("Run", work, got.append)
    assert button.run() == "measured" and got == ["measured"]
    assert (button.progress.value, button.progress.max) == (3, 3) and button.status.value.startswith("done")


def test_a_failing_run_is_shown_not_raised():
    def work(progress):
        raise RuntimeError("no luck")

    button = RunButton("Run", work, lambda r: None)
    assert button.run() is None
    assert "RuntimeError: no luck" in button.status.value and not button.button.disabled
