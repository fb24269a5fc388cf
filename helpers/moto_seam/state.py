"""The one reader of moto's state: everything the workbook needs to know about moto's resources, as snapshots.

moto creates a backend on first access (``backends[account][region]``), so reads that scan go only through the
backends that already exist. Writes the data plane needs (receiving and deleting SQS messages for a poller,
appending to CloudWatch Logs) are here too, each behind the lock moto's model lacks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends
from moto.awslambda.models import LambdaFunction, lambda_backends
from moto.dynamodb.models import dynamodb_backends
from moto.events.models import events_backends
from moto.logs.models import logs_backends
from moto.sqs.models import sqs_backends

from helpers import aws_facts
from helpers import arns
from helpers.lambda_service import snapstart_rules
from helpers.lambda_service.functions import AsyncSettings, FunctionVersion

from .views import (HttpApiView, IntegrationView, MappingView, RestApiView, RestMethodView, RestResourceView, RouteView,
                    RuleView, SqsMessage, StreamRecord)

#: Where the seam keeps a function's SnapStart ApplyOn on moto's object (moto ignores SnapStart: ``snapstart.py``).
SNAP_START_ATTRIBUTE = "snap_start_apply_on"
#: CloudWatch Logs keeps the newest 4 MB of each log stream here (AWS keeps everything until the retention period):
#: a handler that logs megabytes per invocation cannot fill a laptop's memory over a class day.
LOG_STREAM_MAX_BYTES = 4 * 1024 * 1024


def existing_backends(backend_dict: Any) -> Iterator[tuple[str, str, Any]]:
    """(account id, region, backend) for every backend already created in a moto BackendDict."""
    for account_id in list(dict.keys(backend_dict)):
        account = dict.__getitem__(backend_dict, account_id)
        for region in list(dict.keys(account)):
            yield account_id, region, dict.__getitem__(account, region)


def function_version(function: LambdaFunction) -> FunctionVersion:
    """A snapshot of one moto function version."""
    import hashlib

    stored = function.event_invoke_config[-1].config if getattr(function, "event_invoke_config", None) else {}
    return FunctionVersion(
        function_name=function.function_name, function_arn=arns.unqualified(function.function_arn),
        version=str(function.version),
        region=function.region, account_id=function.account_id, runtime=function.run_time or "",
        handler=function.handler or "", memory_mb=int(function.memory_size or aws_facts.DEFAULT_MEMORY_MB),
        timeout_s=int(function.timeout or aws_facts.DEFAULT_TIMEOUT_S),
        variables=dict(function.environment_vars or {}),
        layer_arns=tuple(layer["Arn"] for layer in (function.layers or [])),
        code_digest=getattr(function, "code_digest", "") or hashlib.sha256(_code(function)).hexdigest(),
        code=_code(function), async_settings=AsyncSettings.from_config(stored),
        dead_letter_target=(getattr(function, "dead_letter_config", None) or {}).get("TargetArn"),
        policy=tuple(function.policy.statements), reserved_concurrency=_reserved(function),
        snap_start=snapstart_rules.optimised(getattr(function, SNAP_START_ATTRIBUTE, None),
                                             version=str(function.version), runtime=function.run_time))


def _reserved(function: LambdaFunction) -> int | None:
    """The function's reserved concurrency (moto keeps it on $LATEST, as text)."""
    value = getattr(function, "reserved_concurrency", None)
    if value is None and str(function.version) != "$LATEST":
        latest = lambda_backends[function.account_id][function.region].get_function(function.function_name)
        value = getattr(latest, "reserved_concurrency", None)
    return None if value is None else int(value)


def _code(function: LambdaFunction) -> bytes:
    """A function's zip (a container image function has none: moto keeps no code for it)."""
    return getattr(function, "code_bytes", b"") or b""


