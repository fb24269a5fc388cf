"""Where the Lambda engine plugs into moto (pinned: moto 5.2.5). Every patch of moto lives here.

moto stays the control plane (functions, versions, aliases, layers, configuration); the engine is the data plane.

* ``LambdaResponse.invoke``: the Invoke API, answered by ``invoke_api.invoke`` (moto 5.2.5 ignores ``Qualifier=``
  and runs nothing without Docker); ``LambdaResponse._enrich_response`` keeps the invocation's request id.
* ``LambdaFunction.invoke`` and ``LambdaFunction._invoke_lambda``: the choke points every moto trigger (S3, SNS,
  SQS and DynamoDB Streams mappings, ...) calls; they run the real handler in the engine.
* ``LambdaBackend.create_function``, ``LambdaFunction.update_configuration`` and ``.update_function_code``:
  AWS's validation first, then moto; and new code or configuration retires the old environments.
* ``LambdaBackend.delete_function``: a deleted function's environments stop.
* ``DeadLetterConfig`` is kept (moto drops it) and shown by ``get_configuration``; the event invoke config is
  replaced by Put and merged by Update, as on AWS.
* ``events.Rule.send_to_targets`` and ``events.EventsBackend.put_rule``: EventBridge delivers to Lambda targets
  (asynchronously), skips disabled and schedule-only rules, and validates schedule expressions.
* ``LambdaBackend.create_event_source_mapping``: SQS and DynamoDB Streams mappings leave moto's inline path (inside
  SendMessage or PutItem, records lost on failure); the workbook's pollers run them (helpers/triggers/). An SQS
  mapping is refused as Lambda refuses it: a second one for the same function and queue, a batch over 10 without a
  batching window (also on update), a queue whose visibility timeout is shorter than the function's timeout.
* ``dynamodb.models.table.StreamRecord.__init__``: stream records are stamped on the workbook clock.
* ``SQSBackend.is_message_valid_based_on_retention_period``: the same rule, in constant time (moto's is O(n)
  per message received).
* ``s3.notifications._invoke_awslambda``, ``S3Backend.put_bucket_notification_configuration`` and
  ``sns.Subscription.publish``: S3 and SNS events in AWS's shape (helpers/event_builder.py), queued
  asynchronously; S3 requires the function's permission (add_permission) and refuses a filter rule that is not
  prefix or suffix (``S3Response._notification_config_from_body``); a deleted function's subscription does not
  break Publish.
* ``LambdaFunction.create_url_config`` and ``ApiGatewayV2Response.create_api``: function URLs and HTTP API
  endpoints on the workbook's HTTP front door (helpers/triggers/http_front_door.py); HTTP API quick-create; a
  second URL for the same function is refused, and updating a URL that does not exist is ResourceNotFoundException,
  as on AWS (``LambdaFunction.update_url_config``).
* ``LambdaBackend.add_permission``: a statement id already in the policy is refused, as on AWS (moto adds a twin).
* ``LambdaBackend.update_function_configuration``, ``.update_function_code`` and ``.publish_version``: published
  versions are frozen (an update through ``fn:1`` or ``fn:prod`` changes $LATEST); ``Environment`` without
  ``Variables`` changes nothing; publishing with nothing changed returns the last version.

``tests/unit/test_moto_seam.py`` fails loudly if any of these moves in a moto upgrade.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from moto.awslambda import models as lambda_models
from moto.awslambda import responses as lambda_responses
from moto.awslambda.exceptions import LambdaClientError
from moto.core.exceptions import JsonRESTError
from moto.apigatewayv2 import responses as apigatewayv2_responses
from moto.dynamodb.models import table as dynamodb_table_models
from moto.events import models as events_models
from moto.s3 import models as s3_models
from moto.s3 import notifications as s3_notifications
from moto.s3 import responses as s3_responses
from moto.sns import models as sns_models
from moto.sqs import models as sqs_models

from helpers.runtime.environment import InvocationRequest

from . import invoke_api, validation
from .engine import LambdaEngine, new_request_id

MOTO_VERSION = "5.2.5"
_originals: dict[tuple[type, str], Any] = {}
_engine: LambdaEngine | None = None


def installed_engine() -> LambdaEngine:
    if _engine is None:
        raise RuntimeError("The Lambda engine is not running: start the local AWS first.")
    return _engine


# ---------------------------------------------------------------------------------------------- replacements


def _response_invoke(self: Any) -> tuple[int, dict[str, str], bytes]:
    """``LambdaResponse.invoke``: the HTTP Invoke API."""
    try:
        return _answer_invoke(self)
    except JsonRESTError:  # an AWS-style error (ResourceNotFoundException, ...): moto renders it
        raise
    except Exception as exc:  # noqa: BLE001 - an engine failure is a ServiceException, never an HTML page
        logging.getLogger(__name__).exception("Invoke failed inside the workbook's engine")
        raise ServiceException(f"The workbook's Lambda engine failed: {type(exc).__name__}: {exc}") from None


class ServiceException(LambdaClientError):
    code = 500

    def __init__(self, message: str) -> None:
        super().__init__("ServiceException", message)


def _answer_invoke(self: Any) -> tuple[int, dict[str, str], bytes]:
    from urllib.parse import unquote

    function_name = unquote(self.path.rsplit("/", 2)[-2])
    result = invoke_api.invoke(
        installed_engine(), function_name, self.body if isinstance(self.body, bytes) else (self.body or "").encode(),
        qualifier=self.querystring.get("Qualifier", [None])[0],
        invocation_type=self.headers.get("X-Amz-Invocation-Type") or "RequestResponse",
        log_type=self.headers.get("X-Amz-Log-Type"), client_context=self.headers.get("X-Amz-Client-Context"),
        account_id=self.current_account, region=self.region)
    headers = {"content-type": "application/json", "x-amzn-requestid": result.request_id,
               "status": str(result.status_code), **result.headers}  # moto takes the HTTP status from "status"
    return result.status_code, headers, result.payload


def _enrich_response(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
    """moto gives every response a random request id; an Invoke's is the invocation's own, as on AWS."""
    ours = headers.get("x-amzn-requestid")
    headers, body = _originals[(lambda_responses.LambdaResponse, "_enrich_response")](headers, body)
    if ours:
        headers["x-amzn-requestid"] = ours
    return headers, body


def _function_invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
    """``LambdaFunction.invoke``: what moto's triggers call with an event (a JSON string)."""
    payload = body.encode() if isinstance(body, str) else (body or b"{}")
    request = InvocationRequest(new_request_id(), payload, self.function_arn)
    engine = installed_engine()
    if (request_headers or {}).get("x-amz-invocation-type") == "Event":
        engine.invoke_in_background(self, request)
        return b""
    outcome = engine.invoke(self, request)
    if outcome.error_type is not None:
        response_headers["x-amz-function-error"] = "Unhandled"
    return outcome.payload


