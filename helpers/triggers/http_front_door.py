"""The HTTP front door: Lambda function URLs and API Gateway HTTP APIs, reachable over real HTTP on loopback.

``create_function_url_config`` and ``apigatewayv2.create_api`` return URLs on this server, which work as they are
from this machine (a browser, ``curl``, ``requests``):

    http://127.0.0.1:<port>/lambda-url/<url-id>/<path>     a function URL (payload format 2.0)
    http://127.0.0.1:<port>/http-api/<api-id>/<path>       an HTTP API's $default stage
    http://127.0.0.1:<port>/rest-api/<api-id>/<stage>/<path>  a REST API's stage (``rest_api_url``), payload 1.0

Each request becomes an event with a fresh ``requestId`` and time (``helpers/event_sources``); the function is
invoked synchronously; its answer becomes the HTTP response by AWS's rules for payload format 2.0 (a dict with
``statusCode`` is a response; any other JSON means 200 with that JSON as the body; ``cookies`` become
``Set-Cookie``; REST APIs need ``statusCode`` and a string body, format 1.0). A function error gives 502 from a
function URL or a REST API and 500 from an HTTP API; a REST path or method with no resource gives 403 "Missing
Authentication Token", as on AWS. A throttled function: 429 from a function URL (Lambda's own answer), 500 from an
API Gateway API (``http_responses.throttled_response``).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from helpers.event_sources import api_gateway_rest_event, function_url_event, http_api_event
from helpers.lambda_service.concurrency import Throttled
from helpers.lambda_service.functions import FunctionVersion
from helpers.lambda_service.invoke_api import new_request_id
from helpers.lambda_service.ports import FunctionDirectory, Invoker
from helpers.lambda_service.resource_policy import allows
from helpers.moto_seam.state import MotoState
from helpers.runtime.spec import InvocationOutcome, InvocationRequest

from .http_responses import Response, json_response, response_v1, response_v2, throttled_response
from .http_routing import match_resource, match_route


class FrontDoor:
    """One loopback HTTP server for every function URL, HTTP API and REST API of a local AWS."""

    def __init__(self, state: MotoState, directory: FunctionDirectory, invoker: Invoker) -> None:
        self._state = state
        self._directory = directory
        self._invoker = invoker
        door = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - no request logging
                pass

            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    status, headers, payload, cookies = door.handle(self.command, self.path, self.headers, body,
                                                                    self.client_address[0])
                except Exception:  # noqa: BLE001 - never a raw traceback to the caller
                    status, headers, payload, cookies = json_response(500, {"message": "Internal Server Error"})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                for cookie in cookies:
                    self.send_header("Set-Cookie", cookie)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                         name="http-front-door").start()

    def function_url(self, url_id: str) -> str:
        return f"{self.base_url}/lambda-url/{url_id}/"

    def http_api_url(self, api_id: str) -> str:
        return f"{self.base_url}/http-api/{api_id}"

    def rest_api_url(self, api_id: str, stage: str) -> str:
        """Where a deployed REST API stage answers (on AWS: https://<api-id>.execute-api.<region>.amazonaws.com/<stage>)."""
        return f"{self.base_url}/rest-api/{api_id}/{stage}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------------ requests

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes, source_ip: str) -> Response:
        parts = urlsplit(raw_path)
        segments = parts.path.split("/", 3)  # "", kind, id, rest
        if len(segments) < 3:
            return json_response(404, {"message": "Not Found"})
        kind, target_id = segments[1], segments[2]
        path = "/" + (segments[3] if len(segments) > 3 else "")
        request = _HttpRequest(method, path, parts.query, _headers(headers), body, source_ip)
        request.client_headers = _client_headers(headers)
        doors = {"lambda-url": self._function_url, "http-api": self._http_api, "rest-api": self._rest_api}
        if kind not in doors:
            return json_response(404, {"message": "Not Found"})
        try:
            return doors[kind](target_id, request)
        except Throttled as throttle:
            return throttled_response(kind, throttle.reason)

    def _function_url(self, url_id: str, request: _HttpRequest) -> Response:
        found = self._state.function_with_url(url_id)
        if found is None:
            return json_response(404, {"Message": "Not Found"})
        function, auth_type = found
        if auth_type != "NONE":
            return json_response(403, {"Message": "Forbidden"})  # AWS_IAM needs a SigV4-signed request
        if not all(allows(function, "*", action=action, via_function_url=True)
                   for action in ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction")):
            # AuthType NONE still needs the policy to let everyone in (both actions, for URLs made since Oct 2025)
            return json_response(403, {"Message": "Forbidden"})
        event = function_url_event(request.method, request.path, body=request.body_value(), query=request.query(),
                                   headers=request.headers, url_id=url_id, account_id=function.account_id,
                                   region=function.region, source_ip=request.source_ip,
                                   is_base64_encoded=request.is_binary)
        outcome = self._invoke(function, event, function.function_arn)
        if outcome.error_type is not None:
            return 502, {"Content-Type": "text/plain"}, b"Internal Server Error", []
        return response_v2(outcome.payload, error_status=502)

    def _http_api(self, api_id: str, request: _HttpRequest) -> Response:
        api = self._state.http_api(api_id)
        if api is None:
            return json_response(404, {"message": "Not Found"})
        match = match_route(api.routes, request.method, request.path)
        if match is None:
            return json_response(404, {"message": "Not Found"})
        route, path_parameters = match
        integration = api.integrations.get((route.target or "").split("/")[-1])
        if integration is None or ":lambda:" not in integration.uri:
            return json_response(500, {"message": "Internal Server Error"})
        account, region = api.account_id, api.region
        target_arn = _function_arn(integration.uri)
        function = self._directory.function(target_arn, account_id=account, region=region)
        route_path = route.route_key.split(" ", 1)[-1] if " " in route.route_key else request.path
        if not _api_gateway_may_invoke(function, region, account, api_id, "$default", request.method,
                                       (request.path, route_path), default_route=route.route_key == "$default"):
            return json_response(500, {"message": "Internal Server Error"})
        if integration.payload_format_version == "1.0":  # an HTTP API can send the REST API's format
            event = api_gateway_rest_event(request.method, request.path, resource=route_path,
                                           body=request.body_value(), query=request.query(),
                                           headers=request.client_headers, path_parameters=path_parameters or None,
                                           stage="$default", api_id=api_id, account_id=account, region=region,
                                           source_ip=request.source_ip, is_base64_encoded=request.is_binary)
            event = {"version": "1.0", **event}
        else:
            event = http_api_event(request.method, request.path, route_key=route.route_key,
                                   body=request.body_value(), query=request.query(), headers=request.headers,
                                   path_parameters=path_parameters or None, api_id=api_id, account_id=account,
                                   region=region, source_ip=request.source_ip, is_base64_encoded=request.is_binary)
        outcome = self._invoke(function, event, target_arn)
        if outcome.error_type is not None:
            return json_response(500, {"message": "Internal Server Error"})
        if event.get("version") == "1.0":
            status, headers, data, cookies = response_v1(outcome.payload)
            if status == 502:  # a malformed 1.0 answer: HTTP APIs say 500 where REST APIs say 502
                return json_response(500, {"message": "Internal Server Error"})
            return status, headers, data, cookies
        return response_v2(outcome.payload, error_status=500)

    def _rest_api(self, api_id: str, request: _HttpRequest) -> Response:
        api = self._state.rest_api(api_id)
        stage, _, tail = request.path.lstrip("/").partition("/")
        if api is None or stage not in api.stages:
            return json_response(403, {"message": "Forbidden"})
        path = "/" + tail
        found = match_resource(api.resources, path)
        method = None
        if found is not None:
            methods = found[0].methods
            method = methods.get(request.method) or methods.get("ANY")
        if found is None or method is None:
            return json_response(403, {"message": "Missing Authentication Token"})
        resource, path_parameters = found
        if method.integration_type != "AWS_PROXY" or ":lambda:" not in (method.integration_uri or ""):
            return json_response(500, {"message": "Internal server error"})
        account, region = api.account_id, api.region
        target_arn = _function_arn(method.integration_uri or "")
        function = self._directory.function(target_arn, account_id=account, region=region)
        if not _api_gateway_may_invoke(function, region, account, api_id, stage, request.method,
                                       (path, resource.path)):
            return json_response(500, {"message": "Internal server error"})
        event = api_gateway_rest_event(request.method, path, resource=resource.path, body=request.body_value(),
                                       query=request.query(), headers=request.client_headers,
                                       path_parameters=path_parameters or None, stage=stage, api_id=api_id,
                                       account_id=account, region=region, source_ip=request.source_ip,
                                       is_base64_encoded=request.is_binary)
        outcome = self._invoke(function, event, target_arn)
        if outcome.error_type is not None:
            return json_response(502, {"message": "Internal server error"})
        return response_v1(outcome.payload)

    def _invoke(self, function: FunctionVersion, event: dict[str, Any], invoked_arn: str) -> InvocationOutcome:
        """Invoke synchronously; the handler's context names the function as the integration or URL named it.
        ``Throttled`` if Lambda refuses it (``handle`` answers for the door)."""
        request = InvocationRequest(new_request_id(), json.dumps(event).encode(), invoked_arn)
        return self._invoker.invoke(function, request, source="http")


class _HttpRequest:
    def __init__(self, method: str, path: str, raw_query: str, headers: dict[str, str], body: bytes,
                 source_ip: str) -> None:
        self.method, self.path, self.raw_query, self.headers, self.body = method, path, raw_query, headers, body
        self.source_ip = source_ip
        self.client_headers: dict[str, list[str]] = {}  # names as the client wrote them (payload format 1.0)
        content_type = headers.get("content-type", "")
        textual = not content_type or content_type.startswith("text/") or "json" in content_type or \
            "xml" in content_type or "x-www-form-urlencoded" in content_type
        try:
            body.decode("utf-8")
            self.is_binary = not textual
        except UnicodeDecodeError:
            self.is_binary = True

    def body_value(self) -> str | bytes | None:
        if not self.body:
            return None
        return self.body if self.is_binary else self.body.decode("utf-8")

    def query(self) -> dict[str, Any]:
        grouped: dict[str, list[str]] = {}
        for name, value in parse_qsl(self.raw_query, keep_blank_values=True):
            grouped.setdefault(name, []).append(value)
        return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


def _client_headers(message: Any) -> dict[str, list[str]]:
    """The client's header names as it wrote them, each with all its values (payload format 1.0 keeps both)."""
    grouped: dict[str, tuple[str, list[str]]] = {}
    for name, value in message.items():
        grouped.setdefault(name.lower(), (name, []))[1].append(value)
    return {name: values for name, values in grouped.values()}


def _headers(message: Any) -> dict[str, str]:
    """Lower-case names; repeated headers joined with commas (payload format 2.0)."""
    merged: dict[str, str] = {}
    for name, value in message.items():
        key = name.lower()
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    return merged


def _api_gateway_may_invoke(function: FunctionVersion, region: str, account: str, api_id: str, stage: str, method: str,
                            paths: tuple[str, ...], *, default_route: bool = False) -> bool:
    """API Gateway needs the function's permission (add_permission for apigateway.amazonaws.com); its SourceArn
    names the API, stage, method and path (the request's path or the route's template), or for an HTTP API's
    $default route the route itself (``<api>/*/$default``, as the console grants it)."""
    arns = tuple(f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{method}{path}" for path in paths)
    if default_route:
        arns += (f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/$default",)
    return allows(function, "apigateway.amazonaws.com", arns[0], account, source_arns=arns[1:])


def _function_arn(integration_uri: str) -> str:
    """An integration URI is a function ARN, or API Gateway's .../functions/<arn>/invocations form."""
    if "/functions/" in integration_uri:
        return integration_uri.split("/functions/")[1].split("/invocations")[0]
    return integration_uri
