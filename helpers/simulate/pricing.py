"""What Lambda charges for a piece of usage, itemised (us-east-1 prices from ``helpers.aws_facts``, lambda-facts §3).

The rules:

* **Requests**: $0.20 per million, both architectures.
* **Duration**: GB-seconds = Billed Duration x memory (MB / 1024), priced through the architecture's monthly tiers.
  Billed Duration is rounded up to the millisecond and, since 1 August 2025, includes INIT for on-demand zip
  functions: ceil(Duration + Init Duration) of the printed figures, exactly ``metering.billed_duration_ms``.
* **Provisioned concurrency**: environments x memory x enabled time (rounded up to 5 minutes) at the PC rate, and
  the invocations they serve at the lower PC duration rate (no INIT: it was paid while they were prepared).
  Invocations that spill over to on-demand environments pay the on-demand duration price.
* **SnapStart** (Python, .NET): the cached snapshot (memory x cached time, at least 3 hours per published version)
  and each restore (per GB of memory restored). A restored environment bills no INIT; the duration of runtime
  hooks (``Billed Restore Duration``) is not modelled.
* **Ephemeral storage** above 512 MB: per GB-second of the invocations' billed time.
* **Free tier**, a month per account (x86 and Arm together): 1 M requests and 400,000 GB-s of on-demand duration,
  never for a function with provisioned concurrency. Off unless asked for: a simulated hour is not a month.

Not modelled: the tier position of other functions of the account (pass ``month_gb_s_before``), async payloads
over 256 KB billed as more than one request, response streaming, Savings Plans.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from helpers import aws_facts
from helpers.runtime.metering import billed_duration_ms

ARCHITECTURES = tuple(aws_facts.DURATION_TIERS)


def billed_ms(duration_ms: float, init_ms: float | None = None, *, init_billed: bool = True) -> int:
    """Billed Duration of one invocation: ``metering.billed_duration_ms`` (INIT included since August 2025);
    ``init_billed=False`` gives the rule before that change (INIT free for on-demand zip functions)."""
    return billed_duration_ms(duration_ms, init_ms if init_billed else None)


def gb_seconds(billed_total_ms: float, memory_mb: int) -> float:
    """GB-seconds of ``billed_total_ms`` milliseconds at ``memory_mb``."""
    return billed_total_ms / 1000.0 * memory_mb / 1024.0


def tiered_duration_usd(gb_s: float, architecture: str, month_gb_s_before: float = 0.0) -> float:
    """On-demand duration price of ``gb_s`` GB-seconds, after ``month_gb_s_before`` already used this month."""
    price = 0.0
    position = month_gb_s_before
    remaining = gb_s
    for tier_end, rate in aws_facts.DURATION_TIERS[_arch(architecture)]:
        if remaining <= 0:
            break
        in_tier = max(0.0, min(remaining, tier_end - position))
        price += in_tier * rate
        remaining -= in_tier
        position += in_tier
    return price


@dataclass(frozen=True)
class Usage:
    """One function's usage over a period: counts and summed Billed Durations (see ``billed_ms``)."""

    memory_mb: int
    requests: int = 0
    billed_ms: int = 0  # invocations served by on-demand environments (INIT included where billed)
    provisioned_billed_ms: int = 0  # invocations served by provisioned environments
    architecture: str = "x86_64"
    ephemeral_mb: int = aws_facts.EPHEMERAL_FREE_MB
    provisioned: int = 0  # provisioned concurrency (environments)
    provisioned_enabled_s: float = 0.0  # how long it was enabled
    snapstart_cached_s: float = 0.0  # how long a SnapStart snapshot was cached (0 = no SnapStart)
    restores: int = 0  # SnapStart restores


