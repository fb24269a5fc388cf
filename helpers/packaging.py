"""Deployment packages: zip a handler from ``handlers/`` (or any file or folder) for ``create_function``.

    >>> zip_bytes = package_handler("hello")            # handlers/hello.py -> hello.py at the zip's root
    >>> lambda_client.create_function(..., Code={"ZipFile": zip_bytes}, Handler="hello.handler")
    >>> package_handler("payments", libraries=["aws-lambda-powertools"])  # as `pip install -t .` would add it

Zips are reproducible (fixed timestamps, sorted entries), so the same code gives the same ``CodeSha256``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
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


def package_handler(name: str, *, extra_files: Mapping[str, str | bytes] | None = None,
                    libraries: Iterable[str] = ()) -> bytes:
    """The zip bytes of a handler module or folder, plus any ``extra_files`` ({path in zip: content}) and the
    installed files of each distribution in ``libraries`` (at the zip's root, where ``pip install -t .`` puts them)."""
    source = handler_path(name)
    files: dict[str, bytes] = {}
    for distribution in libraries:
        files.update(library_files(distribution))
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                files[path.relative_to(source).as_posix()] = path.read_bytes()
    else:
        files[source.name] = source.read_bytes()
    for arcname, content in (extra_files or {}).items():
        files[arcname] = content.encode("utf-8") if isinstance(content, str) else content
    return zip_files(files)


def library_files(distribution: str) -> dict[str, bytes]:
    """The files pip installed for ``distribution`` (e.g. "aws-lambda-powertools"), as {path in zip: content}.

    Only that distribution: list the ones it needs that the Lambda runtime lacks too (the runtime has boto3 and
    its dependencies). Bytecode and files installed outside site-packages (scripts) are left out."""
    from importlib import metadata

    try:
        found = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        raise FileNotFoundError(f"{distribution!r} is not installed here: pip install {distribution}") from None
    files: dict[str, bytes] = {}
    for entry in found.files or ():
        if entry.parts[0] == ".." or "__pycache__" in entry.parts or entry.suffix == ".pyc":
            continue
        files[entry.as_posix()] = Path(found.locate_file(entry)).read_bytes()
    return files


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
