"""Provisioned concurrency, in moto (which has none: its URL answered with an HTML 404 page).

* A route for ``/2019-09-30/functions/{name}/provisioned-concurrency`` and four ``LambdaResponse`` operations:
  Put (202, ``IN_PROGRESS``), Get, Delete (204) and List, answered from ``lambda_service/provisioned.py``.
* AWS's errors, checked here where moto's aliases and versions are known: ``$LATEST`` (or an alias of it), an
  alias or version that does not exist, a count below 1, an alias and the version it points at both configured, a
  version with SnapStart;
  the function's reservation and the account's unreserved concurrency are checked by the concurrency ledger.
* ``LambdaBackend.update_alias``: moving an alias that has a config reallocates it for the new version;
  ``delete_alias`` deletes its config (``delete_function`` in ``lambda_functions.py`` forgets a version's).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.awslambda import urls
from moto.awslambda.models import LambdaBackend
from moto.awslambda.responses import LambdaResponse

from helpers import arns
from helpers.lambda_service.errors import (InvalidParameterValueException, JsonRESTError, ResourceConflictException,
                                           ResourceNotFoundException, ValidationException, function_not_found)
from helpers.lambda_service.provisioned import ProvisionedConfig
from helpers.lambda_service.snapstart_rules import refuse_provisioned_concurrency

from .parts import Seam
from .registry import REGISTRY

REGISTRY.route(urls.url_paths, r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)"
               r"/provisioned-concurrency/?$", LambdaResponse.dispatch)

UNPUBLISHED = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
NOT_ALIAS_OR_VERSION = "The function resource provided must be an alias or a published version."
JSON = {"content-type": "application/json"}


class ProvisionedConcurrencyConfigNotFoundException(JsonRESTError):
    code = 404

    def __init__(self) -> None:
        super().__init__("ProvisionedConcurrencyConfigNotFoundException",
                         "No Provisioned Concurrency Config found for this function")


class _Target:
    """The function and qualifier a request names, checked: the version it provisions, and the function's aliases."""

    def __init__(self, seam: Seam, response: LambdaResponse, *, latest_message: str) -> None:
        self.account_id, self.region = response.current_account, response.region
        raw_name = unquote(response.path.split("/functions/", 1)[1].split("/", 1)[0])
        try:
            name, qualifier = arns.split_qualifier(raw_name, response.querystring.get("Qualifier", [None])[0])
        except arns.QualifierMismatch as exc:
            raise InvalidParameterValueException(str(exc)) from None
        if not qualifier:
            raise ValidationException("1 validation error detected: Value null at 'qualifier' failed to satisfy "
                                      "constraint: Member must not be null")
        if qualifier == "$LATEST":
            raise InvalidParameterValueException(latest_message)
        self.aliases = seam.state.aliases(name, account_id=self.account_id, region=self.region)
        self.function_arn = arns.function_arn(self.region, self.account_id, arns.split_qualifier(
            arns.unqualified(name))[0].split(":")[-1])
        self.qualifier = qualifier
        self.is_alias = not qualifier.isdigit()
        if self.is_alias and qualifier not in self.aliases:
            raise ResourceNotFoundException(f"Cannot find alias arn: {self.function_arn}:{qualifier}")
        self.version = self.aliases[qualifier] if self.is_alias else qualifier
        if self.version == "$LATEST":
            raise InvalidParameterValueException(latest_message)
        try:
            self.function = seam.state.function(name, self.version, account_id=self.account_id, region=self.region)
        except JsonRESTError:
            raise function_not_found(f"{self.function_arn}:{qualifier}") from None


