"""The instructors' solutions, loaded from instructor/solutions.py."""

import importlib.util
from pathlib import Path

import pytest

SOLUTIONS_FILE = Path(__file__).resolve().parents[3] / "instructor" / "solutions.py"


@pytest.fixture(scope="session")
def solutions():
    spec = importlib.util.spec_from_file_location("instructor_solutions", SOLUTIONS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
