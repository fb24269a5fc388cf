"""helpers/exercises/triggers_sync.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise.

The route and handler checks build real APIs on the local AWS and call them over HTTP, so those tests use the
local AWS (the ``cloud`` and ``deploy`` fixtures) and check that the checks delete what they built.
"""

from __future__ import annotations

import boto3
import pytest

from helpers.exercises import triggers_sync


def test_status_codes(solutions, capsys):
    assert triggers_sync.check_status_codes(solutions.STATUS_CODES)
    as_text = {request: str(status) for request, status in solutions.STATUS_CODES.items()}
    assert triggers_sync.check_status_codes(as_text)
    capsys.readouterr()
    for unanswered in (..., None, dict.fromkeys(solutions.STATUS_CODES, ...)):
        assert not triggers_sync.check_status_codes(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    partly = {**dict.fromkeys(solutions.STATUS_CODES, ...),
              "GET /books/b-3 on the HTTP API with routes (section 5)": 200}
    assert not triggers_sync.check_status_codes(partly)
    assert "still to answer" in capsys.readouterr().out
    for request, given, hint in (
            ("GET /boom on the quick-created HTTP API of http-responses", 502, "an HTTP API answers 500"),
            ("POST /books on the REST API (it has only GET methods)", 404, "Missing Authentication Token"),
            ("POST /books on the HTTP API with routes (it has only GET routes)", 405, "does not answer 405"),
            ("GET /plain on the REST API of http-responses", 200, "no shortcut"),
            ("GET /plain on the function URL of http-responses", 502, "into a 200"),
            ("GET /books/b-42 on the HTTP API with routes (there is no book b-42)", 200, "bookshop runs"),
            ("GET /books/b-3 on the HTTP API with routes (section 5)", 201, "call it and see"),
            ("GET /books/b-3 on the HTTP API with routes (section 5)", "ok", "write a number")):
        assert not triggers_sync.check_status_codes({**solutions.STATUS_CODES, request: given})
        assert hint in capsys.readouterr().out
    assert not triggers_sync.check_status_codes({**solutions.STATUS_CODES, "GET /somewhere else": 200})
    assert "keep the requests as they were written" in capsys.readouterr().out


def test_front_door_choices(solutions, capsys):
    assert triggers_sync.check_front_door_choices(solutions.FRONT_DOORS)
    for spellings in ({"function URL": "Function URL", "HTTP API": "http api", "REST API": "rest-api"},
                      {"function URL": "Lambda URL", "HTTP API": "HTTP", "REST API": "REST"}):
        spelled = {case: spellings[door] for case, door in solutions.FRONT_DOORS.items()}
        assert triggers_sync.check_front_door_choices(spelled)
    capsys.readouterr()
    assert not triggers_sync.check_front_door_choices(dict.fromkeys(solutions.FRONT_DOORS, ...))
    assert "Not answered yet" in capsys.readouterr().out
    keys = list(solutions.FRONT_DOORS)
    for case, given, hint in ((keys[1], "HTTP API", "no API keys or usage plans"),
                              (keys[2], "function URL", "leads to one function"),
                              (keys[2], "REST API", "costs more per request"),
                              (keys[3], "HTTP API", "no private endpoints"),
                              (keys[0], "HTTP API", "needs no gateway"),
                              (keys[0], "Lambda", "not 'Lambda'")):
        assert not triggers_sync.check_front_door_choices({**solutions.FRONT_DOORS, case: given})
        assert hint in capsys.readouterr().out
    partly = {**dict.fromkeys(solutions.FRONT_DOORS, ...), keys[0]: "function URL"}
    assert not triggers_sync.check_front_door_choices(partly)
    assert "still to answer" in capsys.readouterr().out


def _api_counts() -> tuple[int, int]:
    return (len(boto3.client("apigatewayv2").get_apis()["Items"]),
            len(boto3.client("apigateway").get_rest_apis()["items"]))


@pytest.fixture
def echo(deploy):
    return deploy("http_echo.handler")


def test_reviews_route(solutions, cloud, echo, capsys):
    before = _api_counts()
    assert triggers_sync.check_reviews_route(solutions.ROUTE_KEY, solutions.reviews_url, echo)
    assert "matched" in capsys.readouterr().out
    assert triggers_sync.check_reviews_route("ANY /books/{bookId}/reviews", solutions.reviews_url, echo)
    capsys.readouterr()

    assert not triggers_sync.check_reviews_route(..., ..., echo)
    assert "Not answered yet" in capsys.readouterr().out
    assert not triggers_sync.check_reviews_route(solutions.ROUTE_KEY, ..., echo)
    assert "Not answered yet" in capsys.readouterr().out
    assert not triggers_sync.check_reviews_route(solutions.ROUTE_KEY, lambda endpoint, book_id, limit: None, echo)
    assert "returns None" in capsys.readouterr().out
    assert not triggers_sync.check_reviews_route(solutions.ROUTE_KEY, solutions.reviews_url, "no-such-echo")
    assert "section 7" in capsys.readouterr().out

    for route_key, hint in (("/books/{bookId}/reviews", "starts with the HTTP method"),
                            ("GET /books/:bookId/reviews", "in braces"),
                            ("GET /books/<bookId>/reviews", "in braces"),
                            ("GET /books/{id}/reviews", "must be named {bookId}"),
                            ("GET /books/{bookId+}", "greedy"),
                            ("POST /books/{bookId}/reviews", "read with GET"),
                            ("get /books/{bookId}/reviews", "in capitals"),
                            ("GET /books/{bookId}/reviews?limit={limit}", "leave the query string out"),
                            ("GET /books/b-2/reviews", "path parameter"),
                            ("GET /books/{bookId}", "/books/<book id>/reviews"),
                            (42, "is text")):
        assert not triggers_sync.check_reviews_route(route_key, solutions.reviews_url, echo)
        assert hint in capsys.readouterr().out, route_key

    for url_function, hint in (
            (lambda endpoint, book_id, limit: f"{endpoint}/books/{book_id}/reviews", "?limit=3"),
            (lambda endpoint, book_id, limit: f"{endpoint}/books/b-2/reviews?limit={limit}", "use the book_id"),
            (lambda endpoint, book_id, limit: f"{endpoint}/reviews/{book_id}?limit={limit}", "found no route"),
            (lambda endpoint, book_id, limit: f"{endpoint}/$default/books/{book_id}/reviews?limit={limit}",
             "$default stage has no name"),
            (lambda endpoint, book_id, limit: f"/books/{book_id}/reviews?limit={limit}", "the API's endpoint"),
            (lambda endpoint, book_id, limit: 42, "as text")):
        assert not triggers_sync.check_reviews_route(solutions.ROUTE_KEY, url_function, echo)
        assert hint in capsys.readouterr().out
    assert _api_counts() == before  # every API the check made is gone


STOCK_2_0_ONLY = '''
import json
STOCK = {"apple": 12, "pear": 0, "plum": 7}
def handler(event, context):
    sku = event["rawPath"].rsplit("/", 1)[-1]
    if sku not in STOCK:
        return {"statusCode": 404, "body": "{}"}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"sku": sku, "inStock": STOCK[sku]})}
'''

STOCK_PLAIN_JSON = '''
STOCK = {"apple": 12, "pear": 0, "plum": 7}
def handler(event, context):
    sku = event["pathParameters"]["sku"]
    if sku not in STOCK:
        return {"statusCode": 404, "body": "{}"}
    return {"sku": sku, "inStock": STOCK[sku]}
'''

STOCK_FALSY = '''
import json
STOCK = {"apple": 12, "pear": 0, "plum": 7}
def handler(event, context):
    sku = event["pathParameters"]["sku"]
    if not STOCK.get(sku):
        return {"statusCode": 404, "body": "{}"}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"sku": sku, "inStock": STOCK[sku]})}
'''

STOCK_FROM_THE_PATH = '''
import json
STOCK = {"apple": 12, "pear": 0, "plum": 7}
def handler(event, context):
    sku = (event.get("rawPath") or event["path"]).rsplit("/", 1)[-1]
    if sku not in STOCK:
        return {"statusCode": 404, "headers": {"Content-Type": "application/json"}, "body": "{}"}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"sku": sku, "inStock": STOCK[sku]})}
'''

STOCK_KEY_ERROR = '''
import json
STOCK = {"apple": 12, "pear": 0, "plum": 7}
def handler(event, context):
    sku = event["pathParameters"]["sku"]
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"sku": sku, "inStock": STOCK[sku]})}
'''


def test_stock_handler(solutions, cloud, deploy, capsys):
    before = _api_counts()
    assert not triggers_sync.check_stock_handler("no-such-stock")
    assert "Not answered yet" in capsys.readouterr().out
    stub = deploy("stock.handler", files={"stock.py": "def handler(event, context):\n    ...\n"})
    assert not triggers_sync.check_stock_handler(stub)
    assert "returns None" in capsys.readouterr().out

    for source, hint in ((STOCK_2_0_ONLY, "1.0 events have no rawPath"),
                         (STOCK_PLAIN_JSON, "plain JSON only works with 2.0"),
                         (STOCK_FALSY, "0 in stock"),
                         (STOCK_KEY_ERROR, "must be caught"),
                         (solutions.STOCK_SOURCE.replace('"body": json.dumps({"sku": sku, "inStock": STOCK[sku]})',
                                                         '"body": {"sku": sku, "inStock": STOCK[sku]}'),
                          "body as a string"),
                         (solutions.STOCK_SOURCE.replace('"Content-Type": "application/json"},\n            "body": '
                                                         'json.dumps({"sku"', '"Content-Type": "text/plain"},\n'
                                                         '            "body": json.dumps({"sku"'),
                          '"Content-Type": "application/json"'),
                         (solutions.STOCK_SOURCE.replace('"statusCode": 404', '"statusCode": 200'),
                          "should get 404")):
        name = deploy("stock.handler", files={"stock.py": source})
        capsys.readouterr()
        assert not triggers_sync.check_stock_handler(name)
        assert hint in capsys.readouterr().out

    done = deploy("stock.handler", files={"stock.py": solutions.STOCK_SOURCE})
    assert triggers_sync.check_stock_handler(done)
    capsys.readouterr()
    from_the_path = deploy("stock.handler", files={"stock.py": STOCK_FROM_THE_PATH})  # also right: both formats
    assert triggers_sync.check_stock_handler(from_the_path)
    assert "finds the sku in both payload formats" in capsys.readouterr().out
    assert _api_counts() == before
