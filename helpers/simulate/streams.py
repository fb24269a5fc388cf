"""Stream event source mappings (Kinesis, DynamoDB Streams) in numbers: one concurrent batch per shard, times
``ParallelizationFactor`` (1-10; batches of one shard then run at once, still in order per partition key).

The workbook's stream poller runs one batch per shard at a time (ParallelizationFactor is not implemented), so
these are the model's figures, not measurements. Pure functions.
"""

from __future__ import annotations

import numpy as np

MAX_PARALLELIZATION = 10


def concurrent_batches(shards: int, parallelization_factor: int = 1) -> int:
    """The most executions a stream mapping runs at once: shards x ParallelizationFactor."""
    if shards < 1 or not 1 <= parallelization_factor <= MAX_PARALLELIZATION:
        raise ValueError("shards must be at least 1 and ParallelizationFactor between 1 and 10")
    return shards * parallelization_factor


def records_per_second(shards: int, parallelization_factor: int, batch_size: int, batch_duration_s: float) -> float:
    """How many records a second the mapping can process when every batch is full and takes ``batch_duration_s``."""
    if batch_size < 1 or batch_duration_s <= 0:
        raise ValueError("the batch size must be at least 1 and the batch duration positive")
    return concurrent_batches(shards, parallelization_factor) * batch_size / batch_duration_s


def backlog(incoming_per_s: float, capacity_per_s: float, times_s: np.ndarray) -> np.ndarray:
    """Records waiting at each time when ``incoming_per_s`` arrive and ``capacity_per_s`` can be processed (from an
    empty stream): it grows by the difference, or stays at 0."""
    return np.maximum(incoming_per_s - capacity_per_s, 0.0) * np.asarray(times_s, dtype=np.float64)


def iterator_age_s(incoming_per_s: float, capacity_per_s: float, times_s: np.ndarray) -> np.ndarray:
    """How old the oldest unprocessed record is (IteratorAge) at each time. Records are processed in order, so by
    time t the first ``capacity x t`` are done, and the next one arrived at ``capacity x t / incoming``."""
    if incoming_per_s <= capacity_per_s:
        return np.zeros(np.shape(times_s))
    return np.asarray(times_s, dtype=np.float64) * (1.0 - capacity_per_s / incoming_per_s)
