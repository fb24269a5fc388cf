"""The Lambda data plane: pools of execution environments (engine), the Invoke API, the asynchronous queue and its
destinations, AWS's validation, resource policies and the code store. It is handed function snapshots and its
collaborators (ports.py); it never reads moto itself."""
