"""Solutions to the notebooks' exercises, for instructors. tests/unit/exercises checks every one of them.

Each name below is what a learner writes in place of the ``...`` in the notebook's exercise cell.
"""

# 00_welcome, exercise 1: from the limits table (AWS Lambda quotas, as of November 2026).
WELCOME_LIMITS = {"max_timeout_seconds": 900, "max_memory_mb": 10_240, "default_concurrency": 1_000}

# 00_welcome, exercise 2: the body of GREETER_SOURCE.
GREETER_SOURCE = '''
def handler(event, context):
    name = event.get("name", "stranger")
    return {"greeting": f"Hi, {name}!"}
'''

# 00_welcome, exercise 3: Billed Duration from a REPORT line's other figures.
def billed(duration_ms, init_duration_ms):
    import math

    return math.ceil(duration_ms + (init_duration_ms or 0))

# 01_handlers, exercise 1.
HANDLER_STRING = "orders/api.lookup"  # "orders.api.lookup" is accepted too

# 01_handlers, exercise 2.
ERROR_TYPES = {
    "the handler raises KeyError": "KeyError",
    "the zip does not contain a module the handler imports": "Runtime.ImportModuleError",
    "the handler returns a set": "Runtime.MarshalError",
    "the handler runs longer than the function's timeout": "Sandbox.Timedout",
    "the handler calls sys.exit(1)": "Runtime.ExitError",
    "the handler string names a function the module does not have": "Runtime.HandlerNotFound",
}

# 01_handlers, exercise 3.
ECHO_SOURCE = '''
import json

def handler(event, context):
    try:
        body = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        return {"statusCode": 400, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"error": "the body must be JSON"})}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"hello": body.get("name")})}
'''

# 01_handlers, exercise 4: give the root logger a level (basicConfig is a no-op once the runtime set up logging).
QUIET_SOURCE = '''
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)

def handler(event, context):
    logger.info("processing %s", context.aws_request_id)
    return "done"
'''

# ---- 02_triggers_sync (begin) ----
# 02_triggers_sync, exercise 1: the status codes.
STATUS_CODES = {
    "GET /books/b-3 on the HTTP API with routes (section 5)": 200,
    "GET /books/b-42 on the HTTP API with routes (there is no book b-42)": 404,  # the function's own 404
    "POST /books on the HTTP API with routes (it has only GET routes)": 404,  # API Gateway's: no route
    "POST /books on the REST API (it has only GET methods)": 403,  # Missing Authentication Token
    "GET /plain on the REST API of http-responses": 502,  # payload 1.0 needs statusCode
    "GET /plain on the function URL of http-responses": 200,  # payload 2.0: plain JSON means 200
    "GET /boom on the quick-created HTTP API of http-responses": 500,  # HTTP APIs say 500 for a function error
    "GET /books on a function URL whose AuthType is AWS_IAM, unsigned": 403,
}

# 02_triggers_sync, exercise 2: the route key, and the URL of a book's reviews.
ROUTE_KEY = "GET /books/{bookId}/reviews"


def reviews_url(api_endpoint, book_id, limit):
    return f"{api_endpoint}/books/{book_id}/reviews?limit={limit}"


# 02_triggers_sync, exercise 3: the body of STOCK_SOURCE (pathParameters is in both payload formats).
STOCK_SOURCE = '''
import json

STOCK = {"apple": 12, "pear": 0, "plum": 7}

def handler(event, context):
    sku = (event.get("pathParameters") or {}).get("sku")
    if sku not in STOCK:
        return {"statusCode": 404, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"error": f"no such sku: {sku}"})}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"sku": sku, "inStock": STOCK[sku]})}
'''

# 02_triggers_sync, exercise 4: the front door for each case.
FRONT_DOORS = {
    "a webhook for one function, called by a payment provider; it needs an address and nothing more": "function URL",
    "a public API whose customers each get an API key and their own monthly request quota": "REST API",
    "a mobile app's backend: a dozen routes over several functions, users sign in with Amazon Cognito, "
    "lowest API Gateway price": "HTTP API",
    "an internal API that must be reachable only from inside your VPC": "REST API",
}
# ---- 02_triggers_sync (end) ----

