"""Events in the shapes AWS sends them to Lambda: S3, SNS, EventBridge, API Gateway (REST and HTTP APIs),
function URLs and DynamoDB Streams.

Every call makes a new event with fresh ids and timestamps, unless you pass your own:

    >>> event = s3_event("uploads", "in/data file.csv", size=1024)
    >>> event["Records"][0]["s3"]["object"]["key"]          # URL-encoded, as S3 sends it
    'in/data+file.csv'
    >>> api = http_api_event("GET", "/orders/o-1", route_key="GET /orders/{orderId}", query={"include": "items"})
    >>> api["pathParameters"], api["rawQueryString"]
    ({'orderId': 'o-1'}, 'include=items')

``time`` takes a ``datetime`` (naive means UTC), epoch seconds (a workbook clock's ``now()``) or an ISO 8601
string. Inside ``with fixed_ids("seed"):`` the generated ids come from a seeded generator, so the same calls make
the same events; ``events/generate.py`` uses this to write the sample files in ``events/``; ``load_event`` reads them.

Where the shapes come from: the AWS Lambda, S3, API Gateway and DynamoDB developer guides (payload examples and
field tables) and captured events in aws-powertools' test suite. Values a real event carries but that nobody
can predict (request ids, signatures, trace ids) are random in the same alphabet and length as the real ones.
"""

from .api_gateway import api_gateway_rest_event, http_api_event
from .dynamodb import dynamodb_stream_event, dynamodb_stream_record
from .eventbridge import eventbridge_event, scheduled_event
from .function_url import function_url_event
from .samples import event_names, load_event
from .s3 import s3_event
from .shared import fixed_ids
from .sns import sns_event
from .sqs import sqs_event, sqs_record

__all__ = ["api_gateway_rest_event", "dynamodb_stream_event", "dynamodb_stream_record", "event_names",
           "eventbridge_event", "fixed_ids", "function_url_event", "http_api_event", "load_event", "s3_event",
           "scheduled_event", "sns_event", "sqs_event", "sqs_record"]
