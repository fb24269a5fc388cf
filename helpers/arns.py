"""ARNs, and Lambda's names for a function (a name, a partial ARN or a full ARN, each optionally with a version or
alias): one parser for every part of the workbook that reads them.

    >>> split_qualifier("arn:aws:lambda:us-east-1:123456789012:function:orders:prod")
    ('arn:aws:lambda:us-east-1:123456789012:function:orders', 'prod')
    >>> unqualified("orders:7")
    'orders'
"""

from __future__ import annotations


class QualifierMismatch(ValueError):
    """A name that carries a version or alias, and another qualifier given beside it."""


def split_qualifier(function_name: str, qualifier: str | None = None) -> tuple[str, str | None]:
    """Separate ``fn:alias``, ``123456789012:function:fn:1`` or a qualified ARN from its qualifier; an explicit
    ``qualifier`` must agree with the one in the name, as the Invoke API requires."""
    parts = function_name.split(":")
    if function_name.startswith("arn:"):
        base, derived = ":".join(parts[:7]), (parts[7] if len(parts) > 7 else None)
    elif len(parts) > 2 and parts[1] == "function":
        base, derived = ":".join(parts[:3]), (parts[3] if len(parts) > 3 else None)
    elif len(parts) > 1:
        base, derived = parts[0], parts[1]
    else:
        base, derived = function_name, None
    if derived is not None and qualifier is not None and derived != qualifier:
        raise QualifierMismatch("The derived qualifier from the function name does not match the specified qualifier.")
    return base, derived if derived is not None else qualifier


def unqualified(function_name: str) -> str:
    """The name or ARN without its version or alias."""
    return split_qualifier(function_name)[0]


def function_arn(region: str, account_id: str, name: str, qualifier: str | None = None) -> str:
    base = f"arn:aws:lambda:{region}:{account_id}:function:{name}"
    return f"{base}:{qualifier}" if qualifier else base


def parts_of(arn: str) -> list[str]:
    """``arn:partition:service:region:account:resource`` in its six parts; ValueError if it is not an ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"not an ARN (arn:aws:service:region:account:resource): {arn!r}")
    return parts


def region_of(arn: str) -> str:
    """The region of any ARN (``arn:aws:<service>:<region>:...``)."""
    return arn.split(":")[3]


def account_of(arn: str) -> str:
    return arn.split(":")[4]


def service_of(arn: str) -> str:
    return arn.split(":")[2]


def resource_of(arn: str) -> str:
    """What follows the account id (a queue's name, ``function:fn``, ``table/t/stream/...``)."""
    return arn.split(":", 5)[5]
