"""Writes an audit trail of an orders table from its DynamoDB stream (view type NEW_AND_OLD_IMAGES).

Each stream record becomes one entry in the audit table: the order's id, the change's sequence number, what
happened (INSERT, MODIFY or REMOVE), and the item before and after. The images come in DynamoDB's typed JSON
({"S": "text"}, {"N": "12"}); TypeDeserializer turns them into plain Python values.
"""

import json
import os

import boto3
from boto3.dynamodb.types import TypeDeserializer

audit = boto3.resource("dynamodb").Table(os.environ.get("AUDIT_TABLE", "orders-audit"))  # created once, at init
plain = TypeDeserializer()


def _image(record, name):
    image = record["dynamodb"].get(name)  # INSERT has no OldImage, REMOVE no NewImage
    return None if image is None else {key: plain.deserialize(value) for key, value in image.items()}


def handler(event, context):
    for record in event["Records"]:
        change = record["dynamodb"]
        old, new = _image(record, "OldImage"), _image(record, "NewImage")
        order_id = _image(record, "Keys")["orderId"]
        status = (new or old)["status"]  # every order has a status; one without is a bug upstream: KeyError
        # put_item with the same key overwrites: writing an entry twice (after a retry) leaves one entry.
        audit.put_item(Item={"orderId": order_id, "sequence": change["SequenceNumber"],
                             "change": record["eventName"], "status": status,
                             "old": json.dumps(old, default=str), "new": json.dumps(new, default=str)})
        print(f"{record['eventName']:6} {order_id} seq {change['SequenceNumber']}")
    return None
