"""Charging a customer for an order, two ways: once per run (unsafe under retries) and once per order.

The "payment provider" is the DynamoDB table named by CHARGES_TABLE: every item written there is a charge on the
customer's card. After charging, the handler sends a receipt; when RECEIPTS_DOWN is "1" the receipt service is
unreachable, so the handler fails *after* the charge, and Lambda's retries run all of it again.
"""

import os
import uuid

import boto3
from botocore.exceptions import ClientError

charges = boto3.resource("dynamodb").Table(os.environ.get("CHARGES_TABLE", "Charges"))


def send_receipt(order):
    if os.environ.get("RECEIPTS_DOWN") == "1":
        raise ConnectionError(f"receipt service unavailable (order {order['orderId']})")
    print(f"receipt sent for order {order['orderId']}")


def charge_every_time(event, context):
    # Every run makes a new charge: a fresh id each time, so a retry charges the customer again.
    charge_id = str(uuid.uuid4())
    charges.put_item(Item={"chargeId": charge_id, "orderId": event["orderId"], "amount": event["amount"]})
    print(f"charged {event['amount']} for order {event['orderId']} (charge {charge_id})")
    send_receipt(event)
    return {"chargeId": charge_id}


def charge_once(event, context):
    # The charge's id comes from the event (the order), and the write succeeds only if no charge with that id
    # exists yet. Check and write are one atomic step in DynamoDB: two runs at the same moment cannot both win.
    charge_id = f"charge-for-{event['orderId']}"
    try:
        charges.put_item(Item={"chargeId": charge_id, "orderId": event["orderId"], "amount": event["amount"]},
                         ConditionExpression="attribute_not_exists(chargeId)")
        print(f"charged {event['amount']} for order {event['orderId']}")
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        print(f"order {event['orderId']} was charged already: not charging again")
    send_receipt(event)
    return {"chargeId": charge_id}
