"""SnapStart's rules in the Lambda API: which functions may have it, what a version's configuration shows, and what
it cannot be combined with (AWS's "Improving startup performance with Lambda SnapStart", as of 2026-11).

* ``SnapStart={"ApplyOn": "PublishedVersions"}`` on CreateFunction or UpdateFunctionConfiguration; ``"None"`` turns
  it off. Any other value is the API's ValidationException.
* Only for Python 3.12 and later (and Java 11+, .NET 8+, which the workbook cannot run): otherwise
  ``<runtime> is not supported for SnapStart enabled functions.`` (InvalidParameterValueException).
* Not with EFS, ephemeral storage above 512 MB, or provisioned concurrency.
* A version's configuration shows ``SnapStart: {"ApplyOn": ..., "OptimizationStatus": "On"|"Off"}``: On only for a
  published version of a function with ``PublishedVersions``; $LATEST is never optimised.

The runtime message is AWS's as users report it; the EFS, ephemeral-storage and provisioned-concurrency messages
follow the same wording but were not seen verbatim (not re-verified).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import InvalidParameterValueException, ValidationException
from .functions import FunctionVersion

PUBLISHED_VERSIONS, NONE = "PublishedVersions", "None"
APPLY_ON_VALUES = (PUBLISHED_VERSIONS, NONE)
EPHEMERAL_STORAGE_MAX_MB = 512
_SUPPORTED = re.compile(r"python3\.(\d+)|java(\d+)|dotnet(\d+)")


def supports_snap_start(runtime: str | None) -> bool:
    """python3.12+, java11+ and dotnet8+ (managed runtimes; container images aside)."""
    match = _SUPPORTED.fullmatch(runtime or "")
    if match is None:
        return False
    python, java, dotnet = (int(group) if group else None for group in match.groups())
    return (python is not None and python >= 12) or (java is not None and java >= 11) or \
        (dotnet is not None and dotnet >= 8)


def apply_on(snap_start: Any) -> str:
    """The ``ApplyOn`` of a request's ``SnapStart`` (``"None"`` when it names none); ValidationException for any
    other value, with the API's message."""
    if not isinstance(snap_start, Mapping):
        raise ValidationException(f"1 validation error detected: Value '{snap_start}' at 'snapStart' failed to "
                                  "satisfy constraint: Member must be a structure")
    value = snap_start.get("ApplyOn") or NONE
    if value not in APPLY_ON_VALUES:
        raise ValidationException(f"1 validation error detected: Value '{value}' at 'snapStart.applyOn' failed to "
                                  f"satisfy constraint: Member must satisfy enum value set: [{', '.join(APPLY_ON_VALUES)}]")
    return value


def check_compatible(applied: str, *, runtime: str | None, ephemeral_storage_mb: int | None,
                     file_systems: Any) -> None:
    """May a function with these settings have SnapStart ``applied``? (Checked with the settings as they will be
    after the request: a runtime change can make an existing SnapStart setting invalid.)"""
    if applied != PUBLISHED_VERSIONS:
        return
    if runtime and not supports_snap_start(runtime):
        raise InvalidParameterValueException(f"{runtime} is not supported for SnapStart enabled functions.")
    if ephemeral_storage_mb is not None and ephemeral_storage_mb > EPHEMERAL_STORAGE_MAX_MB:
        raise InvalidParameterValueException(
            f"Ephemeral storage larger than {EPHEMERAL_STORAGE_MAX_MB} MB is not supported for SnapStart enabled "
            "functions.")
    if file_systems:
        raise InvalidParameterValueException("EFS is not supported for SnapStart enabled functions.")


def optimised(applied: str | None, *, version: str, runtime: str | None) -> bool:
    """Does this version start from a snapshot? Published, with ``PublishedVersions``, on a supported runtime."""
    return applied == PUBLISHED_VERSIONS and version != "$LATEST" and supports_snap_start(runtime)


def configuration(applied: str | None, *, version: str, runtime: str | None) -> dict[str, str]:
    """The ``SnapStart`` element of a version's configuration."""
    return {"ApplyOn": applied or NONE,
            "OptimizationStatus": "On" if optimised(applied, version=version, runtime=runtime) else "Off"}


def refuse_provisioned_concurrency(function: FunctionVersion) -> None:
    """For PutProvisionedConcurrencyConfig: a version (or an alias's version) with SnapStart on cannot have
    provisioned concurrency (InvalidParameterValueException)."""
    if function.snap_start:
        raise InvalidParameterValueException(
            "Provisioned Concurrency is not supported for SnapStart enabled functions.")
