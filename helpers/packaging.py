"""Deployment packages: zip a handler from ``handlers/`` (or any file or folder) for ``create_function``.

    >>> zip_bytes = package_handler("hello")            # handlers/hello.py -> hello.py at the zip's root
    >>> lambda_client.create_function(..., Code={"ZipFile": zip_bytes}, Handler="hello.handler")

Zips are reproducible (fixed timestamps, sorted entries), so the same code gives the same ``CodeSha256``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

HANDLERS_DIR = Path(__file__).resolve().parent.parent / "handlers"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def handler_path(name: str) -> Path:
    """The file or folder ``name`` refers to: a module in ``handlers/`` (``"hello"``) or a path."""
    candidate = Path(name)
    if candidate.exists():
        return candidate
    for option in (HANDLERS_DIR / f"{name}.py", HANDLERS_DIR / name):
        if option.exists():
            return option
    raise FileNotFoundError(f"No handler '{name}': looked for {HANDLERS_DIR / (name + '.py')} and the path itself")


def package_handler(name: str, *, extra_files: Mapping[str, str | bytes] | None = None) -> bytes:
    """The zip bytes of a handler module or folder, plus any ``extra_files`` ({path in zip: content})."""
    source = handler_path(name)
    files: dict[str, bytes] = {}
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                files[path.relative_to(source).as_posix()] = path.read_bytes()
    else:
        files[source.name] = source.read_bytes()
    for arcname, content in (extra_files or {}).items():
        files[arcname] = content.encode("utf-8") if isinstance(content, str) else content
    return zip_files(files)


def zip_files(files: Mapping[str, bytes | str], *, executable: tuple[str, ...] = ()) -> bytes:
    """A reproducible zip of ``{path: content}``; paths in ``executable`` get mode 755 (e.g. ``bootstrap``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname in sorted(files):
            content = files[arcname]
            info = zipfile.ZipInfo(arcname, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if arcname in executable else 0o644) << 16
            archive.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()
