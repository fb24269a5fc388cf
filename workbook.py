"""Set up the workbook and run it: ``python workbook.py lab`` or ``python workbook.py test``.

Both create a virtual environment in ``.venv`` (once), install the pinned requirements and this repository into
it (again only when a requirements file changes), then:

* ``lab``  opens the course in JupyterLab;
* ``test`` runs every test: unit and integration tests, and every notebook under nbval.

Standard library only, so it runs with any Python 3.11+ on macOS, Linux and Windows.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
SUPPORTED = ((3, 11), (3, 12), (3, 13))
# Four workers (pytest-xdist): most tests wait on real time, so more workers than cores help; --dist loadfile keeps
# each notebook's cells (and each test module) together on one worker.
TEST_COMMAND = ["-m", "pytest", "tests", "notebooks", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
                "-n", "4", "--dist", "loadfile"]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment(requirements: str) -> Path:
    """Create .venv and install ``requirements`` plus this package, unless already done for these files."""
    if sys.version_info[:2] not in SUPPORTED:
        wanted = ", ".join(f"{major}.{minor}" for major, minor in SUPPORTED)
        sys.exit(f"This workbook needs Python {wanted}; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{requirements}"
    digest = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in
                                     ("requirements.txt", requirements, "pyproject.toml"))).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        print(f"Installing {requirements} (first run only; takes a minute or two) ...", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(ROOT / requirements), "-e", str(ROOT)], check=True)
        stamp.write_text(digest)
    return python


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "lab":
        python = ensure_environment("requirements.txt")
        return subprocess.call([str(python), "-m", "jupyter", "lab", str(ROOT / "notebooks"), *argv[2:]])
    if command == "test":
        python = ensure_environment("requirements-dev.txt")
        return subprocess.call([str(python), *TEST_COMMAND, *argv[2:]], cwd=ROOT)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
