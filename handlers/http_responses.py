"""One kind of answer per path, to see how a front door turns what a function returns into an HTTP response.

    /json     statusCode, headers and a JSON body: the usual answer
    /plain    a plain dict without statusCode (payload 2.0 makes it a 200 with the dict as JSON; 1.0 refuses it)
    /teapot   status 418, a header of our own and two cookies
    /pixel    a binary body (a 1x1 GIF image), base64-encoded
    /boom     an unhandled exception

Cookies are set the way the event's payload format expects: a "cookies" list in 2.0, Set-Cookie values under
"multiValueHeaders" in 1.0 (a dict cannot hold the same header twice).
"""

import base64
import json

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")  # a 1x1 GIF, 43 bytes


def handler(event, context):
    version_2 = event.get("version") == "2.0"
    path = event.get("rawPath") or event.get("path") or "/"
    name = path.rstrip("/").rsplit("/", 1)[-1]

    if name == "plain":
        return {"message": "just a dict"}
    if name == "teapot":
        answer = {"statusCode": 418, "headers": {"Content-Type": "text/plain", "X-Brewed-By": "Lambda"},
                  "body": "I'm a teapot"}
        cookies = ["flavour=earl-grey; Path=/", "sugar=none; Path=/; HttpOnly"]
        if version_2:
            answer["cookies"] = cookies
        else:
            answer["multiValueHeaders"] = {"Set-Cookie": cookies}
        return answer
    if name == "pixel":
        # Binary data travels as base64 text; isBase64Encoded tells the front door to decode it.
        return {"statusCode": 200, "headers": {"Content-Type": "image/gif"},
                "body": base64.b64encode(PIXEL).decode("ascii"), "isBase64Encoded": True}
    if name == "boom":
        raise RuntimeError("the database is not answering")
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"path": path, "payloadFormat": "2.0" if version_2 else "1.0"})}
