"""helpers/event_sources/: AWS's event shapes, fresh ids and times per call, and events/*.json kept in step."""

from __future__ import annotations

import base64
import importlib.util
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpers.event_sources import (
    api_gateway_rest_event,
    dynamodb_stream_event,
    dynamodb_stream_record,
    eventbridge_event,
    fixed_ids,
    function_url_event,
    http_api_event,
    s3_event,
    scheduled_event,
    sns_event,
)

UTC = timezone.utc
EVENTS_DIR = Path(__file__).resolve().parents[3] / "events"
FIXED = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)
FIXED_EPOCH_MS = 1_795_334_400_000
TOPIC = "arn:aws:sns:us-east-1:123456789012:orders"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
RULE = "arn:aws:events:us-east-1:123456789012:rule/nightly"


def _load_generate():
    spec = importlib.util.spec_from_file_location("events_generate", EVENTS_DIR / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _structure(value, path=""):
    """Every key path, in order (not descending into free-form maps such as headers)."""
    paths = []
    if isinstance(value, dict):
        for key, child in value.items():
            paths.append(f"{path}/{key}")
            if key not in ("headers", "multiValueHeaders", "queryStringParameters",
                           "multiValueQueryStringParameters", "pathParameters"):
                paths += _structure(child, f"{path}/{key}")
    return paths


def _near_now(moment: datetime) -> bool:
    return abs(datetime.now(UTC) - moment) < timedelta(seconds=30)


def _ddb(event_name="INSERT", **kwargs):
    kwargs.setdefault("table_arn", TABLE)
    kwargs.setdefault("sequence_number", "100")
    return dynamodb_stream_record(event_name, {"orderId": "o-1"}, **kwargs)


# ---------------------------------------------------------------------------------------------- fresh and fixed


def test_every_builder_makes_fresh_ids_on_each_call():
    def ids(make, pick):
        return pick(make()), pick(make())

    pairs = [
        ids(lambda: s3_event("b", "k"), lambda e: e["Records"][0]["responseElements"]["x-amz-request-id"]),
        ids(lambda: s3_event("b", "k"), lambda e: e["Records"][0]["s3"]["object"]["sequencer"]),
        ids(lambda: sns_event(TOPIC, "m"), lambda e: e["Records"][0]["Sns"]["MessageId"]),
        ids(lambda: sns_event(TOPIC, "m"), lambda e: e["Records"][0]["Sns"]["Signature"]),
        ids(lambda: sns_event(TOPIC, "m"), lambda e: e["Records"][0]["EventSubscriptionArn"]),
        ids(lambda: eventbridge_event("s", "t", {}), lambda e: e["id"]),
        ids(lambda: scheduled_event(RULE), lambda e: e["id"]),
        ids(lambda: api_gateway_rest_event("GET", "/"), lambda e: e["requestContext"]["requestId"]),
        ids(lambda: api_gateway_rest_event("GET", "/"), lambda e: e["requestContext"]["extendedRequestId"]),
        ids(lambda: api_gateway_rest_event("GET", "/"), lambda e: e["headers"]["X-Amzn-Trace-Id"]),
        ids(lambda: http_api_event("GET", "/"), lambda e: e["requestContext"]["requestId"]),
        ids(lambda: http_api_event("GET", "/"), lambda e: e["requestContext"]["apiId"]),
        ids(lambda: function_url_event("GET", "/"), lambda e: e["requestContext"]["requestId"]),
        ids(lambda: function_url_event("GET", "/"), lambda e: e["requestContext"]["domainPrefix"]),
        ids(lambda: _ddb(new_image={}), lambda e: e["eventID"]),
    ]
    for first, second in pairs:
        assert first != second


def test_times_default_to_now():
    s3 = s3_event("b", "k")["Records"][0]
    assert _near_now(datetime.strptime(s3["eventTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC))
    sns = sns_event(TOPIC, "m")["Records"][0]["Sns"]
    assert _near_now(datetime.strptime(sns["Timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC))
    bridge = eventbridge_event("s", "t", {})
    assert _near_now(datetime.strptime(bridge["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))
    rest = api_gateway_rest_event("GET", "/")["requestContext"]
    assert _near_now(datetime.fromtimestamp(rest["requestTimeEpoch"] / 1000, UTC))
    assert _near_now(datetime.strptime(rest["requestTime"], "%d/%b/%Y:%H:%M:%S +0000").replace(tzinfo=UTC))
    for event in (http_api_event("GET", "/"), function_url_event("GET", "/")):
        assert _near_now(datetime.fromtimestamp(event["requestContext"]["timeEpoch"] / 1000, UTC))
    stream = _ddb(new_image={})["dynamodb"]["ApproximateCreationDateTime"]
    assert _near_now(datetime.fromtimestamp(stream, UTC))


@pytest.mark.parametrize("time", [FIXED, FIXED.replace(tzinfo=None), FIXED.timestamp(), "2026-11-22T08:00:00Z",
                                  FIXED.astimezone(timezone(timedelta(hours=-5)))])
def test_fixed_times_in_every_accepted_form(time):
    assert s3_event("b", "k", time=time)["Records"][0]["eventTime"] == "2026-11-22T08:00:00.000Z"
    assert sns_event(TOPIC, "m", time=time)["Records"][0]["Sns"]["Timestamp"] == "2026-11-22T08:00:00.000Z"
    assert eventbridge_event("s", "t", {}, time=time)["time"] == "2026-11-22T08:00:00Z"
    rest = api_gateway_rest_event("GET", "/", time=time)["requestContext"]
    assert (rest["requestTime"], rest["requestTimeEpoch"]) == ("22/Nov/2026:08:00:00 +0000", FIXED_EPOCH_MS)
    for event in (http_api_event("GET", "/", time=time), function_url_event("GET", "/", time=time)):
        assert event["requestContext"]["time"] == "22/Nov/2026:08:00:00 +0000"
        assert event["requestContext"]["timeEpoch"] == FIXED_EPOCH_MS
    assert _ddb(new_image={}, time=time)["dynamodb"]["ApproximateCreationDateTime"] == FIXED_EPOCH_MS / 1000


def test_times_keep_milliseconds():
    moment = FIXED + timedelta(milliseconds=153)
    assert s3_event("b", "k", time=moment)["Records"][0]["eventTime"] == "2026-11-22T08:00:00.153Z"
    assert api_gateway_rest_event("GET", "/", time=moment)["requestContext"]["requestTimeEpoch"] == 1795334400153
    assert _ddb(new_image={}, time=moment)["dynamodb"]["ApproximateCreationDateTime"] == 1795334400.0


def test_fixed_ids_are_honoured():
    assert sns_event(TOPIC, "m", message_id="m-1", subscription_arn="sub")["Records"][0]["Sns"]["MessageId"] == "m-1"
    subscription = f"{TOPIC}:s-1"
    assert sns_event(TOPIC, "m", subscription_arn=subscription)["Records"][0]["EventSubscriptionArn"] == subscription
    assert eventbridge_event("s", "t", {}, event_id="e-1")["id"] == "e-1"
    rest = api_gateway_rest_event("GET", "/", api_id="abc123defg")
    assert rest["requestContext"]["apiId"] == "abc123defg"
    assert rest["requestContext"]["domainName"] == "abc123defg.execute-api.us-east-1.amazonaws.com"
    assert http_api_event("GET", "/", api_id="q1w2e3r4t5")["requestContext"]["domainPrefix"] == "q1w2e3r4t5"
    url = function_url_event("GET", "/", url_id="u" * 32, region="eu-west-1")
    assert url["requestContext"]["domainName"] == f"{'u' * 32}.lambda-url.eu-west-1.on.aws"
    s3 = s3_event("b", "k", sequencer="00ABC", principal_id="AWS:AIDAME", etag="e" * 32)["Records"][0]
    assert s3["s3"]["object"]["sequencer"] == "00ABC" and s3["userIdentity"]["principalId"] == "AWS:AIDAME"
    assert s3["s3"]["object"]["eTag"] == "e" * 32
    assert _ddb(new_image={}, sequence_number=4200)["dynamodb"]["SequenceNumber"] == "4200"


def test_fixed_ids_block_repeats_events_and_ends_with_the_block():
    def make():
        return [s3_event("b", "k", time=FIXED), sns_event(TOPIC, "m", time=FIXED),
                api_gateway_rest_event("GET", "/", time=FIXED), function_url_event("GET", "/", time=FIXED),
                _ddb(new_image={"n": 1}, time=FIXED), scheduled_event(RULE, time=FIXED)]

    with fixed_ids("seed"):
        first = make()
    with fixed_ids("seed"):
        second = make()
    assert first == second
    with fixed_ids("other"):
        assert make() != first
    assert make() != first


# ---------------------------------------------------------------------------------------------- S3


def test_s3_record_shape():
    event = s3_event("uploads", "in/a.csv", size=5, etag="abc", configuration_id="cfg", source_ip="192.0.2.1",
                     region="eu-west-1", account_id="111122223333", time=FIXED)
    (record,) = event["Records"]
    assert list(record) == ["eventVersion", "eventSource", "awsRegion", "eventTime", "eventName", "userIdentity",
                            "requestParameters", "responseElements", "s3"]
    assert record["eventVersion"] == "2.1" and record["eventSource"] == "aws:s3"
    assert record["awsRegion"] == "eu-west-1" and record["eventName"] == "ObjectCreated:Put"
    assert record["requestParameters"] == {"sourceIPAddress": "192.0.2.1"}
    assert record["userIdentity"]["principalId"].startswith("AWS:")
    elements = record["responseElements"]
    assert list(elements) == ["x-amz-request-id", "x-amz-id-2"]
    assert len(elements["x-amz-request-id"]) == 16 and elements["x-amz-request-id"].isalnum()
    s3 = record["s3"]
    assert s3["s3SchemaVersion"] == "1.0" and s3["configurationId"] == "cfg"
    assert s3["bucket"]["name"] == "uploads" and s3["bucket"]["arn"] == "arn:aws:s3:::uploads"
    assert s3["bucket"]["ownerIdentity"]["principalId"]
    assert s3["object"] == {"key": "in/a.csv", "size": 5, "eTag": "abc", "sequencer": s3["object"]["sequencer"]}
    assert int(s3["object"]["sequencer"], 16) > 0


@pytest.mark.parametrize("key, encoded", [
    ("in/data file+1.csv", "in/data+file%2B1.csv"),
    ("red flower.jpg", "red+flower.jpg"),
    ("reports/2026/q4 (final).pdf", "reports/2026/q4+%28final%29.pdf"),
    ("café/menü.txt", "caf%C3%A9/men%C3%BC.txt"),
    ("a=b&c.txt", "a%3Db%26c.txt"),
])
def test_s3_key_is_url_encoded_as_s3_does(key, encoded):
    assert s3_event("b", key)["Records"][0]["s3"]["object"]["key"] == encoded


@pytest.mark.parametrize("event_name", ["ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated"])
def test_removed_events_lack_size_and_etag(event_name):
    obj = s3_event("b", "k", event_name=event_name, size=10, etag="abc", version_id="v1")["Records"][0]["s3"]["object"]
    assert "size" not in obj and "eTag" not in obj
    assert obj["key"] == "k" and obj["versionId"] == "v1" and obj["sequencer"]


def test_created_events_have_size_and_etag_and_version_id_only_when_given():
    obj = s3_event("b", "k")["Records"][0]["s3"]["object"]
    assert obj["size"] == 0 and obj["eTag"] == "d41d8cd98f00b204e9800998ecf8427e"  # MD5 of an empty object
    assert "versionId" not in obj
    sized = s3_event("b", "k", size=7, event_name="s3:ObjectCreated:Copy")["Records"][0]
    assert sized["eventName"] == "ObjectCreated:Copy"
    assert len(sized["s3"]["object"]["eTag"]) == 32
    assert list(s3_event("b", "k", version_id="v2")["Records"][0]["s3"]["object"]) == [
        "key", "size", "eTag", "versionId", "sequencer"]


def test_s3_event_name_pattern_is_refused():
    with pytest.raises(ValueError, match="ObjectCreated:Put"):
        s3_event("b", "k", event_name="ObjectCreated:*")


def test_s3_sequencers_grow_with_time_and_identities_stay_put():
    early = s3_event("b", "k", time=FIXED)["Records"][0]
    late = s3_event("b", "k", time=FIXED + timedelta(seconds=5))["Records"][0]
    assert late["s3"]["object"]["sequencer"] > early["s3"]["object"]["sequencer"]
    assert early["userIdentity"] == late["userIdentity"]
    assert early["s3"]["bucket"]["ownerIdentity"] == late["s3"]["bucket"]["ownerIdentity"]


# ---------------------------------------------------------------------------------------------- SNS


def test_sns_record_shape():
    event = sns_event(TOPIC, "hello", time=FIXED)
    (record,) = event["Records"]
    assert list(record) == ["EventSource", "EventVersion", "EventSubscriptionArn", "Sns"]
    assert record["EventSource"] == "aws:sns" and record["EventVersion"] == "1.0"
    sns = record["Sns"]
    assert list(sns) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                         "Signature", "SigningCertUrl", "UnsubscribeUrl", "MessageAttributes"]
    assert sns["Type"] == "Notification" and sns["TopicArn"] == TOPIC and sns["Message"] == "hello"
    assert sns["Subject"] is None and sns["MessageAttributes"] == {} and sns["SignatureVersion"] == "1"
    assert len(base64.b64decode(sns["Signature"])) == 256
    assert sns["SigningCertUrl"].startswith("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-")
    assert sns["UnsubscribeUrl"] == ("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                                     + record["EventSubscriptionArn"])
    prefix, _, suffix = record["EventSubscriptionArn"].rpartition(":")
    assert prefix == TOPIC and len(suffix) == 36


def test_sns_attributes_converted_from_publish_form():
    attributes = {
        "eventType": {"DataType": "String", "StringValue": "OrderPlaced"},
        "priority": {"DataType": "Number", "StringValue": "3"},
        "tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01hi"},
    }
    sns = sns_event(TOPIC, "m", subject="Hi", message_attributes=attributes)["Records"][0]["Sns"]
    assert sns["Subject"] == "Hi"
    assert sns["MessageAttributes"] == {
        "eventType": {"Type": "String", "Value": "OrderPlaced"},
        "priority": {"Type": "Number", "Value": "3"},
        "tags": {"Type": "String.Array", "Value": '["a", "b"]'},
        "blob": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01hi").decode()},
    }


@pytest.mark.parametrize("attribute", [{"StringValue": "x"}, {"DataType": "String"}])
def test_sns_attribute_without_type_or_value_is_refused(attribute):
    with pytest.raises(ValueError):
        sns_event(TOPIC, "m", message_attributes={"a": attribute})


# ---------------------------------------------------------------------------------------------- EventBridge


def test_eventbridge_event_shape():
    detail = {"orderId": "o-1", "items": [1, 2]}
    event = eventbridge_event("com.example", "OrderPlaced", detail, resources=("arn:x",), time=FIXED,
                              account_id="111122223333", region="eu-west-1")
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources",
                           "detail"]
    assert event["version"] == "0" and event["detail-type"] == "OrderPlaced" and event["source"] == "com.example"
    assert (event["account"], event["region"], event["resources"]) == ("111122223333", "eu-west-1", ["arn:x"])
    assert event["time"] == "2026-11-22T08:00:00Z" and event["detail"] == detail
    event["detail"]["items"].append(3)
    assert detail["items"] == [1, 2]  # the event has its own copy


def test_scheduled_event():
    event = scheduled_event(RULE, time=FIXED)
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == [RULE] and event["detail"] == {} and event["time"] == "2026-11-22T08:00:00Z"
    assert event["account"] == "123456789012" and event["region"] == "us-east-1"


# ---------------------------------------------------------------------------------------------- API Gateway REST


def test_rest_event_has_the_sample_files_fields_in_order():
    sample = json.loads((EVENTS_DIR / "apigateway_rest_v1.json").read_text())
    event = api_gateway_rest_event("POST", "/orders", body={"name": "Ada", "quantity": 2}, query={"source": "web"})
    assert _structure(event) == _structure(sample)
    assert sorted(event["headers"]) == sorted(sample["headers"])
    assert event["body"] == sample["body"] and event["requestContext"]["path"] == "/prod/orders"


def test_rest_multi_value_fields_agree_with_single_value_ones():
    event = api_gateway_rest_event("get", "/search?tag=a", query={"tag": "b", "q": "x y"},
                                   headers={"X-Custom": ["1", "2"], "accept": "application/json"})
    assert event["httpMethod"] == "GET" and event["path"] == "/search"
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "q": ["x y"]}
    assert event["queryStringParameters"] == {"tag": "b", "q": "x y"}  # the last value, as API Gateway does
    assert event["multiValueHeaders"]["X-Custom"] == ["1", "2"] and event["headers"]["X-Custom"] == "2"
    assert event["headers"]["accept"] == "application/json" and "Accept" not in event["headers"]
    assert set(event["headers"]) == set(event["multiValueHeaders"])
    for name, values in event["multiValueHeaders"].items():
        assert event["headers"][name] == values[-1]


def test_rest_nulls_when_absent_and_path_parameters_from_the_resource():
    event = api_gateway_rest_event("GET", "/orders/o-1/items/a/b", resource="/orders/{orderId}/items/{proxy+}",
                                   stage="dev", source_ip="192.0.2.9")
    assert event["queryStringParameters"] is None and event["multiValueQueryStringParameters"] is None
    assert event["body"] is None and event["stageVariables"] is None and "Content-Type" not in event["headers"]
    assert event["pathParameters"] == {"orderId": "o-1", "proxy": "a/b"}
    context = event["requestContext"]
    assert context["resourcePath"] == "/orders/{orderId}/items/{proxy+}"
    assert context["path"] == "/dev/orders/o-1/items/a/b"
    assert context["identity"]["sourceIp"] == "192.0.2.9"
    assert event["headers"]["X-Forwarded-For"].startswith("192.0.2.9, ")
    assert api_gateway_rest_event("GET", "/x", path_parameters={"id": "1"})["pathParameters"] == {"id": "1"}


def test_rest_resource_and_deployment_ids_are_stable_per_api():
    first = api_gateway_rest_event("GET", "/a", api_id="abc", time=FIXED)["requestContext"]
    second = api_gateway_rest_event("GET", "/a", api_id="abc")["requestContext"]
    other = api_gateway_rest_event("GET", "/b", api_id="abc")["requestContext"]
    assert first["resourceId"] == second["resourceId"] != other["resourceId"]
    assert first["deploymentId"] == second["deploymentId"]


def test_binary_body_is_base64_encoded():
    event = api_gateway_rest_event("POST", "/upload", body=b"\x89PNG")
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x89PNG"
    url = function_url_event("POST", "/upload", body=b"\x89PNG")
    assert url["isBase64Encoded"] is True and url["headers"]["content-length"] == "4"
    encoded = http_api_event("POST", "/u", body=base64.b64encode(b"abc").decode(), is_base64_encoded=True)
    assert encoded["isBase64Encoded"] is True and encoded["headers"]["content-length"] == "3"


# ---------------------------------------------------------------------------------------------- HTTP API and URLs


def test_http_api_event_has_the_sample_files_fields_in_order():
    sample = json.loads((EVENTS_DIR / "http_api_v2.json").read_text())
    event = http_api_event("GET", "/orders/o-1001", route_key="GET /orders/{orderId}", query={"include": "items"},
                           cookies=["session=8f14e45fceea167a", "theme=dark"])
    assert _structure(event) == _structure(sample)
    for field in ("version", "routeKey", "rawPath", "rawQueryString", "cookies", "queryStringParameters",
                  "pathParameters", "isBase64Encoded"):
        assert event[field] == sample[field], field


def test_http_api_defaults_and_headers():
    event = http_api_event("post", "/orders", body={"a": 1}, headers={"X-Trace": ["1", "2"], "User-Agent": "me/1"})
    assert event["routeKey"] == "POST /orders" and event["requestContext"]["routeKey"] == "POST /orders"
    assert event["requestContext"]["stage"] == "$default" and event["requestContext"]["http"]["method"] == "POST"
    assert all(name == name.lower() for name in event["headers"])
    assert event["headers"]["x-trace"] == "1,2" and event["headers"]["user-agent"] == "me/1"
    assert event["requestContext"]["http"]["userAgent"] == "me/1"
    assert event["headers"]["content-type"] == "application/json" and event["body"] == '{"a": 1}'
    assert event["headers"]["content-length"] == str(len('{"a": 1}'))
    assert "pathParameters" not in event and "cookies" not in event and "queryStringParameters" not in event
    assert event["rawQueryString"] == ""


@pytest.mark.parametrize("builder", [http_api_event, function_url_event])
def test_query_string_building(builder):
    event = builder("GET", "/search?page=2", query={"tag": ["a", "b"], "q": "red shoes", "path": "x/y,z"})
    assert event["rawQueryString"] == "page=2&tag=a&tag=b&q=red%20shoes&path=x%2Fy%2Cz"
    assert event["queryStringParameters"] == {"page": "2", "tag": "a,b", "q": "red shoes", "path": "x/y,z"}
    assert event["rawPath"] == "/search" and event["requestContext"]["http"]["path"] == "/search"


@pytest.mark.parametrize("builder", [http_api_event, function_url_event])
def test_cookies_come_out_of_the_cookie_header(builder):
    event = builder("GET", "/", cookies=["a=1"], headers={"Cookie": "b=2; c=3"})
    assert event["cookies"] == ["a=1", "b=2", "c=3"] and "cookie" not in event["headers"]


def test_http_api_named_stage_prefixes_the_path_and_route_parameters():
    event = http_api_event("GET", "/files/a/b.txt", route_key="GET /files/{path+}", stage="dev")
    assert event["rawPath"] == "/dev/files/a/b.txt" and event["requestContext"]["http"]["path"] == "/dev/files/a/b.txt"
    assert event["pathParameters"] == {"path": "a/b.txt"} and event["routeKey"] == "GET /files/{path+}"
    assert "pathParameters" not in http_api_event("GET", "/x", route_key="$default")


def test_function_url_event_shape():
    event = function_url_event("GET", "/hello", url_id="abcdefghijklmnopqrstuvwxyz012345", account_id="111122223333",
                               region="eu-central-1", source_ip="192.0.2.7", time=FIXED)
    assert list(event) == ["version", "routeKey", "rawPath", "rawQueryString", "headers", "requestContext",
                           "pathParameters", "isBase64Encoded", "stageVariables"]
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert event["pathParameters"] is None and event["stageVariables"] is None and "body" not in event
    context = event["requestContext"]
    assert list(context) == ["accountId", "apiId", "domainName", "domainPrefix", "http", "requestId", "routeKey",
                             "stage", "time", "timeEpoch"]
    assert context["domainName"] == "abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-central-1.on.aws"
    assert context["domainPrefix"] == context["apiId"] == "abcdefghijklmnopqrstuvwxyz012345"
    assert context["stage"] == context["routeKey"] == "$default" and context["accountId"] == "111122223333"
    assert context["http"] == {"method": "GET", "path": "/hello", "protocol": "HTTP/1.1", "sourceIp": "192.0.2.7",
                               "userAgent": "curl/8.11.1"}
    assert event["headers"]["host"] == context["domainName"] and event["headers"]["x-forwarded-for"] == "192.0.2.7"
    assert event["headers"]["x-amzn-trace-id"].startswith("Root=1-6b02a100-")


# ---------------------------------------------------------------------------------------------- DynamoDB Streams


def test_dynamodb_images_are_typed():
    image = {"orderId": "o-1", "quantity": 2, "price": 9.99, "paid": True, "note": None, "lines": ["a", 1],
             "address": {"city": "Oslo"}, "tags": {"b", "a"}, "sizes": {10, 2}, "raw": b"\x01\x02"}
    record = _ddb(new_image=image, time=FIXED)
    new = record["dynamodb"]["NewImage"]
    assert new["quantity"] == {"N": "2"} and new["price"] == {"N": "9.99"}
    assert new["orderId"] == {"S": "o-1"} and new["paid"] == {"BOOL": True} and new["note"] == {"NULL": True}
    assert new["lines"] == {"L": [{"S": "a"}, {"N": "1"}]} and new["address"] == {"M": {"city": {"S": "Oslo"}}}
    assert new["tags"] == {"SS": ["a", "b"]} and new["sizes"] == {"NS": ["2", "10"]}
    assert new["raw"] == {"B": base64.b64encode(b"\x01\x02").decode()}
    assert record["dynamodb"]["Keys"] == {"orderId": {"S": "o-1"}}
    json.dumps(record)  # plain JSON, as Lambda delivers it


def test_dynamodb_record_shape():
    record = _ddb("MODIFY", new_image={"n": 2}, old_image={"n": 1}, sequence_number="111", region="eu-west-1",
                  time=FIXED)
    assert list(record) == ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb",
                            "eventSourceARN"]
    assert record["eventVersion"] == "1.1" and record["eventSource"] == "aws:dynamodb"
    assert record["awsRegion"] == "eu-west-1" and len(record["eventID"]) == 32
    change = record["dynamodb"]
    assert list(change) == ["ApproximateCreationDateTime", "Keys", "NewImage", "OldImage", "SequenceNumber",
                            "SizeBytes", "StreamViewType"]
    assert isinstance(change["ApproximateCreationDateTime"], float) and change["SequenceNumber"] == "111"
    assert change["NewImage"]["orderId"] == {"S": "o-1"}  # the key attribute is part of every image
    assert record["eventSourceARN"].startswith(TABLE + "/stream/")


def test_dynamodb_size_bytes_follow_the_item_size_rules():
    # The numbers in a captured INSERT and MODIFY (powertools' dynamoStreamEvent.json): 26 and 59 bytes.
    insert = dynamodb_stream_record("INSERT", {"Id": 101}, new_image={"Message": "New item!", "Id": 101},
                                    table_arn=TABLE, sequence_number="1")
    modify = dynamodb_stream_record("MODIFY", {"Id": 101}, new_image={"Message": "This item has changed", "Id": 101},
                                    old_image={"Message": "New item!", "Id": 101}, table_arn=TABLE,
                                    sequence_number="2")
    assert insert["dynamodb"]["SizeBytes"] == 26 and modify["dynamodb"]["SizeBytes"] == 59


@pytest.mark.parametrize("view, parts", [("KEYS_ONLY", set()), ("NEW_IMAGE", {"NewImage"}),
                                         ("OLD_IMAGE", {"OldImage"}), ("NEW_AND_OLD_IMAGES", {"NewImage", "OldImage"})])
def test_dynamodb_stream_view_type_decides_the_images(view, parts):
    change = _ddb("MODIFY", new_image={"n": 2}, old_image={"n": 1}, stream_view_type=view)["dynamodb"]
    assert {"NewImage", "OldImage"} & set(change) == parts and change["StreamViewType"] == view


@pytest.mark.parametrize("kwargs", [
    {"event_name": "UPDATE", "new_image": {}},
    {"event_name": "INSERT", "old_image": {}},
    {"event_name": "REMOVE", "new_image": {}},
    {"event_name": "INSERT", "new_image": {}, "stream_view_type": "BOTH"},
    {"event_name": "INSERT", "new_image": {}, "table_arn": "orders"},
])
def test_dynamodb_impossible_records_are_refused(kwargs):
    with pytest.raises(ValueError):
        _ddb(**kwargs)


def test_dynamodb_stream_event_and_stream_arn():
    records = [_ddb("INSERT", new_image={"n": 1}, sequence_number="1"),
               _ddb("REMOVE", old_image={"n": 1}, sequence_number="2")]
    event = dynamodb_stream_event(records)
    assert event == {"Records": records} and event["Records"][0] is not records[0]
    assert records[0]["eventSourceARN"] == records[1]["eventSourceARN"]  # one stream per table
    stream = f"{TABLE}/stream/2026-01-02T03:04:05.678"
    assert _ddb(new_image={}, table_arn=stream)["eventSourceARN"] == stream


# ---------------------------------------------------------------------------------------------- events/*.json


def test_event_files_match_the_builder():
    generate = _load_generate()
    events = generate.build_events()
    assert set(events) == {"s3_put", "s3_delete", "sns", "sqs", "eventbridge_scheduled", "eventbridge_custom",
                           "function_url", "dynamodb_stream"}
    for name, event in events.items():
        path = EVENTS_DIR / f"{name}.json"
        assert path.read_text(encoding="utf-8") == generate.render(event), \
            f"events/{name}.json is out of date: run python events/generate.py"
    assert generate.main(["--check"]) == 0


def test_event_files_hold_what_they_promise():
    load = {name: json.loads((EVENTS_DIR / f"{name}.json").read_text()) for name in
            ("s3_put", "s3_delete", "dynamodb_stream", "eventbridge_scheduled", "function_url")}
    assert load["s3_put"]["Records"][0]["s3"]["object"]["key"] == "in/data+file%2B1.csv"
    assert "size" not in load["s3_delete"]["Records"][0]["s3"]["object"]
    records = load["dynamodb_stream"]["Records"]
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert {"NewImage", "OldImage"} <= set(records[1]["dynamodb"]) and "NewImage" not in records[2]["dynamodb"]
    assert load["eventbridge_scheduled"]["time"] == "2026-11-22T08:00:00Z"
    assert load["function_url"]["requestContext"]["timeEpoch"] == FIXED_EPOCH_MS


def test_sqs_records():
    from helpers.event_sources import sqs_event, sqs_record

    record = sqs_record("m-1", "handle-1", "hello", queue_arn="arn:aws:sqs:eu-west-1:123456789012:orders",
                        receive_count=3, message_attributes={"kind": {"DataType": "String", "StringValue": "x"}})
    assert record["eventSource"] == "aws:sqs" and record["awsRegion"] == "eu-west-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "3"
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"  # md5("hello")
    assert record["messageAttributes"]["kind"]["stringValue"] == "x"
    assert record["messageAttributes"]["kind"]["dataType"] == "String"
    assert "MessageGroupId" not in record["attributes"]
    fifo = sqs_record("m-2", "h", "b", queue_arn="arn:aws:sqs:us-east-1:123456789012:q.fifo", group_id="g",
                      sequence_number="1", deduplication_id="d")
    assert fifo["attributes"]["MessageGroupId"] == "g"
    assert sqs_event([record])["Records"][0] == record
