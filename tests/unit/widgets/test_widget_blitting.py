"""Every notebook explorer that blits (``static=``) shows, after every move a learner can make, the image a full
render of its figure gives: its key covers everything it does not redraw on a move."""

from __future__ import annotations

import importlib

import pytest

from helpers.widgets.explorer import blit_matches_full_render, moves


@pytest.mark.parametrize("topic", ["cold_starts", "concurrency", "cost"])
def test_blitted_images_match_a_full_render_after_every_move(topic):
    module = importlib.import_module(f"helpers.widgets.{topic}")
    blitting = [explorer for explorer in module.benchmark_explorers() if explorer._static is not None]
    for explorer in blitting:
        assert blit_matches_full_render(explorer), explorer.title
        for name, control in explorer.controls.items():
            for value in moves(control):
                control.value = value
                assert blit_matches_full_render(explorer), (explorer.title, name, value)
        assert explorer.full_draws < explorer.redraws  # most moves drew only what moved
