"""The sample events in events/: ``load_event("apigateway_rest_v1")`` returns a fresh dict each time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events"


def event_names() -> list[str]:
    """The names of every sample event (file names without .json)."""
    return sorted(path.stem for path in EVENTS_DIR.glob("*.json"))


def load_event(name: str) -> dict[str, Any]:
    """One sample event, as a new dict you can change freely."""
    path = EVENTS_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"No sample event {name!r}; there are: {', '.join(event_names())}")
    return json.loads(path.read_text(encoding="utf-8"))
