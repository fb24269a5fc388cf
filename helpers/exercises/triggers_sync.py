"""Checks for notebooks/02_triggers_sync.ipynb: status codes, an HTTP API route, a handler for both payload
formats, and the choice of a front door.

The checks that need an API build it themselves with the real boto3 calls (and delete it afterwards), and call it
over real HTTP through the local front door.
"""

from __future__ import annotations

import json
import re
import uuid
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from .feedback import (Verdict, arn_of_function, correct, invoke_learner_function, mark_table, never_raises, not_yet,
                       require_table, settle, unanswered, wrong)

# ---------------------------------------------------------------------------------------------- exercise 1

EXPECTED_STATUS = {
    "GET /books/b-3 on the HTTP API with routes (section 5)": 200,
    "GET /books/b-42 on the HTTP API with routes (there is no book b-42)": 404,
    "POST /books on the HTTP API with routes (it has only GET routes)": 404,
    "POST /books on the REST API (it has only GET methods)": 403,
    "GET /plain on the REST API of http-responses": 502,
    "GET /plain on the function URL of http-responses": 200,
    "GET /boom on the quick-created HTTP API of http-responses": 500,
    "GET /books on a function URL whose AuthType is AWS_IAM, unsigned": 403,
}

_STATUS_HINTS = {
    ("GET /books/b-42 on the HTTP API with routes (there is no book b-42)", 200):
        "the route GET /books/{bookId} matches, so bookshop runs, and it answers 404 for a book it does not have.",
    ("POST /books on the HTTP API with routes (it has only GET routes)", 405):
        "API Gateway does not answer 405: a request that matches no route (method and path) gets 404 Not Found.",
    ("POST /books on the HTTP API with routes (it has only GET routes)", 403):
        "403 Missing Authentication Token is the REST API's answer; an HTTP API answers 404 when no route matches.",
    ("POST /books on the REST API (it has only GET methods)", 404):
        "a REST API answers a method or path it does not have with 403 Missing Authentication Token, not 404.",
    ("POST /books on the REST API (it has only GET methods)", 405):
        "a REST API answers a method or path it does not have with 403 Missing Authentication Token.",
    ("GET /plain on the REST API of http-responses", 200):
        "payload 1.0 has no shortcut for plain JSON: without statusCode the REST API calls the answer malformed.",
    ("GET /plain on the function URL of http-responses", 502):
        "payload 2.0 turns valid JSON without statusCode into a 200 with that JSON as the body.",
    ("GET /boom on the quick-created HTTP API of http-responses", 502):
        "function URLs and REST APIs answer a function error with 502, but an HTTP API answers 500.",
    ("GET /books on a function URL whose AuthType is AWS_IAM, unsigned", 401):
        "Lambda answers an unsigned request to an AWS_IAM URL with 403 Forbidden.",
}


