"""Looks an order up in DynamoDB by the {orderId} path parameter of an HTTP API (payload 2.0) event.

The client is created once, at init, and reused by every warm invocation. The table's name comes from the
TABLE_NAME environment variable. DynamoDB returns numbers as Decimal, which the Python runtime can return as JSON
but json.dumps cannot, hence default=str for the body.
"""

import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ.get("TABLE_NAME", "Orders"))


def handler(event, context):
    order_id = (event.get("pathParameters") or {}).get("orderId")
    if not order_id:
        return {"statusCode": 400, "body": json.dumps({"error": "orderId is required"})}
    item = table.get_item(Key={"orderId": order_id}).get("Item")
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"error": f"order {order_id} not found"})}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(item, default=str)}
