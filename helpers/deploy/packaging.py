"""Deployment packages: zip a handler from ``handlers/`` (or any file or folder) for ``create_function``.

    >>> zip_bytes = package_handler("hello")            # handlers/hello.py -> hello.py at the zip's root
    >>> lambda_client.create_function(..., Code={"ZipFile": zip_bytes}, Handler="hello.handler")
    >>> package_handler("payments", libraries=["aws-lambda-powertools"])  # as `pip install -t .` would add it
    >>> package_layer(libraries=["requests"])    # python/requests/..., as `pip install requests -t python/`

Zips are reproducible (fixed timestamps, sorted entries), so the same code gives the same ``CodeSha256``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

HANDLERS_DIR = Path(__file__).resolve().parents[2] / "handlers"
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
    if found.files is None:  # no RECORD (installed by conda, or as an egg): pip's list of files is missing
        raise FileNotFoundError(f"{distribution!r} is installed without a list of its files (no RECORD): reinstall it "
                                f"with pip, or add its folder with package_layer(folder) or extra_files")
    files: dict[str, bytes] = {}
    for entry in found.files:
        if entry.parts[0] == ".." or "__pycache__" in entry.parts or entry.suffix == ".pyc":
            continue
        files[entry.as_posix()] = Path(found.locate_file(entry)).read_bytes()
    return files


def with_dependencies(distributions: Iterable[str]) -> list[str]:
    """These distributions and everything they require (for this Python, without extras), as pip would install."""
    from importlib import metadata

    from packaging.requirements import Requirement

    wanted, found = list(distributions), []
    seen: set[str] = set()
    while wanted:
        name = wanted.pop(0)
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        found.append(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # library_files says how to install it
        for text in requirements:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                wanted.append(requirement.name)
    return found


def wheel_files(wheel: str | Path) -> dict[str, bytes]:
    """The files a wheel installs into site-packages (a wheel is a zip; its ``.data`` folders are left out)."""
    path = Path(wheel)
    if path.suffix != ".whl" or not path.is_file():
        raise FileNotFoundError(f"No wheel file {path} (a .whl, e.g. from `pip download <package>`)")
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()
                if not info.is_dir() and ".data/" not in info.filename.split("/", 1)[0] + "/"}


def package_layer(source: str | Path | None = None, *, libraries: Iterable[str] = (),
                  wheels: Iterable[str | Path] = (), files: Mapping[str, str | bytes] | None = None) -> bytes:
    """The zip of a layer, for ``publish_layer_version``: a folder's files as they are (a layer is laid out as /opt
    will be: ``python/...``, ``bin/...``, ``lib/...``), plus each installed distribution in ``libraries`` and what it
    requires under ``python/`` (what ``pip install <library> -t python/`` puts there), plus the contents of each
    local wheel file in ``wheels`` under ``python/`` (what ``pip install <file>.whl --no-deps -t python/`` puts
    there for a pure-Python wheel), plus ``files``."""
    import os

    contents: dict[str, bytes] = {}
    executable: set[str] = set()
    if source is not None:
        root = Path(source)
        if not root.is_dir():
            raise FileNotFoundError(f"No folder {root} to make a layer of")
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                contents[path.relative_to(root).as_posix()] = path.read_bytes()
                if os.access(path, os.X_OK):
                    executable.add(path.relative_to(root).as_posix())
    for distribution in with_dependencies(libraries):
        contents.update({f"python/{name}": data for name, data in library_files(distribution).items()})
    for wheel in wheels:
        contents.update({f"python/{name}": data for name, data in wheel_files(wheel).items()})
    for arcname, content in (files or {}).items():
        contents[arcname] = content.encode("utf-8") if isinstance(content, str) else content
    executable.update(name for name in contents if name.startswith("bin/") or name == "bootstrap")
    return zip_files(contents, executable=tuple(executable))


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
