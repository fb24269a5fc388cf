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

# ---------------------------------------------------------------------------------------------- concurrency (§1, §6)
ACCOUNT_CONCURRENCY = 1000  # per Region, by default; new accounts start lower
MIN_UNRESERVED = 100  # what reservations must leave to functions without one
# A throttle's Reason in Lambda's 429 body (reserved concurrency full; the account's unreserved pool full; the
# function's scaling rate spent)
THROTTLE_RESERVED = "ReservedFunctionConcurrentInvocationLimitExceeded"
THROTTLE_ACCOUNT = "ConcurrentInvocationLimitExceeded"
THROTTLE_SCALING = "FunctionInvocationRateLimitExceeded"


def minimum_unreserved(account_concurrency: int) -> int:
    """What reservations must leave unreserved: AWS's 100 of 1,000, or (the workbook's rule for a lesson's smaller
    quota) a tenth of it, rounded up."""
    return min(MIN_UNRESERVED, -(-account_concurrency // 10))

SCALING_RATE_ENVIRONMENTS = 1000  # new execution environments per function ...
SCALING_RATE_WINDOW_S = 10.0  # ... every 10 seconds, refilled continuously
CODE_STORAGE_BYTES = 300 * 1024 ** 3  # 300 GB per Region (was 75 GB)
ZIPPED_UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # 50 MB through the API

# ---------------------------------------------------------------------------------------------- CPU (§2)
MB_PER_VCPU = 1769  # 1,769 MB of memory buys the equivalent of one vCPU
MAX_VCPUS = 6  # at 10,240 MB

# ---------------------------------------------------------------------------------------------- lifecycle (§4)
INIT_LIMIT_S = 10.0  # on-demand init phase; past it the init is retried in the invoke phase
PROVISIONED_ALLOCATION_DELAY_S = 60.0  # a config's environments are started after "a minute or two"
PROVISIONED_INIT_LIMIT_S = 900.0  # provisioned concurrency and SnapStart: init may run up to 15 minutes
SNAPSTART_INIT_LIMIT_S = 130.0  # SnapStart's init (with before-snapshot hooks): 130 s or the timeout, the higher
RESTORE_LIMIT_S = 10.0  # SnapStart's restore: load the runtime and run after-restore hooks within 10 s
IDLE_RECLAIM_S = 600.0  # the workbook's choice: AWS does not publish it (observed 5 to 60 minutes)

# ---------------------------------------------------------------------------------------------- invoke (§5)
SYNC_PAYLOAD_MAX_BYTES = 6 * 1024 * 1024  # 6,291,456
ASYNC_PAYLOAD_MAX_BYTES = 1024 * 1024  # 1 MB since October 2025
RESPONSE_MAX_BYTES = 6_291_556  # the figure AWS's own Function.ResponseSizeTooLarge message names
LOG_TAIL_BYTES = 4096  # LogType=Tail returns the last 4 KB

# ------------------------------------------------------------------------------------------- asynchronous retries (§5)
ASYNC_RETRY_DELAYS_S = (60.0, 120.0)  # about one minute before the 2nd attempt, two before the 3rd
ASYNC_DEFAULT_MAX_RETRIES = 2
ASYNC_DEFAULT_MAX_EVENT_AGE_S = 21_600  # 6 hours
ASYNC_THROTTLE_BACKOFF_S = (1.0, 300.0)  # a throttled event is tried again after 1 s, doubling up to 5 minutes

# ------------------------------------------------------------------------------------------ event source mappings (§5)
SQS_DEFAULT_BATCH_SIZE = 10
SQS_MAX_BATCH_WITHOUT_WINDOW = 10
SQS_DEFAULT_POLLERS = 5  # Lambda starts with five pollers per queue
STREAM_DEFAULT_BATCH_SIZE = 100

# ---------------------------------------------------------------------------------------------- prices (§3)
# us-east-1, USD, as read on lambda-facts §3 [PRICE][PL] (AWS's pricing page and its Price List offer file) on the
# CHECKED date. Architectures are named as the Lambda API names them ("x86_64", "arm64").
PRICE_PER_REQUEST = 0.20 / 1_000_000  # $0.20 per million requests, both architectures
#: on-demand duration, $ per GB-second, tiered by the account's monthly GB-s per Region and architecture:
#: (GB-s up to which the tier runs, counted from the month's first, price); the last tier has no end
DURATION_TIERS = {
    "x86_64": ((6e9, 0.0000166667), (15e9, 0.000015), (float("inf"), 0.0000133334)),
    "arm64": ((7.5e9, 0.0000133334), (18.75e9, 0.0000120001), (float("inf"), 0.0000106667)),
}
INIT_BILLED_SINCE = "2025-08-01"  # INIT billed for on-demand zip functions on managed runtimes from this day
PROVISIONED_PRICE_GB_S = {"x86_64": 0.0000041667, "arm64": 0.0000033334}  # while enabled
PROVISIONED_DURATION_PRICE_GB_S = {"x86_64": 0.0000097222, "arm64": 0.0000077778}  # invocations it serves
PROVISIONED_BILLING_STEP_S = 300  # enabled time is rounded up to 5 minutes
FREE_TIER_REQUESTS = 1_000_000  # a month, x86 and Arm together; not for functions with provisioned concurrency
FREE_TIER_GB_S = 400_000
EPHEMERAL_FREE_MB = 512  # /tmp up to 512 MB is included
EPHEMERAL_PRICE_GB_S = 0.0000000309  # per GB-s of /tmp above 512 MB
SNAPSTART_CACHE_PRICE_GB_S = 0.0000015046  # Python and .NET (Java's is free): per GB-s of the cached snapshot
SNAPSTART_CACHE_MINIMUM_S = 3 * 3600  # 3 hours per published version, then per millisecond
SNAPSTART_RESTORE_PRICE_GB = 0.0001397998  # per GB of memory restored

# ---------------------------------------------------------------------------------------------- servers to compare with
# us-east-1, on-demand, Linux, USD per hour. Not AWS's pages: third-party transcriptions of AWS's Price List
# (round2-facts §4 [EC2P], "queried 2026-09-16"; [FG], Vantage and two 2026-03/04 write-ups). The seeds give none.
SERVER_PRICES_CHECKED = {"EC2": "2026-09-16", "Fargate": "2026-03"}
EC2_HOURLY = {"t4g.small": 0.0168, "t3.small": 0.0208, "m7g.medium": 0.0408}  # 2 vCPU/2 GiB, 2/2, 1/4
EC2_SPECS = {"t4g.small": (2, 2.0), "t3.small": (2, 2.0), "m7g.medium": (1, 4.0)}  # vCPUs, GiB
FARGATE_VCPU_HOURLY = {"x86_64": 0.04048, "arm64": 0.03238}
FARGATE_GB_HOURLY = {"x86_64": 0.004445, "arm64": 0.00356}
HOURS_PER_MONTH = 730  # AWS's pricing examples' month
