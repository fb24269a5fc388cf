"""Checks for notebooks/06_layers.ipynb. The path and precedence answers are checked against the real thing: the
check publishes the layers and asks a function where Python found each module."""

from __future__ import annotations

import json
import uuid
from typing import Any

from .feedback import (check_role_arn, correct, invoke_learner_function, never_raises, not_yet, require_table,
                       unanswered, wrong)

MODULE = "toolkit"
LAYER_PATHS = (
    "python/toolkit.py",
    "toolkit.py",
    "python/lib/python3.12/site-packages/toolkit.py",
    "lib/toolkit.py",
    "python/lib/python3.11/site-packages/toolkit.py",
)
PROBE = ("import importlib\n"
         "def handler(event, context):\n"
         "    try:\n"
         "        return importlib.import_module(event['module']).WHO\n"
         "    except ImportError:\n"
         "        return None\n")


# Why each answer is what it is (used when the real import agrees with it, as it should).
PATH_REASONS = {
    "python/toolkit.py": (True, "python/ becomes /opt/python, which is on sys.path"),
    "toolkit.py": (False, "a file at the zip's top level lands in /opt itself, which is not on sys.path"),
    "python/lib/python3.12/site-packages/toolkit.py": (True, "that folder names the function's own Python, 3.12, "
                                                             "so it is on sys.path"),
    "lib/toolkit.py": (False, "lib/ is for shared libraries, on the library path, not for Python modules"),
    "python/lib/python3.11/site-packages/toolkit.py": (False, "a python3.12 function searches only "
                                                              "python/lib/python3.12/site-packages"),
}


@never_raises
def check_layer_paths(answers: Any) -> bool:
    """Exercise 1: for each place in a layer's zip, can a python3.12 function ``import toolkit`` from it?"""
    require_table(answers, LAYER_PATHS, "paths", "replace each ... with True (the import works) or False.")
    not_bool = [path for path, value in answers.items() if not unanswered(value) and not isinstance(value, bool)]
    if not_bool:
        return wrong(f"{not_bool[0]}: answer True or False, not {answers[not_bool[0]]!r}.")
    actual = {path: _imports_from_layer(path) for path in LAYER_PATHS}
    mistakes = [path for path, value in answers.items() if not unanswered(value) and value != actual[path]]
    if mistakes:
        return wrong("; ".join(f"{path}: {_path_reason(path, actual[path])}" for path in mistakes)
                     + ". (This check published each layer and tried the import.)")
    missing = [path for path in LAYER_PATHS if unanswered(answers.get(path))]
    if missing:
        return not_yet(f"{len(missing)} still to answer; the others are right.")
    return correct("Only python/ and python/lib/python3.12/site-packages/ are on sys.path; the site-packages folder "
                   "must name the function's own Python version.")


def _path_reason(path: str, imports: bool) -> str:
    expected, reason = PATH_REASONS[path]
    outcome = "the import works" if imports else "the import fails"
    return f"{outcome} ({reason})" if imports == expected else outcome


def _imports_from_layer(path: str) -> bool:
    import boto3

    from helpers.deploy.packaging import package_layer, zip_files

    lambda_client = boto3.client("lambda")
    suffix = uuid.uuid4().hex[:8]
    layer = lambda_client.publish_layer_version(LayerName=f"check-{suffix}", Content={
        "ZipFile": package_layer(files={path: "WHO = 'layer'"})})["LayerVersionArn"]
    name = f"check-layer-path-{suffix}"
    try:
        lambda_client.create_function(FunctionName=name, Runtime="python3.12", Role=check_role_arn(),
                                      Handler="probe.handler", Code={"ZipFile": zip_files({"probe.py": PROBE})},
                                      Layers=[layer])
        try:
            response = lambda_client.invoke(FunctionName=name, Payload=json.dumps({"module": MODULE}))
            return json.loads(response["Payload"].read()) == "layer"
        finally:
            lambda_client.delete_function(FunctionName=name)
    finally:
        lambda_client.delete_layer_version(LayerName=f"check-{suffix}", VersionNumber=int(layer.rsplit(":", 1)[1]))


EXPECTED_WINNERS = {"palette": "function zip", "shades": "colours-v2", "names": "colours-v1"}
WINNER_CHOICES = ("function zip", "colours-v1", "colours-v2")


@never_raises
def check_winners(answers: Any) -> bool:
    """Exercise 2: layers [colours-v1, colours-v2]; which copy of each module does the function import?"""
    if unanswered(answers) or not isinstance(answers, dict) or all(unanswered(v) for v in answers.values()):
        return not_yet('replace each ... with "function zip", "colours-v1" or "colours-v2".')
    mistakes = {module: value for module, value in answers.items()
                if not unanswered(value) and value != EXPECTED_WINNERS.get(module)}
    if mistakes:
        module, value = next(iter(mistakes.items()))
        if module not in EXPECTED_WINNERS:
            return wrong(f"keep the module names as they were written; {module!r} is not one of them.")
        if value not in WINNER_CHOICES:
            return wrong(f'{module}: answer "function zip", "colours-v1" or "colours-v2", not {value!r}.')
        reasons = {"palette": "the function's zip (the task root) comes first on sys.path, before every layer",
                   "shades": "both layers have it: the later layer in the list overwrites the earlier one's file",
                   "names": "only colours-v1 has it, so nothing overwrites it"}
        return wrong(f"{module}: not {value!r}; {reasons[module]}.")
    if any(unanswered(answers.get(module)) for module in EXPECTED_WINNERS):
        return not_yet("some modules still to answer; the others are right.")
    return correct("Layers merge in order (later files win), and your own zip wins over all of them.")


@never_raises
def check_slug_layer(function_name: str = "slug-maker", layer_name: str = "text-tools") -> bool:
    """Exercise 3: a layer named text-tools with a module slugs (slugify), attached to slug-maker."""
    import boto3

    lambda_client = boto3.client("lambda")
    try:
        configuration = lambda_client.get_function_configuration(FunctionName=function_name)
    except lambda_client.exceptions.ResourceNotFoundException:
        return not_yet(f"there is no function {function_name!r}: run the cell that deploys it.")
    layers = [layer["Arn"] for layer in configuration.get("Layers", [])]
    if not layers:
        return not_yet(f"{function_name} has no layers yet: publish {layer_name!r} and attach it with "
                       "update_function_configuration(Layers=[...]).")
    if not any(f":layer:{layer_name}:" in arn for arn in layers):
        return wrong(f"{function_name}'s layers are {layers}; one of them should be a version of {layer_name!r}.")
    result = invoke_learner_function(function_name, {"title": "Hello, Lambda Layers!"})
    if result.function_error:
        message = (result.payload or {}).get("errorMessage", "")
        if result.error_type == "Runtime.ImportModuleError":
            return wrong(f"the function could not import the module: {message}. Put slugs.py under python/ in "
                         "the layer's zip.")
        return wrong(f"the function failed with {result.error_type}: {message}")
    if result.payload != {"slug": "hello-lambda-layers"}:
        return wrong(f'for the title "Hello, Lambda Layers!" the answer should be {{"slug": "hello-lambda-layers"}}; '
                     f"it was {result.payload!r}. slugify: lower case, words joined by single hyphens, no punctuation.")
    return correct("The function's zip holds only its handler; the module comes from your layer.")
