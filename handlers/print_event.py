"""Prints the event it received, as one line of JSON, so you can read it back from the function's log."""

import json


def handler(event, context):
    # A trigger decides the event's shape: printing it is the quickest way to see what your code will get.
    print("EVENT " + json.dumps(event))
    return None
