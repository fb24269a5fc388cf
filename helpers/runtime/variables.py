"""The environment variables of an execution environment: Lambda's reserved ones, then the function's own.

As AWS documents them ("Defined runtime environment variables"), plus what boto3 in a handler needs to reach the
local AWS (its endpoint, fake credentials, no config files) and nothing else from this machine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from . import os_process
from .spec import SNAP_START, FunctionSpec

#: What an environment inherits from the engine's process: what an interpreter needs to start, nothing else.
INHERITED = ("PATH", "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "HOME", "USERPROFILE", "LD_LIBRARY_PATH",
             "DYLD_LIBRARY_PATH", "VIRTUAL_ENV", "PYENV_VERSION", "LC_ALL")


def environment_variables(spec: FunctionSpec, *, log_stream_name: str, runtime_api: str, endpoint_url: str,
                          tmp_dir: Path, runtime_dir: Path, initialization_type: str,
                          credentials: Mapping[str, str]) -> dict[str, str]:
    """Every variable the runtime process starts with. A SnapStart environment has no log group and log stream
    variables (AWS's docs: they are not available with SnapStart)."""
    env = {key: os.environ[key] for key in INHERITED if key in os.environ}
    env.update({
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_INITIALIZATION_TYPE": initialization_type,
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group_name,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name,
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "_AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1",
        "_AWS_XRAY_DAEMON_PORT": "2000",
        "_HANDLER": spec.handler,
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "LAMBDA_RUNTIME_DIR": str(runtime_dir),
        "LANG": "en_US.UTF-8",
        # What boto3 in the handler needs to reach the local AWS, and nothing else:
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "TMPDIR": str(tmp_dir),
        "TEMP": str(tmp_dir),
        "TMP": str(tmp_dir),
    })
    if initialization_type == SNAP_START:
        del env["AWS_LAMBDA_LOG_GROUP_NAME"], env["AWS_LAMBDA_LOG_STREAM_NAME"]
    env.update(os_process.platform_variables())
    env.update(credentials)
    # As AWS: layers' bin/ at the end of PATH; the task root, its lib/ and the layers' lib/ on the library path
    library_path = [str(spec.code_dir), str(spec.code_dir / "lib")]
    if spec.opt_dir is not None:
        env["PATH"] = env.get("PATH", "") + os.pathsep + str(spec.opt_dir / "bin")
        library_path.append(str(spec.opt_dir / "lib"))
    env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [env.get("LD_LIBRARY_PATH", ""), *library_path]))
    env.update(spec.variables)
    return env
