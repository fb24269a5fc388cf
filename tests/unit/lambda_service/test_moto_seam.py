"""Fails loudly if the moto seam the engine plugs into moves (for example in a moto upgrade).

The engine replaces a handful of moto methods (helpers/lambda_service/moto_seam.py). If moto renames them, changes
their signatures, or stops routing its triggers through them, these tests say exactly which one moved.
"""

from __future__ import annotations

import inspect

import moto
import pytest
from moto.awslambda import models as lambda_models
from moto.awslambda import responses as lambda_responses
from moto.apigatewayv2 import responses as apigatewayv2_responses
from moto.dynamodb.models import table as dynamodb_table_models
from moto.events import models as events_models
from moto.s3 import models as s3_models
from moto.s3 import notifications as s3_notifications
from moto.s3 import responses as s3_responses
from moto.sns import models as sns_models
from moto.sqs import models as sqs_models

from helpers.lambda_service import moto_seam

EXPECTED_SIGNATURES = {
    (lambda_responses.LambdaResponse, "invoke"): ["self"],
    (lambda_responses.LambdaResponse, "_enrich_response"): ["headers", "body"],
    (lambda_models.LambdaFunction, "invoke"): ["self", "body", "request_headers", "response_headers"],
    (lambda_models.LambdaFunction, "_invoke_lambda"): ["self", "event"],
    (lambda_models.LambdaFunction, "update_configuration"): ["self", "config_updates"],
    (lambda_models.LambdaFunction, "update_function_code"): ["self", "updated_spec"],
    (lambda_models.LambdaBackend, "create_function"): ["self", "spec"],
    (lambda_models.LambdaBackend, "delete_function"): ["self", "function_name", "qualifier"],
    (lambda_models.LambdaBackend, "put_function_event_invoke_config"): ["self", "function_name", "config"],
    (lambda_models.LambdaBackend, "update_function_event_invoke_config"): ["self", "function_name", "config"],
    (lambda_models.LambdaFunction, "get_configuration"): ["self", "on_create"],
    (events_models.Rule, "send_to_targets"): ["self", "original_event", "transform_input"],
    (lambda_models.LambdaBackend, "create_event_source_mapping"): ["self", "spec"],
    (lambda_models.LambdaBackend, "update_event_source_mapping"): ["self", "uuid", "spec"],
    (lambda_models.LambdaBackend, "delete_event_source_mapping"): ["self", "uuid"],
    (sqs_models.SQSBackend, "is_message_valid_based_on_retention_period"): ["self", "queue_name", "message"],
    (s3_notifications, "_invoke_awslambda"): ["account_id", "event_body", "fn_arn", "region_name"],
    (s3_models.S3Backend, "put_bucket_notification_configuration"): ["self", "bucket_name", "notification_config"],
    (lambda_models.LambdaFunction, "create_url_config"): ["self", "config"],
    (lambda_models.LambdaBackend, "add_permission"): ["self", "function_name", "qualifier", "raw"],
    (lambda_models.LambdaFunction, "update_url_config"): ["self", "config"],
    (dynamodb_table_models.StreamRecord, "__init__"): ["self", "table", "stream_type", "event_name", "old", "new",
                                                       "seq"],
    (s3_responses.S3Response, "_notification_config_from_body"): ["self"],
    (apigatewayv2_responses.ApiGatewayV2Response, "create_api"): ["self"],
    (sns_models.Subscription, "publish"): ["self", "message", "message_id", "subject", "message_attributes",
                                          "group_id", "deduplication_id", "message_structure"],
    (events_models.EventsBackend, "put_rule"): ["self", "name", "description", "event_bus_arn", "event_pattern",
                                                "role_arn", "scheduled_expression", "state", "managed_by", "tags"],
    (lambda_models.LambdaBackend, "update_function_configuration"): ["self", "function_name", "qualifier", "body"],
    (lambda_models.LambdaBackend, "update_function_code"): ["self", "function_name", "qualifier", "body"],
    (lambda_models.LambdaBackend, "publish_version"): ["self", "function_name", "description"],
}


def test_moto_is_the_pinned_version():
    assert moto.__version__ == moto_seam.MOTO_VERSION, (
        f"moto {moto.__version__} is installed but the engine was written against {moto_seam.MOTO_VERSION}: "
        "re-check every seam below before moving the pin")


def test_every_patched_method_is_covered_here():
    assert set(moto_seam.PATCHED) == set(EXPECTED_SIGNATURES)


@pytest.mark.parametrize(("owner", "name"), list(EXPECTED_SIGNATURES),
                         ids=[f"{owner.__name__}.{name}" for owner, name in EXPECTED_SIGNATURES])
def test_seam_method_exists_with_the_expected_signature(owner, name):
    original = moto_seam._originals.get((owner, name), getattr(owner, name, None))
    assert original is not None, f"moto no longer has {owner.__name__}.{name}"
    parameters = list(inspect.signature(original).parameters)
    assert parameters == EXPECTED_SIGNATURES[(owner, name)], f"{owner.__name__}.{name} changed its signature"


def test_triggers_still_call_lambda_function_invoke():
    """S3, SNS and the stream/queue mappings reach the engine only through LambdaFunction.invoke."""
    from moto.s3 import notifications

    sources = {
        "S3 notifications": inspect.getsource(notifications),
        "SNS / SQS / DynamoDB Streams mappings": inspect.getsource(lambda_models.LambdaBackend),
    }
    for where, source in sources.items():
        assert ".invoke(" in source, f"{where} no longer call LambdaFunction.invoke"


def test_invoke_api_is_dispatched_by_method_name():
    """moto's router calls LambdaResponse.dispatch, which looks the action's method up by name at call time."""
    from moto.awslambda import urls

    assert all(handler == lambda_responses.LambdaResponse.dispatch for handler in urls.url_paths.values())


def test_install_and_uninstall_restore_moto(tmp_path):
    from helpers.lambda_service.engine import LambdaEngine

    session_engine = moto_seam._engine  # the test session's local AWS may be running: put it back afterwards
    moto_seam.uninstall()
    before = {key: getattr(*key) for key in moto_seam.PATCHED}
    engine = LambdaEngine(tmp_path / "work", "http://127.0.0.1:9")
    try:
        moto_seam.install(engine)
        assert all(getattr(*key) is not before[key] for key in moto_seam.PATCHED)
        moto_seam.install(engine)  # idempotent
        moto_seam.uninstall()
        assert all(getattr(*key) is before[key] for key in moto_seam.PATCHED)
    finally:
        engine.shutdown()
        if session_engine is not None:
            moto_seam.install(session_engine)
