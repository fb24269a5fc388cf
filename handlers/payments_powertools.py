"""Charging once per order with Powertools for AWS Lambda's idempotency utility (deploy it with the library).

``@idempotent_function`` stores the result of ``charge`` in the DynamoDB table named by IDEMPOTENCY_TABLE, under a
hash of the order id. A second call with the same order id returns the stored result instead of charging again,
even when the first run failed later, while sending the receipt. A run in progress is marked too, so a duplicate
arriving meanwhile is refused (IdempotencyAlreadyInProgressError) rather than charging twice.
"""

import os
import uuid

import boto3
from aws_lambda_powertools.utilities.idempotency import (DynamoDBPersistenceLayer, IdempotencyConfig,
                                                         idempotent_function)

charges = boto3.resource("dynamodb").Table(os.environ.get("CHARGES_TABLE", "Charges"))
persistence = DynamoDBPersistenceLayer(table_name=os.environ.get("IDEMPOTENCY_TABLE", "Idempotency"))
config = IdempotencyConfig(event_key_jmespath="orderId", expires_after_seconds=3600)


@idempotent_function(data_keyword_argument="order", config=config, persistence_store=persistence)
def charge(order):
    charge_id = str(uuid.uuid4())  # still a fresh id per charge: the utility, not the id, prevents a second one
    charges.put_item(Item={"chargeId": charge_id, "orderId": order["orderId"], "amount": order["amount"]})
    print(f"charged {order['amount']} for order {order['orderId']} (charge {charge_id})")
    return {"chargeId": charge_id}


def send_receipt(order):
    if os.environ.get("RECEIPTS_DOWN") == "1":  # as in payments.py
        raise ConnectionError(f"receipt service unavailable (order {order['orderId']})")
    print(f"receipt sent for order {order['orderId']}")


def handler(event, context):
    config.register_lambda_context(context)  # so that a run cut short by a timeout does not stay "in progress"
    result = charge(order=event)
    send_receipt(event)
    return result
