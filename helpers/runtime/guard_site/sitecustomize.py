"""Guards every Python program an execution environment starts (see helpers/guard_proxy.py).

An environment's ``PYTHONPATH`` names this folder, so every Python interpreter started in it (the runtime client,
and any ``python`` a handler runs, with its children) imports this module at startup. It installs the workbook's
safety guard (helpers/guard.py) and takes this folder off ``sys.path`` again, so the program sees the path it would
have had without it. Standard library only; it runs before anything else in the interpreter.
"""

import os
import sys

GUARD_MODULE = "_lambda_workbook_guard"  # the name helpers/runtime/client.py loads the guard under, too


def _install_guard():
    here = os.path.dirname(os.path.abspath(__file__))
    module = sys.modules.get(GUARD_MODULE)
    if module is None:
        import importlib.util

        path = os.path.join(os.path.dirname(os.path.dirname(here)), "guard.py")
        spec = importlib.util.spec_from_file_location(GUARD_MODULE, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[GUARD_MODULE] = module
        spec.loader.exec_module(module)
    module.install()
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]


_install_guard()
del _install_guard
