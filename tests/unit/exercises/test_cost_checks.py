"""helpers/exercises/cost.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

from helpers.exercises import cost


def test_strategy_picks(solutions, capsys):
    answers = solutions.STRATEGY_PICKS
    assert answers == cost.exercise_tuning()
    assert cost.check_strategy_picks(answers)
    assert "balanced" in capsys.readouterr().out
    for unanswered in (..., None, dict.fromkeys(answers, ...)):
        assert not cost.check_strategy_picks(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    assert not cost.check_strategy_picks({**answers, "speed": 3008})
    assert "cannot use more than one vCPU" in capsys.readouterr().out
    assert not cost.check_strategy_picks({**answers, "cost": "1769 MB"})
    assert "waiting are paid" in capsys.readouterr().out
    assert not cost.check_strategy_picks({**answers, "cost": "small"})
    assert "write a memory size" in capsys.readouterr().out
    assert not cost.check_strategy_picks({**answers, "balanced": ...})
    assert "1 still to answer" in capsys.readouterr().out
    assert cost.check_strategy_picks({key: f"{value} MB" for key, value in answers.items()})


def test_monthly_bill(solutions, capsys):
    assert cost.check_monthly_bill(solutions.MONTHLY_BILL_USD)
    assert "640,000 GB-seconds" in capsys.readouterr().out
    assert cost.check_monthly_bill("$4.01")
    assert not cost.check_monthly_bill(...)
    assert "Not answered yet" in capsys.readouterr().out
    bills = cost.exercise_bills()
    for slip, words in (("x86", "x86 price"), ("no INIT", "since 1 August 2025"), ("no free tier", "free tier"),
                        ("no INIT, no free tier", "two things"), ("no request fee", "add the requests"),
                        ("free tier on duration only", "4 million billable"),
                        ("free tier on requests only", "400,000 GB-seconds off")):
        assert not cost.check_monthly_bill(round(bills[slip], 2))
        assert words in capsys.readouterr().out
    assert not cost.check_monthly_bill(100)
    assert "line by line" in capsys.readouterr().out
    assert not cost.check_monthly_bill("four dollars")
    assert "as a number of dollars" in capsys.readouterr().out


def test_io_bound(solutions, capsys):
    answers = solutions.IO_BOUND_STATEMENTS
    assert cost.check_io_bound(answers)
    assert "waits at the same speed" in capsys.readouterr().out
    assert not cost.check_io_bound(dict.fromkeys(answers, ...))
    assert "Not answered yet" in capsys.readouterr().out
    first = next(iter(answers))
    assert not cost.check_io_bound({**answers, first: True})
    assert "does not reach it" in capsys.readouterr().out
    assert not cost.check_io_bound({**answers, first: "maybe"})
    assert "True or False" in capsys.readouterr().out
    assert not cost.check_io_bound({**answers, "Memory is free.": True})
    assert "keep the statements" in capsys.readouterr().out
    assert cost.check_io_bound({key: str(value).lower() for key, value in answers.items()})


def test_memory_for_200_mb_runs_for_real(solutions, cloud, capsys):
    assert cost.check_memory_for_200_mb(solutions.MEMORY_FOR_200_MB)
    assert "run for real" in capsys.readouterr().out
    assert not cost.check_memory_for_200_mb(128)
    assert "it failed" in capsys.readouterr().out
    assert not cost.check_memory_for_200_mb(512)
    assert "a smaller size is enough" in capsys.readouterr().out
    assert not cost.check_memory_for_200_mb(...)
    assert "Not answered yet" in capsys.readouterr().out
    assert not cost.check_memory_for_200_mb(300)
    assert "choose one of" in capsys.readouterr().out
