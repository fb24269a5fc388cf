"""SNS, in moto: ``Subscription.publish`` to a Lambda endpoint sends AWS's event shape with the real message
attributes, asynchronously, if the function's policy lets the topic invoke it; a subscription whose function is gone
does not stop delivery to the others (moto 5.2.5 failed the whole Publish)."""

from __future__ import annotations

import json
import logging
from typing import Any

from moto.sns.models import Subscription

from helpers import arns
from helpers.event_sources.sns import sns_event
from helpers.lambda_service.invoke_api import new_request_id
from helpers.lambda_service.resource_policy import allows
from helpers.runtime.spec import InvocationRequest

from .parts import Seam
from .registry import REGISTRY

log = logging.getLogger(__name__)


@REGISTRY.method(Subscription, "publish")
def publish(seam: Seam, subscription: Subscription, message: str, message_id: str, subject: str | None = None,
            message_attributes: dict[str, Any] | None = None, group_id: str | None = None,
            deduplication_id: str | None = None, message_structure: str | None = None) -> None:
    if subscription.protocol != "lambda":
        return seam.original(Subscription, "publish")(subscription, message, message_id, subject,
                                                      message_attributes, group_id, deduplication_id,
                                                      message_structure)
    matcher = subscription._filter_policy_matcher
    if matcher is not None and not matcher.matches(message_attributes, message):
        return None
    if message_structure == "json":
        message = subscription._parse_message_structure(message, subscription.protocol)
    attributes = {name: {"DataType": value["Type"],
                         ("BinaryValue" if value["Type"].startswith("Binary") else "StringValue"): str(value["Value"])}
                  for name, value in (message_attributes or {}).items()}
    event = sns_event(subscription.topic.arn, message, subject=subject, message_attributes=attributes,
                      subscription_arn=subscription.arn, message_id=message_id)
    try:
        function = seam.state.function(subscription.endpoint, account_id=subscription.account_id,
                                       region=arns.region_of(subscription.endpoint))
    except Exception:  # noqa: BLE001 - the function was deleted: SNS retries it for a while, then gives up
        log.info("SNS subscription %s: function %s does not exist", subscription.arn, subscription.endpoint)
        return None
    if not allows(function, "sns.amazonaws.com", subscription.topic.arn, subscription.topic.account_id):
        # AWS: the delivery fails and the message is not delivered to this subscriber; add_permission fixes it
        log.warning("SNS topic %s may not invoke %s: its resource-based policy has no statement for "
                    "sns.amazonaws.com (add_permission)", subscription.topic.arn, function.function_name)
        return None
    seam.queue.submit(function, InvocationRequest(new_request_id(), json.dumps(event).encode(),
                                                  subscription.endpoint))
    return None
