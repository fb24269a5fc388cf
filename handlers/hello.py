"""The smallest useful Lambda function: read the event, return a response."""


def handler(event, context):
    # `event` is whatever the caller sent (here: a JSON object); `context` describes this invocation.
    name = event.get("name", "world")
    return {"message": f"Hello, {name}!"}
