"""helpers/exercises/triggers_async.py: right answers pass, unanswered ones say so, wrong ones get a hint."""

from __future__ import annotations

import pytest

from helpers.exercises import triggers_async


def test_weekday_cron(solutions, capsys):
    assert triggers_async.check_weekday_cron(solutions.WEEKDAY_EVENING_CRON)
    assert triggers_async.check_weekday_cron("cron(30 18 ? * 2-6 *)")
    for unanswered in (..., None, ""):
        capsys.readouterr()
        assert not triggers_async.check_weekday_cron(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    for wrong, hint in (
            ("30 18 * * 1-5", "wrap the six fields"),
            ("cron(30 18 * * 1-5)", "Unix crontab line"),
            ("cron(30 18 ? * MON-FRI)", "Add the year"),
            ("cron(30 18 * * MON-FRI *)", "must be ?"),
            ("cron(18 30 ? * MON-FRI *)", "minutes come first"),
            ("cron(30 18 ? * 1-5 *)", "1 is Sunday"),
            ("cron(30 6 ? * MON-FRI *)", "6:30 pm is 18"),
            ("cron(30 18 * * ? *)", "also fires on Saturday and Sunday"),
            ("cron(0/30 18 ? * MON-FRI *)", "give one minute"),
            ("cron(30 18 ? * MON-FRI 2020)", "never fires"),
            ("cron(30 18 ? * MON-FRI 2026)", "use * for every year"),
            ("cron(30 18 ? * 2-6 2026-2030)", "use * for every year"),
            ("cron(30 18 ? * FUNDAY *)", "not valid"),
            ("rate(1 day)", "cannot pick weekdays"),
            (1830, "is text")):
        capsys.readouterr()
        assert not triggers_async.check_weekday_cron(wrong), wrong
        assert hint in capsys.readouterr().out, wrong


def test_s3_filter_unanswered_and_malformed(cloud, capsys):
    for unanswered in (..., None, [...], [], [{"Name": "prefix", "Value": ...}]):
        capsys.readouterr()
        assert not triggers_async.check_s3_filter(unanswered, function_name="no-such-function")
        assert "Not answered yet" in capsys.readouterr().out
    for wrong, hint in (
            ({"Name": "prefix", "Value": "uploads/"}, "not a single dict"),
            (["uploads/", ".pgm"], "each a dict"),
            ([{"Name": 1, "Value": "uploads/"}], "Name is text"),
            ([{"name": "prefix", "value": "uploads/"}], 'exactly two keys'),
            ([{"Name": "suffix", "Value": ""}], "non-empty string"),
            ([{"Name": "suffix", "Value": ".pgm"}, {"Name": "suffix", "Value": ".PGM"}], "one prefix and one suffix"),
            ([{"Name": "prefix", "Value": "a/"}, {"Name": "Prefix", "Value": "b/"}], "one prefix and one suffix")):
        capsys.readouterr()
        assert not triggers_async.check_s3_filter(wrong, function_name="no-such-function")
        assert hint in capsys.readouterr().out
    assert not triggers_async.check_s3_filter([{"Name": "prefix", "Value": "uploads/"}], function_name="not-deployed")
    assert "no function named 'not-deployed'" in capsys.readouterr().out


@pytest.fixture
def recorder(deploy):
    return deploy("event_recorder.handler", source="event_recorder")


def test_s3_filter_runs_real_uploads(solutions, recorder, deploy, capsys):
    assert triggers_async.check_s3_filter(solutions.PGM_FILTER_RULES, function_name=recorder)
    assert "exactly the 3 .pgm files" in capsys.readouterr().out
    # S3 reads the rule names in any case
    any_case = [{"Name": "Prefix", "Value": "uploads/"}, {"Name": "SUFFIX", "Value": ".pgm"}]
    assert triggers_async.check_s3_filter(any_case, function_name=recorder)
    for wrong, hint in (
            ([{"Name": "key", "Value": "uploads/"}], "S3 refused the configuration with InvalidArgument"),
            ([{"Name": "prefix", "Value": "uploads/*.pgm"}], "no wildcards"),
            ([{"Name": "prefix", "Value": "uploads/"}, {"Name": "suffix", "Value": "*.pgm"}], "no wildcards"),
            ([{"Name": "suffix", "Value": ".pgm"}], "Add a prefix rule"),
            ([{"Name": "prefix", "Value": "uploads"}, {"Name": "suffix", "Value": ".pgm"}], "end it with the slash"),
            ([{"Name": "prefix", "Value": "uploads/"}], "add a suffix rule"),
            ([{"Name": "prefix", "Value": "/uploads/"}, {"Name": "suffix", "Value": ".pgm"}], "no leading slash")):
        capsys.readouterr()
        assert not triggers_async.check_s3_filter(wrong, function_name=recorder)
        assert hint in capsys.readouterr().out
    silent = deploy("hello.handler")
    assert not triggers_async.check_s3_filter(solutions.PGM_FILTER_RULES, function_name=silent)
    assert "deploy it with event_recorder.handler" in capsys.readouterr().out


def test_sns_filter_policy_unanswered_and_malformed(cloud, capsys):
    for unanswered in (..., None, {}, {"country": [...]}, {"country": ["DE", "FR", "IT"], "total": ...}):
        capsys.readouterr()
        assert not triggers_async.check_sns_filter_policy(unanswered, function_name="no-such-function")
        assert "Not answered yet" in capsys.readouterr().out
    for wrong, hint in (
            ('{"country": ["DE"]}', "is a dict"),
            ({"Country": ["DE", "FR", "IT"]}, "not one of them"),
            ({"country": "DE"}, "is not a list"),
            ({"country": ["DE", "FR", "IT"], "total": [20]}, '{"numeric": [">=", 20]}')):
        capsys.readouterr()
        assert not triggers_async.check_sns_filter_policy(wrong, function_name="no-such-function")
        assert hint in capsys.readouterr().out
    assert not triggers_async.check_sns_filter_policy({"country": ["DE"]}, function_name="not-deployed")
    assert "no function named 'not-deployed'" in capsys.readouterr().out


def test_sns_filter_policy_publishes_real_messages(solutions, recorder, capsys):
    assert triggers_async.check_sns_filter_policy(solutions.EU_FILTER_POLICY, function_name=recorder)
    assert "3 of 9 orders reached the function" in capsys.readouterr().out
    for wrong, hint in (
            ({"total": [{"numeric": [">=", 20]}]}, 'add "country"'),
            ({"country": ["DE", "FR", "IT"]}, "numeric condition on total"),
            ({"country": ["DE", "FR", "IT"], "total": [{"numeric": [">", 20]}]}, '">=", not ">"'),
            ({"country": [{"anything-but": ["ES", "US"]}], "total": [{"numeric": [">=", 20]}]}, 'add "country"'),
            ({"country": ["de", "fr", "it"], "total": [{"numeric": [">=", 20]}]}, "no order got through"),
            ({"total": [{"numeric": [">", "x"]}]}, "SNS refused the filter policy")):
        capsys.readouterr()
        assert not triggers_async.check_sns_filter_policy(wrong, function_name=recorder)
        assert hint in capsys.readouterr().out, wrong
