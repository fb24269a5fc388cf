"""Function URLs and HTTP APIs over real HTTP on loopback: events in, responses out, errors as on AWS."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import boto3
import pytest

ECHO = """
import base64, json
def handler(event, context):
    path = event["rawPath"]
    if path.endswith("/boom"):
        raise RuntimeError("boom")
    if path.endswith("/plain"):
        return {"just": "json"}
    if path.endswith("/teapot"):
        return {"statusCode": 418, "headers": {"X-Kind": "teapot"}, "cookies": ["a=1", "b=2"],
                "body": base64.b64encode(b"\\x00short and stout").decode(), "isBase64Encoded": True}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps({
        "requestId": event["requestContext"]["requestId"], "method": event["requestContext"]["http"]["method"],
        "rawPath": path, "rawQueryString": event["rawQueryString"], "query": event.get("queryStringParameters"),
        "pathParameters": event.get("pathParameters"), "routeKey": event["routeKey"],
        "body": event.get("body"), "cookies": event.get("cookies")})}
"""


def fetch(url: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def echo_url(lambda_client, deploy):
    name = deploy("echo.handler", files={"echo.py": ECHO})
    url = lambda_client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    allow_public_url(lambda_client, name)
    return name, url


def allow_public_url(lambda_client, name: str) -> None:
    """What AuthType NONE needs in the policy: everyone may InvokeFunctionUrl and (since October 2025) InvokeFunction."""
    lambda_client.add_permission(FunctionName=name, StatementId="url-public", Action="lambda:InvokeFunctionUrl",
                                 Principal="*", FunctionUrlAuthType="NONE")
    lambda_client.add_permission(FunctionName=name, StatementId="url-invoke", Action="lambda:InvokeFunction",
                                 Principal="*")


def allow_api_gateway(lambda_client, name: str, source_arn: str) -> None:
    lambda_client.add_permission(FunctionName=name, StatementId="api-gateway", Action="lambda:InvokeFunction",
                                 Principal="apigateway.amazonaws.com", SourceArn=source_arn)


def test_a_function_url_and_an_api_need_the_functions_permission(lambda_client, deploy, cloud):
    """As on AWS: AuthType NONE is not enough (403), and API Gateway without a permission answers 500."""
    name = deploy("echo.handler", files={"echo.py": ECHO})
    url = lambda_client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    assert fetch(url)[:3:2] == (403, b'{"Message": "Forbidden"}')
    lambda_client.add_permission(FunctionName=name, StatementId="url-public", Action="lambda:InvokeFunctionUrl",
                                 Principal="*", FunctionUrlAuthType="NONE")
    assert fetch(url)[0] == 403  # URLs made since October 2025 need lambda:InvokeFunction too
    lambda_client.add_permission(FunctionName=name, StatementId="url-invoke", Action="lambda:InvokeFunction",
                                 Principal="*", InvokedViaFunctionUrl=True)
    assert fetch(url)[0] == 200
    arn = f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    via_api = boto3.client("apigatewayv2").create_api(Name="not-via-url", ProtocolType="HTTP", Target=arn)
    assert fetch(via_api["ApiEndpoint"] + "/x")[0] == 500  # that statement counts only through the URL

    name = deploy("echo.handler", files={"echo.py": ECHO})  # a new one: Principal "*" above lets anyone invoke
    arn = f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    api = boto3.client("apigatewayv2").create_api(Name="locked", ProtocolType="HTTP", Target=arn)
    assert fetch(api["ApiEndpoint"] + "/x")[:3:2] == (500, b'{"message": "Internal Server Error"}')
    allow_api_gateway(lambda_client, name, f"arn:aws:execute-api:{cloud.region}:{cloud.account_id}:"
                                           f"{api['ApiId']}/*/*/other")
    assert fetch(api["ApiEndpoint"] + "/x")[0] == 500  # a SourceArn for another path does not cover /x
    lambda_client.remove_permission(FunctionName=name, StatementId="api-gateway")
    allow_api_gateway(lambda_client, name, f"arn:aws:execute-api:{cloud.region}:{cloud.account_id}:{api['ApiId']}/*")
    assert fetch(api["ApiEndpoint"] + "/x")[0] == 200


def test_a_function_url_works_as_it_is(echo_url):
    name, url = echo_url
    assert url.startswith("http://127.0.0.1:") and "/lambda-url/" in url and url.endswith("/")
    status, headers, body = fetch(url + "orders/o-1?expand=items&tag=a&tag=b", method="POST",
                                  body=b'{"name": "Ada"}', headers={"Content-Type": "application/json",
                                                                   "Cookie": "session=abc"})
    answer = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert answer["method"] == "POST" and answer["rawPath"] == "/orders/o-1" and answer["routeKey"] == "$default"
    assert answer["query"] == {"expand": "items", "tag": "a,b"} and answer["body"] == '{"name": "Ada"}'
    assert answer["cookies"] == ["session=abc"]


def test_200_requests_each_get_their_own_request_id_and_an_error_is_a_502(echo_url):
    _, url = echo_url
    request_ids = [json.loads(fetch(url + f"n/{index}")[2])["requestId"] for index in range(200)]
    status, _, body = fetch(url + "boom")
    after = fetch(url + "after")
    print(f"200 requests: {len(set(request_ids))} distinct request ids; an exception gave {status}; the next "
          f"request gave {after[0]}")
    assert len(set(request_ids)) == 200
    assert status == 502 and body == b"Internal Server Error"
    assert after[0] == 200


def test_responses_map_as_payload_format_2(echo_url):
    _, url = echo_url
    status, headers, body = fetch(url + "plain")
    assert status == 200 and headers["Content-Type"] == "application/json" and json.loads(body) == {"just": "json"}
    status, headers, body = fetch(url + "teapot")
    assert status == 418 and headers["X-Kind"] == "teapot" and body == b"\x00short and stout"


def test_updating_a_url_that_does_not_exist_is_resource_not_found(lambda_client, deploy):
    name = deploy("echo.handler", files={"echo.py": ECHO})
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.update_function_url_config(FunctionName=name, AuthType="NONE")


def test_one_url_per_function_and_statement_ids_are_unique(lambda_client, echo_url):
    name, url = echo_url
    with pytest.raises(lambda_client.exceptions.ResourceConflictException, match="FunctionUrlConfig exists"):
        lambda_client.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert lambda_client.get_function_url_config(FunctionName=name)["FunctionUrl"] == url
    permission = {"FunctionName": name, "StatementId": "public-url", "Action": "lambda:InvokeFunctionUrl",
                  "Principal": "*", "FunctionUrlAuthType": "NONE"}
    lambda_client.add_permission(**permission)
    with pytest.raises(lambda_client.exceptions.ResourceConflictException) as caught:
        lambda_client.add_permission(**permission)
    assert caught.value.response["Error"]["Message"] == (
        "The statement id (public-url) provided already exists. Please provide a new statement id, or remove the "
        "existing statement.")
    assert len(json.loads(lambda_client.get_policy(FunctionName=name)["Policy"])["Statement"]) == 3  # 2 + 1


def test_an_iam_protected_url_needs_a_signed_request(lambda_client, deploy):
    name = deploy("echo.handler", files={"echo.py": ECHO})
    url = lambda_client.create_function_url_config(FunctionName=name, AuthType="AWS_IAM")["FunctionUrl"]
    assert fetch(url)[0] == 403


def test_http_api_quick_create_and_routes_with_path_parameters(lambda_client, deploy, cloud):
    name = deploy("echo.handler", files={"echo.py": ECHO})
    arn = f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    apis = boto3.client("apigatewayv2")
    allow_api_gateway(lambda_client, name, f"arn:aws:execute-api:{cloud.region}:{cloud.account_id}:*")
    quick = apis.create_api(Name="quick", ProtocolType="HTTP", Target=arn)
    status, _, body = fetch(quick["ApiEndpoint"] + "/anything/here?x=1")
    assert status == 200 and json.loads(body)["routeKey"] == "$default"
    (stage,) = apis.get_stages(ApiId=quick["ApiId"])["Items"]
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True  # quick-create deploys, as on AWS

    api = apis.create_api(Name="orders", ProtocolType="HTTP")
    integration = apis.create_integration(ApiId=api["ApiId"], IntegrationType="AWS_PROXY", IntegrationUri=arn,
                                          PayloadFormatVersion="2.0")
    apis.create_route(ApiId=api["ApiId"], RouteKey="GET /orders/{orderId}",
                      Target=f"integrations/{integration['IntegrationId']}")
    apis.create_route(ApiId=api["ApiId"], RouteKey="ANY /boom", Target=f"integrations/{integration['IntegrationId']}")
    status, _, body = fetch(api["ApiEndpoint"] + "/orders/o-1001")
    answer = json.loads(body)
    assert status == 200 and answer["routeKey"] == "GET /orders/{orderId}"
    assert answer["pathParameters"] == {"orderId": "o-1001"}
    assert fetch(api["ApiEndpoint"] + "/nothing/here")[0] == 404
    assert fetch(api["ApiEndpoint"] + "/orders/o-1001", method="DELETE")[0] == 404
    status, _, body = fetch(api["ApiEndpoint"] + "/boom", method="POST")
    assert status == 500 and json.loads(body) == {"message": "Internal Server Error"}


REST_ECHO = """
import json
def handler(event, context):
    if event["path"].endswith("/boom"):
        raise RuntimeError("boom")
    if event["path"].endswith("/broken"):
        return {"body": "no status code"}
    return {"statusCode": 201, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "headers": {"X-Api": "rest"},
            "body": json.dumps({"resource": event["resource"], "path": event["path"], "stage":
                                event["requestContext"]["stage"], "pathParameters": event["pathParameters"],
                                "query": event["multiValueQueryStringParameters"], "method": event["httpMethod"]})}
