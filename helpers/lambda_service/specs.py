"""From a function version to what its execution environments run: its code unpacked, its layers merged.

The ``fingerprint`` changes whenever anything an environment was started with changes (code, handler, runtime,
memory, timeout, variables, layers), so the engine can retire environments that run an older configuration.
"""

from __future__ import annotations

import hashlib
import json

from helpers.runtime.spec import FunctionSpec

from .code_store import CodeStore
from .functions import FunctionVersion
from .ports import FunctionDirectory


class SpecBuilder:
    """Turns function versions into environment specs, unpacking code and layers once each (``CodeStore``)."""

    def __init__(self, code: CodeStore, directory: FunctionDirectory) -> None:
        self._code = code
        self._directory = directory
        self._last: dict[tuple[str, str], tuple[tuple, FunctionSpec]] = {}  # per version: the last spec built

    def __call__(self, function: FunctionVersion) -> FunctionSpec:
        """The spec of this version; the same object while nothing an environment starts with has changed."""
        key = (function.function_arn, function.version)
        identity = (function.code_digest, function.handler, function.runtime, function.memory_mb, function.timeout_s,
                    tuple(sorted(function.variables.items())), function.layer_arns, function.snap_start)
        last = self._last.get(key)
        if last is not None and last[0] == identity and last[1].code_dir.is_dir():
            return last[1]
        spec = self._build(function)
        self._last[key] = (identity, spec)
        return spec

    def _build(self, function: FunctionVersion) -> FunctionSpec:
        code_dir = self._code.unpack(function.code_digest, function.code)
        opt_dir = None
        if function.layer_arns:  # merged in order into one folder, the function's /opt
            opt_dir = self._code.merge_layers(self._directory.layer_zips(
                function.layer_arns, account_id=function.account_id, region=function.region))
        identity = json.dumps([function.code_digest, function.handler, function.runtime, function.memory_mb,
                               function.timeout_s, dict(function.variables), list(function.layer_arns)],
                              sort_keys=True, default=str)
        return FunctionSpec(**function.settings(), code_dir=code_dir, opt_dir=opt_dir,
                            fingerprint=hashlib.sha256(identity.encode()).hexdigest(), snap_start=function.snap_start)
