"""Guards every Python program an execution environment starts (see helpers/guard_proxy.py).

An environment's ``PYTHONPATH`` names this folder, so every Python interpreter started in it (the runtime client,
and any ``python`` a handler runs, with its children) imports this module at startup. It installs the workbook's
safety guard (helpers/guard.py), takes this folder off ``sys.path`` again, so the program sees the path it would
have had without it, and runs the sitecustomize it hides, if any. Standard library only; it runs before anything
else in the interpreter.
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


def _run_the_sitecustomize_this_one_hides():
    """The interpreter's own sitecustomize, if it has one (some Linux distributions do), still runs."""
    import importlib.machinery
    import importlib.util

    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_install_guard()
_run_the_sitecustomize_this_one_hides()
del _install_guard, _run_the_sitecustomize_this_one_hides
