"""helpers/exercises/welcome.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

import helpers
from helpers.exercises import welcome
from helpers.packaging import zip_files


def test_limits(solutions, capsys):
    assert welcome.check_limits(**solutions.WELCOME_LIMITS) is True
    assert welcome.check_limits(..., ..., ...) is False
    assert "Not answered yet" in capsys.readouterr().out
    assert welcome.check_limits(15, 10_240, 1_000) is False
    assert "15 minutes: how many seconds" in capsys.readouterr().out
    assert welcome.check_limits(900, ..., 1000) is False
    assert "max_memory_mb still to answer" in capsys.readouterr().out
    assert welcome.check_limits("900", None, object()) is False  # odd input: feedback, no exception


def test_greeter(solutions, deploy, capsys):
    assert welcome.check_greeter("greeter-that-does-not-exist") is False
    assert "Not answered yet" in capsys.readouterr().out
    unanswered = deploy("greeter.handler", files={"greeter.py": "def handler(event, context):\n    ...\n"})
    assert welcome.check_greeter(unanswered) is False
    assert "returns None" in capsys.readouterr().out
    half = deploy("greeter.handler", files={"greeter.py": "def handler(event, context):\n"
                                                          "    return {'greeting': f\"Hi, {event['name']}!\"}\n"})
    assert welcome.check_greeter(half) is False
    assert "stranger" in capsys.readouterr().out
    done = deploy("greeter.handler", files={"greeter.py": solutions.GREETER_SOURCE})
    assert welcome.check_greeter(done) is True


def test_report_reading(deploy, capsys):
    name = deploy("hello.handler")
    first = helpers.invoke(name)
    helpers.invoke(name)
    assert welcome.check_report_reading(name, ..., ...) is False
    assert "Not answered yet" in capsys.readouterr().out
    report = first.report
    assert welcome.check_report_reading(name, report.init_duration_ms, report.billed_duration_ms) is True
    assert welcome.check_report_reading(name, report.duration_ms, report.billed_duration_ms) is False
    assert "Init Duration in that line is" in capsys.readouterr().out
    assert welcome.check_report_reading(name, "12 ms", 3) is False
    assert welcome.check_report_reading("never-invoked", 1.0, 2) is False
