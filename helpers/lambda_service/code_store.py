"""Deployment packages unpacked on disk, once per code digest: the ``LAMBDA_TASK_ROOT`` of every environment; and
a function's layers merged in order, once per list of layers: its ``/opt``."""

from __future__ import annotations

import io
import os
import shutil
import threading
import zipfile
from pathlib import Path, PurePosixPath


class CodeStore:
    """Unpacks zips into ``<root>/<first 12 hex digits of sha256>/`` and hands out the folder; thread-safe."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def unpack(self, digest: str, zip_bytes: bytes) -> Path:
        """The folder holding this package's files (unpacked on first use), named by the digest's first 12 digits."""
        return self._folder(digest[:12], [zip_bytes])

    def merge_layers(self, layers: list[tuple[str, bytes]]) -> Path:
        """One folder with these layers' files extracted in order, later layers overwriting earlier files, as
        Lambda does into /opt. ``layers`` is [(code digest, zip bytes)]; the folder is shared by every environment
        of every function with the same layers (on AWS /opt is read-only, so sharing it changes nothing)."""
        import hashlib

        key = "opt-" + hashlib.sha256("|".join(digest for digest, _ in layers).encode()).hexdigest()[:12]
        return self._folder(key, [zip_bytes for _, zip_bytes in layers])

    def _folder(self, name: str, zips: list[bytes]) -> Path:
        """``<root>/<name>``, made once: the zips extracted in order into a staging folder, then renamed."""
        target = self.root / name
        if target.is_dir():
            return target
        with self._lock:
            if target.is_dir():
                return target
            staging = self.root / f".{name}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            for zip_bytes in zips:
                with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
                    for entry in archive.infolist():
                        _extract_safely(archive, entry, staging)
            os.replace(staging, target)
        return target


def _extract_safely(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, root: Path) -> None:
    """Extract one member, refusing paths that would escape the folder; keep the executable bit (bootstrap)."""
    parts = PurePosixPath(entry.filename.replace("\\", "/")).parts
    if not parts or parts[0] in ("/", "..") or ".." in parts:
        return
    destination = root.joinpath(*parts)
    if entry.is_dir():
        destination.mkdir(parents=True, exist_ok=True)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():  # a later layer's file replaces an earlier one's
        os.chmod(destination, 0o600)
    with archive.open(entry) as source, open(destination, "wb") as target:
        shutil.copyfileobj(source, target)
    mode = (entry.external_attr >> 16) & 0o777
    if mode:
        os.chmod(destination, mode | 0o400)
