"""Triggers: the EventBridge scheduler and event routing (more to come: HTTP front door, pollers)."""
