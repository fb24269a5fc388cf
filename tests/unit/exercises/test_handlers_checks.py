"""helpers/exercises/handlers.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

from helpers.exercises import handlers


def test_handler_string(solutions, capsys):
    assert handlers.check_handler_string(solutions.HANDLER_STRING)
    assert handlers.check_handler_string("orders.api.lookup")
    for unanswered in (..., None, ""):
        assert not handlers.check_handler_string(unanswered)
    assert not handlers.check_handler_string("orders/api.lookup ")
    assert "remove the spaces" in capsys.readouterr().out
    for wrong, hint in (("orders/api.py.lookup", "leave out the .py"), ("api.lookup", "folder is part"),
                        ("orders/api", "must be the function"), (42, "is text")):
        capsys.readouterr()
        assert not handlers.check_handler_string(wrong)
        assert hint in capsys.readouterr().out


def test_error_types(solutions, capsys):
    assert handlers.check_error_types(solutions.ERROR_TYPES)
    assert not handlers.check_error_types(dict.fromkeys(solutions.ERROR_TYPES, ...))
    assert "Not answered yet" in capsys.readouterr().out
    partly = {**dict.fromkeys(solutions.ERROR_TYPES, ...), "the handler returns a set": "Runtime.MarshalError"}
    assert not handlers.check_error_types(partly)
    assert "still to answer" in capsys.readouterr().out
    mistaken = {**solutions.ERROR_TYPES, "the handler calls sys.exit(1)": "SystemExit"}
    assert not handlers.check_error_types(mistaken)
    assert "when the handler calls sys.exit(1), not 'SystemExit'" in capsys.readouterr().out
    assert not handlers.check_error_types(["not", "a", "dict"])


def test_api_function(solutions, deploy, capsys):
    assert not handlers.check_api_function("no-such-echo")
    assert "Not answered yet" in capsys.readouterr().out
    stub = deploy("echo.handler", files={"echo.py": "import json\ndef handler(event, context):\n    ...\n"})
    assert not handlers.check_api_function(stub)
    assert "returns None" in capsys.readouterr().out
    dict_body = deploy("echo.handler", files={"echo.py": "import json\ndef handler(event, context):\n"
                       "    return {'statusCode': 200, 'headers': {'Content-Type': 'application/json'},"
                       " 'body': {'hello': json.loads(event['body'])['name']}}\n"})
    assert not handlers.check_api_function(dict_body)
    assert "body must be a string" in capsys.readouterr().out
    crashes_on_bad_json = deploy("echo.handler", files={"echo.py": "import json\ndef handler(event, context):\n"
                                 "    name = json.loads(event['body'])['name']\n"
                                 "    return {'statusCode': 200, 'headers': {'Content-Type': 'application/json'},"
                                 " 'body': json.dumps({'hello': name})}\n"})
    assert not handlers.check_api_function(crashes_on_bad_json)
    assert "json.JSONDecodeError" in capsys.readouterr().out
    hard_coded = deploy("echo.handler", files={"echo.py": "import json\ndef handler(event, context):\n"
                        "    try:\n        json.loads(event['body'])\n    except ValueError:\n"
                        "        return {'statusCode': 400}\n"
                        "    return {'statusCode': 200, 'headers': {'Content-Type': 'application/json'},"
                        " 'body': json.dumps({'hello': 'Ada'})}\n"})
    capsys.readouterr()
    assert not handlers.check_api_function(hard_coded)
    assert "rather than writing it in the code" in capsys.readouterr().out
    done = deploy("echo.handler", files={"echo.py": solutions.ECHO_SOURCE})
    assert handlers.check_api_function(done)


def test_logging_fix(solutions, deploy, capsys):
    assert not handlers.check_logging_fix("no-such-logger")
    trap = solutions.QUIET_SOURCE.replace("logger.setLevel(logging.INFO)", "logging.basicConfig(level=logging.INFO)")
    quiet = deploy("quiet.handler", files={"quiet.py": trap})
    capsys.readouterr()
    assert not handlers.check_logging_fix(quiet)
    assert "not in the log yet" in capsys.readouterr().out
    forced = deploy("quiet.handler", files={"quiet.py": trap.replace("level=logging.INFO", "level=logging.INFO, force=True")})
    assert handlers.check_logging_fix(forced)
    assert "lost the runtime's format" in capsys.readouterr().out
    printed = deploy("quiet.handler", files={"quiet.py": trap.replace('logger.info("processing %s", ', 'print("processing", ')})
    assert not handlers.check_logging_fix(printed)
    assert "keep the logger.info call" in capsys.readouterr().out
    fixed = deploy("quiet.handler", files={"quiet.py": solutions.QUIET_SOURCE})
    assert handlers.check_logging_fix(fixed)
