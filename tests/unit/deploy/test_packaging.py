"""Deployment packages (helpers/deploy/packaging.py): reproducible zips of handlers/ modules, folders and files."""

from __future__ import annotations

import io
import zipfile

import pytest

from helpers.deploy.packaging import HANDLERS_DIR, package_handler, zip_files


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def modes(data: bytes) -> dict[str, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: (info.external_attr >> 16) & 0o777 for info in archive.infolist()}


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch):
    """Run from an unrelated folder, so a name is found in handlers/ and not relative to the current folder."""
    monkeypatch.chdir(tmp_path)


def test_handler_module_is_at_the_zip_root():
    assert entries(package_handler("hello")) == {"hello.py": (HANDLERS_DIR / "hello.py").read_bytes()}


def test_same_input_gives_identical_bytes():
    assert package_handler("hello") == package_handler("hello")


def test_entries_have_a_fixed_timestamp_and_sorted_order():
    data = zip_files({"b.py": "b", "a.py": "a", "lib/c.py": "c"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == ["a.py", "b.py", "lib/c.py"]
    assert {info.date_time for info in infos} == {(2020, 1, 1, 0, 0, 0)}


def test_folder_is_zipped_recursively_without_bytecode(tmp_path):
    source = tmp_path / "fn"
    for relative, content in {"app.py": b"app", "lib/util.py": b"util", "lib/deep/more.txt": b"more",
                              "__pycache__/app.cpython-311.pyc": b"pyc", "lib/__pycache__/util.cpython-311.pyc": b"pyc",
                              "stray.pyc": b"pyc"}.items():
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        (source / relative).write_bytes(content)
    assert entries(package_handler(str(source))) == {"app.py": b"app", "lib/util.py": b"util",
                                                     "lib/deep/more.txt": b"more"}


def test_single_file_path_is_zipped_under_its_name(tmp_path):
    (tmp_path / "mine.py").write_text("def handler(event, context):\n    return 1\n")
    assert list(entries(package_handler(str(tmp_path / "mine.py")))) == ["mine.py"]


def test_extra_files_are_added():
    data = package_handler("hello", extra_files={"config.json": '{"stage": "dev"}', "data/blob.bin": b"\x00\x01"})
    assert entries(data) == {"config.json": b'{"stage": "dev"}', "data/blob.bin": b"\x00\x01",
                             "hello.py": (HANDLERS_DIR / "hello.py").read_bytes()}


def test_extra_text_is_utf8():
    assert entries(package_handler("hello", extra_files={"note.txt": "é"}))["note.txt"] == "é".encode()


def test_zip_files_marks_executables_755_and_the_rest_644():
    data = zip_files({"bootstrap": "#!/bin/sh\n", "handler.sh": "echo hi\n"}, executable=("bootstrap",))
    assert modes(data) == {"bootstrap": 0o755, "handler.sh": 0o644}


def test_unknown_name_raises_file_not_found():
    with pytest.raises(FileNotFoundError, match="no_such_handler_xyz"):
        package_handler("no_such_handler_xyz")


def test_libraries_are_added_as_pip_install_t_would():
    data = entries(package_handler("hello", libraries=["aws-lambda-powertools"]))
    assert "hello.py" in data
    assert "aws_lambda_powertools/__init__.py" in data
    assert any(name.startswith("aws_lambda_powertools-") and name.endswith(".dist-info/METADATA") for name in data)
    assert not [name for name in data if "__pycache__" in name or name.endswith(".pyc") or name.startswith("..")]


def test_a_library_that_is_not_installed_says_how_to_get_it():
    with pytest.raises(FileNotFoundError, match="pip install no-such-distribution"):
        package_handler("hello", libraries=["no-such-distribution"])


def test_a_layer_puts_libraries_and_what_they_require_under_python():
    from helpers.deploy.packaging import package_layer, with_dependencies

    assert with_dependencies(["requests"])[:1] == ["requests"]
    assert {"idna", "certifi"} <= {name.lower() for name in with_dependencies(["requests"])}
    data = entries(package_layer(libraries=["requests"], files={"bin/tool": "#!/bin/sh\n"}))
    assert "python/requests/__init__.py" in data and "python/idna/__init__.py" in data
    assert modes(package_layer(files={"bin/tool": "#!/bin/sh\n", "python/m.py": ""})) == {"bin/tool": 0o755,
                                                                                           "python/m.py": 0o644}


def test_a_layer_from_a_folder_keeps_its_layout_and_executables(tmp_path):
    from helpers.deploy.packaging import package_layer

    (tmp_path / "layer" / "python").mkdir(parents=True)
    (tmp_path / "layer" / "python" / "shared.py").write_text("X = 1\n")
    (tmp_path / "layer" / "bootstrap").write_text("#!/bin/sh\n")
    (tmp_path / "layer" / "bootstrap").chmod(0o755)
    assert modes(package_layer(tmp_path / "layer")) == {"bootstrap": 0o755, "python/shared.py": 0o644}
    with pytest.raises(FileNotFoundError):
        package_layer(tmp_path / "nowhere")


def test_a_layer_from_a_local_wheel(tmp_path):
    from helpers.deploy.packaging import package_layer

    wheel = tmp_path / "tinylib-1.0-py3-none-any.whl"
    wheel.write_bytes(zip_files({"tinylib/__init__.py": "X = 1\n", "tinylib-1.0.dist-info/METADATA": "Name: tinylib\n",
                                 "tinylib-1.0.data/scripts/tool": "#!/bin/sh\n"}))
    assert set(entries(package_layer(wheels=[wheel]))) == {"python/tinylib/__init__.py",
                                                          "python/tinylib-1.0.dist-info/METADATA"}
    with pytest.raises(FileNotFoundError, match="pip download"):
        package_layer(wheels=[tmp_path / "missing.whl"])
