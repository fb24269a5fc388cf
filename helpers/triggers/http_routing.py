"""How API Gateway picks what answers a request: an HTTP API's route, a REST API's resource."""

from __future__ import annotations

import re
from collections.abc import Sequence

from helpers.moto_seam.views import RestResourceView, RouteView


def match_route(routes: Sequence[RouteView], method: str, path: str) -> tuple[RouteView, dict[str, str]] | None:
    """The route an HTTP API picks: exact method and path first, then ANY, then greedy paths, then $default."""
    best: tuple[int, RouteView, dict[str, str]] | None = None
    for route in routes:
        if route.route_key == "$default":
            score, parameters = 0, {}
        else:
            route_method, _, template = route.route_key.partition(" ")
            if route_method not in (method, "ANY"):
                continue
            parameters = match_template(template, path)
            if parameters is None:
                continue
            greedy = "+}" in template
            score = 10 + (0 if greedy else 5) + (2 if route_method == method else 0) + template.count("/")
        if best is None or score > best[0]:
            best = (score, route, parameters)
    return None if best is None else (best[1], best[2])


def match_template(template: str, path: str) -> dict[str, str] | None:
    """The path parameters if ``path`` fits ``template`` (``/books/{id}``, ``/{proxy+}``), else None."""
    pattern = ""
    for piece in re.split(r"(\{[^}]+\})", template):
        if piece.startswith("{") and piece.endswith("+}"):
            pattern += f"(?P<{piece[1:-2]}>.+)"
        elif piece.startswith("{"):
            pattern += f"(?P<{piece[1:-1]}>[^/]+)"
        else:
            pattern += re.escape(piece)
    found = re.fullmatch(pattern, path)
    return None if found is None else found.groupdict()


def match_resource(resources: Sequence[RestResourceView], path: str) -> tuple[RestResourceView, dict[str, str]] | None:
    """The REST API resource for a path: literal segments beat {parameters}, which beat {greedy+} paths."""
    best: tuple[tuple[int, int, int], RestResourceView, dict[str, str]] | None = None
    for resource in resources:
        template = resource.path
        parameters = {} if template == path else match_template(template, path)
        if parameters is None:
            continue
        score = (0 if "+}" in template else 1, template.count("/") - template.count("{"), template.count("/"))
        if best is None or score > best[0]:
            best = (score, resource, parameters)
    return None if best is None else (best[1], best[2])
