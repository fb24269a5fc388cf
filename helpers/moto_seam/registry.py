"""The registry of every moto callable the workbook replaces, and of the originals, so they can be put back.

A hook is a plain function whose first parameter is the ``Seam`` (the collaborators the composition root hands
over); moto calls it with its own arguments. ``install(seam)`` binds every hook to that seam and puts it in moto's
place; ``uninstall()`` restores what was there.

    @REGISTRY.method(LambdaBackend, "delete_function")
    def delete_function(seam, backend, function_name, qualifier=None): ...
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Key = tuple[Any, str]  # (class or module, attribute name)
_ABSENT = object()  # what moto had where the workbook adds an operation moto lacks


@dataclass(frozen=True)
class Patch:
    """One replaced callable: where it lives in moto, the hook, and how moto calls it."""

    owner: Any
    name: str
    hook: Callable[..., Any]
    kind: str  # "method" (called on an instance), "property", "static" (a staticmethod) or "function" (a module's)

    @property
    def key(self) -> Key:
        return (self.owner, self.name)

    @property
    def label(self) -> str:
        return f"{getattr(self.owner, '__name__', self.owner)}.{self.name}"


class PatchRegistry:
    """Every patch, declared once at import; installed for one seam at a time."""

    def __init__(self) -> None:
        self._patches: dict[Key, Patch] = {}
        self._saved: dict[Key, Any] = {}  # the raw attribute that was there (a staticmethod stays one)
        self._routes: list[tuple[dict[str, Any], str, Any]] = []
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ declaring

    def method(self, owner: Any, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare a hook for ``owner.name``, a method moto calls on an instance (the hook gets seam, self, ...); a
        name moto does not have adds an operation (an API moto lacks), removed again by ``uninstall``."""
        return self._declare(owner, name, "method")

    def static(self, owner: Any, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare a hook for a staticmethod ``owner.name`` (the hook gets seam, then moto's arguments)."""
        return self._declare(owner, name, "static")

    def getter(self, owner: Any, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare a hook for a read-only property ``owner.name`` (the hook gets seam, self)."""
        return self._declare(owner, name, "property")

    def function(self, module: Any, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare a hook for a module-level function (the hook gets seam, then moto's arguments)."""
        return self._declare(module, name, "function")

    def _declare(self, owner: Any, name: str, kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(hook: Callable[..., Any]) -> Callable[..., Any]:
            patch = Patch(owner, name, hook, kind)
            if patch.key in self._patches:
                raise ValueError(f"{patch.label} is patched twice")
            self._patches[patch.key] = patch
            return hook
        return register

    @property
    def patches(self) -> tuple[Patch, ...]:
        return tuple(self._patches.values())

    # ------------------------------------------------------------------ installing

    def route(self, url_paths: dict[str, Any], pattern: str, handler: Any) -> None:
        """Declare a URL moto's server should send to ``handler`` (an operation moto lacks), added at install."""
        self._routes.append((url_paths, pattern, handler))

    def install(self, seam: Any) -> None:
        """Put every hook, bound to ``seam``, in moto's place (a new seam replaces the previous one)."""
        with self._lock:
            for patch in self._patches.values():
                if patch.key not in self._saved:
                    self._saved[patch.key] = inspect.getattr_static(patch.owner, patch.name, _ABSENT)
                setattr(patch.owner, patch.name, _bind(patch, seam))
            for url_paths, pattern, handler in self._routes:
                url_paths.setdefault(pattern, handler)

    def uninstall(self) -> None:
        """Give moto its own callables back (and take away what it did not have)."""
        with self._lock:
            for (owner, name), raw in self._saved.items():
                if raw is _ABSENT:
                    delattr(owner, name)
                else:
                    setattr(owner, name, raw)
            self._saved.clear()
            for url_paths, pattern, _ in self._routes:
                url_paths.pop(pattern, None)

    @property
    def installed(self) -> bool:
        return bool(self._saved)

    def original_attribute(self, owner: Any, name: str) -> Any:
        """What moto's class or module held before the seam was installed (a property stays a property)."""
        raw = self._saved.get((owner, name)) or inspect.getattr_static(owner, name, _ABSENT)
        if raw is _ABSENT:
            raise AttributeError(f"moto has no {getattr(owner, '__name__', owner)}.{name}: the workbook adds it")
        return raw

    def original(self, owner: Any, name: str) -> Callable[..., Any]:
        """moto's own callable (a function: call it with ``self`` first for a method or a property)."""
        raw = self.original_attribute(owner, name)
        if isinstance(raw, staticmethod):
            return raw.__func__
        return raw.fget if isinstance(raw, property) else raw


def _bind(patch: Patch, seam: Any) -> Any:
    hook = patch.hook

    if patch.kind == "method":
        @functools.wraps(hook)
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return hook(seam, self, *args, **kwargs)
        return method
    if patch.kind == "property":
        return property(functools.wraps(hook)(lambda self: hook(seam, self)))

    @functools.wraps(hook)
    def plain(*args: Any, **kwargs: Any) -> Any:
        return hook(seam, *args, **kwargs)
    return staticmethod(plain) if patch.kind == "static" else plain


REGISTRY = PatchRegistry()