@dataclass(frozen=True)
class Cost:
    """An itemised bill in USD, with the quantities it was computed from."""

    requests_usd: float
    duration_usd: float
    provisioned_usd: float
    provisioned_duration_usd: float
    ephemeral_usd: float
    snapstart_cache_usd: float
    snapstart_restore_usd: float
    billable_requests: int
    gb_s: float  # on-demand duration, before the free tier
    billable_gb_s: float  # after it
    provisioned_gb_s: float  # provisioned concurrency's enabled GB-s (rounded time)
    provisioned_duration_gb_s: float

    @property
    def total_usd(self) -> float:
        return (self.requests_usd + self.duration_usd + self.provisioned_usd + self.provisioned_duration_usd
                + self.ephemeral_usd + self.snapstart_cache_usd + self.snapstart_restore_usd)

    def lines(self) -> list[tuple[str, float]]:
        """(item, USD) for every item that costs something, then the total: for a table."""
        items = [("requests", self.requests_usd), ("duration", self.duration_usd),
                 ("provisioned concurrency", self.provisioned_usd),
                 ("provisioned duration", self.provisioned_duration_usd), ("ephemeral storage", self.ephemeral_usd),
                 ("SnapStart cache", self.snapstart_cache_usd), ("SnapStart restore", self.snapstart_restore_usd)]
        return [(name, usd) for name, usd in items if usd] + [("total", self.total_usd)]


def cost(usage: Usage, *, free_tier: bool = False, month_gb_s_before: float = 0.0) -> Cost:
    """The bill for ``usage``. ``free_tier`` treats it as the account's whole month (and is ignored for a function
    with provisioned concurrency); ``month_gb_s_before`` places it further up the duration tiers."""
    arch = _arch(usage.architecture)
    if usage.memory_mb <= 0:
        raise ValueError("memory_mb must be positive")
    memory_gb = usage.memory_mb / 1024.0
    free = free_tier and usage.provisioned == 0
    billable_requests = max(0, usage.requests - aws_facts.FREE_TIER_REQUESTS) if free else usage.requests
    gb_s = gb_seconds(usage.billed_ms, usage.memory_mb)
    free_gb_s = min(gb_s, aws_facts.FREE_TIER_GB_S) if free else 0.0
    billable_gb_s = gb_s - free_gb_s

    steps = math.ceil(usage.provisioned_enabled_s / aws_facts.PROVISIONED_BILLING_STEP_S - 1e-9)
    provisioned_gb_s = usage.provisioned * memory_gb * max(steps, 0) * aws_facts.PROVISIONED_BILLING_STEP_S
    provisioned_duration_gb_s = gb_seconds(usage.provisioned_billed_ms, usage.memory_mb)

    extra_storage_gb = max(0, usage.ephemeral_mb - aws_facts.EPHEMERAL_FREE_MB) / 1024.0
    billed_s = (usage.billed_ms + usage.provisioned_billed_ms) / 1000.0
    cached_s = max(usage.snapstart_cached_s, aws_facts.SNAPSTART_CACHE_MINIMUM_S) if usage.snapstart_cached_s else 0.0
    return Cost(
        requests_usd=billable_requests * aws_facts.PRICE_PER_REQUEST,
        duration_usd=tiered_duration_usd(billable_gb_s, arch, month_gb_s_before + free_gb_s),
        provisioned_usd=provisioned_gb_s * aws_facts.PROVISIONED_PRICE_GB_S[arch],
        provisioned_duration_usd=provisioned_duration_gb_s * aws_facts.PROVISIONED_DURATION_PRICE_GB_S[arch],
        ephemeral_usd=extra_storage_gb * billed_s * aws_facts.EPHEMERAL_PRICE_GB_S,
        snapstart_cache_usd=memory_gb * cached_s * aws_facts.SNAPSTART_CACHE_PRICE_GB_S,
        snapstart_restore_usd=usage.restores * memory_gb * aws_facts.SNAPSTART_RESTORE_PRICE_GB,
        billable_requests=billable_requests,
        gb_s=gb_s,
        billable_gb_s=billable_gb_s,
        provisioned_gb_s=provisioned_gb_s,
        provisioned_duration_gb_s=provisioned_duration_gb_s,
    )


def _arch(architecture: str) -> str:
    if architecture not in aws_facts.DURATION_TIERS:
        raise ValueError(f"architecture must be one of {ARCHITECTURES}, not {architecture!r}")
    return architecture
