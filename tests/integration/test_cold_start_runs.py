"""helpers/observe/cold_start_runs.py against the local AWS: forced cold starts, warm samples, a memory grid, and
a cold start read phase by phase (notebook 08's plumbing)."""

from __future__ import annotations

import time

import pytest

from helpers.deploy.packaging import package_handler
from helpers.lambda_invoke import invoke
from helpers.observe import cold_start_phases as phases
from helpers.observe import cold_start_runs as runs


def test_cold_and_warm_samples_are_what_they_say(deploy):
    name = deploy("hello.handler")
    cold = runs.cold_samples(name, 2)
    assert all(sample.cold and sample.init_ms and sample.init_ms > 0 for sample in cold)
    assert all(sample.round_trip_ms >= sample.init_ms for sample in cold)  # (Duration may be the CPU model's)
    assert all(sample.outside_ms >= 0 for sample in cold)  # against the raw wall time: never below zero
    warm = runs.warm_samples(name, 3)
    assert len(warm) == 3 and not any(sample.cold or sample.init_ms for sample in warm)
    assert runs.start_afresh(name) == 1 and runs.invoke_sample(name).cold


def test_a_memory_grid_measures_each_size_in_a_new_environment(deploy, lambda_client):
    name = deploy("hello.handler")
    seen = []
    grid = runs.cold_start_grid({"hello": (name, {})}, [128, 512], progress=lambda done, total: seen.append(done))
    assert [(run.work, run.sample.memory_mb, run.sample.cold) for run in grid] == [("hello", 128, True),
                                                                                  ("hello", 512, True)]
    assert seen == [1, 2]
    assert lambda_client.get_function_configuration(FunctionName=name)["MemorySize"] == 512


def test_a_cold_start_phase_by_phase(deploy):
    name = deploy("cold_start_phases.handler", MemorySize=1769,  # one vCPU: REPORT Duration is the wall time here
                  Environment={"Variables": {"PYTHONPROFILEIMPORTTIME": "1"}})
    called = time.perf_counter()
    result = invoke(name)
    answered = time.perf_counter()
    init_lines, invoke_lines = phases.split_at_start(result.log_lines)
    imports = phases.init_imports(init_lines, "cold_start_phases: module starts", "cold_start_phases: module done")
    assert "site" in [entry.name for entry in imports.platform]
    assert {"email.parser", "http.client"} <= {entry.name for entry in imports.yours}
    stamps = phases.Stamps(called=called, answered=answered, **result.payload["stamps"])
    assert called < stamps.module_started < stamps.module_done < stamps.handler_started < answered
    found = phases.phases(stamps, imports, duration_ms=result.report.duration_ms)
    assert sum(phase.ms for phase in found) == pytest.approx((answered - called) * 1000, rel=0.05)
    # Init Duration covers the stamps from the call to the module's last line, give or take a few milliseconds
    assert abs(result.report.init_duration_ms - phases.init_covers(stamps)) < 0.25 * result.report.init_duration_ms
    assert invoke_lines[0].startswith("START") and package_handler("cold_start_phases")
