"""One execution environment: how its runtime is launched (per language), its process, its Runtime API and what
the runtime says over it, its variables, metering, log lines and platform errors; and the runtime clients that run
inside it (client.py, node_client.mjs)."""