# ---- 03_triggers_async (begin) ----
# 03_triggers_async, exercise 1: every weekday at 18:30 UTC ("cron(30 18 ? * 2-6 *)" is the same: 1 is Sunday).
WEEKDAY_EVENING_CRON = "cron(30 18 ? * MON-FRI *)"

# 03_triggers_async, exercise 2: .pgm files under uploads/ only; the slash keeps uploads-old/ out. S3 reads the
# names in any case ("Prefix" passes too) and no wildcards; one prefix and one suffix at most.
PGM_FILTER_RULES = [{"Name": "prefix", "Value": "uploads/"}, {"Name": "suffix", "Value": ".pgm"}]

# 03_triggers_async, exercise 3: keys are ANDed, the values in a list ORed; numbers are compared with "numeric".
EU_FILTER_POLICY = {"country": ["DE", "FR", "IT"], "total": [{"numeric": [">=", 20]}]}
# ---- 03_triggers_async (end) ----

# ---- 04_triggers_polling (begin) ----
# 04_triggers_polling, exercise 1: process each message on its own; name the failed ones by messageId.
PARTIAL_WORKER_SOURCE = '''
import json

def process(body):
    order = json.loads(body)  # raises ValueError when the body is not JSON
    print("processed", order["id"])

def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            process(record["body"])
        except Exception:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
'''

# 04_triggers_polling, exercise 2: which of m1, m2, m3 come back (AWS's rules for partial batch responses).
REPROCESSED = {
    "returns {'batchItemFailures': [{'itemIdentifier': m2's messageId}]}": {"m2"},
    "returns {'batchItemFailures': []}": set(),
    "returns None (the handler has no return statement)": set(),
    "raises an exception after processing m1": {"m1", "m2", "m3"},
    "returns {'batchItemFailures': [{'itemIdentifier': m2's receiptHandle}]}": {"m1", "m2", "m3"},
    "returns {'batchItemFailures': [{'messageId': m2's messageId}]}": {"m1", "m2", "m3"},
    "returns {'batchItemFailures': [{'itemIdentifier': m2's messageId}]}, on a mapping without FunctionResponseTypes":
        set(),
}

# 04_triggers_polling, exercise 3: give up after a few retries, split failing batches, keep the batch info.
def stream_settings(exercise_failures_arn):
    return {
        "MaximumRetryAttempts": 2,
        "BisectBatchOnFunctionError": True,
        "DestinationConfig": {"OnFailure": {"Destination": exercise_failures_arn}},
    }
# ---- 04_triggers_polling (end) ----

# ---- 05_failures_retries_idempotency (begin) ----
# 05_failures_retries_idempotency, exercise 1: total runs of a handler that always fails.
RETRY_COUNTS = {
    "invoked synchronously (RequestResponse)": 1,
    "invoked asynchronously (Event), default settings": 3,
    "invoked asynchronously, MaximumRetryAttempts set to 1": 2,
    "triggered by an S3 upload, default settings": 3,
    "an SQS message, queue redrive policy maxReceiveCount 4": 4,
}

