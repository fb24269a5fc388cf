"""The explorer every widget is made of: controls redraw the plot from a pure function; the run button reports."""

import pytest

from helpers.widgets.explorer import Explorer, RunButton, blit_matches_full_render, choice, round_limit, slider, toggle


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


def _cursor(figure, values):
    """A static curve (its key: the curve's height) and an animated cursor and title (the position)."""
    axes = figure.add_subplot()
    axes.plot([0, 10], [0, values["height"]], label="static")
    axes.axvline(values["at"], color="red", animated=True)
    axes.set_xlim(0, 10)
    axes.set_title(f"at {values['at']}", animated=True)


def _move_cursor(figure, values):
    axes = figure.axes[0]
    axes.lines[1].set_xdata([values["at"], values["at"]])
    axes.title.set_text(f"at {values['at']}")


def _controls():
    return {"height": slider("Height", "m", value=2, min=0, max=10), "at": slider("At", "m", value=1, min=0, max=10)}


def test_a_static_key_draws_the_background_once_and_blits_the_animated_artists():
    explorer = Explorer("t", _controls(), _cursor, static=lambda values: values["height"])
    first_figure = explorer.figure
    explorer.controls["at"].value = 6
    assert explorer.figure is not first_figure  # a new figure each move: it always holds the current data
    assert list(explorer.figure.axes[0].lines[1].get_xdata()) == [6, 6]
    assert explorer.figure.axes[0].get_title() == "at 6"
    assert explorer.full_draws == 1 and explorer.redraws == 2  # the background was drawn once
    assert bytes(explorer.image.value).startswith(b"\x89PNG") and blit_matches_full_render(explorer)
    explorer.controls["height"].value = 9  # the static part changed: drawn again
    assert explorer.full_draws == 2 and blit_matches_full_render(explorer)
    assert list(explorer.figure.axes[0].lines[0].get_ydata()) == [0, 9]


def test_update_reuses_the_figure_and_a_new_key_draws_a_new_one():
    explorer = Explorer("t", _controls(), _cursor, static=lambda values: values["height"], update=_move_cursor)
    figure, before = explorer.figure, explorer.image.value
    explorer.controls["at"].value = 8
    assert explorer.figure is figure and explorer.full_draws == 1
    assert list(figure.axes[0].lines[1].get_xdata()) == [8, 8] and explorer.image.value != before
    assert blit_matches_full_render(explorer)
    explorer.controls["height"].value = 5
    assert explorer.figure is not figure and explorer.full_draws == 2 and blit_matches_full_render(explorer)
    explorer.controls["height"].value = 2  # back to a kept background: its figure, updated to the cursor's place
    assert explorer.figure is figure and explorer.full_draws == 2
    assert explorer.figure.axes[0].get_title() == "at 8" and blit_matches_full_render(explorer)


@pytest.mark.parametrize("update", [None, _move_cursor])
def test_a_wrong_key_is_caught_by_the_full_render_check(update):
    explorer = Explorer("t", _controls(), _cursor, static=lambda values: "always the same", update=update)
    explorer.controls["height"].value = 10  # the curve changed but the key did not: a stale background
    assert not blit_matches_full_render(explorer)
    explorer.forget_backgrounds()
    explorer.redraw()
    assert blit_matches_full_render(explorer)


def test_update_needs_a_key():
    with pytest.raises(ValueError):
        Explorer("t", _controls(), _cursor, update=_move_cursor)


def test_round_limits_stay_put_while_the_data_moves_a_little():
    assert [round_limit(value) for value in (0.3, 1.0, 1150, 1725, 2070)] == [0.5, 1.0, 2000, 2000, 5000]
    assert round_limit(1150, steps=(1.0, 1.2, 1.5, 2.0)) == 1200 and round_limit(0) == 1.0
    assert [round_limit(value, up=False) for value in (0.03, 7.0, 1999)] == [0.02, 5.0, 1000]
