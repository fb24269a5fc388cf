"""Regenerate the sample events in this folder from helpers/event_sources/, with fixed values.

    python events/generate.py            write the files
    python events/generate.py --check    exit 1 if any file differs from what the builder makes now

Fixed values: the time 2026-11-22T08:00:00Z, account 123456789012, region us-east-1, and ids from a seeded
generator, so every run writes the same bytes and the files cannot drift from the builder (a unit test checks).
apigateway_rest_v1.json, http_api_v2.json and direct_invoke.json are written by hand and not touched here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from helpers.event_sources import (
    dynamodb_stream_event,
    dynamodb_stream_record,
    eventbridge_event,
    fixed_ids,
    function_url_event,
    s3_event,
    scheduled_event,
    sns_event,
    sqs_event,
    sqs_record,
)

EVENTS_DIR = Path(__file__).resolve().parent
TIME = "2026-11-22T08:00:00Z"
ACCOUNT = "123456789012"
REGION = "us-east-1"
SEED = "lambda-workbook sample events"

BUCKET = "workbook-uploads-123456789012"
KEY = "in/data file+1.csv"  # arrives URL-encoded: in/data+file%2B1.csv
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:order-events"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly-report"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"


def build_events() -> dict[str, dict[str, Any]]:
    """Every generated sample event, by file name without .json."""
    with fixed_ids(SEED):
        common = {"account_id": ACCOUNT, "region": REGION, "time": TIME}
        order = {"orderId": "o-1001", "customer": "Ada", "quantity": 2, "total": 24.5, "status": "PLACED"}
        shipped = {**order, "status": "SHIPPED", "tags": {"express", "gift"}}
        return {
            "s3_put": s3_event(BUCKET, KEY, size=2048, etag="6c1a3a1e9c6a7e2b0f5d4c3b2a190817",
                               sequencer="006B02A1004F3C2E71", configuration_id="csv-uploads",
                               source_ip="198.51.100.42", **common),
            "s3_delete": s3_event(BUCKET, KEY, event_name="ObjectRemoved:Delete", sequencer="006B02A100602D1A94",
                                  configuration_id="csv-deletes", source_ip="198.51.100.42", **common),
            "sns": sns_event(TOPIC_ARN, json.dumps({"orderId": "o-1001", "status": "PLACED"}), subject="OrderPlaced",
                             message_attributes={
                                 "eventType": {"DataType": "String", "StringValue": "OrderPlaced"},
                                 "priority": {"DataType": "Number", "StringValue": "1"},
                             },
                             subscription_arn=f"{TOPIC_ARN}:2f7c1b9e-4d3a-4e8f-9b6c-0a1d2e3f4a5b",
                             message_id="8d1f0c2e-6a4b-5c3d-9e8f-7a6b5c4d3e2f", time=TIME),
            "eventbridge_scheduled": scheduled_event(RULE_ARN, **common),
            "eventbridge_custom": eventbridge_event("com.example.orders", "OrderPlaced",
                                                    {"orderId": "o-1001", "customer": "Ada", "total": 250},
                                                    event_id="5b6f2d1e-3c4a-4b8e-9f0a-1d2c3b4a5e6f", **common),
            "function_url": function_url_event("POST", "/orders", body={"name": "Ada", "quantity": 2},
                                               query={"source": "web"}, cookies=["session=8f14e45fceea167a"],
                                               url_id="x7k2m9q4t1w8z3c6v5b0n2r7y4p9s1d3", **common),
            "sqs": sqs_event([
                sqs_record("059f36b4-87a3-44ab-83d2-661975830a7d", "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
                           json.dumps({"orderId": "o-1001", "quantity": 2}), queue_arn=QUEUE_ARN,
                           sent_timestamp_ms=1795334400000, first_receive_timestamp_ms=1795334400012,
                           message_attributes={"source": {"DataType": "String", "StringValue": "web"}}),
                sqs_record("2e1424d4-f796-459a-8184-9c92662be6da", "AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq",
                           json.dumps({"orderId": "o-1002", "quantity": 1}), queue_arn=QUEUE_ARN, receive_count=2,
                           sent_timestamp_ms=1795334401000, first_receive_timestamp_ms=1795334401020),
            ]),
            "dynamodb_stream": dynamodb_stream_event([
                dynamodb_stream_record("INSERT", {"orderId": "o-1001"}, new_image=order, table_arn=TABLE_ARN,
                                       sequence_number="110000000000000000000001", region=REGION, time=TIME),
                dynamodb_stream_record("MODIFY", {"orderId": "o-1001"}, new_image=shipped, old_image=order,
                                       table_arn=TABLE_ARN, sequence_number="120000000000000000000002",
                                       region=REGION, time=TIME),
                dynamodb_stream_record("REMOVE", {"orderId": "o-1001"}, old_image=shipped, table_arn=TABLE_ARN,
                                       sequence_number="130000000000000000000003", region=REGION, time=TIME),
            ]),
        }


def render(event: dict[str, Any]) -> str:
    """A sample file's exact text: two-space indents, a final newline."""
    return json.dumps(event, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    events = build_events()
    stale = []
    for name, event in events.items():
        path = EVENTS_DIR / f"{name}.json"
        text = render(event)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.name)
        if not check:
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print(f"out of date (run python events/generate.py): {', '.join(stale)}")
        return 1
    print(f"{'checked' if check else 'wrote'} {len(events)} events; "
          f"{'changed: ' + ', '.join(stale) if stale else 'nothing changed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
