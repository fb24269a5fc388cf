"""helpers/exercises/concurrency.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

import uuid

import pytest

from helpers.exercises import concurrency


def test_concurrency_needed(solutions, capsys):
    answers = solutions.CONCURRENCY_NEEDED
    assert concurrency.check_concurrency_needed(answers)
    assert "1,080" in capsys.readouterr().out
    for unanswered in (..., None, dict.fromkeys(answers, ...)):
        assert not concurrency.check_concurrency_needed(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    api = "an API: 300 requests/s, 120 ms each"
    assert not concurrency.check_concurrency_needed({**answers, api: 36000})  # milliseconds, not seconds
    assert "in seconds" in capsys.readouterr().out
    assert not concurrency.check_concurrency_needed({**answers, api: "lots"})
    assert "not a number" in capsys.readouterr().out
    assert not concurrency.check_concurrency_needed({**dict.fromkeys(answers, ...), api: "36"})
    assert "2 still to answer" in capsys.readouterr().out


def test_scaling_reasons(solutions, capsys):
    answers = solutions.SCALING_REASONS
    assert concurrency.check_scaling_reasons(answers)
    assert "Correct" in capsys.readouterr().out
    assert concurrency.expected_reasons() == answers  # the model agrees with the solutions
    assert not concurrency.check_scaling_reasons(dict.fromkeys(answers, ...))
    assert "Not answered yet" in capsys.readouterr().out
    first = next(iter(answers))
    assert not concurrency.check_scaling_reasons({**answers, first: "FunctionInvocationRateLimitExceeded"})
    assert "Little's law asks for more than the quota" in capsys.readouterr().out
    assert not concurrency.check_scaling_reasons({**answers, first: "slow"})
    assert "not one of the three" in capsys.readouterr().out
    assert concurrency.check_scaling_reasons({key: value.lower() for key, value in answers.items()})


@pytest.fixture
def lesson_quota(cloud):
    saved = cloud.concurrency.account_limit
    cloud.concurrency.account_limit = 20
    yield
    cloud.concurrency.account_limit = saved


def test_noisy_neighbour_is_played_for_real(solutions, deploy, lambda_client, lesson_quota, capsys):
    assert not concurrency.check_noisy_neighbour(f"missing-{uuid.uuid4().hex[:6]}", "nothing")
    assert "deploy" in capsys.readouterr().out
    quiet = deploy("slow_worker.handler", source="slow_worker", Timeout=10)
    noisy = deploy("slow_worker.handler", source="slow_worker", Timeout=10)
    assert not concurrency.check_noisy_neighbour(quiet, noisy)
    assert "no reserved concurrency yet" in capsys.readouterr().out
    lambda_client.put_function_concurrency(FunctionName=quiet, ReservedConcurrentExecutions=0)
    assert not concurrency.check_noisy_neighbour(quiet, noisy)
    assert "turns" in capsys.readouterr().out
    lambda_client.put_function_concurrency(FunctionName=quiet, ReservedConcurrentExecutions=1)
    assert not concurrency.check_noisy_neighbour(quiet, noisy)  # two callers at once, one allowed
    assert "ReservedFunctionConcurrentInvocationLimitExceeded" in capsys.readouterr().out
    lambda_client.put_function_concurrency(FunctionName=quiet,
                                           ReservedConcurrentExecutions=solutions.PAYMENTS_RESERVATION)
    assert concurrency.check_noisy_neighbour(quiet, noisy)
    assert "served throughout" in capsys.readouterr().out
