"""Holds ``megabytes`` of data in memory at once (say, a file read whole instead of streamed), touching every page so
that the memory is really used, then lets it go.
"""


def handler(event, context):
    megabytes = int(event.get("megabytes", 50))
    chunks = [bytearray(b"x") * (1024 * 1024) for _ in range(megabytes)]  # every byte written: all resident
    held = sum(len(chunk) for chunk in chunks) // (1024 * 1024)
    return {"held_mb": held, "memory_limit_mb": int(context.memory_limit_in_mb)}
