"""Lambda's control plane, in moto: functions, versions, layers, permissions and URLs, checked as AWS checks them.

* ``LambdaBackend.create_function``, ``LambdaFunction.update_configuration`` and ``.update_function_code``: AWS's
  validation first (name, memory, timeout, handler, runtime, variables, the zip, layers), then moto; new code or
  configuration retires the old environments; ``LambdaBackend.delete_function`` stops a deleted function's.
* SnapStart (``snapstart.py``): validated and kept on create and update, shown with its OptimizationStatus, a
  published version snapshotted, a deleted one's snapshot ended.
* ``LambdaBackend.publish_layer_version``: the content must be a zip, as for a function.
* ``DeadLetterConfig`` is kept (moto drops it) and shown by ``get_configuration``; the event invoke config is
  replaced by Put and merged by Update, as on AWS.
* ``LambdaBackend.add_permission``: a statement id already in the policy is refused (moto adds a twin).
* ``LambdaFunction.create_url_config``: the URL is on the workbook's HTTP front door; a second URL for the same
  function is refused; ``update_url_config`` of a function without one is ResourceNotFoundException.
* ``LambdaBackend.update_function_configuration``, ``.update_function_code`` and ``.publish_version``: published
  versions are frozen (an update through ``fn:1`` or ``fn:prod`` changes $LATEST); ``Environment`` without
  ``Variables`` changes nothing; publishing with nothing changed returns the last version.
"""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda.models import LambdaBackend, LambdaFunction

from helpers import arns
from helpers.lambda_service import validation
from helpers.lambda_service.errors import ResourceConflictException, ResourceNotFoundException

from .snapstart import check_snap_start_update, keep_snap_start, show_configuration, snapshot_published
from .snapstart import create_function as create_with_snap_start
from .parts import Seam
from .registry import REGISTRY


def _layer_lookup(seam: Seam, account_id: str, region: str) -> Any:
    return lambda arn: seam.state.layer_zip(arn, account_id=account_id, region=region)


@REGISTRY.method(LambdaBackend, "create_function")
def create_function(seam: Seam, backend: LambdaBackend, spec: dict[str, Any]) -> LambdaFunction:
    validation.check_function_name(spec.get("FunctionName"))
    validation.check_configuration(spec)
    code = validation.zip_bytes(spec.get("Code"))
    validation.check_zip(code)
    validation.check_layers(spec.get("Layers"), _layer_lookup(seam, backend.account_id, backend.region_name),
                            validation.unzipped_size(code))
    function = create_with_snap_start(seam, backend, spec)  # moto, with SnapStart kept before Publish=True publishes
    if spec.get("DeadLetterConfig"):  # on the stored $LATEST, and on the copy moto returns when Publish=True
        function.dead_letter_config = spec["DeadLetterConfig"]
        backend.get_function(spec["FunctionName"]).dead_letter_config = spec["DeadLetterConfig"]
    return function


