"""S3 and SNS trigger Lambda asynchronously, with AWS's event shapes and rules."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers.observe.logs import received_events

RECORDER = "import json\ndef handler(event, context):\n    print('EVENT ' + json.dumps(event))\n    return 'ok'\n"


def function_arn(cloud, name: str) -> str:
    return f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"


def test_s3_needs_the_functions_permission(lambda_client, deploy, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    s3 = boto3.client("s3")
    bucket = f"photos-{time.monotonic_ns()}"
    s3.create_bucket(Bucket=bucket)
    configuration = {"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": function_arn(cloud, name), "Events": ["s3:ObjectCreated:*"]}]}
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=configuration)
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    assert "Unable to validate the following destination configurations" in caught.value.response["Error"]["Message"]
    lambda_client.add_permission(FunctionName=name, StatementId="s3-invoke", Action="lambda:InvokeFunction",
                                 Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}")
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=configuration)


def test_a_filter_rule_is_prefix_or_suffix(lambda_client, deploy, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    s3 = boto3.client("s3")
    bucket = f"filters-{time.monotonic_ns()}"
    s3.create_bucket(Bucket=bucket)
    lambda_client.add_permission(FunctionName=name, StatementId="s3-invoke", Action="lambda:InvokeFunction",
                                 Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}")

    def configure(rule_name):
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn(cloud, name),
                                              "Events": ["s3:ObjectCreated:*"],
                                              "Filter": {"Key": {"FilterRules": [{"Name": rule_name,
                                                                                  "Value": "uploads/"}]}}}]})

    with pytest.raises(ClientError) as caught:
        configure("starts-with")
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "prefix or suffix" in caught.value.response["Error"]["Message"]
    configure("Prefix")
    rules = s3.get_bucket_notification_configuration(Bucket=bucket)["LambdaFunctionConfigurations"][0]["Filter"]
    assert rules["Key"]["FilterRules"] == [{"Name": "prefix", "Value": "uploads/"}]


def test_s3_events_have_aws_shape_and_filters(lambda_client, deploy, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    s3 = boto3.client("s3")
    bucket = f"uploads-{time.monotonic_ns()}"
    s3.create_bucket(Bucket=bucket)
    lambda_client.add_permission(FunctionName=name, StatementId="s3-invoke", Action="lambda:InvokeFunction",
                                 Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}")
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [{
        "LambdaFunctionArn": function_arn(cloud, name), "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".jpg"}]}}}]})
    s3.put_object(Bucket=bucket, Key="in/my photo.jpg", Body=b"12345")
    s3.put_object(Bucket=bucket, Key="in/notes.txt", Body=b"x")  # suffix does not match
    s3.put_object(Bucket=bucket, Key="out/other.jpg", Body=b"x")  # prefix does not match
    assert cloud.wait_for_background(30)
    (event,) = received_events(name)
    (record,) = event["Records"]
    assert record["eventSource"] == "aws:s3" and record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["bucket"]["name"] == bucket and record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert record["s3"]["object"]["key"] == "in/my+photo.jpg"  # URL-encoded, the slash kept, as S3 sends it
    assert record["s3"]["object"]["size"] == 5
    assert {"userIdentity", "requestParameters", "responseElements"} <= set(record)


def subscribe(sns, lambda_client, topic: str, name: str, cloud, **attributes):
    """What a Lambda subscriber needs, as on AWS: the function's permission for this topic, then the subscription."""
    lambda_client.add_permission(FunctionName=name, StatementId="sns-topic", Action="lambda:InvokeFunction",
                                 Principal="sns.amazonaws.com", SourceArn=topic)
    return sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn(cloud, name), **attributes)


def test_sns_fans_out_with_filter_policies_and_real_attributes(lambda_client, deploy, cloud):
    sns = boto3.client("sns")
    topic = sns.create_topic(Name=f"orders-{time.monotonic_ns()}")["TopicArn"]
    everything = deploy("recorder.handler", files={"recorder.py": RECORDER})
    only_big = deploy("recorder.handler", files={"recorder.py": RECORDER})
    subscribe(sns, lambda_client, topic, everything, cloud)
    subscribe(sns, lambda_client, topic, only_big, cloud, Attributes={"FilterPolicy": json.dumps({"size": ["big"]})})
    sns.publish(TopicArn=topic, Message="small order", Subject="order",
                MessageAttributes={"size": {"DataType": "String", "StringValue": "small"}})
    sns.publish(TopicArn=topic, Message="big order",
                MessageAttributes={"size": {"DataType": "String", "StringValue": "big"}})
    assert cloud.wait_for_background(30)
    got_all = sorted(event["Records"][0]["Sns"]["Message"] for event in received_events(everything))
    got_big = [event["Records"][0]["Sns"]["Message"] for event in received_events(only_big)]
    assert got_all == ["big order", "small order"] and got_big == ["big order"]
    record = next(event for event in received_events(everything)
                  if event["Records"][0]["Sns"]["Message"] == "small order")["Records"][0]
    assert record["EventSource"] == "aws:sns" and record["Sns"]["TopicArn"] == topic
    assert record["Sns"]["MessageAttributes"] == {"size": {"Type": "String", "Value": "small"}}
    assert record["Sns"]["Subject"] == "order" and record["EventSubscriptionArn"].startswith(topic + ":")


