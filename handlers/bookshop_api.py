"""A small HTTP API for a bookshop: one function, a few routes, path and query parameters, and its own 404.

    GET /books               the books; ?author=... keeps one author's, ?limit=N the first N
    GET /books/{bookId}      one book, or 404 when there is no such book
    anything else            404

It works behind all three HTTP front doors, because it looks for the method and the path where each payload
format keeps them: 2.0 (HTTP APIs, function URLs) and 1.0 (REST APIs).
"""

import json

BOOKS = {
    "b-1": {"bookId": "b-1", "title": "Notes on the Analytical Engine", "author": "Ada Lovelace", "year": 1843},
    "b-2": {"bookId": "b-2", "title": "Computing Machinery and Intelligence", "author": "Alan Turing", "year": 1950},
    "b-3": {"bookId": "b-3", "title": "On Computable Numbers", "author": "Alan Turing", "year": 1936},
}


def handler(event, context):
    # The method: 2.0 keeps it in requestContext.http, 1.0 at the top level.
    method = event.get("httpMethod") or event["requestContext"]["http"]["method"]
    # The path: 2.0 has rawPath, 1.0 has path (neither includes a REST API's stage name).
    path = event.get("rawPath") or event.get("path") or "/"
    # Both formats send null, not {}, when there is nothing: hence the `or {}`.
    query = event.get("queryStringParameters") or {}
    # API Gateway fills pathParameters from the route ("GET /books/{bookId}"). A function URL has no routes,
    # so there the function reads the id from the path itself.
    book_id = (event.get("pathParameters") or {}).get("bookId")
    parts = path.strip("/").split("/")
    if book_id is None and len(parts) == 2 and parts[0] == "books":
        book_id = parts[1]

    if method == "GET" and parts == ["books"]:
        books = [book for book in BOOKS.values() if query.get("author") in (None, book["author"])]
        if "limit" in query:
            if not query["limit"].isdigit():
                return _answer(400, {"error": "limit must be a whole number"}, context)
            books = books[: int(query["limit"])]
        return _answer(200, {"books": books, "count": len(books)}, context)
    if method == "GET" and book_id is not None:
        book = BOOKS.get(book_id)
        if book is None:
            return _answer(404, {"error": f"no book {book_id}"}, context)  # the function's own 404
        return _answer(200, book, context)
    return _answer(404, {"error": f"nothing at {method} {path}"}, context)


def _answer(status, document, context):
    # statusCode, headers and a *string* body: the response both payload formats understand.
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "X-Lambda-Request-Id": context.aws_request_id},
        "body": json.dumps(document),
    }
