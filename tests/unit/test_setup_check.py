"""helpers/setup_check.py: each check reports a clear finding and what to do; none raises."""

from __future__ import annotations

import socket

from helpers import setup_check


def test_everything_passes_here(cloud, capsys):
    results = setup_check.all_checks()
    assert [result.name for result in results][0] == "Python version"
    assert all(result.ok for result in results), [result for result in results if not result.ok]
    setup_check.run_setup_check()
    out = capsys.readouterr().out
    assert "All checks passed." in out and "Lambda engine: local AWS at http://127.0.0.1:" in out
    assert "If you see a slider just above, widgets work." in out


def test_wrong_python_says_what_to_do(monkeypatch):
    monkeypatch.setattr(setup_check.sys, "version_info", (3, 9, 1, "final", 0))
    result = setup_check.check_python()
    assert not result.ok and "supports 3.11, 3.12, 3.13" in result.detail and "Install Python 3.13" in result.fix


def test_missing_package_says_what_to_do():
    result = setup_check.check_package("a_package_that_is_not_installed")
    assert not result.ok and "PackageNotFoundError" in result.detail and "workbook.py lab" in result.fix


def test_blocked_port_says_what_to_do(monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(socket, "create_server", refuse)
    result = setup_check.check_loopback_port()
    assert not result.ok and "Permission denied" in result.detail and "firewall" in result.fix


def test_engine_failure_is_reported_not_raised(monkeypatch):
    from helpers import local_cloud

    def broken(*args, **kwargs):
        raise OSError("address already in use")

    monkeypatch.setattr(local_cloud, "start", broken)
    result = setup_check.check_engine()
    assert not result.ok and "address already in use" in result.detail and result.fix
