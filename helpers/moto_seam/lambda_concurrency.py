"""Lambda's concurrency settings, in moto: reservations checked against the account's quota, and the account's
settings answered from real state.

* ``LambdaBackend.put_function_concurrency``: a whole number from 0, leaving the account its minimum unreserved
  (``lambda_service/concurrency.py`` states the rule), with AWS's errors; moto stored anything.
* ``GetAccountSettings`` (moto has no such operation: a route and a ``LambdaResponse`` method are added):
  ``AccountLimit`` (the quota, what reservations leave unreserved, code-size limits) and ``AccountUsage``.
"""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda import urls
from moto.awslambda.models import LambdaBackend
from moto.awslambda.responses import LambdaResponse

from helpers import arns, aws_facts
from helpers.lambda_service.errors import ValidationException

from .parts import Seam
from .registry import REGISTRY

REGISTRY.route(urls.url_paths, r"{0}/(?P<api_version>[^/]+)/account-settings/?$", LambdaResponse.dispatch)


@REGISTRY.method(LambdaBackend, "put_function_concurrency")
def put_function_concurrency(seam: Seam, backend: LambdaBackend, function_name: str, reserved_concurrency: Any) -> Any:
    try:
        reserved = int(reserved_concurrency)
    except (TypeError, ValueError):
        reserved = None
    if reserved is None or str(reserved) != str(reserved_concurrency).strip() or reserved < 0:
        raise ValidationException(
            f"1 validation error detected: Value '{reserved_concurrency}' at 'reservedConcurrentExecutions' failed to "
            "satisfy constraint: Member must have value greater than or equal to 0")
    function_arn = arns.unqualified(backend.get_function(function_name).function_arn)
    seam.concurrency.check_reservation(backend.account_id, backend.region_name, function_arn, reserved)
    return seam.original(LambdaBackend, "put_function_concurrency")(backend, function_name, reserved)


@REGISTRY.method(LambdaResponse, "get_account_settings")
def get_account_settings(seam: Seam, response: LambdaResponse) -> tuple[int, dict[str, str], str]:
    account_id, region = response.current_account, response.region
    stored, functions = seam.state.account_usage(account_id, region)
    settings = {
        "AccountLimit": {"TotalCodeSize": aws_facts.CODE_STORAGE_BYTES,
                         "CodeSizeUnzipped": aws_facts.UNZIPPED_MAX_BYTES,
                         "CodeSizeZipped": aws_facts.ZIPPED_UPLOAD_MAX_BYTES,
                         "ConcurrentExecutions": seam.concurrency.account_limit,
                         "UnreservedConcurrentExecutions": seam.concurrency.unreserved_limit(account_id, region)},
        "AccountUsage": {"TotalCodeSize": stored, "FunctionCount": functions},
    }
    return 200, {"content-type": "application/json"}, json.dumps(settings)