# 05_failures_retries_idempotency, exercise 2: the call that replaces the ... (report_failures_arn is in the cell).
def configure_nightly_report(lambda_client, report_failures_arn):
    lambda_client.put_function_event_invoke_config(
        FunctionName="nightly-report", MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": report_failures_arn}})

# 05_failures_retries_idempotency, exercise 3: a conditional write keyed by the order.
MY_CHARGE_SOURCE = '''
import os

import boto3
from botocore.exceptions import ClientError

table = boto3.resource("dynamodb").Table(os.environ["CHARGES_TABLE"])

def handler(event, context):
    charge_id = f"charge-for-{event['orderId']}"
    try:
        table.put_item(Item={"chargeId": charge_id, "orderId": event["orderId"], "amount": event["amount"]},
                       ConditionExpression="attribute_not_exists(chargeId)")
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return {"chargeId": charge_id, "charged": False}
    return {"chargeId": charge_id, "charged": True}
'''
# ---- 05_failures_retries_idempotency (end) ----

# ---- 06_layers (begin) ----
# 06_layers, exercise 1: only python/ and python/lib/python3.12/site-packages/ are searched.
LAYER_PATHS = {
    "python/toolkit.py": True,
    "toolkit.py": False,
    "python/lib/python3.12/site-packages/toolkit.py": True,
    "lib/toolkit.py": False,
    "python/lib/python3.11/site-packages/toolkit.py": False,
}

# 06_layers, exercise 2.
WINNERS = {"palette": "function zip", "shades": "colours-v2", "names": "colours-v1"}

# 06_layers, exercise 3: the module, and the calls that replace the ... .
SLUGS_SOURCE = '''
import re

def slugify(text):
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))
'''


def publish_and_attach_text_tools(lambda_client, package_layer, slugs_source, function_name="slug-maker"):
    layer = lambda_client.publish_layer_version(LayerName="text-tools", Content={"ZipFile": package_layer(
        files={"python/slugs.py": slugs_source})})
    lambda_client.update_function_configuration(FunctionName=function_name, Layers=[layer["LayerVersionArn"]])
# ---- 06_layers (end) ----

# ---- 07_environment_and_secrets (begin) ----
# 07_environment_and_secrets, exercise 1: a password inside a URL is still a password.
SECRETS_OR_VARIABLES = {
    "TABLE_NAME=Orders": "variable",
    "LOG_LEVEL=INFO": "variable",
    "PAYMENTS_API_KEY=pay_live_51Hx9aZ7Qx2": "secret",
    "DATABASE_URL=postgresql://shop:Tr0ub4dor@db.internal:5432/shop": "secret",
    "ORDERS_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/123456789012/orders": "variable",
    "JWT_SIGNING_KEY=8f2c0e1b9d7a4c3e": "secret",
    "FEATURE_NEW_CHECKOUT=true": "variable",
}

# 07_environment_and_secrets, exercise 2: version 2 was published after an update that dropped DEBUG; dev moved to 3.
ALIAS_PREDICTIONS = {
    "$LATEST": {"STAGE": "test", "DEBUG": "1"},
    "dev": {"STAGE": "test", "DEBUG": "1"},
    "prod": {"STAGE": "prod", "DEBUG": "unset"},
    "1": {"STAGE": "dev", "DEBUG": "1"},
}

# 07_environment_and_secrets, exercise 3: the cached value and when it was fetched, in globals.
MY_READER_SOURCE = '''
import json
import os
import time

import boto3

secrets = boto3.client("secretsmanager")
SECRET_ID = os.environ["SECRET_ID"]
TTL_SECONDS = float(os.environ.get("SECRET_TTL_SECONDS", "300"))

_api_key = None
_fetched_at = 0.0


def get_api_key():
    """The secret's "api_key" field, fetched with GetSecretValue at most once per TTL_SECONDS."""
    global _api_key, _fetched_at
    if _api_key is None or time.monotonic() - _fetched_at >= TTL_SECONDS:
        secret = secrets.get_secret_value(SecretId=SECRET_ID)
        _api_key = json.loads(secret["SecretString"])["api_key"]
        _fetched_at = time.monotonic()
    return _api_key


def handler(event, context):
    api_key = get_api_key()
    return {"api_key_ends_with": api_key[-4:]}
'''


# 07_environment_and_secrets, exercise 4: one action on one resource each; no kms:Decrypt with AWS managed keys.
def least_privilege_policy(secret_arn, parameter_arn):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret_arn},
        {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": parameter_arn},
    ]}
# ---- 07_environment_and_secrets (end) ----


# 08_cold_starts, exercise 1: import boto3 where it is used; ordinary requests' cold starts skip it.
MY_REPORT_SOURCE = '''
def handler(event, context):
    if event.get("export"):
        import boto3  # only the export needs the SDK: imported on first use, once per environment

        buckets = boto3.client("s3").list_buckets()["Buckets"]
        return {"exported_to": len(buckets)}
    return {"report": "ok"}
'''

# 08_cold_starts, exercise 2: shared and costly at init; one request's state in the handler; rare needs lazily.
PLACEMENTS = {
    "an S3 client that every request uses": "init",
    "the table name, read from an environment variable": "init",
    "the id of the user who sent this request": "handler",
    "a list that collects this request's validation errors": "handler",
    "a PDF library that only 1 request in 1,000 needs": "lazy",
    "a database connection, reused by later requests": "init",
}