@REGISTRY.method(LambdaResponse, "put_provisioned_concurrency_config")
def put_config(seam: Seam, response: LambdaResponse) -> tuple[int, dict[str, str], str]:
    target = _Target(seam, response, latest_message=UNPUBLISHED)
    requested = _count(json.loads(response.body or "{}").get("ProvisionedConcurrentExecutions"))
    refuse_provisioned_concurrency(target.function)  # SnapStart and provisioned concurrency do not combine
    if target.is_alias and seam.provisioned.get(target.function_arn, target.version) is not None:
        raise ResourceConflictException(
            "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
    if not target.is_alias and any(version == target.version and seam.provisioned.get(target.function_arn, alias)
                                   for alias, version in target.aliases.items()):
        raise ResourceConflictException("Version is pointed by a Provisioned Concurrency alias")
    config = seam.provisioned.put(target.function, target.qualifier, requested)
    return 202, {**JSON, "status": "202"}, json.dumps(_document(config))  # moto takes the status from "status"


@REGISTRY.method(LambdaResponse, "get_provisioned_concurrency_config")
def get_config(seam: Seam, response: LambdaResponse) -> tuple[int, dict[str, str], str]:
    target = _Target(seam, response, latest_message=NOT_ALIAS_OR_VERSION)
    config = seam.provisioned.get(target.function_arn, target.qualifier)
    if config is None:
        raise ProvisionedConcurrencyConfigNotFoundException()
    return 200, JSON, json.dumps(_document(config))


@REGISTRY.method(LambdaResponse, "delete_provisioned_concurrency_config")
def delete_config(seam: Seam, response: LambdaResponse) -> tuple[int, dict[str, str], str]:
    target = _Target(seam, response, latest_message=NOT_ALIAS_OR_VERSION)
    seam.provisioned.delete(target.function_arn, target.qualifier)  # none there: nothing to do, as on AWS
    return 204, {"status": "204"}, ""


@REGISTRY.method(LambdaResponse, "list_provisioned_concurrency_configs")
def list_configs(seam: Seam, response: LambdaResponse) -> tuple[int, dict[str, str], str]:
    name = arns.unqualified(unquote(response.path.split("/functions/", 1)[1].split("/", 1)[0]))
    function = seam.state.function(name, account_id=response.current_account, region=response.region)
    configs = [{"FunctionArn": f"{config.function_arn}:{config.qualifier}", **_document(config)}
               for config in seam.provisioned.configs(function.function_arn)]
    return 200, JSON, json.dumps({"ProvisionedConcurrencyConfigs": configs})


@REGISTRY.method(LambdaBackend, "update_alias")
def update_alias(seam: Seam, backend: LambdaBackend, name: str, function_name: str, function_version: str,
                 description: str, routing_config: str) -> Any:
    """An alias with provisioned concurrency that moves to another version reallocates it there."""
    function_arn = arns.unqualified(backend.get_function(arns.unqualified(function_name)).function_arn)
    configured = seam.provisioned.get(function_arn, name) is not None
    if configured and function_version == "$LATEST":
        raise InvalidParameterValueException(UNPUBLISHED)
    alias = seam.original(LambdaBackend, "update_alias")(backend, name, function_name, function_version, description,
                                                         routing_config)
    if configured:
        seam.provisioned.alias_moved(seam.state.function(function_arn, str(alias.function_version),
                                                         account_id=backend.account_id, region=backend.region_name),
                                     name)
    return alias


@REGISTRY.method(LambdaBackend, "delete_alias")
def delete_alias(seam: Seam, backend: LambdaBackend, name: str, function_name: str) -> None:
    function_arn = arns.unqualified(backend.get_function(arns.unqualified(function_name)).function_arn)
    seam.original(LambdaBackend, "delete_alias")(backend, name, function_name)
    seam.provisioned.delete(function_arn, name)


def _count(value: Any) -> int:
    """ProvisionedConcurrentExecutions: a whole number from 1 (boto3 and the CLI check this before sending)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'provisionedConcurrentExecutions' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1")
    return value


def _document(config: ProvisionedConfig) -> dict[str, Any]:
    document: dict[str, Any] = {"RequestedProvisionedConcurrentExecutions": config.requested,
                                "AvailableProvisionedConcurrentExecutions": config.available,
                                "AllocatedProvisionedConcurrentExecutions": config.allocated,
                                "Status": config.status, "LastModified": config.last_modified}
    if config.status_reason:
        document["StatusReason"] = config.status_reason
    return document
