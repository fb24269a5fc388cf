"""Orders, with the connection reused: opened once per execution environment, kept for its warm invocations.

The same work as ``orders_db_per_request.py``; only where the connection lives changes. It is a module-level
global, opened on first use, so an environment holds **one** connection for as long as it lives, and a warm
invocation skips the connect. If the database closed it meanwhile (a restart, an idle timeout), the next
invocation opens a new one.
"""

import json
import os
import time

import pg8000.native

connection = None  # this environment's connection, kept between invocations


def database():
    """This environment's connection: opened on first use, opened again if the database closed it."""
    global connection
    if connection is not None:
        try:
            connection.run("SELECT 1")
        except (pg8000.native.InterfaceError, pg8000.native.DatabaseError):
            connection = None
    if connection is None:
        connection = pg8000.native.Connection(os.environ["DB_USER"], password=os.environ["DB_PASSWORD"],
                                              host=os.environ["DB_HOST"], port=int(os.environ["DB_PORT"]),
                                              database=os.environ["DB_NAME"], timeout=10)
    return connection


def handler(event, context):
    orders = [json.loads(record["body"]) for record in event["Records"]] if "Records" in event else [event]
    started = time.perf_counter()
    db = database()
    connect_ms = (time.perf_counter() - started) * 1000
    for order in orders:
        db.run("SELECT pg_sleep(:seconds)", seconds=float(order.get("hold_s", 0)))
        db.run("INSERT INTO orders (order_id, backend_pid) VALUES (:order_id, pg_backend_pid())",
               order_id=str(order.get("order_id", context.aws_request_id)))
    return {"orders": len(orders), "backend_pid": db.run("SELECT pg_backend_pid()")[0][0],
            "connect_ms": round(connect_ms, 2)}