"""


def test_rest_api_proxy_integration(lambda_client, deploy, cloud):
    name = deploy("rest.handler", files={"rest.py": REST_ECHO})
    arn = f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    gateway = boto3.client("apigateway")
    api = gateway.create_rest_api(name="shop")
    root = next(item["id"] for item in gateway.get_resources(restApiId=api["id"])["items"] if item["path"] == "/")
    orders = gateway.create_resource(restApiId=api["id"], parentId=root, pathPart="orders")
    order = gateway.create_resource(restApiId=api["id"], parentId=orders["id"], pathPart="{orderId}")
    proxy = gateway.create_resource(restApiId=api["id"], parentId=root, pathPart="{proxy+}")
    uri = f"arn:aws:apigateway:{cloud.region}:lambda:path/2015-03-31/functions/{arn}/invocations"
    for resource, method in ((order["id"], "GET"), (proxy["id"], "ANY")):
        gateway.put_method(restApiId=api["id"], resourceId=resource, httpMethod=method, authorizationType="NONE")
        gateway.put_integration(restApiId=api["id"], resourceId=resource, httpMethod=method, type="AWS_PROXY",
                                integrationHttpMethod="POST", uri=uri)
    gateway.create_deployment(restApiId=api["id"], stageName="prod")
    assert fetch(cloud.rest_api_url(api["id"], "prod") + "/orders/o-7")[:3:2] == (
        500, b'{"message": "Internal server error"}')  # API Gateway may not invoke the function yet
    allow_api_gateway(lambda_client, name, f"arn:aws:execute-api:{cloud.region}:{cloud.account_id}:{api['id']}/*/*/*")
    base = cloud.rest_api_url(api["id"], "prod")

    status, headers, body = fetch(base + "/orders/o-7?x=1&x=2")
    answer = json.loads(body)
    assert status == 201 and headers["X-Api"] == "rest"
    assert answer == {"resource": "/orders/{orderId}", "path": "/orders/o-7", "stage": "prod",
                      "pathParameters": {"orderId": "o-7"}, "query": {"x": ["1", "2"]}, "method": "GET"}
    status, _, body = fetch(base + "/any/deeper/path", method="PUT")
    assert status == 201 and json.loads(body)["pathParameters"] == {"proxy": "any/deeper/path"}
    # the most specific resource that matches is chosen first; a method it does not have is refused
    assert fetch(base + "/orders/o-7", method="POST")[:3:2] == (403, b'{"message": "Missing Authentication Token"}')
    assert fetch(base + "/boom")[:3:2] == (502, b'{"message": "Internal server error"}')
    assert fetch(base + "/broken")[0] == 502  # a response without statusCode is malformed
    assert fetch(cloud.rest_api_url(api["id"], "test") + "/orders/o-7")[0] == 403  # no such stage


HEADER_ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"headers": event["headers"],
                                                   "multiValueHeaders": event["multiValueHeaders"]})}
"""


