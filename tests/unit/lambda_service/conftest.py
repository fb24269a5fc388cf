"""Shared fixtures of the data plane's unit tests."""

import pytest

from helpers.clock import WorkbookClock


@pytest.fixture
def clock():
    """A workbook clock of its own, stopped after the test (a test module may override it, e.g. with a start)."""
    made = WorkbookClock()
    yield made
    made.stop()
