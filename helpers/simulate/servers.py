"""Lambda against an always-on server (EC2, ECS on Fargate): monthly cost at a steady request rate, and the rate
where they cost the same (round2-facts §4; server prices dated in ``helpers.aws_facts``).

    per-request Lambda cost   c = $0.20 / 1 M + ceil(Duration) x memory (GB) x price per GB-s
    server                    C = price per hour x 730 x instances
    break-even rate           r* = C / c / (730 x 3,600 s)

What this leaves out is the point of the comparison: a server costs C whether it is busy or idle, it must be big
enough (and, for availability, numerous enough) for the peak, not the average; someone patches, scales and watches
it; and it needs a load balancer or API Gateway in front (Lambda behind API Gateway pays for that too). Valid only
while the servers can actually serve the rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from helpers import aws_facts
from helpers.simulate.pricing import Usage, cost

SECONDS_PER_MONTH = aws_facts.HOURS_PER_MONTH * 3600


@dataclass(frozen=True)
class Server:
    """An always-on option: its name, price per hour, size, and the date its price was read."""

    name: str
    hourly_usd: float
    vcpus: float
    memory_gib: float
    checked: str

    def monthly_usd(self, instances: int = 1) -> float:
        return self.hourly_usd * aws_facts.HOURS_PER_MONTH * instances


def fargate(vcpus: float, memory_gb: float, architecture: str = "x86_64") -> Server:
    """A Fargate task of this size (Linux), priced per vCPU-hour and GB-hour."""
    hourly = vcpus * aws_facts.FARGATE_VCPU_HOURLY[architecture] + memory_gb * aws_facts.FARGATE_GB_HOURLY[architecture]
    label = "Arm" if architecture == "arm64" else "x86"
    return Server(f"Fargate {label} {vcpus:g} vCPU / {memory_gb:g} GB", hourly, vcpus, memory_gb,
                  aws_facts.SERVER_PRICES_CHECKED["Fargate"])


SERVERS = tuple(Server(f"EC2 {name}", price, *aws_facts.EC2_SPECS[name], aws_facts.SERVER_PRICES_CHECKED["EC2"])
                for name, price in aws_facts.EC2_HOURLY.items()) + (
    fargate(0.25, 0.5), fargate(1, 2), fargate(1, 2, "arm64"))


def server_named(name: str) -> Server:
    for server in SERVERS:
        if server.name == name:
            return server
    raise ValueError(f"no server {name!r}; choose one of {[server.name for server in SERVERS]}")


def lambda_cost_per_request(duration_ms: float, memory_mb: int, architecture: str = "x86_64") -> float:
    """Dollars per request: the request fee and its Billed Duration (first price tier, warm, no free tier)."""
    usage = Usage(memory_mb=memory_mb, requests=1, billed_ms=max(1, math.ceil(duration_ms)), architecture=architecture)
    return cost(usage).total_usd


def lambda_monthly_usd(rate_rps: float, duration_ms: float, memory_mb: int, architecture: str = "x86_64",
                       free_tier: bool = False) -> float:
    """A month at a steady ``rate_rps`` (every invocation warm, at the duration tiers' prices)."""
    requests = round(rate_rps * SECONDS_PER_MONTH)
    usage = Usage(memory_mb=memory_mb, requests=requests, billed_ms=requests * max(1, math.ceil(duration_ms)),
                  architecture=architecture)
    return cost(usage, free_tier=free_tier).total_usd


def break_even_rps(server: Server, duration_ms: float, memory_mb: int, architecture: str = "x86_64",
                   instances: int = 1, free_tier: bool = False) -> float:
    """The steady rate at which a month of Lambda costs what ``instances`` servers cost (bisection on the monthly
    cost, so the free tier and price tiers are taken into account)."""
    target = server.monthly_usd(instances)
    low, high = 0.0, 1.0
    while lambda_monthly_usd(high, duration_ms, memory_mb, architecture, free_tier) < target:
        high *= 2
        if high > 1e7:
            return math.inf
    for _ in range(60):
        middle = (low + high) / 2
        if lambda_monthly_usd(middle, duration_ms, memory_mb, architecture, free_tier) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2
