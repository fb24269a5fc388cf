"""CPU-bound: all its time is computing. It counts the primes below ``limit`` with a sieve written in plain Python,
so the work is the interpreter's own (no C library doing it on another thread).

On AWS its Duration shrinks as memory grows, because CPU is allocated in proportion to memory (1,769 MB = one vCPU).
"""


def count_primes(limit):
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for number in range(2, int(limit ** 0.5) + 1):
        if sieve[number]:
            for multiple in range(number * number, limit, number):  # a Python loop: CPU, nothing else
                sieve[multiple] = 0
    return sum(sieve)


def handler(event, context):
    limit = int(event.get("limit", 300_000))
    return {"limit": limit, "primes": count_primes(limit), "memory_mb": int(context.memory_limit_in_mb)}