def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
    """``LambdaFunction._invoke_lambda``: moto's Docker executor, replaced by the engine."""
    payload = event if isinstance(event, str) else json.dumps(event if event is not None else {})
    outcome = installed_engine().invoke(self, InvocationRequest(new_request_id(), payload.encode(), self.function_arn))
    return outcome.payload.decode("utf-8", "replace"), outcome.error_type is not None, "\n".join(outcome.log_events)


def _layer_lookup(account_id: str, region: str) -> Any:
    from moto.awslambda.utils import get_backend

    return get_backend(account_id, region).layers_versions_by_arn


def _update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
    validation.check_configuration(config_updates)
    if "Layers" in config_updates:
        validation.check_layers(config_updates["Layers"], _layer_lookup(self.account_id, self.region),
                                validation.unzipped_size(getattr(self, "code_bytes", b"")))
    if "DeadLetterConfig" in config_updates:  # moto does not keep it; the asynchronous queue needs it
        self.dead_letter_config = config_updates["DeadLetterConfig"] or None
    result = _originals[(lambda_models.LambdaFunction, "update_configuration")](self, config_updates)
    if _engine is not None:
        _engine.retire(self.function_arn)
    return result


def _update_function_code(self: Any, updated_spec: dict[str, Any]) -> dict[str, Any]:
    new_zip = validation.zip_bytes(updated_spec)
    validation.check_zip(new_zip)
    if new_zip is not None and self.layers:
        validation.check_layers([layer["Arn"] for layer in self.layers], _layer_lookup(self.account_id, self.region),
                                validation.unzipped_size(new_zip))
    result = _originals[(lambda_models.LambdaFunction, "update_function_code")](self, updated_spec)
    if _engine is not None:
        _engine.retire(self.function_arn)
    return result


