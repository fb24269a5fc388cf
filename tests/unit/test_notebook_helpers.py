"""helpers/notebook.py and helpers/event_sources/samples.py: what notebook cells call."""

from __future__ import annotations

import json

import pytest

import helpers
from helpers.event_sources import event_names, load_event
from helpers.notebook import show, show_source


def test_sample_events_are_the_current_aws_shapes():
    assert {"apigateway_rest_v1", "http_api_v2", "direct_invoke"} <= set(event_names())
    rest = load_event("apigateway_rest_v1")
    assert isinstance(rest["body"], str) and json.loads(rest["body"])
    assert rest["requestContext"]["accountId"] == "123456789012" and rest["isBase64Encoded"] is False
    assert rest["multiValueHeaders"] == {key: [value] for key, value in rest["headers"].items()}
    http = load_event("http_api_v2")
    assert http["version"] == "2.0" and http["rawPath"] == "/orders/o-1001"
    assert all(key == key.lower() for key in http["headers"])
    assert http["requestContext"]["http"]["method"] == "GET"
    load_event("direct_invoke")["name"] = "changed"
    assert load_event("direct_invoke")["name"] == "Ada"  # a fresh copy every time
    with pytest.raises(FileNotFoundError, match="there are: "):
        load_event("nope")


def test_show_source_prints_a_module_or_one_function(capsys):
    show_source("faults", "return_a_set")
    assert capsys.readouterr().out.startswith("def return_a_set(event, context):")
    show_source("hello")
    assert "def handler(event, context):" in capsys.readouterr().out
    show_source("hello", "missing")
    assert "has no function 'missing'" in capsys.readouterr().out


def test_show_source_prints_a_workbook_helper(capsys):
    show_source("helpers.deploy.functions", "deploy_function")
    shown = capsys.readouterr().out
    assert shown.startswith("def deploy_function(") and "create_function(" in shown and "function_active_v2" in shown
    show_source("helpers.deploy.roles")
    assert "lambda.amazonaws.com" in capsys.readouterr().out
    with pytest.raises(FileNotFoundError):
        show_source("helpers.no_such_module")


def test_show_prints_status_payload_and_log(deploy, capsys):
    name = deploy("faults.raise_error")
    show(helpers.invoke(name))
    out = capsys.readouterr().out
    assert out.startswith("Status 200, FunctionError: Unhandled (ValueError) | cold start | Duration ")
    assert '"errorType": "ValueError"' in out and "\n  START RequestId: " in out