def _as_status(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _mark_answers(answers: Any, expected: dict[str, Any], read: Any, *, rows: str, how_to_answer: str, form: str,
                  hints: dict[tuple[str, Any], str], otherwise: str, done: str) -> Verdict:
    """Mark a table whose answers are read with ``read`` (None: not in the table's ``form``); a wrong answer gets
    its hint from ``hints`` by (row, answer), or ``otherwise``."""
    require_table(answers, expected, rows, how_to_answer)
    marked = mark_table(answers, expected, read)
    problems = marked.problems(lambda row: f"{row}: {form}, not {answers[row]!r}",
                               lambda row, given: f"{row}: not {given}; {hints.get((row, given), otherwise)}")
    return settle(problems, marked.still_open, done)


@never_raises
def check_status_codes(answers: Any) -> bool:
    """Exercise 1: the status code of each request."""
    return _mark_answers(answers, EXPECTED_STATUS, _as_status, rows="requests",
                         how_to_answer="replace each ... with a status code, such as 200.",
                         form="write a number such as 404", hints=_STATUS_HINTS,
                         otherwise="call it and see (call(...) prints the status).",
                         done="An HTTP API says 404 for no route, a REST API 403; a function error is 502, or 500 "
                              "from an HTTP API; only payload 2.0 turns plain JSON into a 200.")


# ---------------------------------------------------------------------------------------------- HTTP and APIs

def _http():
    import requests

    session = requests.Session()
    session.trust_env = False  # straight to 127.0.0.1, whatever proxy the machine is set up to use
    return session


@contextmanager
def _api_gateway_permission(function_arn: str, api_id: str):
    """Let API Gateway invoke the function from this API (as on AWS), and take the statement away afterwards."""
    import boto3

    from helpers import local_cloud

    cloud = local_cloud.current()
    client = boto3.client("lambda")
    statement_id = f"exercise-{api_id}-{uuid.uuid4().hex[:6]}"
    client.add_permission(FunctionName=function_arn, StatementId=statement_id, Action="lambda:InvokeFunction",
                          Principal="apigateway.amazonaws.com",
                          SourceArn=f"arn:aws:execute-api:{cloud.region}:{cloud.account_id}:{api_id}/*")
    try:
        yield
    finally:
        try:
            client.remove_permission(FunctionName=function_arn, StatementId=statement_id)
        except Exception:  # noqa: BLE001 - the function may be gone
            pass


@contextmanager
def _http_api(function_arn: str, route_key: str):
    """An HTTP API with one route to the function (payload 2.0), on the $default stage; yields its endpoint."""
    import boto3

    apis = boto3.client("apigatewayv2")
    api = apis.create_api(Name=f"exercise-{uuid.uuid4().hex[:8]}", ProtocolType="HTTP")
    try:
        integration = apis.create_integration(ApiId=api["ApiId"], IntegrationType="AWS_PROXY",
                                              IntegrationUri=function_arn, PayloadFormatVersion="2.0")
        apis.create_route(ApiId=api["ApiId"], RouteKey=route_key, Target=f"integrations/{integration['IntegrationId']}")
        apis.create_stage(ApiId=api["ApiId"], StageName="$default", AutoDeploy=True)
        with _api_gateway_permission(function_arn, api["ApiId"]):
            yield api["ApiEndpoint"]
    finally:
        apis.delete_api(ApiId=api["ApiId"])


@contextmanager
def _rest_api(function_arn: str, segments: list[str], stage: str = "prod"):
    """A REST API with GET on /seg1/seg2/... to the function (Lambda proxy, payload 1.0); yields the stage's URL."""
    import boto3

    from helpers import local_cloud

    cloud = local_cloud.current()
    gateway = boto3.client("apigateway")
    api_id = gateway.create_rest_api(name=f"exercise-{uuid.uuid4().hex[:8]}")["id"]
    try:
        parent = next(item["id"] for item in gateway.get_resources(restApiId=api_id)["items"] if item["path"] == "/")
        for part in segments:
            parent = gateway.create_resource(restApiId=api_id, parentId=parent, pathPart=part)["id"]
        gateway.put_method(restApiId=api_id, resourceId=parent, httpMethod="GET", authorizationType="NONE")
        gateway.put_integration(restApiId=api_id, resourceId=parent, httpMethod="GET", type="AWS_PROXY",
                                integrationHttpMethod="POST",
                                uri=f"arn:aws:apigateway:{cloud.region}:lambda:path/2015-03-31/functions/"
                                    f"{function_arn}/invocations")
        gateway.create_deployment(restApiId=api_id, stageName=stage)
        with _api_gateway_permission(function_arn, api_id):
            yield cloud.rest_api_url(api_id, stage)
    finally:
        gateway.delete_rest_api(restApiId=api_id)


# ---------------------------------------------------------------------------------------------- exercise 2

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")


def _route_key_problem(route_key: str) -> str:
    """Why API Gateway would refuse this route key, or why it cannot be the reviews route; "" if it looks right."""
    if route_key != route_key.strip():
        return "remove the spaces around the route key."
    method, _, path = route_key.partition(" ")
    if not path:
        if route_key.startswith("/"):
            return 'a route key starts with the HTTP method and one space, e.g. "GET /books".'
        return 'a route key is a method, one space, and a path starting with /, e.g. "GET /books".'
    if method.upper() not in _METHODS:
        return f"{method!r} is not an HTTP method; the request is a GET."
    if method != method.upper():
        return f"write the method in capitals: {method.upper()}."
    if not path.startswith("/"):
        return "the path of a route key starts with /."
    if path.endswith("/") and path != "/":
        return "leave out the / at the end of the path."
    if re.search(r"/:\w+|<\w+>", path):
        return "API Gateway writes a path parameter in braces, {bookId}, not :bookId or <bookId>."
    if "+}" in path:
        return "{bookId+} is a greedy parameter: it swallows the rest of the path, /reviews included. Use {bookId}."
    if "?" in path or "limit" in path:
        return "leave the query string out of the route: routes match the path only; ?limit=... reaches the " \
               "function in queryStringParameters whatever the route."
    if method not in ("GET", "ANY"):
        return f"the reviews are read with GET, not {method}."
    if "{" not in path:
        return "the book's id changes from request to request: make it a path parameter, in braces."
    names = re.findall(r"\{([^}]+)\}", path)
    if names != ["bookId"]:
        return f"the handler reads pathParameters[\"bookId\"], so the parameter must be named {{bookId}}, not " \
               f"{', '.join('{' + name + '}' for name in names)}."
    if path != "/books/{bookId}/reviews":
        return f"the reviews live at /books/<book id>/reviews; your route's path is {path}."
    return ""


@never_raises
def check_reviews_route(route_key: Any, reviews_url: Any, function_name: str = "http-echo") -> bool:
    """Exercise 2: a route key for GET /books/{bookId}/reviews, and the URL of a book's reviews, tried for real."""
    if unanswered(route_key):
        return not_yet('write ROUTE_KEY, a text like "GET /books".')
    if not isinstance(route_key, str):
        return wrong(f"a route key is text, such as \"GET /books\"; you gave {type(route_key).__name__}.")
    problem = _route_key_problem(route_key)
    if problem:
        return wrong(problem)
    if unanswered(reviews_url) or not callable(reviews_url):
        return not_yet("write reviews_url(api_endpoint, book_id, limit), which returns the URL as text.")
    probe = reviews_url("https://example.execute-api.us-east-1.amazonaws.com", "b-2", 3)
    if unanswered(probe):
        return not_yet("reviews_url returns None: replace the ... with a return statement.")
    if not isinstance(probe, str):
        return wrong(f"reviews_url should return the URL as text; it returned {type(probe).__name__}.")
    function_arn = arn_of_function(function_name)
    if function_arn is None:
        return not_yet(f"there is no function {function_name!r}: run the cells of section 7 first.")
    http = _http()
    with _http_api(function_arn, route_key) as endpoint:
        for book_id, limit in (("b-2", 3), (f"b-{uuid.uuid4().hex[:4]}", 10)):
            url = reviews_url(endpoint, book_id, limit)
            if not isinstance(url, str) or not url.startswith(endpoint):
                return wrong(f"build the URL on the API's endpoint, the first argument: for {endpoint!r} your "
                             f"function returned {url!r}.")
            path = url[len(endpoint):]
            if "$default" in path:
                return wrong("the $default stage has no name in the URL: its routes start right after the endpoint.")
            response = http.get(url, timeout=30)
            if response.status_code == 404 and response.headers.get("X-Lambda-Request-Id") is None:
                return wrong(f"API Gateway found no route for GET {urlsplit(url).path[len(urlsplit(endpoint).path):]}"
                             f" (your URL: {url}); it should be the endpoint, /books/<book id>/reviews, then "
                             "?limit=<limit>.")
            if response.status_code != 200:
                return wrong(f"GET {url} answered {response.status_code}: {response.text[:200]}")
            event = response.json()
            if (event.get("pathParameters") or {}).get("bookId") != book_id:
                return wrong(f"for book {book_id} the handler got pathParameters {event.get('pathParameters')}: "
                             "use the book_id argument in the path.")
            query = event.get("queryStringParameters") or {}
            if query.get("limit") != str(limit):
                return wrong(f"for limit={limit} the handler got queryStringParameters {query or None}: add the limit "
                             f"to the URL as a query string, ?limit={limit}.")
    return correct(f"Your route {route_key!r} matched, API Gateway passed bookId in pathParameters and limit in "
                   "queryStringParameters.")


# ---------------------------------------------------------------------------------------------- exercise 3

_STOCK_CASES = (("apple", 200, 12), ("pear", 200, 0), ("plum", 200, 7), ("kiwi", 404, None))


def _stock_answer_problem(response: Any, sku: str, status: int, count: int | None) -> str:
    if response.status_code != status:
        if sku == "pear" and response.status_code == 404:
            return "pear is in STOCK with 0 in stock: that is a 200 with inStock 0, not a 404 (if not count: treats " \
                   "0 like a missing sku; compare with None, or test sku in STOCK)."
        if status == 404 and response.status_code == 200:
            return "an sku that is not in STOCK should get 404."
        return f"the status should be {status}, it was {response.status_code}."
    if status != 200:
        return ""
    if (response.headers.get("Content-Type") or "").split(";")[0] != "application/json":
        return 'add the header "Content-Type": "application/json".'
    try:
        document = response.json()
    except ValueError:
        return f"the body should be JSON; it was {response.text[:100]!r}."
    wanted = {"sku": sku, "inStock": count}
    if document != wanted:
        return f"the body should be {json.dumps(wanted)}, it was {response.text[:200]}."
    return ""


def _rest_failure_hint(function_name: str, sku: str) -> str:
    """Why the handler fails behind a REST API: invoke it with a 1.0 event and read the error."""
    from helpers.event_sources import api_gateway_rest_event

    result = invoke_learner_function(function_name, api_gateway_rest_event(
        "GET", f"/stock/{sku}", resource="/stock/{sku}"))
    if result is not None and result.function_error:
        message = (result.payload or {}).get("errorMessage", "")
        if result.error_type == "KeyError" and any(key in message for key in ("rawPath", "requestContext", "http")):
            return (f"with a REST API's event (payload 1.0) your handler raised {result.error_type}: {message}. "
                    "1.0 events have no rawPath or requestContext.http: read pathParameters[\"sku\"], which both "
                    "formats have.")
        return f"with a REST API's event (payload 1.0) your handler raised {result.error_type}: {message}."
    payload = None if result is None else result.payload
    if isinstance(payload, dict) and "statusCode" not in payload:
        return "a REST API (payload 1.0) needs statusCode, headers and a string body; plain JSON only works with 2.0."
    if isinstance(payload, dict) and not isinstance(payload.get("body"), str):
        return "a REST API (payload 1.0) needs the body as a string: json.dumps(...)."
    return f"its answer was {json.dumps(payload)[:200]}."


@never_raises
def check_stock_handler(function_name: str = "stock") -> bool:
    """Exercise 3: GET /stock/{sku} behind an HTTP API (2.0) and a REST API (1.0): 200 with the count, or 404."""
    from helpers.event_sources import http_api_event

    first = invoke_learner_function(function_name, http_api_event("GET", "/stock/apple", route_key="GET /stock/{sku}"))
    if first is None:
        return not_yet(f"there is no function named {function_name!r} yet: run the cell to deploy it.")
    if first.payload is None and not first.function_error:
        return not_yet("your handler returns None: replace the ... in its body.")
    function_arn = arn_of_function(function_name)
    http = _http()
    with _http_api(function_arn, "GET /stock/{sku}") as endpoint:
        for sku, status, count in _STOCK_CASES:
            response = http.get(f"{endpoint}/stock/{sku}", timeout=30)
            if response.status_code in (500, 502) and status != response.status_code:
                detail = invoke_learner_function(function_name, http_api_event(
                    "GET", f"/stock/{sku}", route_key="GET /stock/{sku}"))
                error = (detail.payload or {}) if detail is not None and detail.function_error else {}
                if error:
                    hint = " (an sku that is missing from STOCK must be caught: STOCK.get(sku), or sku in STOCK)" \
                        if sku == "kiwi" and error.get("errorType") == "KeyError" else ""
                    return wrong(f"behind the HTTP API, GET /stock/{sku} failed: the handler raised "
                                 f"{error.get('errorType')}: {error.get('errorMessage')}{hint}.")
                return wrong(f"behind the HTTP API, GET /stock/{sku} answered {response.status_code}: the answer "
                             "could not be turned into an HTTP response. Return statusCode, headers and a string body.")
            problem = _stock_answer_problem(response, sku, status, count)
            if problem:
                return wrong(f"behind the HTTP API (payload 2.0), GET /stock/{sku}: {problem}")
    with _rest_api(function_arn, ["stock", "{sku}"]) as base:
        for sku, status, count in _STOCK_CASES:
            response = http.get(f"{base}/stock/{sku}", timeout=30)
            if response.status_code == 502 and status != 502:
                return wrong(f"behind the REST API, GET /stock/{sku} answered 502 while the HTTP API worked: "
                             + _rest_failure_hint(function_name, sku))
            problem = _stock_answer_problem(response, sku, status, count)
            if problem:
                return wrong(f"behind the REST API (payload 1.0), GET /stock/{sku}: {problem}")
    return correct("It answers the same behind both doors: it finds the sku in both payload formats "
                   "(pathParameters is in both) and returns statusCode, headers and a string body.")


# ---------------------------------------------------------------------------------------------- exercise 4

EXPECTED_DOORS = {
    "a webhook for one function, called by a payment provider; it needs an address and nothing more": "function URL",
    "a public API whose customers each get an API key and their own monthly request quota": "REST API",
    "a mobile app's backend: a dozen routes over several functions, users sign in with Amazon Cognito, "
    "lowest API Gateway price": "HTTP API",
    "an internal API that must be reachable only from inside your VPC": "REST API",
}

_DOOR_HINTS = {
    ("a webhook for one function, called by a payment provider; it needs an address and nothing more", "HTTP API"):
        "it would work, but one function with no routes and no sign-in needs no gateway: a function URL costs "
        "nothing of its own.",
    ("a webhook for one function, called by a payment provider; it needs an address and nothing more", "REST API"):
        "it would work, but it is the most expensive way to give one function an address.",
    ("a public API whose customers each get an API key and their own monthly request quota", "HTTP API"):
        "HTTP APIs have no API keys or usage plans; only REST APIs do.",
    ("a public API whose customers each get an API key and their own monthly request quota", "function URL"):
        "a function URL knows no API keys or quotas.",
    ("a mobile app's backend: a dozen routes over several functions, users sign in with Amazon Cognito, "
     "lowest API Gateway price", "REST API"):
        "a REST API can do it, but it costs more per request; HTTP APIs check Cognito's tokens with a JWT authorizer.",
    ("a mobile app's backend: a dozen routes over several functions, users sign in with Amazon Cognito, "
     "lowest API Gateway price", "function URL"):
        "a function URL leads to one function and checks only IAM signatures, not Cognito's tokens.",
    ("an internal API that must be reachable only from inside your VPC", "HTTP API"):
        "HTTP APIs have no private endpoints; REST APIs do.",
    ("an internal API that must be reachable only from inside your VPC", "function URL"):
        "function URLs are reachable from the internet only; private endpoints are a REST API feature.",
}

_DOOR_NAMES = {"functionurl": "function URL", "url": "function URL", "lambdafunctionurl": "function URL",
               "lambdaurl": "function URL", "httpapi": "HTTP API", "http": "HTTP API", "apigatewayv2": "HTTP API",
               "apigatewayhttpapi": "HTTP API", "restapi": "REST API", "rest": "REST API", "apigatewayv1": "REST API",
               "apigatewayrestapi": "REST API"}


def _door(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return _DOOR_NAMES.get(re.sub(r"[^a-z0-9]", "", value.lower()))


@never_raises
def check_front_door_choices(answers: Any) -> bool:
    """Exercise 4: function URL, HTTP API or REST API for each case."""
    return _mark_answers(answers, EXPECTED_DOORS, _door, rows="cases",
                         how_to_answer='replace each ... with "function URL", "HTTP API" or "REST API".',
                         form='answer "function URL", "HTTP API" or "REST API"', hints=_DOOR_HINTS,
                         otherwise="see the table in section 10.",
                         done="The simplest door that has what you need: a function URL for one endpoint, an HTTP "
                              "API for routes and sign-in, a REST API for API keys, private endpoints and its other "
                              "extras.")