def _create_function(self: Any, spec: dict[str, Any]) -> Any:
    validation.check_configuration(spec)
    code = validation.zip_bytes(spec.get("Code"))
    validation.check_zip(code)
    validation.check_layers(spec.get("Layers"), self.layers_versions_by_arn, validation.unzipped_size(code))
    function = _originals[(lambda_models.LambdaBackend, "create_function")](self, spec)
    if spec.get("DeadLetterConfig"):  # on the stored $LATEST, and on the copy moto returns when Publish=True
        function.dead_letter_config = spec["DeadLetterConfig"]
        self.get_function(spec["FunctionName"]).dead_letter_config = spec["DeadLetterConfig"]
    return function


def _get_configuration(self: Any, on_create: bool = False) -> dict[str, Any]:
    configuration = _originals[(lambda_models.LambdaFunction, "get_configuration")](self, on_create)
    if getattr(self, "dead_letter_config", None):
        configuration["DeadLetterConfig"] = self.dead_letter_config
    return configuration


def _put_event_invoke_config(self: Any, function_name: str, config: dict[str, Any]) -> dict[str, Any]:
    """AWS's Put replaces the function's asynchronous settings (moto 5.2.5 appends a second copy)."""
    self.get_function(function_name).event_invoke_config = []
    return _originals[(lambda_models.LambdaBackend, "put_function_event_invoke_config")](self, function_name, config)


def _update_event_invoke_config(self: Any, function_name: str, config: dict[str, Any]) -> dict[str, Any]:
    """AWS's Update changes only the settings given (moto 5.2.5 replaces them all)."""
    existing = self.get_function(function_name).event_invoke_config
    merged = {**(existing[-1].config if existing else {}), **config}
    return _put_event_invoke_config(self, function_name, merged)


def _delete_function(self: Any, function_name: str, qualifier: str | None = None) -> None:
    arn = self.get_function(function_name).function_arn
    _originals[(lambda_models.LambdaBackend, "delete_function")](self, function_name, qualifier)
    if _engine is not None:
        _engine.retire(arn)


def _send_to_targets(self: Any, original_event: dict[str, Any], transform_input: bool = True) -> None:
    """``Rule.send_to_targets`` for PutEvents: disabled and schedule-only rules take no events; Lambda targets
    are invoked asynchronously (moto 5.2.5 raises NotImplementedError for them)."""
    from helpers.triggers import eventbridge

    if self.state != "ENABLED" or not self.event_pattern.get_pattern():
        return
    if not self.event_pattern.matches_event(original_event):
        return
    event = {key: value for key, value in original_event.items() if key != "ingestion-time"}
    if isinstance(event.get("time"), (int, float)):  # moto keeps epoch seconds; AWS sends ISO 8601
        event["time"] = eventbridge.iso_time(event["time"])
    eventbridge.deliver(self, event, installed_engine(),
                        lambda targets, _event: send_with_moto(self, targets, original_event, transform_input))


