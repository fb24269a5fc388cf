"""Deployment packages unpacked on disk, once per code digest: the ``LAMBDA_TASK_ROOT`` of every environment; and
a function's layers merged in order, once per list of layers: its ``/opt``."""

from __future__ import annotations

import io
import os
import shutil
import stat
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
            try:
                for zip_bytes in zips:
                    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
                        for entry in archive.infolist():
                            _extract_safely(archive, entry, staging)
                os.replace(staging, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return target


def _extract_safely(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, root: Path) -> None:
    """Extract one member as unzip does on AWS: files keep their executable bit (a bootstrap), symbolic links stay
    links (``zip --symlinks``, as shared libraries are packaged), and a file under a linked folder lands in the
    folder the link names. Nothing may land outside the package: such members (``../x``, a link to ``/etc``, a
    path through a file) are left out."""
    parts = PurePosixPath(entry.filename.replace("\\", "/")).parts
    if not parts or parts[0] in ("/", "..") or ".." in parts:
        return
    destination = root.joinpath(*parts)
    try:
        if entry.is_dir():
            if _inside(destination, root):
                destination.mkdir(parents=True, exist_ok=True)
            return
        if not _inside(destination.parent, root):
            return
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination = Path(os.path.realpath(destination.parent)) / destination.name
        if destination.is_symlink():  # a later layer's file or link replaces an earlier one's
            destination.unlink()
        elif destination.is_dir():
            return
        elif destination.exists():
            os.chmod(destination, 0o600)
            destination.unlink()
        mode = (entry.external_attr >> 16) & 0o170777
        if stat.S_ISLNK(mode):
            _link(archive.read(entry).decode("utf-8", "replace"), destination, root)
            return
        with archive.open(entry) as source, open(destination, "wb") as target:
            shutil.copyfileobj(source, target)
        if mode & 0o777:
            os.chmod(destination, (mode & 0o777) | 0o400)
    except OSError:  # a path through a file, a name this system refuses: left out, as above
        return


def _link(target: str, destination: Path, root: Path) -> None:
    """A relative symbolic link whose target stays in the package; any other is left out."""
    if os.path.isabs(target) or not _inside(destination.parent / target, root):
        return
    try:
        os.symlink(target, destination)
    except OSError:  # a system without symbolic links (Windows without the privilege)
        pass


def _inside(path: Path, root: Path) -> bool:
    """Is ``path``, with every link in it followed, inside ``root``?"""
    real_root = os.path.realpath(root)
    return os.path.realpath(path).startswith(real_root + os.sep) or os.path.realpath(path) == real_root
