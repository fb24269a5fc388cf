"""API Gateway, in moto: HTTP APIs answer on the workbook's HTTP front door.

* ``ApiGatewayV2Backend.create_api`` (the model, whatever the route): the API's endpoint is its address on the
  front door.
* ``ApiGatewayV2Response.create_api``: quick-create (``Target``, ``RouteKey``), which only this API call has and
  moto ignores: a Lambda integration, a route (``$default`` unless given) and a ``$default`` stage deployed at once.
"""

from __future__ import annotations

import json
from typing import Any

from moto.apigatewayv2.models import ApiGatewayV2Backend
from moto.apigatewayv2.responses import ApiGatewayV2Response

from .parts import Seam
from .registry import REGISTRY


@REGISTRY.method(ApiGatewayV2Backend, "create_api")
def create_api(seam: Seam, backend: ApiGatewayV2Backend, *args: Any, **kwargs: Any) -> Any:
    api = seam.original(ApiGatewayV2Backend, "create_api")(backend, *args, **kwargs)
    api.api_endpoint = seam.addresses.http_api_url(api.api_id)
    return api


@REGISTRY.method(ApiGatewayV2Response, "create_api")
def quick_create_api(seam: Seam, response: ApiGatewayV2Response) -> tuple[int, dict[str, str], str]:
    status, headers, body = seam.original(ApiGatewayV2Response, "create_api")(response)
    params = json.loads(response.body)
    target = params.get("target")
    if not target:
        return status, headers, body
    api = response.apigatewayv2_backend.get_api(json.loads(body)["apiId"])
    integration = api.create_integration(connection_type="INTERNET", description="", integration_method="POST",
                                         integration_type="AWS_PROXY", integration_uri=target,
                                         payload_format_version="2.0")
    api.create_route(api_key_required=False, authorization_scopes=[],
                     route_key=params.get("routeKey") or "$default", target=f"integrations/{integration.id}")
    api.create_stage({"stageName": "$default", "autoDeploy": True})  # quick-create deploys to $default
    return status, headers, json.dumps(api.to_json())