def test_a_rest_event_keeps_the_clients_header_names(lambda_client, deploy, cloud):
    """Payload format 1.0 keeps header names as the client wrote them (2.0 lower-cases them)."""
    import http.client
    from urllib.parse import urlsplit

    name = deploy("headers.handler", files={"headers.py": HEADER_ECHO})
    arn = f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    gateway = boto3.client("apigateway")
    api = gateway.create_rest_api(name="headers")
    root = next(item["id"] for item in gateway.get_resources(restApiId=api["id"])["items"] if item["path"] == "/")
    gateway.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE")
    gateway.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="AWS_PROXY",
                            integrationHttpMethod="POST",
                            uri=f"arn:aws:apigateway:{cloud.region}:lambda:path/2015-03-31/functions/{arn}/invocations")
    gateway.create_deployment(restApiId=api["id"], stageName="prod")
    allow_api_gateway(lambda_client, name, f"arn:aws:execute-api:{cloud.region}:{cloud.account_id}:{api['id']}/*")
    url = urlsplit(cloud.rest_api_url(api["id"], "prod") + "/")
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.putrequest("GET", url.path, skip_accept_encoding=True)
    for header, value in (("X-Trace-Me", "yes"), ("x-lower", "1"), ("X-Many", "a"), ("X-Many", "b")):
        connection.putheader(header, value)
    connection.endheaders()
    answer = json.loads(connection.getresponse().read())
    assert answer["headers"]["X-Trace-Me"] == "yes" and answer["headers"]["x-lower"] == "1"
    assert answer["headers"]["X-Many"] == "b" and answer["multiValueHeaders"]["X-Many"] == ["a", "b"]
    assert "CloudFront-Viewer-Country" in answer["headers"]  # API Gateway's own, in its own case