@REGISTRY.method(LambdaFunction, "update_configuration")
def update_configuration(seam: Seam, function: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
    validation.check_configuration(config_updates)
    if "Layers" in config_updates:
        validation.check_layers(config_updates["Layers"], _layer_lookup(seam, function.account_id, function.region),
                                validation.unzipped_size(getattr(function, "code_bytes", b"")))
    if "DeadLetterConfig" in config_updates:  # moto does not keep it; the asynchronous queue needs it
        function.dead_letter_config = config_updates["DeadLetterConfig"] or None
    keep_snap_start(function, check_snap_start_update(function, config_updates))
    result = seam.original(LambdaFunction, "update_configuration")(function, config_updates)
    seam.engine.retire(arns.unqualified(function.function_arn), str(function.version))
    return result


@REGISTRY.method(LambdaFunction, "update_function_code")
def update_function_code(seam: Seam, function: LambdaFunction, updated_spec: dict[str, Any]) -> dict[str, Any]:
    new_zip = validation.zip_bytes(updated_spec)
    validation.check_zip(new_zip)
    if new_zip is not None and function.layers:
        validation.check_layers([layer["Arn"] for layer in function.layers],
                                _layer_lookup(seam, function.account_id, function.region),
                                validation.unzipped_size(new_zip))
    result = seam.original(LambdaFunction, "update_function_code")(function, updated_spec)
    seam.engine.retire(arns.unqualified(function.function_arn), str(function.version))
    return result


@REGISTRY.method(LambdaBackend, "delete_function")
def delete_function(seam: Seam, backend: LambdaBackend, function_name: str, qualifier: str | None = None) -> None:
    name, version = arns.split_qualifier(function_name, qualifier)  # fn:1, an ARN with :1, or Qualifier=1
    arn = arns.unqualified(backend.get_function(name).function_arn)
    seam.original(LambdaBackend, "delete_function")(backend, function_name, qualifier)
    seam.engine.retire(arn, version)
    seam.provisioned.forget(arn, version)
    seam.snapshots.discard(arn, version)


@REGISTRY.method(LambdaBackend, "publish_layer_version")
def publish_layer_version(seam: Seam, backend: LambdaBackend, spec: dict[str, Any]) -> Any:
    """A layer's content must be a zip (moto stored anything, and a function using it failed with a 500)."""
    validation.check_zip(validation.zip_bytes(spec.get("Content")))
    return seam.original(LambdaBackend, "publish_layer_version")(backend, spec)


@REGISTRY.method(LambdaFunction, "get_configuration")
def get_configuration(seam: Seam, function: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
    configuration = seam.original(LambdaFunction, "get_configuration")(function, on_create)
    if getattr(function, "dead_letter_config", None):
        configuration["DeadLetterConfig"] = function.dead_letter_config
    show_configuration(seam, function, configuration)
    return configuration


@REGISTRY.method(LambdaBackend, "put_function_event_invoke_config")
def put_event_invoke_config(seam: Seam, backend: LambdaBackend, function_name: str,
                            config: dict[str, Any]) -> dict[str, Any]:
    """AWS's Put replaces the function's asynchronous settings (moto 5.2.5 appends a second copy)."""
    backend.get_function(function_name).event_invoke_config = []
    return seam.original(LambdaBackend, "put_function_event_invoke_config")(backend, function_name, config)


@REGISTRY.method(LambdaBackend, "update_function_event_invoke_config")
def update_event_invoke_config(seam: Seam, backend: LambdaBackend, function_name: str,
                               config: dict[str, Any]) -> dict[str, Any]:
    """AWS's Update changes only the settings given (moto 5.2.5 replaces them all)."""
    existing = backend.get_function(function_name).event_invoke_config
    merged = {**(existing[-1].config if existing else {}), **config}
    return put_event_invoke_config(seam, backend, function_name, merged)


@REGISTRY.method(LambdaBackend, "add_permission")
def add_permission(seam: Seam, backend: LambdaBackend, function_name: str, qualifier: str, raw: str) -> dict[str, Any]:
    """A statement id must be new in the function's policy (moto 5.2.5 stores a second one)."""
    statement_id = json.loads(raw).get("StatementId")
    function = backend.get_function(function_name, qualifier)
    if any(statement.get("Sid") == statement_id for statement in function.policy.statements):
        raise ResourceConflictException(f"The statement id ({statement_id}) provided already exists. Please provide "
                                        "a new statement id, or remove the existing statement.")
    return seam.original(LambdaBackend, "add_permission")(backend, function_name, qualifier, raw)


@REGISTRY.method(LambdaFunction, "create_url_config")
def create_url_config(seam: Seam, function: LambdaFunction, config: dict[str, Any]) -> Any:
    """A function URL that works from this machine: on the workbook's HTTP front door. One per function."""
    if getattr(function, "url_config", None) is not None:
        raise ResourceConflictException(
            f"Failed to create function url config for [functionArn = {function.function_arn}]. Error message:  "
            "FunctionUrlConfig exists for this Lambda function")
    url_config = seam.original(LambdaFunction, "create_url_config")(function, config)
    url_id = url_config.url.split("//", 1)[1].split(".", 1)[0]
    url_config.url = seam.addresses.function_url(url_id)
    return url_config


@REGISTRY.method(LambdaFunction, "update_url_config")
def update_url_config(seam: Seam, function: LambdaFunction, config: dict[str, Any]) -> Any:
    """Updating the URL of a function that has none is ResourceNotFoundException (moto 5.2.5 fails: a 500)."""
    if getattr(function, "url_config", None) is None:
        raise ResourceNotFoundException()
    return seam.original(LambdaFunction, "update_url_config")(function, config)


@REGISTRY.method(LambdaBackend, "update_function_configuration")
def backend_update_function_configuration(seam: Seam, backend: LambdaBackend, function_name: str,
                                          qualifier: str | None, body: dict[str, Any]) -> Any:
    """UpdateFunctionConfiguration changes $LATEST, whatever qualifier the name carries: a published version's
    configuration is frozen (moto 5.2.5 changes the version that ``fn:1`` or ``fn:prod`` names). An ``Environment``
    without ``Variables`` leaves the variables as they are (moto 5.2.5 fails: a 500 that boto3 retries)."""
    environment = body.get("Environment")
    if isinstance(environment, dict) and "Variables" not in environment:
        body = {key: value for key, value in body.items() if key != "Environment"}
    return seam.original(LambdaBackend, "update_function_configuration")(
        backend, arns.unqualified(function_name), None, body)


@REGISTRY.method(LambdaBackend, "update_function_code")
def backend_update_function_code(seam: Seam, backend: LambdaBackend, function_name: str, qualifier: str | None,
                                 body: dict[str, Any]) -> Any:
    """UpdateFunctionCode changes $LATEST only; a published version's code is frozen (as for the configuration)."""
    return seam.original(LambdaBackend, "update_function_code")(backend, arns.unqualified(function_name), None, body)


@REGISTRY.method(LambdaBackend, "publish_version")
def publish_version(seam: Seam, backend: LambdaBackend, function_name: str, description: str = "") -> Any:
    """PublishVersion makes a new version only if the code or configuration changed since the last one, otherwise it
    returns the last one, as on AWS (moto 5.2.5 does not note its first publication: a second PublishVersion with
    nothing changed made version 2)."""
    version = seam.original(LambdaBackend, "publish_version")(backend, function_name, description)
    if version is not None:
        backend.get_function(arns.unqualified(function_name)).code_or_config_updated = False
    snapshot_published(seam, version)
    return version
