"""S3, in moto: notifications to Lambda as S3 sends them.

* ``s3.notifications._invoke_awslambda``: AWS's event shape (``helpers/event_sources``), queued asynchronously.
* ``S3Backend.put_bucket_notification_configuration`` (the model, whatever the route): each Lambda destination
  must let s3.amazonaws.com invoke it (``add_permission``), or S3 answers InvalidArgument "Unable to validate the
  following destination configurations".
* ``S3Response._notification_config_from_body``: a filter rule's name is prefix or suffix in any case, else S3's
  InvalidArgument. This one sits at the HTTP layer because moto's XML parsing itself rejects other names (with an
  assert: a 500 that boto3 retried); a configuration made by another route never passes through that parser.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus

from moto.s3 import notifications
from moto.s3.exceptions import InvalidArgumentError
from moto.s3.models import S3Backend
from moto.s3.responses import S3Response

from helpers import arns
from helpers.event_sources.s3 import s3_event
from helpers.lambda_service.invoke_api import new_request_id
from helpers.lambda_service.resource_policy import allows
from helpers.runtime.spec import InvocationRequest

from .parts import Seam
from .registry import REGISTRY

FILTER_RULE_NAMES = ("prefix", "suffix")


@REGISTRY.function(notifications, "_invoke_awslambda")
def invoke_lambda(seam: Seam, account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
    record = event_body["Records"][0]
    s3 = record["s3"]
    event = s3_event(s3["bucket"]["name"], unquote_plus(s3["object"]["key"]), event_name=record["eventName"],
                     size=s3["object"].get("size", 0), etag=s3["object"].get("eTag", ""),
                     region=record.get("awsRegion", region_name), account_id=account_id,
                     configuration_id=s3.get("configurationId", ""))
    try:
        function = seam.state.function(fn_arn, account_id=account_id, region=region_name)
    except Exception:  # noqa: BLE001 - deleted since the notification was set up: S3 drops the event
        return
    seam.queue.submit(function, InvocationRequest(new_request_id(), json.dumps(event).encode(), fn_arn))


@REGISTRY.method(S3Backend, "put_bucket_notification_configuration")
def put_bucket_notification_configuration(seam: Seam, backend: S3Backend, bucket_name: str,
                                          notification_config: dict[str, Any]) -> None:
    bucket = backend.get_bucket(bucket_name)
    previous = bucket.notification_configuration
    seam.original(S3Backend, "put_bucket_notification_configuration")(backend, bucket_name, notification_config)
    for notification in (bucket.notification_configuration.cloud_function if bucket.notification_configuration else []):
        try:
            function = seam.state.function(notification.arn, account_id=backend.account_id,
                                           region=arns.region_of(notification.arn))
            permitted = allows(function, "s3.amazonaws.com", f"arn:aws:s3:::{bucket_name}", backend.account_id)
        except Exception:  # noqa: BLE001 - no such function, or not a function ARN
            permitted = False
        if not permitted:
            bucket.notification_configuration = previous
            raise InvalidArgumentError("Unable to validate the following destination configurations",
                                       notification.arn, "Not authorized to invoke function")


@REGISTRY.method(S3Response, "_notification_config_from_body")
def notification_config_from_body(seam: Seam, response: S3Response) -> dict[str, Any]:
    body = response.body.decode("utf-8") if isinstance(response.body, bytes) else (response.body or "")
    for rules in re.findall(r"<FilterRule>(.*?)</FilterRule>", body, flags=re.S):
        name = (re.findall(r"<Name>(.*?)</Name>", rules, flags=re.S) or [""])[0]
        if name.strip().lower() not in FILTER_RULE_NAMES:
            raise InvalidArgumentError("filter rule name must be either prefix or suffix", "FilterRule.Name", name)
    response.body = re.sub(r"<Name>\s*(prefix|suffix)\s*</Name>",
                           lambda match: f"<Name>{match.group(1).lower()}</Name>", body, flags=re.I)
    return seam.original(S3Response, "_notification_config_from_body")(response)