VERSION_ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"version": event.get("version"), "keys": sorted(event)})}
"""


def test_an_http_api_integration_can_ask_for_payload_format_1(lambda_client, deploy, cloud):
    name = deploy("version.handler", files={"version.py": VERSION_ECHO})
    arn = f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    allow_api_gateway(lambda_client, name, f"arn:aws:execute-api:{cloud.region}:{cloud.account_id}:*")
    apis = boto3.client("apigatewayv2")
    api = apis.create_api(Name="formats", ProtocolType="HTTP")
    for version, path in (("1.0", "/one"), ("2.0", "/two")):
        integration = apis.create_integration(ApiId=api["ApiId"], IntegrationType="AWS_PROXY", IntegrationUri=arn,
                                              PayloadFormatVersion=version)
        apis.create_route(ApiId=api["ApiId"], RouteKey=f"GET {path}",
                          Target=f"integrations/{integration['IntegrationId']}")
    one = json.loads(fetch(api["ApiEndpoint"] + "/one")[2])
    two = json.loads(fetch(api["ApiEndpoint"] + "/two")[2])
    assert one["version"] == "1.0" and {"httpMethod", "multiValueHeaders", "resource"} <= set(one["keys"])
    assert two["version"] == "2.0" and {"rawPath", "routeKey"} <= set(two["keys"])


def test_the_consoles_permission_for_a_default_route_is_enough(lambda_client, deploy, cloud):
    """The HTTP API console grants <api>/*/$default for the $default route; that statement lets the route in."""
    name = deploy("echo.handler", files={"echo.py": ECHO})
    arn = f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    api = boto3.client("apigatewayv2").create_api(Name="console-style", ProtocolType="HTTP", Target=arn)
    allow_api_gateway(lambda_client, name,
                      f"arn:aws:execute-api:{cloud.region}:{cloud.account_id}:{api['ApiId']}/*/$default")
    assert fetch(api["ApiEndpoint"] + "/anything")[0] == 200