def test_a_subscription_to_a_deleted_function_does_not_break_publishing(lambda_client, deploy, cloud):
    sns = boto3.client("sns")
    topic = sns.create_topic(Name=f"news-{time.monotonic_ns()}")["TopicArn"]
    alive = deploy("recorder.handler", files={"recorder.py": RECORDER})
    doomed = deploy("recorder.handler", files={"recorder.py": RECORDER})
    subscribe(sns, lambda_client, topic, doomed, cloud)
    subscribe(sns, lambda_client, topic, alive, cloud)
    lambda_client.delete_function(FunctionName=doomed)
    sns.publish(TopicArn=topic, Message="still delivered")
    assert cloud.wait_for_background(30)
    assert [event["Records"][0]["Sns"]["Message"] for event in received_events(alive)] == [
        "still delivered"]


def test_sns_needs_the_functions_permission(lambda_client, deploy, cloud):
    """Without add_permission for sns.amazonaws.com the delivery fails, as on AWS; the others still get theirs."""
    sns = boto3.client("sns")
    topic = sns.create_topic(Name=f"locked-{time.monotonic_ns()}")["TopicArn"]
    allowed = deploy("recorder.handler", files={"recorder.py": RECORDER})
    forgotten = deploy("recorder.handler", files={"recorder.py": RECORDER})
    subscribe(sns, lambda_client, topic, allowed, cloud)
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn(cloud, forgotten))
    sns.publish(TopicArn=topic, Message="hello")
    assert cloud.wait_for_background(30)
    assert len(received_events(allowed)) == 1 and received_events(forgotten) == []


WHO_AM_I = ("def handler(event, context):\n"
            "    print('INVOKED ' + context.invoked_function_arn)\n"
            "    return 'ok'\n")


def test_a_subscription_to_an_alias_invokes_the_alias(lambda_client, deploy, cloud, logs_client):
    """The handler's context names the function as the subscription does (AWS: the alias ARN)."""
    from helpers.observe.logs import log_lines

    sns = boto3.client("sns")
    topic = sns.create_topic(Name=f"aliased-{time.monotonic_ns()}")["TopicArn"]
    name = deploy("who.handler", files={"who.py": WHO_AM_I})
    version = lambda_client.publish_version(FunctionName=name)["Version"]
    alias_arn = lambda_client.create_alias(FunctionName=name, Name="prod", FunctionVersion=version)["AliasArn"]
    lambda_client.add_permission(FunctionName=name, Qualifier="prod", StatementId="sns-topic",
                                 Action="lambda:InvokeFunction", Principal="sns.amazonaws.com", SourceArn=topic)
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=alias_arn)
    sns.publish(TopicArn=topic, Message="to the alias")
    assert cloud.wait_for_background(30)
    assert log_lines(name, "INVOKED ") == [f"INVOKED {alias_arn}"]


def test_a_subscription_to_an_image_function_does_not_break_publishing(lambda_client, role_arn, deploy, cloud):
    """moto keeps no code for a container image function: delivery to it fails alone, as before."""
    sns = boto3.client("sns")
    topic = sns.create_topic(Name=f"images-{time.monotonic_ns()}")["TopicArn"]
    image = f"image-{time.monotonic_ns()}"
    lambda_client.create_function(FunctionName=image, Role=role_arn, PackageType="Image",
                                  Code={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"})
    alive = deploy("recorder.handler", files={"recorder.py": RECORDER})
    try:
        subscribe(sns, lambda_client, topic, image, cloud)
        subscribe(sns, lambda_client, topic, alive, cloud)
        sns.publish(TopicArn=topic, Message="still delivered")
        assert cloud.wait_for_background(30)
        assert [event["Records"][0]["Sns"]["Message"] for event in received_events(alive)] == ["still delivered"]
    finally:
        lambda_client.delete_function(FunctionName=image)
