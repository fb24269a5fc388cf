"""helpers/exercises/configuration.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest

from helpers.exercises import configuration


def test_secrets_or_variables(solutions, capsys):
    answers = solutions.SECRETS_OR_VARIABLES
    assert configuration.check_secrets_or_variables(answers)
    assert "Three secrets" in capsys.readouterr().out
    for unanswered in (..., None, dict.fromkeys(answers, ...)):
        assert not configuration.check_secrets_or_variables(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    url = "DATABASE_URL=postgresql://shop:Tr0ub4dor@db.internal:5432/shop"
    partly = {**dict.fromkeys(answers, ...), url: "secret"}
    assert not configuration.check_secrets_or_variables(partly)
    assert "6 still to answer" in capsys.readouterr().out
    assert not configuration.check_secrets_or_variables({**answers, url: "variable"})
    assert "the database password" in capsys.readouterr().out
    queue = "ORDERS_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    assert not configuration.check_secrets_or_variables({**answers, queue: "secret"})
    assert "sqs:SendMessage" in capsys.readouterr().out
    assert not configuration.check_secrets_or_variables({**answers, queue: "maybe"})
    assert 'is "secret" or "variable"' in capsys.readouterr().out
    assert not configuration.check_secrets_or_variables({**answers, "TYPO=1": "variable"})
    assert "keep the settings" in capsys.readouterr().out
    assert configuration.check_secrets_or_variables({key: value.upper() for key, value in answers.items()})


def test_alias_predictions_are_checked_against_a_real_run(solutions, cloud, lambda_client, capsys):
    answers = solutions.ALIAS_PREDICTIONS
    before = {function["FunctionName"] for function in lambda_client.list_functions()["Functions"]}
    assert configuration.check_alias_predictions(answers)
    assert "The check played the scenario out" in capsys.readouterr().out
    assert {function["FunctionName"] for function in lambda_client.list_functions()["Functions"]} == before
    blank = {qualifier: {"STAGE": ..., "DEBUG": ...} for qualifier in answers}
    for unanswered in (..., None, blank):
        assert not configuration.check_alias_predictions(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    assert not configuration.check_alias_predictions({**answers, "prod": {"STAGE": "prod", "DEBUG": "1"}})
    out = capsys.readouterr().out
    assert "prod: it ran with {'STAGE': 'prod', 'DEBUG': 'unset'}" in out and "replaces the whole map" in out
    assert not configuration.check_alias_predictions({**answers, "dev": {"STAGE": "dev", "DEBUG": "1"}})
    assert "moved to version 3" in capsys.readouterr().out
    assert not configuration.check_alias_predictions({**answers, "1": {"STAGE": "dev", "DEBUG": ...}})
    out = capsys.readouterr().out
    assert "1 value(s) still to predict" in out and "None counts" not in out
    assert not configuration.check_alias_predictions({**answers, "prod": {"STAGE": "prod", "DEBUG": None}})
    assert 'write the string "unset": None counts as not answered' in capsys.readouterr().out
    assert not configuration.check_alias_predictions({**answers, "live": {"STAGE": "x", "DEBUG": "y"}})
    assert "keep the qualifiers" in capsys.readouterr().out
    assert not configuration.check_alias_predictions({**answers, "1": "dev"})
    assert 'write each prediction as {"STAGE"' in capsys.readouterr().out


@pytest.fixture
def api_key_secret(cloud):
    secrets = boto3.client("secretsmanager")
    name = f"exercise/api-key-{uuid.uuid4().hex[:6]}"
    secrets.create_secret(Name=name, SecretString=json.dumps({"api_key": "demo_key_000000000000"}))
    yield name
    secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


def reader(solutions, body: str) -> str:
    """The exercise's template with get_api_key's body replaced."""
    head, _, tail = solutions.MY_READER_SOURCE.partition("def get_api_key():")
    rest = tail.split("\ndef handler", 1)[1]
    doc = '    """The secret\'s "api_key" field, fetched with GetSecretValue at most once per TTL_SECONDS."""\n'
    return f"{head}def get_api_key():\n{doc}{body}\n\ndef handler{rest}"


