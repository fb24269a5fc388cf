"""helpers/exercises/downstream.py: the right reservation passes (measured against a real PostgreSQL server), an
unanswered one says so, wrong ones say what the burst met; none raise."""

from __future__ import annotations

import uuid

import pytest

from helpers import postgres
from helpers.deploy import deploy_function, package_handler, package_layer
from helpers.exercises import downstream


@pytest.fixture(scope="module")
def database():
    server = postgres.start(max_connections=15)
    yield server
    postgres.stop()


@pytest.fixture(scope="module")
def orders_function(cloud, lambda_client, role_arn, database):
    layer = lambda_client.publish_layer_version(LayerName="pg8000-checks",
                                                Content={"ZipFile": package_layer(libraries=["pg8000"])})
    name = f"orders-exercise-{uuid.uuid4().hex[:8]}"
    deploy_function(name, "orders_db_per_request.handler", package_handler("orders_db_per_request"),
                    role_arn=role_arn, Layers=[layer["LayerVersionArn"]], Timeout=10,
                    Environment={"Variables": database.function_environment()})
    yield name
    lambda_client.delete_function(FunctionName=name)


def reserve(lambda_client, name, value):
    if value is None:
        lambda_client.delete_function_concurrency(FunctionName=name)
    else:
        lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=value)


def test_the_solution_passes_and_is_measured(solutions, orders_function, lambda_client, database, capsys):
    assert solutions.DATABASE_RESERVED_CONCURRENCY == database.app_slots == 11
    reserve(lambda_client, orders_function, solutions.DATABASE_RESERVED_CONCURRENCY)
    assert downstream.check_database_cap(orders_function)
    out = capsys.readouterr().out
    assert "Correct" in out and "a burst of 15 gave" in out and "0 refused by the database" in out


def test_unanswered_says_how_to_answer(orders_function, lambda_client, capsys, monkeypatch):
    reserve(lambda_client, orders_function, None)
    assert not downstream.check_database_cap(orders_function)
    assert "Not answered yet" in capsys.readouterr().out
    assert not downstream.check_database_cap("no-such-function-here")
    assert "deploy no-such-function-here first" in capsys.readouterr().out
    monkeypatch.setattr(postgres, "current", lambda: None)
    assert not downstream.check_database_cap(orders_function)
    assert "start the database first" in capsys.readouterr().out


def test_too_many_is_refused_by_the_database(orders_function, lambda_client, capsys):
    reserve(lambda_client, orders_function, 14)
    assert not downstream.check_database_cap(orders_function)
    out = capsys.readouterr().out
    assert "Not quite" in out and "the database takes 11" in out and "a burst of 18 gave" in out
    reserve(lambda_client, orders_function, 0)
    assert not downstream.check_database_cap(orders_function)
    assert "turns the function off" in capsys.readouterr().out


def test_too_few_wastes_connections(orders_function, lambda_client, capsys):
    reserve(lambda_client, orders_function, 8)
    assert not downstream.check_database_cap(orders_function)
    assert "3 more order(s) at once could be served" in capsys.readouterr().out


def test_connections_held_elsewhere_are_named(orders_function, lambda_client, database, capsys):
    reserve(lambda_client, orders_function, 11)
    other = database.connect()
    try:
        assert not downstream.check_database_cap(orders_function)
    finally:
        other.close()
    assert "1 connection(s) of role app are open already" in capsys.readouterr().out
