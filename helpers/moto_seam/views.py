"""What the seam hands the rest of the workbook about moto's resources: plain, typed snapshots.

Nothing here imports moto; ``state.py`` fills these in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MappingView:
    """An event source mapping's settings, as read now."""

    uuid: str
    function_arn: str
    event_source_arn: str
    enabled: bool
    batch_size: int | None
    max_batch_window_s: int | None
    function_response_types: tuple[str, ...]
    maximum_concurrency: int | None
    starting_position: str | None
    bisect_on_error: bool
    max_retry_attempts: int | None
    max_record_age_s: int | None
    on_failure_destination: str | None


@dataclass(frozen=True)
class SqsMessage:
    """One received SQS message, with what Lambda's SQS event carries."""

    message_id: str
    receipt_handle: str
    body: str
    receive_count: int
    sent_timestamp_ms: int
    first_receive_timestamp_ms: int
    sender_id: str
    message_attributes: Mapping[str, Any]
    md5_of_body: str
    group_id: str | None
    sequence_number: str | None
    deduplication_id: str | None


@dataclass(frozen=True)
class StreamRecord:
    """One DynamoDB stream record, in DynamoDB Streams' own shape (``record["dynamodb"]`` ...)."""

    record: Mapping[str, Any]

    @property
    def sequence_number(self) -> str:
        return self.record["dynamodb"]["SequenceNumber"]


@dataclass(frozen=True)
class RuleView:
    """An EventBridge rule and its targets."""

    name: str
    arn: str
    account_id: str
    region: str
    scheduled_expression: str | None
    targets: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class RouteView:
    route_key: str  # "GET /books/{id}", "ANY /{proxy+}" or "$default"
    target: str | None  # "integrations/<id>"


@dataclass(frozen=True)
class IntegrationView:
    uri: str
    payload_format_version: str


@dataclass(frozen=True)
class HttpApiView:
    """An API Gateway HTTP API: its routes and their Lambda integrations."""

    api_id: str
    account_id: str
    region: str
    routes: Sequence[RouteView]
    integrations: Mapping[str, IntegrationView]


@dataclass(frozen=True)
class RestMethodView:
    integration_type: str | None
    integration_uri: str | None


@dataclass(frozen=True)
class RestResourceView:
    path: str
    methods: Mapping[str, RestMethodView]


@dataclass(frozen=True)
class RestApiView:
    """An API Gateway REST API: its stages and resources."""

    api_id: str
    account_id: str
    region: str
    stages: frozenset[str]
    resources: Sequence[RestResourceView] = field(default_factory=tuple)
