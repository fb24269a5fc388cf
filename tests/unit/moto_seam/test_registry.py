"""helpers/moto_seam/registry.py: hooks bound to a seam, put in place and taken back exactly."""

from __future__ import annotations

import inspect
import types

import pytest

from helpers.moto_seam.registry import PatchRegistry


class Owner:
    def method(self, value):
        return f"moto {value}"

    @staticmethod
    def static(value):
        return f"static {value}"

    @property
    def size(self):
        return 1


module = types.ModuleType("fake_moto_module")
module.function = lambda value: f"function {value}"


@pytest.fixture
def registry():
    made = PatchRegistry()

    @made.method(Owner, "method")
    def method(seam, owner, value):
        return f"{seam} saw {value}, moto says {seam_original(made, 'method')(owner, value)}"

    @made.static(Owner, "static")
    def static(seam, value):
        return f"{seam} static {value}"

    @made.getter(Owner, "size")
    def size(seam, owner):
        return 2

    @made.function(module, "function")
    def function(seam, value):
        return f"{seam} function {value}"

    yield made
    made.uninstall()


def seam_original(registry, name):
    return registry.original(Owner, name)


def test_hooks_get_the_seam_and_moto_arguments(registry):
    registry.install("seam-1")
    assert Owner().method(3) == "seam-1 saw 3, moto says moto 3"
    assert Owner.static(4) == "seam-1 static 4" and Owner().static(4) == "seam-1 static 4"
    assert Owner().size == 2
    assert module.function(5) == "seam-1 function 5"


def test_a_new_seam_replaces_the_old_one(registry):
    registry.install("seam-1")
    registry.install("seam-2")
    assert module.function(1) == "seam-2 function 1"


def test_uninstall_restores_the_very_objects_moto_had(registry):
    before = {name: inspect.getattr_static(Owner, name) for name in ("method", "static", "size")}
    original_function = module.function
    registry.install("seam")
    registry.uninstall()
    assert {name: inspect.getattr_static(Owner, name) for name in before} == before
    assert isinstance(inspect.getattr_static(Owner, "static"), staticmethod)
    assert module.function is original_function
    assert not registry.installed


def test_originals_are_callable_as_moto_defines_them(registry):
    registry.install("seam")
    assert registry.original(Owner, "static")(1) == "static 1"
    assert registry.original(Owner, "size")(Owner()) == 1
    assert registry.original(module, "function")(1) == "function 1"


def test_a_callable_is_patched_once():
    made = PatchRegistry()
    made.method(Owner, "method")(lambda seam, owner, value: None)
    with pytest.raises(ValueError, match="patched twice"):
        made.method(Owner, "method")(lambda seam, owner, value: None)