def send_with_moto(rule: Any, targets: list[dict[str, Any]], event: dict[str, Any], transform_input: bool = True) -> None:
    """Send to non-Lambda targets (SQS, logs, other buses) with moto's own code."""
    saved = rule.targets
    rule.targets = targets
    try:
        _originals[(events_models.Rule, "send_to_targets")](rule, event, transform_input)
    finally:
        rule.targets = saved


def _put_rule(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """``EventsBackend.put_rule``: schedule expressions validated as AWS does (moto accepts cron(bogus))."""
    from moto.events.exceptions import ValidationException as EventsValidationException

    from helpers.triggers.schedule import is_valid

    expression = kwargs.get("scheduled_expression")
    if expression and not is_valid(expression):
        raise EventsValidationException("Parameter ScheduleExpression is not valid.")
    rule = _originals[(events_models.EventsBackend, "put_rule")](self, name, *args, **kwargs)
    scheduler = getattr(_engine, "scheduler", None)
    if expression and scheduler is not None:
        scheduler.rule_created(rule)
    return rule


def _check_sqs_mapping(backend: Any, spec: dict[str, Any]) -> None:
    """What Lambda refuses when an SQS mapping is created (moto 5.2.5 accepts all three)."""
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.sqs.models import sqs_backends

    arn = spec["EventSourceArn"]
    function = backend.get_function(spec["FunctionName"])
    for mapping in backend._event_source_mappings.values():
        if mapping.event_source_arn == arn and mapping.function_arn == function.function_arn:
            raise _ResourceConflict(f'An event source mapping with SQS arn (" {arn} ") and function '
                                    f'(" {function.function_name} ") already exists. Please update or delete the '
                                    f"existing mapping with UUID {mapping.uuid}")
    if int(spec.get("BatchSize") or 10) > 10 and not int(spec.get("MaximumBatchingWindowInSeconds") or 0):
        raise InvalidParameterValueException("Maximum batch window in seconds must be greater than 0 if maximum "
                                             "batch size is greater than 10")
    for queue in sqs_backends[backend.account_id][backend.region_name].queues.values():
        visibility_s = int(queue.visibility_timeout or 0)
        if queue.queue_arn == arn and visibility_s < int(function.timeout):
            raise InvalidParameterValueException(f"Queue visibility timeout: {visibility_s} seconds is less than "
                                                 f"Function timeout: {function.timeout} seconds")


def _update_event_source_mapping(self: Any, uuid: str, spec: dict[str, Any]) -> Any:
    """An SQS mapping's batch over 10 still needs a batching window after an update (moto 5.2.5 takes any); an
    unknown UUID is ResourceNotFoundException (moto answered 200 with nothing)."""
    from moto.awslambda.exceptions import GenericResourcNotFound, InvalidParameterValueException

    mapping = self.get_event_source_mapping(uuid)
    if mapping is None:
        raise GenericResourcNotFound()
    if mapping is not None and str(mapping.event_source_arn).startswith("arn:aws:sqs:"):
        batch = int(spec.get("BatchSize", mapping.batch_size) or 10)
        window = int(spec.get("MaximumBatchingWindowInSeconds", mapping.max_batch_window) or 0)
        if batch > 10 and not window:
            raise InvalidParameterValueException("Maximum batch window in seconds must be greater than 0 if maximum "
                                                 "batch size is greater than 10")
    return _originals[(lambda_models.LambdaBackend, "update_event_source_mapping")](self, uuid, spec)


def _delete_event_source_mapping(self: Any, uuid: str) -> Any:
    """Deleting a mapping that does not exist is ResourceNotFoundException, as on AWS (moto answered 200)."""
    from moto.awslambda.exceptions import GenericResourcNotFound

    if self.get_event_source_mapping(uuid) is None:
        raise GenericResourcNotFound()
    return _originals[(lambda_models.LambdaBackend, "delete_event_source_mapping")](self, uuid)


def _create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
    """SQS and DynamoDB Streams mappings are run by the workbook's pollers, not inside SendMessage or PutItem; an
    SQS mapping is checked as Lambda checks it."""
    if str(spec.get("EventSourceArn", "")).startswith("arn:aws:sqs:") and spec.get("FunctionName"):
        _check_sqs_mapping(self, spec)
    mapping = _originals[(lambda_models.LambdaBackend, "create_event_source_mapping")](self, spec)
    if mapping.event_source_arn.startswith("arn:aws:sqs:"):
        from moto.sqs.models import sqs_backends

        for queue in sqs_backends[self.account_id][self.region_name].queues.values():
            if queue.queue_arn == mapping.event_source_arn:
                queue.lambda_event_source_mappings.pop(mapping.function_arn, None)
    elif ":dynamodb:" in mapping.event_source_arn:  # run by helpers/triggers/stream_poller.py, in order, with retries
        from moto.dynamodb.models import dynamodb_backends

        for table in dynamodb_backends[self.account_id][self.region_name].tables.values():
            table.lambda_event_source_mappings.pop(mapping.function_arn, None)
    return mapping


def _stream_record_init(self: Any, table: Any, stream_type: str, event_name: str, old: Any, new: Any,
                        seq: int) -> None:
    """A DynamoDB stream record is stamped on the workbook clock, so that records age as the clock moves
    (MaximumRecordAgeInSeconds, iterator age) even after ``clock.advance``."""
    from datetime import datetime, timezone

    _originals[(dynamodb_table_models.StreamRecord, "__init__")](self, table, stream_type, event_name, old, new, seq)
    if _engine is not None:
        stamped = datetime.fromtimestamp(_engine.clock.now(), timezone.utc).replace(tzinfo=None)
        self.record["dynamodb"]["ApproximateCreationDateTime"] = stamped


def _retention_check(self: Any, queue_name: str, message: Any) -> bool:
    """The same rule as moto's, without computing every queue attribute for every message received (which
    makes a receive from a queue of 1,000 messages take a second)."""
    import time as _time

    retention_s = int(self.get_queue(queue_name).message_retention_period)
    return retention_s + message.sent_timestamp / 1000 > _time.time()


def _s3_invoke_lambda(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
    """S3 notifications: AWS's event shape (helpers/event_builder.py), queued asynchronously as S3 does."""
    from urllib.parse import unquote_plus

    from moto.awslambda.utils import get_backend

    from helpers.event_builder import s3_event

    record = event_body["Records"][0]
    s3 = record["s3"]
    event = s3_event(s3["bucket"]["name"], unquote_plus(s3["object"]["key"]), event_name=record["eventName"],
                     size=s3["object"].get("size", 0), etag=s3["object"].get("eTag", ""),
                     region=record.get("awsRegion", region_name), account_id=account_id,
                     configuration_id=s3.get("configurationId", ""))
    try:
        function = get_backend(account_id, region_name).get_function(fn_arn)
    except Exception:  # noqa: BLE001 - deleted since the notification was set up: S3 drops the event
        return
    installed_engine().invoke_in_background(
        function, InvocationRequest(new_request_id(), json.dumps(event).encode(), function.function_arn))


def _put_bucket_notification_configuration(self: Any, bucket_name: str, notification_config: dict[str, Any]) -> None:
    """S3 checks that each Lambda destination lets s3.amazonaws.com invoke it (add_permission), as on AWS."""
    from moto.awslambda.utils import get_backend
    from moto.s3.exceptions import InvalidArgumentError

    from .resource_policy import allows

    bucket = self.get_bucket(bucket_name)
    previous = bucket.notification_configuration
    _originals[(s3_models.S3Backend, "put_bucket_notification_configuration")](self, bucket_name, notification_config)
    for notification in (bucket.notification_configuration.cloud_function if bucket.notification_configuration else []):
        region = notification.arn.split(":")[3]
        try:
            function = get_backend(self.account_id, region).get_function(notification.arn)
            permitted = allows(function, "s3.amazonaws.com", f"arn:aws:s3:::{bucket_name}", self.account_id)
        except Exception:  # noqa: BLE001 - no such function
            permitted = False
        if not permitted:
            bucket.notification_configuration = previous
            raise InvalidArgumentError("Unable to validate the following destination configurations",
                                       notification.arn, "Not authorized to invoke function")


def _notification_config_from_body(self: Any) -> dict[str, Any]:
    """A filter rule's name is prefix or suffix (any case), else S3's InvalidArgument (moto 5.2.5 fails an assert:
    a 500 that boto3 retries)."""
    import re

    from moto.s3.exceptions import InvalidArgumentError

    body = self.body.decode("utf-8") if isinstance(self.body, bytes) else (self.body or "")
    for rules in re.findall(r"<FilterRule>(.*?)</FilterRule>", body, flags=re.S):
        name = (re.findall(r"<Name>(.*?)</Name>", rules, flags=re.S) or [""])[0]
        if name.strip().lower() not in ("prefix", "suffix"):
            raise InvalidArgumentError("filter rule name must be either prefix or suffix", "FilterRule.Name", name)
    self.body = re.sub(r"<Name>\s*(prefix|suffix)\s*</Name>", lambda match: f"<Name>{match.group(1).lower()}</Name>",
                       body, flags=re.I)
    return _originals[(s3_responses.S3Response, "_notification_config_from_body")](self)


def _subscription_publish(self: Any, message: str, message_id: str, subject: str | None = None,
                          message_attributes: dict[str, Any] | None = None, group_id: str | None = None,
                          deduplication_id: str | None = None, message_structure: str | None = None) -> None:
    """SNS to Lambda: AWS's event shape with the real attributes, asynchronous; a subscription whose function is
    gone does not stop delivery to the others (moto 5.2.5 fails the whole Publish)."""
    if self.protocol != "lambda":
        return _originals[(sns_models.Subscription, "publish")](
            self, message, message_id, subject, message_attributes, group_id, deduplication_id, message_structure)
    from moto.awslambda.utils import get_backend

    from helpers.event_builder import sns_event

    if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(message_attributes,
                                                                                           message):
        return
    if message_structure == "json":
        message = self._parse_message_structure(message, self.protocol)
    attributes = {name: {"DataType": value["Type"],
                         ("BinaryValue" if value["Type"].startswith("Binary") else "StringValue"): str(value["Value"])}
                  for name, value in (message_attributes or {}).items()}
    event = sns_event(self.topic.arn, message, subject=subject, message_attributes=attributes,
                      subscription_arn=self.arn, message_id=message_id)
    try:
        function = get_backend(self.account_id, self.endpoint.split(":")[3]).get_function(self.endpoint)
    except Exception:  # noqa: BLE001 - the function was deleted: SNS retries it for a while, then gives up
        logging.getLogger(__name__).info("SNS subscription %s: function %s does not exist", self.arn, self.endpoint)
        return
    from .resource_policy import allows

    if not allows(function, "sns.amazonaws.com", self.topic.arn, self.topic.account_id):
        # AWS: the delivery fails and the message is not delivered to this subscriber; add_permission fixes it
        logging.getLogger(__name__).warning(
            "SNS topic %s may not invoke %s: its resource-based policy has no statement for sns.amazonaws.com "
            "(add_permission)", self.topic.arn, function.function_name)
        return
    installed_engine().invoke_in_background(
        function, InvocationRequest(new_request_id(), json.dumps(event).encode(), function.function_arn))


class _ResourceConflict(LambdaClientError):
    code = 409

    def __init__(self, message: str) -> None:
        super().__init__("ResourceConflictException", message)


def _add_permission(self: Any, function_name: str, qualifier: str, raw: str) -> dict[str, Any]:
    """A statement id must be new in the function's policy (moto 5.2.5 stores a second one)."""
    statement_id = json.loads(raw).get("StatementId")
    function = self.get_function(function_name, qualifier)
    if any(statement.get("Sid") == statement_id for statement in function.policy.statements):
        raise _ResourceConflict(f"The statement id ({statement_id}) provided already exists. Please provide a new "
                                "statement id, or remove the existing statement.")
    return _originals[(lambda_models.LambdaBackend, "add_permission")](self, function_name, qualifier, raw)


def _create_url_config(self: Any, config: dict[str, Any]) -> Any:
    """A function URL that works from this machine: on the workbook's HTTP front door. One per function."""
    if getattr(self, "url_config", None) is not None:
        raise _ResourceConflict(f"Failed to create function url config for [functionArn = {self.function_arn}]. "
                                "Error message:  FunctionUrlConfig exists for this Lambda function")
    url_config = _originals[(lambda_models.LambdaFunction, "create_url_config")](self, config)
    front_door = getattr(_engine, "front_door", None)
    if front_door is not None:
        url_id = url_config.url.split("//", 1)[1].split(".", 1)[0]
        url_config.url = front_door.function_url(url_id)
    return url_config


def _update_url_config(self: Any, config: dict[str, Any]) -> Any:
    """Updating the URL of a function that has none is ResourceNotFoundException (moto 5.2.5 fails: a 500)."""
    from moto.awslambda.exceptions import GenericResourcNotFound

    if getattr(self, "url_config", None) is None:
        raise GenericResourcNotFound()
    return _originals[(lambda_models.LambdaFunction, "update_url_config")](self, config)


def _create_http_api(self: Any) -> tuple[int, dict[str, str], str]:
    """HTTP APIs on the front door, and quick-create (``Target``): a Lambda integration and a $default route."""
    status, headers, body = _originals[(apigatewayv2_responses.ApiGatewayV2Response, "create_api")](self)
    params = json.loads(self.body)
    api = self.apigatewayv2_backend.get_api(json.loads(body)["apiId"])
    target = params.get("target")
    if target:
        integration = api.create_integration(connection_type="INTERNET", description="", integration_method="POST",
                                             integration_type="AWS_PROXY", integration_uri=target,
                                             payload_format_version="2.0")
        api.create_route(api_key_required=False, authorization_scopes=[],
                         route_key=params.get("routeKey") or "$default", target=f"integrations/{integration.id}")
        api.create_stage({"stageName": "$default", "autoDeploy": True})  # quick-create deploys to $default
    front_door = getattr(_engine, "front_door", None)
    if front_door is not None:
        api.api_endpoint = front_door.http_api_url(api.api_id)
    return status, headers, json.dumps(api.to_json())


def _unqualified(function_name: str) -> str:
    """``fn:prod``, ``123456789012:function:fn:1`` or a qualified ARN, without its version or alias."""
    parts = function_name.split(":")
    if function_name.startswith("arn:"):
        return ":".join(parts[:7])
    if len(parts) > 2 and parts[1] == "function":
        return ":".join(parts[:3])
    return parts[0]


def _backend_update_function_configuration(self: Any, function_name: str, qualifier: str | None,
                                           body: dict[str, Any]) -> Any:
    """UpdateFunctionConfiguration changes $LATEST, whatever qualifier the name carries: a published version's
    configuration is frozen (moto 5.2.5 changes the version that ``fn:1`` or ``fn:prod`` names). An ``Environment``
    without ``Variables`` leaves the variables as they are (moto 5.2.5 fails: a 500 that boto3 retries)."""
    environment = body.get("Environment")
    if isinstance(environment, dict) and "Variables" not in environment:
        body = {key: value for key, value in body.items() if key != "Environment"}
    return _originals[(lambda_models.LambdaBackend, "update_function_configuration")](
        self, _unqualified(function_name), None, body)


def _backend_update_function_code(self: Any, function_name: str, qualifier: str | None, body: dict[str, Any]) -> Any:
    """UpdateFunctionCode changes $LATEST only; a published version's code is frozen (as for the configuration)."""
    return _originals[(lambda_models.LambdaBackend, "update_function_code")](
        self, _unqualified(function_name), None, body)


def _publish_version(self: Any, function_name: str, description: str = "") -> Any:
    """PublishVersion makes a new version only if the code or configuration changed since the last one, otherwise it
    returns the last one, as on AWS (moto 5.2.5 does not note its first publication: a second PublishVersion with
    nothing changed made version 2)."""
    version = _originals[(lambda_models.LambdaBackend, "publish_version")](self, function_name, description)
    if version is not None:
        self.get_function(_unqualified(function_name)).code_or_config_updated = False
    return version


_REPLACEMENTS = {
    (lambda_responses.LambdaResponse, "invoke"): _response_invoke,
    (lambda_responses.LambdaResponse, "_enrich_response"): staticmethod(_enrich_response),
    (lambda_models.LambdaFunction, "invoke"): _function_invoke,
    (lambda_models.LambdaFunction, "_invoke_lambda"): _invoke_lambda,
    (lambda_models.LambdaFunction, "update_configuration"): _update_configuration,
    (lambda_models.LambdaFunction, "update_function_code"): _update_function_code,
    (lambda_models.LambdaBackend, "create_function"): _create_function,
    (lambda_models.LambdaBackend, "delete_function"): _delete_function,
    (lambda_models.LambdaBackend, "put_function_event_invoke_config"): _put_event_invoke_config,
    (lambda_models.LambdaBackend, "update_function_event_invoke_config"): _update_event_invoke_config,
    (lambda_models.LambdaFunction, "get_configuration"): _get_configuration,
    (events_models.Rule, "send_to_targets"): _send_to_targets,
    (events_models.EventsBackend, "put_rule"): _put_rule,
    (lambda_models.LambdaBackend, "create_event_source_mapping"): _create_event_source_mapping,
    (lambda_models.LambdaBackend, "update_event_source_mapping"): _update_event_source_mapping,
    (lambda_models.LambdaBackend, "delete_event_source_mapping"): _delete_event_source_mapping,
    (sqs_models.SQSBackend, "is_message_valid_based_on_retention_period"): _retention_check,
    (dynamodb_table_models.StreamRecord, "__init__"): _stream_record_init,
    (s3_notifications, "_invoke_awslambda"): _s3_invoke_lambda,
    (s3_models.S3Backend, "put_bucket_notification_configuration"): _put_bucket_notification_configuration,
    (s3_responses.S3Response, "_notification_config_from_body"): _notification_config_from_body,
    (sns_models.Subscription, "publish"): _subscription_publish,
    (lambda_models.LambdaFunction, "create_url_config"): _create_url_config,
    (lambda_models.LambdaBackend, "add_permission"): _add_permission,
    (lambda_models.LambdaFunction, "update_url_config"): _update_url_config,
    (apigatewayv2_responses.ApiGatewayV2Response, "create_api"): _create_http_api,
    (lambda_models.LambdaBackend, "update_function_configuration"): _backend_update_function_configuration,
    (lambda_models.LambdaBackend, "update_function_code"): _backend_update_function_code,
    (lambda_models.LambdaBackend, "publish_version"): _publish_version,
}


PATCHED = tuple(_REPLACEMENTS)  # (owner, attribute) of every moto method the workbook replaces


# ---------------------------------------------------------------------------------------------- install


def install(engine: LambdaEngine) -> None:
    """Route moto's Lambda execution to ``engine`` (idempotent; a new engine replaces the old one)."""
    global _engine
    for owner, name in PATCHED:
        if (owner, name) not in _originals:
            _originals[(owner, name)] = getattr(owner, name)
            setattr(owner, name, _REPLACEMENTS[(owner, name)])
    _engine = engine


def uninstall() -> None:
    """Give moto its own methods back."""
    global _engine
    for (owner, name), original in _originals.items():
        setattr(owner, name, original)
    _originals.clear()
    _engine = None
