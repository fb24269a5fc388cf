"""Notebook 10's real runs: the power tuner's steps against the local AWS, the CPU model behind REPORT Duration,
the loopback downstream service, and a bill from REPORT lines."""

from __future__ import annotations

import json
import urllib.request

import pytest

from helpers.lambda_invoke import invoke
from helpers.observe.downstream import start_downstream
from helpers.observe.power_tuning import report_lines, run_power_tuning
from helpers.runtime.log_lines import parse_report
from helpers.runtime.metering import modelled_duration_ms
from helpers.simulate import monthly_bill, power_tuning
from helpers.simulate.pricing import cost


def test_power_tuning_runs_each_value_through_an_alias_and_cleans_up(deploy, lambda_client):
    name = deploy("cpu_bound.handler", MemorySize=256, Timeout=30, Description="mine")
    progress = []
    runs = run_power_tuning(name, (128, 1769), 5, {"limit": 50_000}, progress=lambda done, total:
                            progress.append((done, total)))
    assert sorted(runs) == [128, 1769] and progress[-1] == (10, 10)
    for memory, found in runs.items():
        reports = [parse_report(run.report_line) for run in found]
        assert {report.memory_size_mb for report in reports} == {memory}
        assert [run.cold_start for run in found] == [True, False, False, False, False]  # one environment
        for run, report in zip(found, reports):  # REPORT Duration is the CPU model over what was measured
            assert report.duration_ms == pytest.approx(modelled_duration_ms(run.measured_ms, run.cpu_ms, memory),
                                                       abs=0.01)
    configuration = lambda_client.get_function_configuration(FunctionName=name)
    assert (configuration["MemorySize"], configuration["Description"]) == (256, "mine")
    assert lambda_client.list_aliases(FunctionName=name)["Aliases"] == []
    assert [v["Version"] for v in lambda_client.list_versions_by_function(FunctionName=name)["Versions"]] == \
        ["$LATEST"]
    tuning = power_tuning.tune(report_lines(runs), strategy="speed")
    assert tuning.best.power == 1769  # 13.8 x the CPU share


def test_cold_starts_only_gives_every_invocation_a_new_environment(deploy):
    name = deploy("cpu_bound.handler", Timeout=30)
    runs = run_power_tuning(name, (512,), 5, {"limit": 20_000}, only_cold_starts=True)
    assert all(run.cold_start for run in runs[512])
    assert all(parse_report(run.report_line).init_duration_ms for run in runs[512])


def test_the_tool_refuses_fewer_than_five_and_stops_at_a_function_error(deploy, lambda_client):
    name = deploy("faults.raise_error", source="faults", MemorySize=256)
    with pytest.raises(power_tuning.PowerTuningError, match="num below 5"):
        run_power_tuning(name, (128,), 4)
    with pytest.raises(power_tuning.PowerTuningError, match="Invocation error"):
        run_power_tuning(name, (128,), 5)
    assert lambda_client.get_function_configuration(FunctionName=name)["MemorySize"] == 256
    assert lambda_client.list_aliases(FunctionName=name)["Aliases"] == []


def test_an_io_bound_function_waits_on_the_downstream(deploy):
    service = start_downstream()
    with urllib.request.urlopen(service.url) as response:
        assert json.loads(response.read())["checked"] is True
    name = deploy("io_bound.handler", Timeout=30, Environment={"Variables": {"DOWNSTREAM_URL": service.url}})
    result = invoke(name)
    assert result.payload["downstream_said"]["checked"] is True
    assert result.cpu_ms < result.measured_ms / 2  # mostly waiting


def test_a_bill_from_report_lines_is_the_calculator_line_by_line(deploy):
    name = deploy("cpu_bound.handler", MemorySize=512, Timeout=30)
    lines = [next(line for line in invoke(name, {"limit": 20_000 * (1 + k % 3)}).log_lines
                  if line.startswith("REPORT ")) for k in range(6)]
    by_reports = cost(monthly_bill.usage_from_reports(lines)).total_usd
    by_line = sum(monthly_bill.bill(monthly_bill.workload_from_reports([line])).total_usd for line in lines)
    assert by_line == pytest.approx(by_reports, rel=1e-12)
    assert monthly_bill.bill(monthly_bill.workload_from_reports(lines)).total_usd == pytest.approx(by_reports, rel=0.05)
