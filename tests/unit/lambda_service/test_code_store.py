"""Deployment packages unpacked on disk (helpers/lambda_service/code_store.py)."""

from __future__ import annotations

import io
import os
import stat
import sys
import zipfile

import pytest

from helpers.lambda_service.code_store import CodeStore


def a_zip(*entries: tuple[str, bytes, int]) -> bytes:
    """A zip of (name, content, unix mode) entries; mode 0 leaves the permission bits unset."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content, mode in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            archive.writestr(info, content)
    return buffer.getvalue()


@pytest.fixture
def store(tmp_path):
    return CodeStore(tmp_path / "store")


def test_unpacks_into_a_folder_named_by_the_digest(store):
    folder = store.unpack("d1", a_zip(("app.py", b"x = 1\n", 0o644), ("lib/util.py", b"y = 2\n", 0o644)))
    assert folder == store.root / "d1"
    assert (folder / "app.py").read_bytes() == b"x = 1\n"
    assert (folder / "lib" / "util.py").read_bytes() == b"y = 2\n"


def test_unpacks_once_per_digest(store):
    first = store.unpack("d1", a_zip(("app.py", b"x = 1\n", 0o644)))
    second = store.unpack("d1", b"not even a zip: the package is not read again")
    assert second == first
    assert (second / "app.py").read_bytes() == b"x = 1\n"


def test_leaves_no_staging_folder_behind(store):
    store.unpack("d1", a_zip(("app.py", b"x = 1\n", 0o644)))
    assert sorted(path.name for path in store.root.iterdir()) == ["d1"]


def test_different_digests_get_different_folders(store):
    one = store.unpack("d1", a_zip(("app.py", b"one\n", 0o644)))
    two = store.unpack("d2", a_zip(("app.py", b"two\n", 0o644)))
    assert one != two and (two / "app.py").read_bytes() == b"two\n"


@pytest.mark.parametrize("name", ["../evil.py", "../../evil.py", "lib/../../evil.py", "/evil.py"])
def test_refuses_paths_escaping_the_folder(tmp_path, store, name):
    folder = store.unpack("d1", a_zip((name, b"owned = True\n", 0o644), ("app.py", b"x = 1\n", 0o644)))
    assert (folder / "app.py").exists()
    written = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file())
    assert written == ["store/d1/app.py"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_keeps_the_executable_bit(store):
    folder = store.unpack("d1", a_zip(("bootstrap", b"#!/bin/sh\necho hi\n", 0o755), ("app.py", b"x = 1\n", 0o644)))
    assert stat.S_IMODE(os.stat(folder / "bootstrap").st_mode) == 0o755
    assert stat.S_IMODE(os.stat(folder / "app.py").st_mode) == 0o644
    assert os.access(folder / "bootstrap", os.X_OK)
    assert not os.access(folder / "app.py", os.X_OK)


LINK = stat.S_IFLNK | 0o777


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need a privilege on Windows")
def test_symbolic_links_stay_links_and_files_under_a_linked_folder_land_in_it(store):
    folder = store.unpack("links", a_zip(("real/x.txt", b"inside", 0o644), ("lib", b"real", LINK),
                                         ("lib/y.txt", b"through the link", 0o644),
                                         ("libx.so", b"real/x.txt", LINK)))
    assert (folder / "lib").is_symlink() and (folder / "lib" / "x.txt").read_text() == "inside"
    assert (folder / "real" / "y.txt").read_text() == "through the link"
    assert (folder / "libx.so").is_symlink() and (folder / "libx.so").read_text() == "inside"


def test_nothing_lands_outside_the_package_and_nothing_is_left_half_made(store, tmp_path):
    folder = store.unpack("escape", a_zip(("ok.py", b"x = 1", 0o644), ("passwd", b"/etc/passwd", LINK),
                                          ("up", b"../../outside", LINK), ("up/evil.txt", b"no", 0o644),
                                          ("ok.py/under-a-file.txt", b"no", 0o644)))
    assert sorted(path.name for path in folder.iterdir()) == ["ok.py", "up"]  # links out are left out
    assert not (folder / "up").is_symlink() and not (tmp_path / "outside").exists()
    assert not [path for path in store.root.iterdir() if path.name.endswith(".partial")]
