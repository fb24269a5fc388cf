"""Execution environments: the runtime client, the Runtime API, processes, log lines and metering."""
