"""helpers/exercises/cold_starts.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

from helpers.exercises import cold_starts
from helpers.widgets.cold_starts import _recorded_runs

HEAVY_SOURCE = '''
import boto3


def handler(event, context):
    if event.get("export"):
        return {"exported_to": len(boto3.client("s3").list_buckets()["Buckets"])}
    return {"report": "ok"}
'''
TOP_OF_HANDLER_SOURCE = '''
def handler(event, context):
    import boto3  # every request imports it: only the init got shorter

    if event.get("export"):
        return {"exported_to": len(boto3.client("s3").list_buckets()["Buckets"])}
    return {"report": "ok"}
'''
LEAKY_SOURCE = '''
CURRENT_USER = None


def handler(event, context):
    global CURRENT_USER
    if "user" in event:
        CURRENT_USER = event["user"]
    return {"greeting": f"Hello, {CURRENT_USER or 'guest'}!"}
'''


def test_lazy_import_is_checked_in_a_real_cold_start(solutions, cloud, capsys):
    assert cold_starts.check_lazy_import(solutions.MY_REPORT_SOURCE)
    assert "imported no boto3" in capsys.readouterr().out
    for unanswered in (..., None, ""):
        assert not cold_starts.check_lazy_import(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    assert not cold_starts.check_lazy_import(HEAVY_SOURCE)
    assert "still imported boto" in capsys.readouterr().out
    assert not cold_starts.check_lazy_import(TOP_OF_HANDLER_SOURCE)
    assert "not to the top of the handler" in capsys.readouterr().out
    assert not cold_starts.check_lazy_import("def handler(event, context):\n    return {'report': 'ok'}\n")
    assert "export request broke" in capsys.readouterr().out
    assert not cold_starts.check_lazy_import("def handler(event, context:\n")
    assert "does not compile" in capsys.readouterr().out


def test_placement(solutions, capsys):
    answers = solutions.PLACEMENTS
    assert cold_starts.check_placement(answers)
    assert "Reuse what is the same" in capsys.readouterr().out
    for unanswered in (..., None, dict.fromkeys(answers, ...)):
        assert not cold_starts.check_placement(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    user = "the id of the user who sent this request"
    assert not cold_starts.check_placement({**answers, user: "init"})
    assert "leaks into the next request" in capsys.readouterr().out
    assert not cold_starts.check_placement({**answers, user: "sometimes"})
    assert 'answer "init", "handler" or "lazy"' in capsys.readouterr().out
    assert not cold_starts.check_placement({**dict.fromkeys(answers, ...), user: "handler"})
    assert "5 still to answer" in capsys.readouterr().out
    assert cold_starts.check_placement({key: value.upper() for key, value in answers.items()})


def test_slider_observation(solutions, capsys):
    runs = _recorded_runs()
    answers = solutions.slider_observation(runs)
    assert cold_starts.check_slider_observation(answers, runs)
    assert "Correct" in capsys.readouterr().out
    which, times = list(answers)
    assert not cold_starts.check_slider_observation({which: ..., times: ...}, runs)
    assert "Not answered yet" in capsys.readouterr().out
    assert not cold_starts.check_slider_observation({**answers, which: "init"}, runs)
    assert "the init line is flat" in capsys.readouterr().out
    assert not cold_starts.check_slider_observation({**answers, times: answers[times] * 3}, runs)
    assert "line under the plot" in capsys.readouterr().out
    assert cold_starts.check_slider_observation({**answers, which: "First invocation"}, runs)  # the summary's words
    assert "Correct" in capsys.readouterr().out
    assert not cold_starts.check_slider_observation({**answers, which: "Init Duration"}, runs)
    assert "the init line is flat" in capsys.readouterr().out
    assert cold_starts.check_slider_observation({**answers, times: f"about {answers[times]}x"}, runs)
    assert "Correct" in capsys.readouterr().out
    assert not cold_starts.check_slider_observation({**answers, times: "lots"}, runs)
    assert "a number" in capsys.readouterr().out
    assert not cold_starts.check_slider_observation(answers, [])
    assert "run the widget's cell first" in capsys.readouterr().out


def test_no_leak_is_checked_in_one_warm_environment(solutions, cloud, capsys):
    assert cold_starts.check_no_leak(solutions.MY_GREETER_SOURCE)
    assert "nobody was greeted" in capsys.readouterr().out
    assert not cold_starts.check_no_leak(...)
    assert "Not answered yet" in capsys.readouterr().out
    assert not cold_starts.check_no_leak(LEAKY_SOURCE)
    assert "still lives in a global" in capsys.readouterr().out
    assert not cold_starts.check_no_leak("def handler(event, context):\n    raise ValueError('no')\n")
    assert "an invocation failed" in capsys.readouterr().out
