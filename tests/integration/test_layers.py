"""Layers through boto3: published versions, merged in order into each environment's /opt, limits as AWS sets them."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from helpers.deploy.packaging import package_layer

SHOW = """
import importlib, json, os, shutil, sys
def handler(event, context):
    found = {}
    for name in event.get("modules", []):
        module = importlib.import_module(name)
        found[name] = getattr(module, "WHO", None)
    return {"modules": found, "tool": shutil.which("layer-tool") is not None,
            "library_path": os.environ.get("LD_LIBRARY_PATH", "")}
"""


def publish(lambda_client, name: str, files: dict) -> str:
    return lambda_client.publish_layer_version(LayerName=name, Content={"ZipFile": package_layer(files=files)},
                                               CompatibleRuntimes=["python3.12"])["LayerVersionArn"]


def call(lambda_client, name: str, event: dict) -> dict:
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event))
    payload = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, payload
    return payload


@pytest.fixture
def unique(request):
    return request.node.name.replace("_", "-")[-40:]


def test_a_function_imports_from_its_layers_in_order(lambda_client, deploy, unique):
    first = publish(lambda_client, f"{unique}-a", {"python/shared.py": "WHO = 'first layer'",
                                                   "python/only_first.py": "WHO = 'first layer'"})
    second = publish(lambda_client, f"{unique}-b", {
        "python/shared.py": "WHO = 'second layer'",  # the later layer overwrites the earlier file
        "python/lib/python3.12/site-packages/deep.py": "WHO = 'site-packages of the runtime'",
        "bin/layer-tool": "#!/bin/sh\necho tool\n"})
    name = deploy("show.handler", files={"show.py": SHOW, "mine.py": "WHO = 'the function'"},
                  Layers=[first, second])
    answer = call(lambda_client, name, {"modules": ["shared", "only_first", "deep", "mine"]})
    assert answer["modules"] == {"shared": "second layer", "only_first": "first layer",
                                 "deep": "site-packages of the runtime", "mine": "the function"}
    assert answer["tool"] is True  # bin/ is on PATH
    assert answer["library_path"].split(":")[-1].endswith("/lib")  # lib/ on the library path, last


def test_the_task_root_comes_before_the_layers(lambda_client, deploy, unique):
    layer = publish(lambda_client, unique, {"python/shared.py": "WHO = 'layer'"})
    name = deploy("show.handler", files={"show.py": SHOW, "shared.py": "WHO = 'function zip'"}, Layers=[layer])
    assert call(lambda_client, name, {"modules": ["shared"]})["modules"] == {"shared": "function zip"}


def test_layer_versions_are_immutable(lambda_client, deploy, unique):
    v1 = publish(lambda_client, unique, {"python/shared.py": "WHO = 'version 1'"})
    name = deploy("show.handler", files={"show.py": SHOW}, Layers=[v1])
    v2 = publish(lambda_client, unique, {"python/shared.py": "WHO = 'version 2'"})
    assert (v1.rsplit(":", 1)[1], v2.rsplit(":", 1)[1]) == ("1", "2")
    assert call(lambda_client, name, {"modules": ["shared"]})["modules"] == {"shared": "version 1"}
    lambda_client.update_function_configuration(FunctionName=name, Layers=[v2])
    assert call(lambda_client, name, {"modules": ["shared"]})["modules"] == {"shared": "version 2"}


def test_a_missing_layer_is_an_import_error(lambda_client, deploy):
    name = deploy("show.handler", files={"show.py": "import shared\ndef handler(event, context):\n    return 1\n"})
    response = lambda_client.invoke(FunctionName=name)
    payload = json.loads(response["Payload"].read())
    assert payload["errorType"] == "Runtime.ImportModuleError"
    assert payload["errorMessage"] == "Unable to import module 'show': No module named 'shared'"


def test_limits_as_aws(lambda_client, deploy, unique):
    layers = [publish(lambda_client, f"{unique}-{index}", {f"python/m{index}.py": "WHO = 1"}) for index in range(6)]
    name = deploy("show.handler", files={"show.py": SHOW}, Layers=layers[:5])
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException,
                       match="Cannot reference more than 5 layers."):
        lambda_client.update_function_configuration(FunctionName=name, Layers=layers)
    missing = layers[0].rsplit(":", 1)[0] + ":99"
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException) as caught:
        lambda_client.update_function_configuration(FunctionName=name, Layers=[missing])
    assert caught.value.response["Error"]["Message"] == f"Layer version {missing} does not exist."
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException):
        deploy("show.handler", files={"show.py": SHOW}, Layers=[missing])


def test_function_and_layers_together_stay_within_250_mb_unzipped(lambda_client, deploy, unique):
    big = io.BytesIO()  # 140 MB of zeros, which deflate to almost nothing
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("python/big.bin", "w", force_zip64=True) as target:
            for _ in range(140):
                target.write(bytes(1024 * 1024))
    arns = [lambda_client.publish_layer_version(LayerName=f"{unique}-{index}", Content={"ZipFile": big.getvalue()})
            ["LayerVersionArn"] for index in range(2)]
    name = deploy("show.handler", files={"show.py": SHOW}, Layers=arns[:1])
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException) as caught:
        lambda_client.update_function_configuration(FunctionName=name, Layers=arns)
    assert caught.value.response["Error"]["Message"].startswith(
        "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is ")


def test_a_layer_made_as_pip_install_t_would_make_it(lambda_client, deploy, unique):
    layer = lambda_client.publish_layer_version(LayerName=unique, Content={"ZipFile": package_layer(
        libraries=["requests"])})["LayerVersionArn"]
    source = "import requests\ndef handler(event, context):\n    return requests.__version__\n"
    name = deploy("uses.handler", files={"uses.py": source}, Layers=[layer], Timeout=30, MemorySize=1024)
    import requests

    assert call(lambda_client, name, {}) == requests.__version__


def test_a_custom_runtime_bootstrap_can_come_from_a_layer(lambda_client, deploy, unique):
    bootstrap = (
        "#!/usr/bin/env python3\n"
        "import json, os, urllib.request\n"
        "api = 'http://' + os.environ['AWS_LAMBDA_RUNTIME_API'] + '/2018-06-01/runtime/invocation/'\n"
        "while True:\n"
        "    with urllib.request.urlopen(api + 'next') as response:\n"
        "        request_id = response.headers['Lambda-Runtime-Aws-Request-Id']\n"
        "        event = json.loads(response.read())\n"
        "    answer = json.dumps({'from': 'a bootstrap in a layer', 'got': event}).encode()\n"
        "    urllib.request.urlopen(urllib.request.Request(api + request_id + '/response', data=answer))\n")
    layer = lambda_client.publish_layer_version(LayerName=unique, Content={"ZipFile": package_layer(
        files={"bootstrap": bootstrap})})["LayerVersionArn"]
    name = deploy("function.handler", files={"function.sh": "# the handler is the bootstrap's business\n"},
                  Runtime="provided.al2023", Layers=[layer])
    assert call(lambda_client, name, {"n": 1}) == {"from": "a bootstrap in a layer", "got": {"n": 1}}


def test_a_layer_arn_without_its_version_is_refused_as_aws_validates_it(lambda_client, deploy, unique):
    version_arn = publish(lambda_client, unique, {"python/shared.py": "WHO = 1"})
    layer_arn = version_arn.rsplit(":", 1)[0]  # the LayerArn, a common mistake for the LayerVersionArn
    name = deploy("show.handler", files={"show.py": SHOW})
    with pytest.raises(lambda_client.exceptions.ClientError) as caught:
        lambda_client.update_function_configuration(FunctionName=name, Layers=[layer_arn])
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert f"Value '[{layer_arn}]' at 'layers' failed to satisfy constraint" in caught.value.response["Error"]["Message"]
