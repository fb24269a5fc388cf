"""SNS notifications, as SNS delivers them to a Lambda subscription."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from .shared import (Moment, random_uuid, random_b64, stable_chars, as_datetime, iso_millis, arn_region)


SNS_EVENT_VERSION = "1.0"


# ---------------------------------------------------------------------------------------------- SNS


def sns_event(topic_arn: str, message: str, *, subject: str | None = None,
              message_attributes: Mapping[str, Mapping[str, Any]] | None = None, subscription_arn: str | None = None,
              message_id: str | None = None, time: Moment = None) -> dict[str, Any]:
    """An SNS notification as Lambda receives it: ``{"Records": [{"EventSource": "aws:sns", ..., "Sns": {...}}]}``.

    ``message_attributes`` is in the form Publish takes, ``{"name": {"DataType": "String", "StringValue": "x"}}``;
    the event shows it as ``{"name": {"Type": "String", "Value": "x"}}`` (binary values base64-encoded).
    """
    moment = as_datetime(time)
    region = arn_region(topic_arn, "topic_arn")
    subscription_arn = subscription_arn if subscription_arn is not None else f"{topic_arn}:{random_uuid()}"
    endpoint = f"https://sns.{region}.amazonaws.com"
    certificate = f"SimpleNotificationService-{stable_chars(region, 32, '0123456789abcdef')}.pem"  # per region
    return {"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": SNS_EVENT_VERSION,
        "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id if message_id is not None else random_uuid(),
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": message,
            "Timestamp": iso_millis(moment),
            "SignatureVersion": "1",
            "Signature": random_b64(256),  # an RSA-2048 signature's length
            "SigningCertUrl": f"{endpoint}/{certificate}",
            "UnsubscribeUrl": f"{endpoint}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}",
            "MessageAttributes": _sns_attributes(message_attributes or {}),
        },
    }]}


def _sns_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    converted = {}
    for name, attribute in attributes.items():
        data_type = attribute.get("DataType")
        if not data_type:
            raise ValueError(f"message attribute {name!r} needs a DataType (String, Number, Binary or String.Array)")
        if data_type.startswith("Binary"):
            value = attribute.get("BinaryValue")
            if isinstance(value, (bytes, bytearray)):
                value = base64.b64encode(bytes(value)).decode("ascii")
        else:
            value = attribute.get("StringValue")
        if value is None:
            wanted = "BinaryValue" if data_type.startswith("Binary") else "StringValue"
            raise ValueError(f"message attribute {name!r} ({data_type}) needs a {wanted}")
        converted[name] = {"Type": data_type, "Value": value}
    return converted