# 08_cold_starts, exercise 3: the first invocation grows; the factor is what the widget's summary line says at
# 128 MB (the model over the notebook's own runs), e.g.:
def slider_observation(runs):
    from helpers.simulate import cold_start_model as model

    mine = [run for run in runs if run.work == "boto3 lazily, on first use"]
    calibration = model.calibrate([(r.sample.init_ms or 0.0, r.sample.measured_ms, r.sample.cpu_ms) for r in mine])
    return {"which figure grows at 128 MB": "first invoke",
            "how many times larger than at 1,769 MB": round(model.first_duration_ms(calibration, 128)
                                                            / model.first_duration_ms(calibration, 1769), 1)}


# 08_cold_starts, exercise 4: the user lives in a local variable, for one request only.
MY_GREETER_SOURCE = '''
def handler(event, context):
    user = event.get("user")
    return {"greeting": f"Hello, {user or 'guest'}!"}
'''
# ---- 08_cold_starts (end) ----

# ---- 09_concurrency_and_scaling (begin) ----
# 09_concurrency_and_scaling, exercise 1: rate x duration in seconds (Little's law).
CONCURRENCY_NEEDED = {
    "an API: 300 requests/s, 120 ms each": 36,
    "thumbnails: 40 uploads/s, 2.5 s each": 100,
    "a partner's batch: 1,200 requests/s, 0.9 s each": 1080,
}

# 09_concurrency_and_scaling, exercise 2: two callers at once need at least 2; 2 or 3 leaves the pool to the rest.
PAYMENTS_RESERVATION = 3

# 09_concurrency_and_scaling, exercise 3: the quota caps how many; the scaling rate how fast; provisioned needs
# neither; Little's law (with the init) says whether anything is throttled at all.
SCALING_REASONS = {
    "5,000/s of 500 ms, quota 1,000, provisioned 0": "ConcurrentInvocationLimitExceeded",
    "5,000/s of 500 ms, quota 10,000, provisioned 0": "FunctionInvocationRateLimitExceeded",
    "5,000/s of 500 ms, quota 10,000, provisioned 3,000": "none",
    "2,000/s of 100 ms, quota 1,000, provisioned 0": "none",
}

# 09_concurrency_and_scaling, exercise 4 (protecting the database): with max_connections = 15,
# PostgreSQL keeps 3 for superusers and the workbook's monitor holds 1, so the functions may open 11 at once.
# lambda_client.put_function_concurrency(FunctionName="orders-exercise", ReservedConcurrentExecutions=11)
DATABASE_RESERVED_CONCURRENCY = 11
# ---- 09_concurrency_and_scaling (end) ----

# ---- 10_memory_and_cost (begin) ----
# 10_memory_and_cost, exercise 1: 400 ms of CPU and 50 ms of waiting. The CPU part costs the same up to 1,769 MB, the
# waiting costs more at every size, so cost -> 128 MB; one thread stops speeding up at 1,769 MB and the tie with
# 3,008 MB goes to the cheaper; balanced (0.5) weighs 12 x faster against 12 % dearer -> 1,769 MB.
STRATEGY_PICKS = {"cost": 128, "speed": 1769, "balanced": 1769}

# 10_memory_and_cost, exercise 2: (4.9 M x 120 ms + 100,000 x 520 ms) x 1 GB = 640,000 GB-s; 240,000 after the free
# tier x $0.0000133334 (Arm) = $3.20; 4 M billable requests x $0.20 per million = $0.80.
MONTHLY_BILL_USD = 4.00

# 10_memory_and_cost, exercise 3: the wait is the downstream's; only the handler's own CPU stretches.
IO_BOUND_STATEMENTS = {
    "At 3,008 MB the downstream service answers sooner than at 128 MB.": False,
    "At 128 MB the REPORT Duration is a little longer, because the handler's own CPU work (the HTTP client, JSON) "
    "gets 7 % of a vCPU.": True,
    "Its cost per invocation grows about in proportion to memory.": True,
    "The power tuner's cost strategy picks the smallest size measured.": True,
    "At 1,769 MB one execution environment serves twice as many requests at once as at 128 MB.": False,
}

# 10_memory_and_cost, exercise 4: 200 MB of data plus the runtime (about 15 MB) fit in 256 MB, not in 128 MB.
MEMORY_FOR_200_MB = 256
# ---- 10_memory_and_cost (end) ----
