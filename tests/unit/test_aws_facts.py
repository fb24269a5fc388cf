"""helpers/aws_facts.py is the one place for AWS's figures: the runtime clients' own copies must agree with it."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import aws_facts

RUNTIME = Path(aws_facts.__file__).parent / "runtime"


def _constant(path: Path, pattern: str) -> int:
    found = re.search(pattern, path.read_text(encoding="utf-8"), flags=re.M)
    assert found, f"{path.name} no longer defines its copy of the figure"
    return int(found.group(1))


def test_the_python_runtime_client_uses_the_same_cpu_share():
    assert _constant(RUNTIME / "client.py", r"^MB_PER_VCPU = (\d+)") == aws_facts.MB_PER_VCPU


def test_the_node_runtime_client_uses_the_same_cpu_share():
    assert _constant(RUNTIME / "node_client.mjs", r"^const MB_PER_VCPU = (\d+);") == aws_facts.MB_PER_VCPU


def test_figures_are_dated():
    assert re.fullmatch(r"\d{4}-\d{2}", aws_facts.CHECKED)
