"""Orders, written the naive way: every invocation opens its own connection to the database, and closes it.

The driver is pg8000 (pure Python), which the runtime does not have: it comes in a layer. Where the database is
comes from environment variables (on AWS the password would come from Secrets Manager, or IAM authentication).
An event is one order, ``{"order_id": "o-1", "hold_s": 1.0}``, or an SQS batch of them. ``pg_sleep`` stands for
a slow query: the connection is held, and the database is busy, for ``hold_s`` seconds.
"""

import json
import os
import time

import pg8000.native


def connect():
    return pg8000.native.Connection(os.environ["DB_USER"], password=os.environ["DB_PASSWORD"],
                                    host=os.environ["DB_HOST"], port=int(os.environ["DB_PORT"]),
                                    database=os.environ["DB_NAME"], timeout=10)


def handler(event, context):
    orders = [json.loads(record["body"]) for record in event["Records"]] if "Records" in event else [event]
    started = time.perf_counter()
    connection = connect()  # a new connection, every time: past max_connections this raises
    connect_ms = (time.perf_counter() - started) * 1000
    try:
        for order in orders:
            connection.run("SELECT pg_sleep(:seconds)", seconds=float(order.get("hold_s", 0)))
            connection.run("INSERT INTO orders (order_id, backend_pid) VALUES (:order_id, pg_backend_pid())",
                           order_id=str(order.get("order_id", context.aws_request_id)))
        backend_pid = connection.run("SELECT pg_backend_pid()")[0][0]
    finally:
        connection.close()
    return {"orders": len(orders), "backend_pid": backend_pid, "connect_ms": round(connect_ms, 2)}
