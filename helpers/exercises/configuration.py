"""Checks for notebooks/07_environment_and_secrets.ipynb.

Exercise 2 plays the learner's scenario out for real (a function, two versions, two aliases) and compares the
predictions with what each qualifier ran with. Exercise 3 checks a secret cache by its behaviour, seen from outside:
the check changes the secret's value in Secrets Manager between invocations, so a handler that fetches on every
call, or never again, shows it in its answers; nothing the handler reports about itself is trusted.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from .feedback import (check_role_arn, correct, invoke_learner_function, mark_table, never_raises, not_yet,
                       require_table, settle, unanswered, wrong)


# ---------------------------------------------------------------------------------------------------- exercise 1

SECRET, VARIABLE = "secret", "variable"
SETTINGS = {
    "TABLE_NAME=Orders": VARIABLE,
    "LOG_LEVEL=INFO": VARIABLE,
    "PAYMENTS_API_KEY=pay_live_51Hx9aZ7Qx2": SECRET,
    "DATABASE_URL=postgresql://shop:Tr0ub4dor@db.internal:5432/shop": SECRET,
    "ORDERS_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/123456789012/orders": VARIABLE,
    "JWT_SIGNING_KEY=8f2c0e1b9d7a4c3e": SECRET,
    "FEATURE_NEW_CHECKOUT=true": VARIABLE,
}
SETTING_HINTS = {
    "TABLE_NAME=Orders": "a table's name gives nobody access to it: IAM decides who may read the table.",
    "LOG_LEVEL=INFO": "nothing to protect: it only says how much to log.",
    "PAYMENTS_API_KEY=pay_live_51Hx9aZ7Qx2": "whoever holds an API key can call the API as you: a secret.",
    "DATABASE_URL=postgresql://shop:Tr0ub4dor@db.internal:5432/shop": (
        "look inside the URL: between 'shop:' and '@' is the database password. Keep the URL's parts apart "
        "(host and name as variables, the password in Secrets Manager)."),
    "ORDERS_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/123456789012/orders": (
        "a queue URL only names the queue; sending to it still needs sqs:SendMessage in the caller's IAM policy."),
    "JWT_SIGNING_KEY=8f2c0e1b9d7a4c3e": "whoever has a signing key can forge tokens your API will trust: a secret.",
    "FEATURE_NEW_CHECKOUT=true": "a feature flag is plain configuration.",
}


def _secret_or_variable(value: Any) -> str | None:
    text = str(value).strip().lower()
    return text if text in (SECRET, VARIABLE) else None


@never_raises
def check_secrets_or_variables(answers: Any) -> bool:
    """Exercise 1: for each setting, "secret" (Secrets Manager or Parameter Store) or "variable"."""
    require_table(answers, SETTINGS, "settings", 'replace each ... with "secret" or "variable".')
    marked = mark_table(answers, SETTINGS, _secret_or_variable)
    if marked.unreadable:
        return wrong(f'each answer is "secret" or "variable", not {answers[marked.unreadable[0]]!r}.')
    if marked.wrong:
        return wrong(" ".join(f"{setting.split('=')[0]}: {SETTING_HINTS[setting]}" for setting in marked.wrong))
    return settle([], marked.still_open, "Three secrets: an API key, a signing key, and a password hidden in a URL. Names, URLs and "
                   "flags are configuration: IAM, not secrecy, protects what they point to.")


# ---------------------------------------------------------------------------------------------------- exercise 2

QUALIFIERS = ("$LATEST", "dev", "prod", "1")
PREDICT_SOURCE = '''
import os

def handler(event, context):
    return {"STAGE": os.environ.get("STAGE", "unset"), "DEBUG": os.environ.get("DEBUG", "unset")}
'''
PREDICTION_HINTS = {
    "$LATEST": "$LATEST has whatever the last update_function_configuration set, published or not.",
    "dev": "the alias dev was moved to version 3 at the end: it runs version 3's configuration.",
    "prod": ("prod points at version 2, published after an update that set only STAGE: an update replaces the "
             "whole map, so DEBUG was gone when version 2 was frozen."),
    "1": "version 1 was frozen by the first publish_version, with the variables given to create_function.",
}


def play_out_scenario(lambda_client: Any, role_arn: str, name: str) -> dict[str, dict[str, str]]:
    """The scenario of exercise 2, for real; returns what each qualifier runs with."""
    from helpers.deploy.packaging import zip_files

    lambda_client.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="predict.handler",
                                  Code={"ZipFile": zip_files({"predict.py": PREDICT_SOURCE})},
                                  Environment={"Variables": {"STAGE": "dev", "DEBUG": "1"}})
    lambda_client.publish_version(FunctionName=name)  # version 1
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "prod"}})
    lambda_client.publish_version(FunctionName=name)  # version 2
    lambda_client.create_alias(FunctionName=name, Name="dev", FunctionVersion="1")
    lambda_client.create_alias(FunctionName=name, Name="prod", FunctionVersion="2")
    lambda_client.update_function_configuration(FunctionName=name,
                                                Environment={"Variables": {"STAGE": "test", "DEBUG": "1"}})
    lambda_client.publish_version(FunctionName=name)  # version 3
    lambda_client.update_alias(FunctionName=name, Name="dev", FunctionVersion="3")
    return {qualifier: json.loads(lambda_client.invoke(FunctionName=name, Qualifier=qualifier)["Payload"].read())
            for qualifier in QUALIFIERS}


@never_raises
def check_alias_predictions(answers: Any) -> bool:
    """Exercise 2: STAGE and DEBUG as each qualifier sees them. The check runs the scenario for real."""
    if unanswered(answers) or not isinstance(answers, dict) or all(
            unanswered(prediction) or (isinstance(prediction, dict)
                                       and all(unanswered(value) for value in prediction.values()))
            for prediction in answers.values()):
        return not_yet('replace each ... with the value the function sees: a string such as "dev", or "unset".')
    unknown = [qualifier for qualifier in answers if qualifier not in QUALIFIERS]
    if unknown:
        return wrong(f"keep the qualifiers as they were written; {unknown[0]!r} is not one of them.")
    for qualifier, prediction in answers.items():
        if not isinstance(prediction, dict) or set(prediction) - {"STAGE", "DEBUG"}:
            return wrong(f'write each prediction as {{"STAGE": ..., "DEBUG": ...}} ({qualifier!r} is not).')
    import boto3

    lambda_client = boto3.client("lambda")
    name = f"predict-{uuid.uuid4().hex[:8]}"
    try:
        real = play_out_scenario(lambda_client, check_role_arn(), name)
    finally:
        try:
            lambda_client.delete_function(FunctionName=name)
        except Exception:  # noqa: BLE001 - it was never created
            pass
    mistakes, missing, nones = [], 0, 0
    for qualifier in QUALIFIERS:
        prediction = answers.get(qualifier) or {}
        for variable in ("STAGE", "DEBUG"):
            value = prediction.get(variable, ...)
            if unanswered(value):
                missing += 1
                nones += value is None
            elif str(value) != real[qualifier][variable]:
                mistakes.append(qualifier)
                break
    if mistakes:
        return wrong(" ".join(f"{qualifier}: it ran with {real[qualifier]}; {PREDICTION_HINTS[qualifier]}"
                              for qualifier in mistakes))
    if missing:
        tip = (' For a variable the function does not have, write the string "unset": None counts as not answered.'
               if nones else "")
        return not_yet(f"{missing} value(s) still to predict; the others match what ran.{tip}")
    return correct("The check played the scenario out: each version kept the map it was published with, and each "
                   "alias ran its version's. What ran: "
                   f"{'; '.join(f'{q} {real[q]}' for q in QUALIFIERS)}.")




# ---------------------------------------------------------------------------------------------------- exercise 3

CHECK_TTL_S = 2


@never_raises
def check_secret_cache(function_name: str = "my-secret-reader", secret_id: str = "exercise/api-key") -> bool:
    """Exercise 3: GetSecretValue once, then the cached value until SECRET_TTL_SECONDS have passed.

    Seen from outside: the check sets a TTL of 2 s (a new configuration, so a fresh environment), gives the secret a
    new value between invocations, and reads which value each answer was made with (its last four characters).
    """
    import boto3

    lambda_client, secrets = boto3.client("lambda"), boto3.client("secretsmanager")
    try:
        configuration = lambda_client.get_function_configuration(FunctionName=function_name)
    except lambda_client.exceptions.ResourceNotFoundException:
        return not_yet(f"there is no function named {function_name!r} yet: run the cell that deploys it.")
    try:
        secrets.describe_secret(SecretId=secret_id)
    except secrets.exceptions.ResourceNotFoundException:
        return wrong(f"the secret {secret_id!r} does not exist: run the cell above that creates it.")
    variables = dict(configuration.get("Environment", {}).get("Variables", {}))
    if variables.get("SECRET_ID") != secret_id:
        return wrong(f"the function's SECRET_ID is {variables.get('SECRET_ID')!r}; deploy it with "
                     f"SECRET_ID={secret_id!r}, as in the cell.")
    lambda_client.update_function_configuration(
        FunctionName=function_name, Environment={"Variables": {**variables, "SECRET_TTL_SECONDS": str(CHECK_TTL_S)}})
    original = secrets.get_secret_value(SecretId=secret_id)["SecretString"]
    try:
        return _watch_the_cache(function_name, secret_id, secrets)
    finally:  # leave the learner's function and secret as they were
        lambda_client.update_function_configuration(FunctionName=function_name,
                                                    Environment={"Variables": variables})
        secrets.put_secret_value(SecretId=secret_id, SecretString=original)


def _new_key(secrets: Any, secret_id: str) -> str:
    key = f"demo_key_{uuid.uuid4().hex[:12]}"
    secrets.put_secret_value(SecretId=secret_id, SecretString=json.dumps({"api_key": key}))
    return key[-4:]


def _ending(result: Any) -> tuple[str | None, str | None]:
    """(the key's last four characters, None) from an answer, or (None, what went wrong)."""
    if result.function_error:
        payload = result.payload if isinstance(result.payload, dict) else {}
        message = str(payload.get("errorMessage", ""))
        error_type = payload.get("errorType")
        if error_type == "TypeError" and "NoneType" in message:
            return None, "not yet"
        hint = ""
        if error_type == "UnboundLocalError":
            hint = (": a function that assigns to a module-level name needs `global` for it (for example "
                    "`global _api_key, _fetched_at`), or Python treats the name as local")
        elif error_type == "TypeError" and "slice" in message:
            hint = ': get_api_key should return the secret\'s "api_key" field, a string, not the whole secret'
        return None, f"the function failed with {error_type}: {message}{hint}"
    if not isinstance(result.payload, dict) or "api_key_ends_with" not in result.payload:
        return None, f"the handler should return {{'api_key_ends_with': ...}}, not {result.payload!r}"
    return str(result.payload["api_key_ends_with"]), None


def _watch_the_cache(function_name: str, secret_id: str, secrets: Any) -> bool:
    first_key = _new_key(secrets, secret_id)
    first, problem = _ending(invoke_learner_function(function_name))
    if problem == "not yet":
        return not_yet("get_api_key returns None: write its body in place of the ... .")
    if problem:
        return wrong(problem)
    if first != first_key:
        return wrong(f"the answer ends with {first!r} but the secret's api_key ends with {first_key!r}: read the "
                     "secret named by SECRET_ID, and return its api_key's last four characters.")
    second_key = _new_key(secrets, secret_id)  # the secret changes: only a fetch can see it
    for _ in range(2):
        ending, problem = _ending(invoke_learner_function(function_name))
        if problem:
            return wrong(problem)
        if ending == second_key:
            return wrong("a warm invocation fetched the secret again (it saw the value set just before it): keep "
                         "the value in a global, with the time it was fetched, and reuse it while it is younger "
                         "than TTL_SECONDS.")
    time.sleep(CHECK_TTL_S + 0.5)  # the cache's clock is the handler's own: real time
    ending, problem = _ending(invoke_learner_function(function_name))
    if problem:
        return wrong(problem)
    if ending != second_key:
        return wrong(f"after {CHECK_TTL_S + 0.5:.1f} s, more than SECRET_TTL_SECONDS ({CHECK_TTL_S}), the handler "
                     "still used the old value: fetch again once the cached copy is older than TTL_SECONDS (a "
                     "rotated secret must reach the function within one TTL).")
    return correct(f"One fetch, two warm answers from the cache while the secret changed underneath, and the new "
                   f"value after the {CHECK_TTL_S} s TTL. (The check set SECRET_TTL_SECONDS to {CHECK_TTL_S} for the "
                   "test, then put your setting back.)")


# ---------------------------------------------------------------------------------------------------- exercise 4

NEEDED = {"secretsmanager:GetSecretValue": "secret", "ssm:GetParameter": "parameter"}


@never_raises
def check_least_privilege(policy: Any, secret_arn: str = "", parameter_arn: str = "") -> bool:
    """Exercise 4: a permissions policy allowing exactly GetSecretValue on one secret and GetParameter on one
    parameter (both encrypted with AWS managed keys)."""
    if unanswered(policy):
        return not_yet("replace the ... with the policy document, a dict like the ones above.")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError as exc:
            return wrong(f"that is not valid JSON: {exc}")
    if not isinstance(policy, dict):
        return wrong("write the policy as a dict with Version and Statement.")
    statements = policy.get("Statement")
    if unanswered(statements) or statements == [...] or statements == []:
        return not_yet("the policy has no statements yet.")
    if policy.get("Version") != "2012-10-17":
        return wrong('start with "Version": "2012-10-17" (the current policy language; without it some features '
                     "do not work).")
    statements = statements if isinstance(statements, list) else [statements]
    granted: dict[str, set[str]] = {}
    for statement in statements:
        if not isinstance(statement, dict) or unanswered(statement.get("Action")):
            return not_yet("a statement still has a ... in it.")
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        for action in ([actions] if isinstance(actions, str) else actions):
            for resource in ([resources] if isinstance(resources, str) else resources):
                granted.setdefault(str(action), set()).add(str(resource))
    broad = [action for action in granted if "*" in action]
    if broad:
        return wrong(f"{broad[0]!r} allows more actions than reading: name the one action each needs.")
    extra = [action for action in granted if action not in NEEDED]
    if extra:
        if "ssm:GetParameters" in extra and "ssm:GetParameter" not in granted:
            return wrong("ssm:GetParameters (plural) is a separate action, for the GetParameters call; the function "
                         "calls GetParameter, so it needs ssm:GetParameter.")
        if "kms:Decrypt" in extra:
            return wrong("kms:Decrypt is not needed here: both values use the AWS managed keys (aws/secretsmanager, "
                         "aws/ssm), whose own key policies already let the account decrypt through the service. "
                         "With a customer managed key you would add it, on that key only.")
        return wrong(f"{extra[0]} is more than the function needs: it calls GetSecretValue and GetParameter, "
                     "nothing else.")
    targets = {"secret": secret_arn, "parameter": parameter_arn}
    for action, kind in NEEDED.items():
        resources = granted.get(action)
        if not resources:
            return wrong(f"the function also needs {action} (for the {kind}).")
        if "*" in resources:
            return wrong(f'"Resource": "*" lets {action} read every {kind} in the account: name the one it needs '
                         f"({targets[kind]}).")
        wanted = targets[kind]
        if wanted and not all(_matches(resource, wanted, kind) for resource in resources):
            other = next(resource for resource in resources if not _matches(resource, wanted, kind))
            why = ""
            if other in targets.values():
                why = (" A statement allows every action it lists on every resource it lists: give each action a "
                       "statement of its own, with its own resource.")
            return wrong(f"{action} is allowed on {other}, which is not the {kind} the function reads "
                         f"({wanted}).{why}")
    return correct("Two actions, each on one resource. On AWS this policy goes on the function's execution role; "
                   "here the local AWS does not enforce it, so keep it next to your code and review it like code.")


def _matches(resource: str, wanted: str, kind: str) -> bool:
    """The exact ARN, or for a secret its ARN with the 6-character suffix written as -?????? or -*."""
    if resource == wanted:
        return True
    if kind == "secret" and len(wanted) > 7 and wanted[-7] == "-":
        stem = wanted[:-7]
        return resource in (f"{stem}-??????", f"{stem}-*")
    return False
