"""helpers/exercises/welcome.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

import math

import helpers
from helpers.exercises import welcome
from helpers.deploy.packaging import zip_files


def test_limits(solutions, capsys):
    assert welcome.check_limits(**solutions.WELCOME_LIMITS)
    assert not welcome.check_limits(..., ..., ...)
    assert "Not answered yet" in capsys.readouterr().out
    assert not welcome.check_limits(15, 10_240, 1_000)
    assert "15 minutes: how many seconds" in capsys.readouterr().out
    assert not welcome.check_limits(900, ..., 1000)
    assert "max_memory_mb still to answer" in capsys.readouterr().out
    assert not welcome.check_limits("900", None, object())  # odd input: feedback, no exception
    assert "give numbers, not text" in capsys.readouterr().out


def test_greeter(solutions, deploy, capsys):
    assert not welcome.check_greeter("greeter-that-does-not-exist")
    assert "Not answered yet" in capsys.readouterr().out
    unanswered = deploy("greeter.handler", files={"greeter.py": "def handler(event, context):\n    ...\n"})
    assert not welcome.check_greeter(unanswered)
    assert "returns None" in capsys.readouterr().out
    half = deploy("greeter.handler", files={"greeter.py": "def handler(event, context):\n"
                                                          "    return {'greeting': f\"Hi, {event['name']}!\"}\n"})
    assert not welcome.check_greeter(half)
    assert "without a name, your handler raised KeyError" in capsys.readouterr().out
    done = deploy("greeter.handler", files={"greeter.py": solutions.GREETER_SOURCE})
    assert welcome.check_greeter(done)


def test_billed_duration(solutions, deploy, capsys):
    name = deploy("hello.handler")
    assert not welcome.check_billed_duration(..., name)
    assert "Not answered yet" in capsys.readouterr().out
    assert not welcome.check_billed_duration(solutions.billed, "never-invoked")
    assert "run section 5 first" in capsys.readouterr().out
    helpers.invoke(name)
    helpers.invoke(name)
    assert welcome.check_billed_duration(solutions.billed, name)
    assert "Checked against 2 REPORT lines" in capsys.readouterr().out
    for lucky in (lambda d, i: math.ceil(d) + math.ceil(i or 0), lambda d, i: int(d + (i or 0)) + 1,
                  lambda d, i: round(d + (i or 0))):
        assert not welcome.check_billed_duration(lucky, name)  # plausible wrong formulas do not pass by luck
    assert not welcome.check_billed_duration(lambda duration, init: math.ceil(duration), name)
    assert "init phase is billed too" in capsys.readouterr().out
    assert not welcome.check_billed_duration(lambda duration, init: math.ceil(duration + init), name)
    assert "init_duration_ms is None" in capsys.readouterr().out
    assert not welcome.check_billed_duration(lambda duration, init: duration + (init or 0), name)
    assert "whole number of milliseconds" in capsys.readouterr().out


def test_verdicts_show_nothing_more_in_jupyter(solutions):
    verdict = welcome.check_limits(**solutions.WELCOME_LIMITS)
    assert verdict == True and bool(verdict) and verdict._ipython_display_() is None  # noqa: E712
