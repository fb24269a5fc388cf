"""Fails loudly if moto moves under the seam (for example in a moto upgrade).

For every moto callable the workbook replaces (helpers/moto_seam/), moto's own callable must still exist with the
signature the hook was written for, and the hook must take exactly what moto passes. Module-level functions are
only replaced in effect if moto looks them up by name when it calls them: that is checked from moto's own code
objects. Behaviour through moto's own paths is tested in tests/integration/ (S3, SNS, EventBridge, mappings...).
"""

from __future__ import annotations

import inspect

import moto
import pytest
from moto.apigatewayv2.models import ApiGatewayV2Backend
from moto.apigatewayv2.responses import ApiGatewayV2Response
from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.awslambda.responses import LambdaResponse
from moto.dynamodb.models.table import StreamRecord
from moto.events.models import EventsBackend, Rule
from moto.s3 import notifications
from moto.s3.models import S3Backend
from moto.s3.responses import S3Response
from moto.sns.models import Subscription
from moto.sqs.models import Queue, SQSBackend

from helpers import moto_seam

EXPECTED_SIGNATURES = {
    (ApiGatewayV2Backend, "create_api"): ["self", "api_key_selection_expression", "cors_configuration", "description",
                                          "disable_schema_validation", "disable_execute_api_endpoint", "name",
                                          "protocol_type", "route_selection_expression", "tags", "version"],
    (ApiGatewayV2Response, "create_api"): ["self"],
    (StreamRecord, "__init__"): ["self", "table", "stream_type", "event_name", "old", "new", "seq"],
    (Rule, "send_to_targets"): ["self", "original_event", "transform_input"],
    (EventsBackend, "put_rule"): ["self", "name", "description", "event_bus_arn", "event_pattern", "role_arn",
                                  "scheduled_expression", "state", "managed_by", "tags"],
    (LambdaBackend, "create_function"): ["self", "spec"],
    (LambdaFunction, "update_configuration"): ["self", "config_updates"],
    (LambdaFunction, "update_function_code"): ["self", "updated_spec"],
    (LambdaBackend, "delete_function"): ["self", "function_name", "qualifier"],
    (LambdaBackend, "publish_layer_version"): ["self", "spec"],
    (LambdaFunction, "get_configuration"): ["self", "on_create"],
    (LambdaBackend, "put_function_event_invoke_config"): ["self", "function_name", "config"],
    (LambdaBackend, "update_function_event_invoke_config"): ["self", "function_name", "config"],
    (LambdaBackend, "add_permission"): ["self", "function_name", "qualifier", "raw"],
    (LambdaFunction, "create_url_config"): ["self", "config"],
    (LambdaFunction, "update_url_config"): ["self", "config"],
    (LambdaBackend, "update_function_configuration"): ["self", "function_name", "qualifier", "body"],
    (LambdaBackend, "update_function_code"): ["self", "function_name", "qualifier", "body"],
    (LambdaBackend, "publish_version"): ["self", "function_name", "description"],
    (LambdaBackend, "put_function_concurrency"): ["self", "function_name", "reserved_concurrency"],
    (LambdaBackend, "update_alias"): ["self", "name", "function_name", "function_version", "description",
                                      "routing_config"],
    (LambdaBackend, "delete_alias"): ["self", "name", "function_name"],
    (LambdaResponse, "invoke"): ["self"],
    (LambdaResponse, "setup_class"): ["self", "request", "full_url", "headers", "use_raw_body"],
    (LambdaResponse, "_enrich_response"): ["headers", "body"],
    (LambdaFunction, "invoke"): ["self", "body", "request_headers", "response_headers"],
    (LambdaFunction, "_invoke_lambda"): ["self", "event"],
    (LambdaBackend, "create_event_source_mapping"): ["self", "spec"],
    (LambdaBackend, "update_event_source_mapping"): ["self", "uuid", "spec"],
    (LambdaBackend, "delete_event_source_mapping"): ["self", "uuid"],
    (notifications, "_invoke_awslambda"): ["account_id", "event_body", "fn_arn", "region_name"],
    (S3Backend, "put_bucket_notification_configuration"): ["self", "bucket_name", "notification_config"],
    (S3Response, "_notification_config_from_body"): ["self"],
    (Subscription, "publish"): ["self", "message", "message_id", "subject", "message_attributes", "group_id",
                                "deduplication_id", "message_structure"],
    (Queue, "attributes"): ["self"],
    (SQSBackend, "is_message_valid_based_on_retention_period"): ["self", "queue_name", "message"],
}
#: Operations moto does not have, which the workbook adds (if moto gains one, the seam must be re-thought).
ADDED = {(LambdaResponse, "get_account_settings"), (LambdaResponse, "put_provisioned_concurrency_config"),
         (LambdaResponse, "get_provisioned_concurrency_config"),
         (LambdaResponse, "delete_provisioned_concurrency_config"),
         (LambdaResponse, "list_provisioned_concurrency_configs")}
PATCHES = {patch.key: patch for patch in moto_seam.patches()}


def _label(key):
    owner, name = key
    return f"{owner.__name__}.{name}"


def test_moto_is_the_pinned_version():
    assert moto.__version__ == moto_seam.MOTO_VERSION, (
        f"moto {moto.__version__} is installed but the seam was written against {moto_seam.MOTO_VERSION}: re-check "
        "every hook below before moving the pin")


def test_every_patch_is_covered_here():
    assert set(PATCHES) == set(EXPECTED_SIGNATURES) | ADDED


@pytest.mark.parametrize("key", sorted(ADDED, key=str), ids=[_label(key) for key in sorted(ADDED, key=str)])
def test_what_the_workbook_adds_moto_still_lacks(key):
    with pytest.raises(AttributeError, match="the workbook adds it"):
        moto_seam.REGISTRY.original_attribute(*key)


@pytest.mark.parametrize("key", list(EXPECTED_SIGNATURES), ids=[_label(key) for key in EXPECTED_SIGNATURES])
def test_moto_still_has_it_with_the_signature_the_hook_takes(key):
    original = moto_seam.REGISTRY.original(*key)
    moto_parameters = list(inspect.signature(original).parameters)
    assert moto_parameters == EXPECTED_SIGNATURES[key], f"{_label(key)} changed its signature"
    patch = PATCHES[key]
    hook = list(inspect.signature(patch.hook).parameters.values())[1:]  # after the seam
    if any(parameter.kind is inspect.Parameter.VAR_POSITIONAL for parameter in hook):
        return  # the hook passes moto's arguments through as they come
    names = [parameter.name for parameter in hook]
    if patch.kind in ("method", "property"):  # the instance comes first, under a name of the hook's own
        names, moto_parameters = names[1:], moto_parameters[1:]
    assert names == moto_parameters, f"the hook for {_label(key)} takes other arguments than moto passes"



def test_module_functions_are_looked_up_by_name_when_moto_calls_them():
    """Replacing a module's function works only if its callers read the module's global at call time."""
    callers = [function for _, function in inspect.getmembers(notifications, inspect.isfunction)
               if "_invoke_awslambda" in function.__code__.co_names]
    assert callers, "moto's S3 notifications no longer call _invoke_awslambda by name: S3 events would not reach Lambda"


def test_the_invoke_api_is_dispatched_by_method_name():
    """moto's router calls LambdaResponse.dispatch, which looks the action's method up by name at call time."""
    from moto.awslambda import urls

    assert all(handler == LambdaResponse.dispatch for handler in urls.url_paths.values())