def test_secret_cache(solutions, deploy, lambda_client, api_key_secret, capsys):
    settings = {"MemorySize": 512, "Timeout": 10,
                "Environment": {"Variables": {"SECRET_ID": api_key_secret, "SECRET_TTL_SECONDS": "300"}}}
    assert not configuration.check_secret_cache("no-such-reader", api_key_secret)
    assert "Not answered yet" in capsys.readouterr().out

    template = reader(solutions, "    ...\n")
    name = deploy("reader.handler", files={"reader.py": template}, **settings)
    assert not configuration.check_secret_cache(name, api_key_secret)
    assert "Not answered yet: get_api_key returns None" in capsys.readouterr().out
    assert lambda_client.get_function_configuration(FunctionName=name)["Environment"]["Variables"] == \
        settings["Environment"]["Variables"]  # the check put the learner's TTL back

    every_time = reader(solutions, "    return json.loads(secrets.get_secret_value(SecretId=SECRET_ID)"
                                   "['SecretString'])['api_key']\n")
    name = deploy("reader.handler", files={"reader.py": every_time}, **settings)
    assert not configuration.check_secret_cache(name, api_key_secret)
    assert "a warm invocation fetched the secret again" in capsys.readouterr().out

    no_global = reader(solutions, "    if _api_key is None:\n        _api_key = json.loads(secrets.get_secret_value("
                                  "SecretId=SECRET_ID)['SecretString'])['api_key']\n    return _api_key\n")
    name = deploy("reader.handler", files={"reader.py": no_global}, **settings)  # the template's globals, no `global`
    assert not configuration.check_secret_cache(name, api_key_secret)
    assert "UnboundLocalError" in (out := capsys.readouterr().out) and "needs `global`" in out

    forever = reader(solutions, "    global _api_key\n    if _api_key is None:\n        _api_key = json.loads("
                                "secrets.get_secret_value(SecretId=SECRET_ID)['SecretString'])['api_key']\n"
                                "    return _api_key\n")
    name = deploy("reader.handler", files={"reader.py": forever}, **settings)
    assert not configuration.check_secret_cache(name, api_key_secret)
    assert "still used the old value" in capsys.readouterr().out

    wrong_secret = {**settings, "Environment": {"Variables": {"SECRET_ID": "some/other"}}}
    name = deploy("reader.handler", files={"reader.py": solutions.MY_READER_SOURCE}, **wrong_secret)
    assert not configuration.check_secret_cache(name, api_key_secret)
    assert "SECRET_ID is 'some/other'" in capsys.readouterr().out

    name = deploy("reader.handler", files={"reader.py": solutions.MY_READER_SOURCE}, **settings)
    assert configuration.check_secret_cache(name, api_key_secret)
    assert "One fetch, two warm answers" in capsys.readouterr().out
    assert not configuration.check_secret_cache(name, "exercise/no-such-secret")
    assert "does not exist" in capsys.readouterr().out


SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf"
PARAMETER_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/shop/payments-api-key"


def test_least_privilege(solutions, capsys):
    policy = solutions.least_privilege_policy(SECRET_ARN, PARAMETER_ARN)
    assert configuration.check_least_privilege(policy, SECRET_ARN, PARAMETER_ARN)
    assert "Two actions, each on one resource" in capsys.readouterr().out
    assert configuration.check_least_privilege(json.dumps(policy), SECRET_ARN, PARAMETER_ARN)
    capsys.readouterr()
    template = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ..., "Resource": ...}]}
    for unanswered in (..., None, template):
        assert not configuration.check_least_privilege(unanswered, SECRET_ARN, PARAMETER_ARN)
        assert "Not answered yet" in capsys.readouterr().out

    def with_statements(*statements, version="2012-10-17"):
        return {"Version": version, "Statement": list(statements)}

    secret, parameter = policy["Statement"]
    cases = [
        (with_statements(secret, parameter, version="2008-10-17"), '"Version": "2012-10-17"'),
        (with_statements({**secret, "Action": "secretsmanager:*"}, parameter), "allows more actions"),
        (with_statements({**secret, "Resource": "*"}, parameter), "read every secret"),
        (with_statements(secret), "also needs ssm:GetParameter"),
        (with_statements(secret, parameter, {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}),
         "kms:Decrypt is not needed"),
        (with_statements({**secret, "Action": ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]},
                         parameter), "PutSecretValue is more than"),
        (with_statements({**secret, "Resource": SECRET_ARN.replace("shop/db", "shop/other")}, parameter),
         "not the secret the function reads"),
        (with_statements(secret, {**parameter, "Action": "ssm:GetParameters"}), "(plural) is a separate action"),
        (with_statements({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameter"],
                          "Resource": [SECRET_ARN, PARAMETER_ARN]}), "give each action a statement of its own"),
    ]
    for candidate, hint in cases:
        assert not configuration.check_least_privilege(candidate, SECRET_ARN, PARAMETER_ARN)
        assert hint in capsys.readouterr().out
    suffixless = with_statements({**secret, "Resource": SECRET_ARN[:-7] + "-??????"}, parameter)
    assert configuration.check_least_privilege(suffixless, SECRET_ARN, PARAMETER_ARN)
