"""SnapStart's rules in the Lambda API (helpers/lambda_service/snapstart_rules.py)."""

from __future__ import annotations

import pytest

from helpers.lambda_service import snapstart_rules
from helpers.lambda_service.errors import InvalidParameterValueException, ValidationException
from helpers.lambda_service.functions import FunctionVersion


@pytest.mark.parametrize("runtime, supported", [
    ("python3.12", True), ("python3.13", True), ("python3.14", True), ("python3.11", False), ("python3.9", False),
    ("java11", True), ("java21", True), ("java8.al2", False), ("dotnet8", True), ("dotnet6", False),
    ("nodejs22.x", False), ("provided.al2023", False), (None, False), ("", False)])
def test_which_runtimes_may_have_snapstart(runtime, supported):
    assert snapstart_rules.supports_snap_start(runtime) is supported


def test_apply_on_values():
    assert snapstart_rules.apply_on({"ApplyOn": "PublishedVersions"}) == "PublishedVersions"
    assert snapstart_rules.apply_on({"ApplyOn": "None"}) == snapstart_rules.apply_on({}) == "None"
    with pytest.raises(ValidationException) as caught:
        snapstart_rules.apply_on({"ApplyOn": "publishedversions"})
    assert caught.value.message == ("1 validation error detected: Value 'publishedversions' at 'snapStart.applyOn' "
                                    "failed to satisfy constraint: Member must satisfy enum value set: "
                                    "[PublishedVersions, None]")
    with pytest.raises(ValidationException):
        snapstart_rules.apply_on("PublishedVersions")


def test_what_snapstart_cannot_be_combined_with():
    check = snapstart_rules.check_compatible
    check("PublishedVersions", runtime="python3.12", ephemeral_storage_mb=512, file_systems=None)
    check("None", runtime="nodejs22.x", ephemeral_storage_mb=10240, file_systems=[{"Arn": "x"}])  # off: anything
    with pytest.raises(InvalidParameterValueException) as caught:
        check("PublishedVersions", runtime="python3.11", ephemeral_storage_mb=None, file_systems=None)
    assert caught.value.message == "python3.11 is not supported for SnapStart enabled functions."
    with pytest.raises(InvalidParameterValueException):
        check("PublishedVersions", runtime="python3.12", ephemeral_storage_mb=513, file_systems=None)
    with pytest.raises(InvalidParameterValueException):
        check("PublishedVersions", runtime="python3.12", ephemeral_storage_mb=None,
              file_systems=[{"Arn": "arn:aws:elasticfilesystem:...", "LocalMountPath": "/mnt/efs"}])


def test_optimization_status_is_on_for_published_versions_only():
    configuration = snapstart_rules.configuration
    assert configuration("PublishedVersions", version="$LATEST", runtime="python3.12") == {
        "ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}
    assert configuration("PublishedVersions", version="3", runtime="python3.12") == {
        "ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    assert configuration(None, version="3", runtime="python3.12") == {"ApplyOn": "None", "OptimizationStatus": "Off"}
    assert configuration("None", version="3", runtime="python3.12")["OptimizationStatus"] == "Off"


def version(snap_start: bool) -> FunctionVersion:
    return FunctionVersion("fn", "arn:aws:lambda:us-east-1:123456789012:function:fn", "1", "us-east-1",
                           "123456789012", "python3.12", "app.handler", 128, 3, {}, (), "digest", b"",
                           snap_start=snap_start)


def test_provisioned_concurrency_is_refused_on_a_snapstart_version():
    snapstart_rules.refuse_provisioned_concurrency(version(False))
    with pytest.raises(InvalidParameterValueException) as caught:
        snapstart_rules.refuse_provisioned_concurrency(version(True))
    assert "SnapStart" in caught.value.message and "Provisioned Concurrency" in caught.value.message
