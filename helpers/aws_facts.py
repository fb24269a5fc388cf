"""Every AWS figure the workbook uses, in one place, with the date it was checked.

Sources: ``../shared/reference/lambda-facts.md`` (quotas §1, CPU §2, prices §3, lifecycle §4, invocation and retries
§5-§6) and AWS's Lambda documentation, as read on the dates below. Where a figure is the workbook's own choice
rather than AWS's, it says so. The Node.js runtime client (``runtime/node_client.mjs``) and the Python runtime
client (``runtime/client.py``) cannot import this module; their copies of ``MB_PER_VCPU`` are checked against it by
``tests/unit/test_aws_facts.py``.
"""

from __future__ import annotations

CHECKED = "2026-11"  # when these figures were last compared with AWS's documentation

# ---------------------------------------------------------------------------------------------- function settings
MEMORY_MIN_MB, MEMORY_MAX_MB = 128, 10_240
DEFAULT_MEMORY_MB = 128
TIMEOUT_MIN_S, TIMEOUT_MAX_S = 1, 900
DEFAULT_TIMEOUT_S = 3
ENVIRONMENT_MAX_BYTES = 4 * 1024
UNZIPPED_MAX_BYTES = 262_144_000  # 250 MB: function code plus layers
HANDLER_MAX_LENGTH = 128
LAYERS_MAX = 5
FUNCTION_NAME_MAX_LENGTH = 64  # a plain name; a full ARN may be up to 140 characters
FUNCTION_ARN_MAX_LENGTH = 140

# ---------------------------------------------------------------------------------------------- CPU (§2)
MB_PER_VCPU = 1769  # 1,769 MB of memory buys the equivalent of one vCPU
MAX_VCPUS = 6  # at 10,240 MB

# ---------------------------------------------------------------------------------------------- lifecycle (§4)
INIT_LIMIT_S = 10.0  # on-demand init phase; past it the init is retried in the invoke phase
PROVISIONED_INIT_LIMIT_S = 900.0  # provisioned concurrency and SnapStart: init may run up to 15 minutes
SNAPSTART_INIT_LIMIT_S = 130.0  # SnapStart's init (with before-snapshot hooks): 130 s or the timeout, the higher
RESTORE_LIMIT_S = 10.0  # SnapStart's restore: load the runtime and run after-restore hooks within 10 s
IDLE_RECLAIM_S = 600.0  # the workbook's choice: AWS does not publish it (observed 5 to 60 minutes)

# ---------------------------------------------------------------------------------------------- invoke (§5)
SYNC_PAYLOAD_MAX_BYTES = 6 * 1024 * 1024  # 6,291,456
ASYNC_PAYLOAD_MAX_BYTES = 1024 * 1024  # 1 MB since October 2025
RESPONSE_MAX_BYTES = 6_291_556  # the figure AWS's own Function.ResponseSizeTooLarge message names
LOG_TAIL_BYTES = 4096  # LogType=Tail returns the last 4 KB

# ---------------------------------------------------------------------------------------------- asynchronous retries (§5)
ASYNC_RETRY_DELAYS_S = (60.0, 120.0)  # about one minute before the 2nd attempt, two before the 3rd
ASYNC_DEFAULT_MAX_RETRIES = 2
ASYNC_DEFAULT_MAX_EVENT_AGE_S = 21_600  # 6 hours

# ---------------------------------------------------------------------------------------------- event source mappings (§5)
SQS_DEFAULT_BATCH_SIZE = 10
SQS_MAX_BATCH_WITHOUT_WINDOW = 10
SQS_DEFAULT_POLLERS = 5  # Lambda starts with five pollers per queue
STREAM_DEFAULT_BATCH_SIZE = 100
