"""A burst of requests all at once against one function's concurrency settings: what AWS would refuse to
configure, and what the scale model counts. Pure functions (the notebook's quota widget draws them).
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers import aws_facts

from .agreement import Counts, Scenario, model_counts

NO_RESERVATION = "none"
DURATION_MS, INIT_MS = 1500.0, 100.0  # the burst's function: 1.5 s of work after a 0.1 s init
LAPTOP_BURST, LAPTOP_QUOTA = 40, 50  # what this workbook runs for real; beyond, the model alone


@dataclass(frozen=True)
class BurstSettings:
    """The account's quota, the function's reservation (None: none) and provisioned concurrency, and how many
    requests arrive at once."""

    quota: int
    reserved: int | None
    provisioned: int
    burst: int

    @property
    def laptop_sized(self) -> bool:
        """Small enough to run for real here."""
        return self.burst <= LAPTOP_BURST and self.quota <= LAPTOP_QUOTA

    def scenario(self) -> Scenario:
        """The same burst as an agreement scenario (which both the model and the engine can run)."""
        reserved = "no reservation" if self.reserved is None else f"reserved {self.reserved}"
        name = f"{self.burst} at once: quota {self.quota}, {reserved}, provisioned {self.provisioned}"
        return Scenario(name, requests=self.burst, duration_ms=DURATION_MS, init_ms=INIT_MS,
                        account_concurrency=self.quota, reserved=self.reserved, provisioned=self.provisioned)


def refusal(settings: BurstSettings) -> str | None:
    """AWS's objection to these settings (as PutFunctionConcurrency or PutProvisionedConcurrencyConfig would
    refuse them), or None if they can be configured."""
    minimum = aws_facts.minimum_unreserved(settings.quota)
    if settings.reserved is not None and settings.quota - settings.reserved < minimum:
        return (f"a reservation of {settings.reserved} would leave less than the minimum unreserved "
                f"({minimum} of a quota of {settings.quota})")
    if settings.reserved is not None and settings.provisioned > settings.reserved:
        return "provisioned concurrency cannot be greater than the function's reserved concurrency"
    if settings.reserved is None and settings.provisioned > settings.quota - minimum:
        return (f"provisioned concurrency {settings.provisioned} is more than the account's unreserved concurrency "
                f"allows ({settings.quota - minimum}: the quota less the minimum unreserved)")
    return None


def modelled(settings: BurstSettings) -> Counts:
    """What the scale model counts for the burst."""
    return model_counts(settings.scenario())


def parse_reserved(value: object) -> int | None:
    """A widget's reserved value ("none" or a number) as the settings take it."""
    return None if value in (None, NO_RESERVATION) else int(value)  # type: ignore[call-overload]