def mapping_view(mapping: Any) -> MappingView:
    scaling = mapping.scaling_config or {}
    return MappingView(
        uuid=mapping.uuid, function_arn=mapping.function_arn, event_source_arn=mapping.event_source_arn,
        enabled=bool(mapping.enabled), batch_size=mapping.batch_size, max_batch_window_s=mapping.max_batch_window,
        function_response_types=tuple(mapping.function_response_types or ()),
        maximum_concurrency=scaling.get("MaximumConcurrency"), starting_position=mapping.starting_position,
        bisect_on_error=bool(mapping.bisect_on_error), max_retry_attempts=mapping.max_retry_attempts,
        max_record_age_s=mapping.max_record_age,
        on_failure_destination=((mapping.destination_config or {}).get("OnFailure") or {}).get("Destination"))


class MotoState:
    """Reads (and the few writes the data plane makes to) moto's resources, for one local AWS."""

    def __init__(self) -> None:
        self._logs_lock = threading.RLock()  # re-entered when a log subscription invokes a function
        self._queue_locks: dict[str, threading.Lock] = {}
        self._queue_locks_guard = threading.Lock()

    # ------------------------------------------------------------------ Lambda: functions and layers

    def function(self, name: str, qualifier: str | None = None, *, account_id: str, region: str) -> FunctionVersion:
        """The function version a name or ARN (with an optional qualifier) names: ResourceNotFoundException if none."""
        return function_version(lambda_backends[account_id][region].get_function(name, qualifier))

    def aliases(self, name: str, *, account_id: str, region: str) -> dict[str, str]:
        """Every alias of a function, with the version it points at; ResourceNotFoundException if no function."""
        backend = lambda_backends[account_id][region]
        function = backend.get_function(arns.unqualified(name))
        return {alias.name: str(alias.function_version)
                for alias in backend.list_aliases(arns.unqualified(function.function_arn))}

    def reservations(self, account_id: str, region: str) -> dict[str, int]:
        """Every function's reserved concurrency, by unqualified ARN (functions without one left out)."""
        if region not in dict.get(lambda_backends, account_id, {}):
            return {}
        return {arns.unqualified(function.function_arn): int(function.reserved_concurrency)
                for function in lambda_backends[account_id][region].list_functions()
                if getattr(function, "reserved_concurrency", None) is not None}

    def account_usage(self, account_id: str, region: str) -> tuple[int, int]:
        """(bytes of code stored, number of functions) in one account and Region."""
        backend = lambda_backends[account_id][region]
        functions = list(backend.list_functions())
        stored = sum(int(getattr(version, "code_size", 0) or 0) for function in functions
                     for version in backend.list_versions_by_function(function.function_name))
        return stored, len(functions)

    def layer_zip(self, arn: str, *, account_id: str, region: str) -> bytes | None:
        """One layer version's zip, or None if it does not exist."""
        version = lambda_backends[account_id][region].layers_versions_by_arn(arn)
        return None if version is None else version.code_bytes

    def layer_zips(self, layer_arns: Sequence[str], *, account_id: str, region: str) -> list[tuple[str, bytes]]:
        """(code digest, zip) of each layer version that still exists, in order."""
        import hashlib

        backend = lambda_backends[account_id][region]
        found = []
        for arn in layer_arns:
            version = backend.layers_versions_by_arn(arn)
            if version is not None:  # validated when configured; a layer deleted since is skipped
                found.append((version.code_digest or hashlib.sha256(version.code_bytes).hexdigest(),
                              version.code_bytes))
        return found

    def functions_with_url(self) -> Iterator[tuple[LambdaFunction, Any]]:
        for _, _, backend in existing_backends(lambda_backends):
            for function in backend.list_functions():
                config = getattr(function, "url_config", None)
                if config is not None:
                    yield function, config

    def function_with_url(self, url_id: str) -> tuple[FunctionVersion, str] | None:
        """The function whose URL has this id, and its AuthType; None if there is none."""
        for function, config in self.functions_with_url():
            if f"/lambda-url/{url_id}/" in config.url:
                return function_version(function), config.config.get("AuthType") or "NONE"
        return None

    # ------------------------------------------------------------------ CloudWatch Logs

    def append(self, *, account_id: str, region: str, group: str, stream: str, messages: Sequence[str]) -> None:
        """Append log lines to a stream (creating the group and stream if they are missing, also after a learner
        deleted them), keeping the newest ``LOG_STREAM_MAX_BYTES`` of it."""
        # Real time, not workbook time: CloudWatch Logs refuses events more than 2 hours in the future, and an
        # advanced workbook clock can be days ahead. (The events themselves carry workbook time.)
        now_ms = int(time.time() * 1000)
        events = [{"timestamp": now_ms, "message": message} for message in messages]
        logs = logs_backends[account_id][region]
        try:
            with self._logs_lock:
                if group not in logs.groups:
                    logs.ensure_log_group(group)
                log_group = logs.groups[group]
                if stream not in log_group.streams:
                    logs.create_log_stream(group, stream)
                log_group.put_log_events(stream, events)  # (the backend's own check of the times: they are now)
                _keep_newest(log_group.streams[stream], LOG_STREAM_MAX_BYTES)
        except Exception:  # noqa: BLE001 - e.g. a subscription to a deleted function: the invocation stands
            logging.getLogger(__name__).warning("could not write %d log lines to %s", len(events), group,
                                                exc_info=True)

    # ------------------------------------------------------------------ event source mappings

    def mappings(self, source: str) -> list[MappingView]:
        """Every event source mapping of one kind of source: ``"sqs"`` or ``"dynamodb"`` (streams)."""
        return [mapping_view(mapping) for _, _, backend in existing_backends(lambda_backends)
                for mapping in list(backend._event_source_mappings.values())
                if _source_kind(mapping.event_source_arn) == source]

    def mapping(self, uuid: str) -> MappingView | None:
        for _, _, backend in existing_backends(lambda_backends):
            mapping = backend._event_source_mappings.get(uuid)
            if mapping is not None:
                return mapping_view(mapping)
        return None

    # ------------------------------------------------------------------ SQS, for the pollers

    def queue_lock(self, queue_arn: str) -> threading.Lock:
        """moto's receive is not safe for concurrent receivers of one queue: the pollers take turns."""
        with self._queue_locks_guard:
            return self._queue_locks.setdefault(queue_arn, threading.Lock())

    def visibility_timeout(self, queue_arn: str) -> int:
        return int(self._sqs(queue_arn).get_queue(arns.resource_of(queue_arn)).visibility_timeout)  # None is 0

    def receive(self, queue_arn: str, count: int, visibility_s: int) -> list[SqsMessage]:
        """Receive up to ``count`` (at most 10) messages, hiding them for ``visibility_s``."""
        with self.queue_lock(queue_arn):
            messages = self._sqs(queue_arn).receive_message(arns.resource_of(queue_arn), min(count, 10), 0,
                                                            visibility_s, ["All"])
        return [SqsMessage(message.id, message.receipt_handle, message.body, message.approximate_receive_count,
                           message.sent_timestamp, message.approximate_first_receive_timestamp, message.sender_id,
                           message.message_attributes, message.body_md5, message.group_id, message.sequence_number,
                           message.deduplication_id) for message in messages]

    def delete(self, queue_arn: str, receipt_handles: Sequence[str]) -> None:
        with self.queue_lock(queue_arn):
            backend = self._sqs(queue_arn)
            for handle in receipt_handles:
                backend.delete_message(arns.resource_of(queue_arn), handle)

    @staticmethod
    def _sqs(queue_arn: str) -> Any:
        return sqs_backends[arns.account_of(queue_arn)][arns.region_of(queue_arn)]

    # ------------------------------------------------------------------ DynamoDB Streams, for the pollers

    def stream_length(self, stream_arn: str) -> int | None:
        """How many records the stream holds (None if its table or stream is gone)."""
        shard = self._shard(stream_arn)
        return None if shard is None else len(shard.items)

    def stream_records(self, stream_arn: str, start: int, count: int) -> list[StreamRecord]:
        shard = self._shard(stream_arn)
        return [] if shard is None else [StreamRecord(item.record) for item in shard.items[start:start + count]]

    def stream_names(self, stream_arn: str) -> tuple[str, str]:
        """(table ARN, shard id) of a stream."""
        table = self._table(stream_arn)
        return table.table_arn, table.stream_shard.id

    def _shard(self, stream_arn: str) -> Any:
        table = self._table(stream_arn)
        return None if table is None else table.stream_shard

    @staticmethod
    def _table(stream_arn: str) -> Any:
        table_name = stream_arn.split(":table/", 1)[1].split("/stream/", 1)[0]
        try:
            return dynamodb_backends[arns.account_of(stream_arn)][arns.region_of(stream_arn)].get_table(table_name)
        except Exception:  # noqa: BLE001 - deleted
            return None

    # ------------------------------------------------------------------ EventBridge

    def scheduled_rules(self) -> list[RuleView]:
        """Enabled rules with a schedule and targets, on every default bus that exists."""
        rules = []
        for _, _, backend in existing_backends(events_backends):
            bus = backend.event_buses.get("default")
            if bus is not None:
                rules += [rule_view(rule) for rule in list(bus.rules.values())
                          if rule.scheduled_expression and rule.state == "ENABLED" and rule.targets]
        return rules

    # ------------------------------------------------------------------ API Gateway

    def http_api(self, api_id: str) -> HttpApiView | None:
        for account_id, region, backend in existing_backends(apigatewayv2_backends):
            api = backend.apis.get(api_id)
            if api is not None:
                return HttpApiView(
                    api_id, account_id, region,
                    tuple(RouteView(route.route_key, route.target) for route in list(api.routes.values())),
                    {key: IntegrationView(integration.integration_uri or "",
                                          integration.payload_format_version or "2.0")
                     for key, integration in list(api.integrations.items())})
        return None

    def rest_api(self, api_id: str) -> RestApiView | None:
        # moto's REST API models load jsonschema's format checkers: 1.5 s of CPU, paid only when a REST API is called
        from moto.apigateway.models import apigateway_backends

        for account_id, region, backend in existing_backends(apigateway_backends):
            api = backend.apis.get(api_id)
            if api is not None:
                resources = tuple(RestResourceView(resource.get_path(), {
                    verb: RestMethodView(getattr(method.method_integration, "integration_type", None),
                                         getattr(method.method_integration, "uri", None))
                    for verb, method in resource.resource_methods.items()}) for resource in list(api.resources.values()))
                return RestApiView(api_id, account_id, region, frozenset(api.stages), resources)
        return None


def rule_view(rule: Any) -> RuleView:
    return RuleView(rule.name, rule.arn, rule.account_id, rule.region_name, rule.scheduled_expression,
                    tuple(rule.targets))


def _source_kind(event_source_arn: str) -> str:
    if event_source_arn.startswith("arn:aws:sqs:"):
        return "sqs"
    if ":dynamodb:" in event_source_arn and "/stream/" in event_source_arn:
        return "dynamodb"
    return "other"


def _keep_newest(stream: Any, max_bytes: int) -> None:
    """Drop a log stream's oldest events until what is left fits ``max_bytes``."""
    excess = stream.stored_bytes - max_bytes
    if excess <= 0:
        return
    dropped = count = 0
    while count < len(stream.events) and dropped < excess:
        dropped += len(stream.events[count].message)
        count += 1
    del stream.events[:count]
    stream.stored_bytes -= dropped


LayerLookup = Callable[[str], "bytes | None"]
