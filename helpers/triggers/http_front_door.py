"""The HTTP front door: Lambda function URLs and API Gateway HTTP APIs, reachable over real HTTP on loopback.

``create_function_url_config`` and ``apigatewayv2.create_api`` return URLs on this server, which work as they are
from this machine (a browser, ``curl``, ``requests``):

    http://127.0.0.1:<port>/lambda-url/<url-id>/<path>     a function URL (payload format 2.0)
    http://127.0.0.1:<port>/http-api/<api-id>/<path>       an HTTP API's $default stage
    http://127.0.0.1:<port>/rest-api/<api-id>/<stage>/<path>  a REST API's stage (``rest_api_url``), payload 1.0

Each request becomes an event with a fresh ``requestId`` and time (``helpers/event_builder.py``); the function is
invoked synchronously; its answer becomes the HTTP response by AWS's rules for payload format 2.0 (a dict with
``statusCode`` is a response; any other JSON means 200 with that JSON as the body; ``cookies`` become
``Set-Cookie``; REST APIs need ``statusCode`` and a string body, format 1.0). A function error gives 502 from a
function URL or a REST API and 500 from an HTTP API; a REST path or method with no resource gives 403 "Missing
Authentication Token", as on AWS.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from helpers.lambda_service.resource_policy import allows
from helpers.runtime.environment import InvocationRequest

Response = tuple[int, dict[str, str], bytes, list[str]]  # status, headers, body, Set-Cookie values


class FrontDoor:
    """One loopback HTTP server for every function URL and HTTP API of a local AWS."""

    def __init__(self, engine_lookup: Any) -> None:
        self._engine = engine_lookup
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
                    status, headers, payload, cookies = 500, {"Content-Type": "application/json"}, \
                        b'{"message":"Internal Server Error"}', []
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
            return _json_response(404, {"message": "Not Found"})
        kind, target_id = segments[1], segments[2]
        path = "/" + (segments[3] if len(segments) > 3 else "")
        request = _HttpRequest(method, path, parts.query, _headers(headers), body, source_ip)
        request.client_headers = _client_headers(headers)
        if kind == "lambda-url":
            return self._function_url(target_id, request)
        if kind == "http-api":
            return self._http_api(target_id, request)
        if kind == "rest-api":
            return self._rest_api(target_id, request)
        return _json_response(404, {"message": "Not Found"})

    def _function_url(self, url_id: str, request: _HttpRequest) -> Response:
        from helpers.event_builder import function_url_event

        function = _function_with_url(url_id)
        if function is None:
            return _json_response(404, {"Message": "Not Found"})
        if (function.url_config.config.get("AuthType") or "NONE") != "NONE":
            return _json_response(403, {"Message": "Forbidden"})  # AWS_IAM needs a SigV4-signed request
        if not all(allows(function, "*", action=action, via_function_url=True)
                   for action in ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction")):
            # AuthType NONE still needs the policy to let everyone in (both actions, for URLs made since Oct 2025)
            return _json_response(403, {"Message": "Forbidden"})
        event = function_url_event(request.method, request.path, body=request.body_value(), query=request.query(),
                                   headers=request.headers, url_id=url_id, account_id=function.account_id,
                                   region=function.region, source_ip=request.source_ip,
                                   is_base64_encoded=request.is_binary)
        outcome = self._invoke(function, event)
        if outcome.error_type is not None:
            return 502, {"Content-Type": "text/plain"}, b"Internal Server Error", []
        return response_v2(outcome.payload, error_status=502)

    def _http_api(self, api_id: str, request: _HttpRequest) -> Response:
        from moto.apigatewayv2.models import apigatewayv2_backends
        from moto.awslambda.utils import get_backend

        from helpers.event_builder import http_api_event

        api, region, account = _find_api(apigatewayv2_backends, api_id)
        if api is None:
            return _json_response(404, {"message": "Not Found"})
        match = match_route(list(api.routes.values()), request.method, request.path)
        if match is None:
            return _json_response(404, {"message": "Not Found"})
        route, path_parameters = match
        integration = api.integrations.get((route.target or "").split("/")[-1])
        if integration is None or ":lambda:" not in (integration.integration_uri or ""):
            return _json_response(500, {"message": "Internal Server Error"})
        function = get_backend(account, region).get_function(_function_arn(integration.integration_uri))
        route_path = route.route_key.split(" ", 1)[-1] if " " in route.route_key else request.path
        if not _api_gateway_may_invoke(function, region, account, api_id, "$default", request.method,
                                       (request.path, route_path), default_route=route.route_key == "$default"):
            return _json_response(500, {"message": "Internal Server Error"})
        if (integration.payload_format_version or "2.0") == "1.0":  # an HTTP API can send the REST API's format
            from helpers.event_builder import api_gateway_rest_event

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
        outcome = self._invoke(function, event)
        if outcome.error_type is not None:
            return _json_response(500, {"message": "Internal Server Error"})
        if event.get("version") == "1.0":
            status, headers, data, cookies = response_v1(outcome.payload)
            if status == 502:  # a malformed 1.0 answer: HTTP APIs say 500 where REST APIs say 502
                return _json_response(500, {"message": "Internal Server Error"})
            return status, headers, data, cookies
        return response_v2(outcome.payload, error_status=500)

    def _rest_api(self, api_id: str, request: _HttpRequest) -> Response:
        from moto.apigateway.models import apigateway_backends
        from moto.awslambda.utils import get_backend

        from helpers.event_builder import api_gateway_rest_event

        api, region, account = _find_api(apigateway_backends, api_id)
        stage, _, tail = request.path.lstrip("/").partition("/")
        if api is None or stage not in api.stages:
            return _json_response(403, {"message": "Forbidden"})
        path = "/" + tail
        found = _match_resource(list(api.resources.values()), path)
        method = None
        if found is not None:
            methods = found[0].resource_methods
            method = methods.get(request.method) or methods.get("ANY")
        if found is None or method is None:
            return _json_response(403, {"message": "Missing Authentication Token"})
        resource, path_parameters = found
        integration = method.method_integration
        if integration is None or integration.integration_type != "AWS_PROXY" or ":lambda:" not in (integration.uri or ""):
            return _json_response(500, {"message": "Internal server error"})
        function = get_backend(account, region).get_function(_function_arn(integration.uri))
        if not _api_gateway_may_invoke(function, region, account, api_id, stage, request.method,
                                       (path, resource.get_path())):
            return _json_response(500, {"message": "Internal server error"})
        event = api_gateway_rest_event(request.method, path, resource=resource.get_path(), body=request.body_value(),
                                       query=request.query(), headers=request.client_headers,
                                       path_parameters=path_parameters or None, stage=stage, api_id=api_id,
                                       account_id=account, region=region, source_ip=request.source_ip,
                                       is_base64_encoded=request.is_binary)
        outcome = self._invoke(function, event)
        if outcome.error_type is not None:
            return _json_response(502, {"message": "Internal server error"})
        return response_v1(outcome.payload)

    def _invoke(self, function: Any, event: dict[str, Any]) -> Any:
        request = InvocationRequest(str(uuid.uuid4()), json.dumps(event).encode(), function.function_arn)
        return self._engine().invoke(function, request)


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


def match_route(routes: list[Any], method: str, path: str) -> tuple[Any, dict[str, str]] | None:
    """The route an HTTP API picks: exact method and path first, then ANY, then greedy paths, then $default."""
    best: tuple[int, Any, dict[str, str]] | None = None
    for route in routes:
        if route.route_key == "$default":
            score, parameters = 0, {}
        else:
            route_method, _, template = route.route_key.partition(" ")
            if route_method not in (method, "ANY"):
                continue
            parameters = _match_template(template, path)
            if parameters is None:
                continue
            greedy = "+}" in template
            score = 10 + (0 if greedy else 5) + (2 if route_method == method else 0) + template.count("/")
        if best is None or score > best[0]:
            best = (score, route, parameters)
    return None if best is None else (best[1], best[2])


def _match_template(template: str, path: str) -> dict[str, str] | None:
    pattern = ""
    for piece in re.split(r"(\{[^}]+\})", template):
        if piece.startswith("{") and piece.endswith("+}"):
            pattern += f"(?P<{piece[1:-2]}>.+)"
        elif piece.startswith("{"):
            pattern += f"(?P<{piece[1:-1]}>[^/]+)"
        else:
            pattern += re.escape(piece)
    found = re.fullmatch(pattern, path)
    return None if found is None else found.groupdict()


def response_v2(payload: bytes, *, error_status: int) -> Response:
    """A function's answer as the HTTP response, by payload format 2.0's rules."""
    try:
        document = json.loads(payload) if payload else None
    except ValueError:
        return error_status, {"Content-Type": "text/plain"}, b"Internal Server Error", []
    if isinstance(document, dict) and "statusCode" in document:
        try:
            status = int(document["statusCode"])
        except (TypeError, ValueError):
            return error_status, {"Content-Type": "text/plain"}, b"Internal Server Error", []
        headers = {str(name): str(value) for name, value in (document.get("headers") or {}).items()}
        body = document.get("body") or ""
        if not isinstance(body, str):
            body = json.dumps(body)
        data = base64.b64decode(body) if document.get("isBase64Encoded") else body.encode("utf-8")
        return status, headers, data, [str(cookie) for cookie in document.get("cookies") or []]
    return 200, {"Content-Type": "application/json"}, payload, []


def _match_resource(resources: list[Any], path: str) -> tuple[Any, dict[str, str]] | None:
    """The REST API resource for a path: literal segments beat {parameters}, which beat {greedy+} paths."""
    best: tuple[tuple[int, int, int], Any, dict[str, str]] | None = None
    for resource in resources:
        template = resource.get_path()
        parameters = {} if template == path else _match_template(template, path)
        if parameters is None:
            continue
        score = (0 if "+}" in template else 1, template.count("/") - template.count("{"), template.count("/"))
        if best is None or score > best[0]:
            best = (score, resource, parameters)
    return None if best is None else (best[1], best[2])


def response_v1(payload: bytes) -> Response:
    """A function's answer as the HTTP response, by payload format 1.0's rules (REST APIs): it must be an object
    with statusCode; headers and multiValueHeaders are merged; the body must be a string."""
    bad = _json_response(502, {"message": "Internal server error"})
    try:
        document = json.loads(payload) if payload else None
    except ValueError:
        return bad
    if not isinstance(document, dict) or "statusCode" not in document:
        return bad
    try:
        status = int(document["statusCode"])
    except (TypeError, ValueError):
        return bad
    body = document.get("body")
    if body is not None and not isinstance(body, str):
        return bad
    headers: dict[str, str] = {}
    cookies: list[str] = []
    merged: dict[str, list[str]] = {name: [str(value)] for name, value in (document.get("headers") or {}).items()}
    for name, values in (document.get("multiValueHeaders") or {}).items():
        merged.setdefault(name, []).extend(str(value) for value in (values or []))
    for name, values in merged.items():
        if name.lower() == "set-cookie":
            cookies += values
        else:
            headers[name] = ", ".join(dict.fromkeys(values))
    data = base64.b64decode(body) if body and document.get("isBase64Encoded") else (body or "").encode("utf-8")
    return status, headers, data, cookies


def _api_gateway_may_invoke(function: Any, region: str, account: str, api_id: str, stage: str, method: str,
                            paths: tuple[str, ...], *, default_route: bool = False) -> bool:
    """API Gateway needs the function's permission (add_permission for apigateway.amazonaws.com); its SourceArn
    names the API, stage, method and path (the request's path or the route's template), or for an HTTP API's
    $default route the route itself (``<api>/*/$default``, as the console grants it)."""
    arns = tuple(f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{method}{path}" for path in paths)
    if default_route:
        arns += (f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/$default",)
    return allows(function, "apigateway.amazonaws.com", arns[0], account, source_arns=arns[1:])


def _json_response(status: int, document: dict[str, Any]) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(document).encode(), []


def _function_arn(integration_uri: str) -> str:
    """An integration URI is a function ARN, or API Gateway's .../functions/<arn>/invocations form."""
    if "/functions/" in integration_uri:
        return integration_uri.split("/functions/")[1].split("/invocations")[0]
    return integration_uri


def _function_with_url(url_id: str) -> Any:
    from moto.awslambda.models import lambda_backends

    from .moto_state import existing_backends

    for _, _, backend in existing_backends(lambda_backends):
        for function in backend.list_functions():
            config = getattr(function, "url_config", None)
            if config is not None and f"/lambda-url/{url_id}/" in config.url:
                return function
    return None


def _find_api(backends: Any, api_id: str) -> tuple[Any, str, str]:
    from .moto_state import existing_backends

    for account_id, region, backend in existing_backends(backends):
        api = backend.apis.get(api_id)
        if api is not None:
            return api, region, account_id
    return None, "", ""
