"""SnapStart in moto, which ignores it (moto 5.2.5 shows ``{"ApplyOn": "None", "OptimizationStatus": "Off"}`` for every
function): the hooks of ``lambda_functions.py`` call these to check it, keep it, show it and act on it.

* CreateFunction and UpdateFunctionConfiguration: ``SnapStart`` is validated (``lambda_service/snapstart_rules.py``)
  and kept on the function as ``snap_start_apply_on``; a published version is a copy of $LATEST, so it keeps the
  setting it was published with.
* GetFunctionConfiguration (and every response that carries a configuration): ``SnapStart`` with its
  ``OptimizationStatus``, and a SnapStart version's State while its snapshot is made.
* PublishVersion: the new version's snapshot is made (``seam.snapshots``); DeleteFunction ends it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from moto.awslambda.models import LambdaBackend, LambdaFunction

from helpers import arns
from helpers.lambda_service import snapstart_rules

from .parts import Seam
from .state import SNAP_START_ATTRIBUTE as ATTRIBUTE
from .state import function_version


def create_function(seam: Seam, backend: LambdaBackend, spec: dict[str, Any]) -> LambdaFunction:
    """moto's CreateFunction, with the request's SnapStart validated and kept on $LATEST before ``Publish=True``
    publishes version 1 (which copies $LATEST); returns what moto returns."""
    applied = check_create(spec)
    function = seam.original(LambdaBackend, "create_function")(backend, {**spec, "Publish": False})
    keep_snap_start(function, applied)
    if not spec.get("Publish"):
        return function
    version = backend.publish_version(spec["FunctionName"])  # the seam's PublishVersion: the snapshot is made
    returned = copy.deepcopy(function)  # as moto answers: $LATEST's configuration, with the new version's number
    returned.version = version.version
    return returned


def check_create(spec: Mapping[str, Any]) -> str:
    """Validate a CreateFunction request's SnapStart; the ApplyOn to keep."""
    applied = snapstart_rules.apply_on(spec.get("SnapStart", {}))
    snapstart_rules.check_compatible(applied, runtime=spec.get("Runtime"),
                                     ephemeral_storage_mb=(spec.get("EphemeralStorage") or {}).get("Size"),
                                     file_systems=spec.get("FileSystemConfigs"))
    return applied


def check_snap_start_update(function: LambdaFunction, updates: Mapping[str, Any]) -> str:
    """Validate an UpdateFunctionConfiguration request against the settings it leaves the function with."""
    applied = snapstart_rules.apply_on(updates["SnapStart"]) if "SnapStart" in updates \
        else getattr(function, ATTRIBUTE, snapstart_rules.NONE)
    storage = (updates.get("EphemeralStorage") or {}).get("Size", getattr(function, "ephemeral_storage", None))
    snapstart_rules.check_compatible(applied, runtime=updates.get("Runtime", function.run_time),
                                     ephemeral_storage_mb=storage, file_systems=updates.get("FileSystemConfigs"))
    return applied


def keep_snap_start(function: LambdaFunction, applied: str) -> None:
    setattr(function, ATTRIBUTE, applied)


def show_configuration(seam: Seam, function: LambdaFunction, configuration: dict[str, Any]) -> None:
    """Put SnapStart, and a SnapStart version's state, into a configuration moto made."""
    version = str(function.version)
    configuration["SnapStart"] = snapstart_rules.configuration(getattr(function, ATTRIBUTE, None), version=version,
                                                               runtime=function.run_time)
    if version == "$LATEST":
        return
    state = seam.snapshots.state(arns.unqualified(function.function_arn), version)
    if state is not None:
        configuration["State"] = state.state
        for key, value in (("StateReason", state.reason), ("StateReasonCode", state.reason_code)):
            if value:
                configuration[key] = value


def snapshot_published(seam: Seam, version: LambdaFunction | None) -> None:
    """PublishVersion made (or returned) ``version``: snapshot it if SnapStart applies to it."""
    if version is not None and str(version.version) != "$LATEST":
        seam.snapshots.published(function_version(version))
