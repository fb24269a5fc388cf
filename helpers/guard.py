"""The safety guard: nothing any process of this workbook starts may leave the machine.

Where it runs: the notebook's kernel (and any process) from ``import helpers`` on, ``python -m helpers.local_cloud``,
every execution environment (the runtime client loads this file by path), and every Python program a handler starts
(``helpers/runtime/guard_site/sitecustomize.py``, put on their ``PYTHONPATH`` by ``helpers/guard_proxy.py``).

What it refuses, with a ``RealAWSBlockedError`` (a ``ConnectionRefusedError``) whose message starts with
"lambda-workbook safety guard":

* **botocore requests** (boto3, the AWS CLI in-process, any library): ``URLLib3Session.send`` is wrapped and refuses
  a request whose host may not be reached, whatever credentials or profiles are configured;
* **sockets**: ``socket.getaddrinfo``, ``gethostbyname`` and ``gethostbyname_ex`` refuse a host name that may not
  be reached *before* any DNS lookup (so does ``socket.create_connection``, which uses them), and
  ``socket.socket.connect``, ``connect_ex``, ``sendto`` and ``sendmsg`` refuse an IPv4/IPv6 address that may not be
  reached (urllib, http.client, urllib3, requests, asyncio and ssl all end there). Unix sockets and other address
  families are untouched.

What may be reached: this machine's loopback (``127.0.0.0/8``, ``::1``, ``localhost``), always: the local AWS, the
Runtime API and the HTTP front door live there. Nothing else, unless opted in with the environment variable
``LAMBDA_WORKBOOK_ALLOW_HOSTS``: comma-separated host names (each also allows its subdomains) or IP addresses, or
``*`` for any host that is not AWS's, e.g. ``LAMBDA_WORKBOOK_ALLOW_HOSTS=example.com,pypi.org``. It is read at each
check, so setting it in ``os.environ`` takes effect at once. AWS host names (``AWS_DOMAINS``: ``*.amazonaws.com``,
``*.api.aws``, ``aws.amazon.com`` ...) and the instance-metadata addresses are never reached, even if listed.

What it cannot stop: it lives inside each process, so it stops accidents, not a program that means to get out:
one that bypasses Python's ``socket`` module (``_socket``, ctypes, a C extension with its own sockets or resolver),
an interpreter started with ``-I``, ``-E`` or ``-S`` (no sitecustomize), or a non-Python program that ignores the
proxy variables an environment gets and opens its own sockets. Only operating-system sandboxing (a network
namespace, a firewall) would stop those.

This module uses the standard library only (and imports none of it eagerly but ``sys`` and ``os``): the runtime
client and the sitecustomize load it by file path in fresh interpreters, so it must cost next to nothing there.
"""

from __future__ import annotations

import os
import sys

GUARD_NAME = "lambda-workbook safety guard"
ALLOW_VARIABLE = "LAMBDA_WORKBOOK_ALLOW_HOSTS"
#: AWS's DNS domains: a host in one of them (or one of them) is never reached. helpers/runtime/node_guard.cjs
#: keeps the same list (a test checks that they agree).
AWS_DOMAINS = ("amazonaws.com", "amazonaws.com.cn", "amazonaws.eu", "amazonwebservices.com", "aws", "api.aws",
               "on.aws", "aws.amazon.com", "awsapps.com", "amazoncognito.com", "c2s.ic.gov", "sc2s.sgov.gov",
               "cloud.adc-e.uk", "csp.hci.ic.gov")
#: The instance-metadata and container-credentials addresses: where AWS hands out credentials. Never reached.
AWS_METADATA_ADDRESSES = ("169.254.169.254", "169.254.170.2", "169.254.170.23", "fd00:ec2::254", "fd00:ec2::23")
_MARK = "_workbook_guarded"

# Verdicts on a host
LOOPBACK, ALLOWED, AWS, NOT_ALLOWED = "loopback", "allowed", "aws", "not allowed"


class RealAWSBlockedError(ConnectionRefusedError):
    """Raised instead of reaching a host that is not on this machine."""


# --------------------------------------------------------------------------- deciding


def _normalise(host: str | bytes | None) -> str:
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    return (host or "").strip().strip("[]").rstrip(".").lower()


def _ip(host: str):
    """The IP address ``host`` spells (IPv6 zone ids dropped), or None for a name."""
    if not host or not (host[0].isdigit() or ":" in host):
        return None
    import ipaddress

    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def is_loopback_host(host: str | bytes | None) -> bool:
    """True for localhost and loopback addresses (IPv4 127.0.0.0/8 and IPv6 ::1, also IPv4-mapped)."""
    name = _normalise(host)
    if not name:
        return False
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = _ip(name)
    if address is None:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def is_aws_host(host: str | bytes | None) -> bool:
    """True for a host name in one of AWS's domains (``AWS_DOMAINS``) and for the instance-metadata addresses."""
    name = _normalise(host)
    address = _ip(name)
    if address is not None:
        import ipaddress

        address = getattr(address, "ipv4_mapped", None) or address
        return any(address == ipaddress.ip_address(metadata) for metadata in AWS_METADATA_ADDRESSES)
    return any(name == domain or name.endswith("." + domain) for domain in AWS_DOMAINS)


_parsed_allow: tuple[str, tuple[str, ...]] = ("", ())


def allowed_entries(value: str | None = None) -> tuple[str, ...]:
    """The opt-in list (``LAMBDA_WORKBOOK_ALLOW_HOSTS`` unless ``value`` is given), normalised: ``*`` stays ``*``;
    ``*.example.com`` and ``.example.com`` become ``example.com`` (which also allows its subdomains)."""
    global _parsed_allow
    if value is None:
        value = os.environ.get(ALLOW_VARIABLE, "")
    if _parsed_allow[0] == value:
        return _parsed_allow[1]
    entries = []
    for raw in value.replace(";", ",").split(","):
        entry = raw.strip()
        entry = entry if entry == "*" else _normalise(entry.lstrip("*").lstrip("."))
        if entry and entry not in entries:
            entries.append(entry)
    _parsed_allow = (value, tuple(entries))
    return _parsed_allow[1]


def covers_aws(entry: str) -> bool:
    """Would this opt-in entry, used as a suffix (as NO_PROXY uses it), match an AWS host? ("com", "aws", "*" do.)"""
    return entry == "*" or is_aws_host(entry) or any(domain.endswith("." + entry) for domain in AWS_DOMAINS)


_resolved: set[str] = set()  # the addresses opted-in host names resolved to: connecting to them is allowed


def _remember(addresses) -> None:
    for address in addresses:
        parsed = _ip(_normalise(address)) if isinstance(address, (str, bytes)) else None
        if parsed is not None:
            _resolved.add(str(parsed))


def verdict(host: str | bytes | None) -> str:
    """``LOOPBACK``, ``AWS`` (never reached), ``ALLOWED`` (opted in) or ``NOT_ALLOWED``, for a host name or address."""
    name = _normalise(host)
    if is_loopback_host(name):
        return LOOPBACK
    if is_aws_host(name):
        return AWS
    entries = allowed_entries()
    if "*" in entries:
        return ALLOWED
    address = _ip(name)
    if address is not None:
        text = str(address)
        return ALLOWED if text in _resolved or any(_ip(entry) == address for entry in entries) else NOT_ALLOWED
    if any(name == entry or name.endswith("." + entry) for entry in entries):
        return ALLOWED
    return NOT_ALLOWED


def refusal_message(host: str, what: str, decision: str) -> str:
    """The guard's message for a refused ``what`` ("a connection to", "a DNS lookup of" ...) to ``host``."""
    if decision == AWS:
        return (f"{GUARD_NAME}: refused {what} {host}: it is an AWS host, and nothing in this workbook may reach real "
                f"AWS (not even a host listed in {ALLOW_VARIABLE}). Use the local AWS instead: boto3 and the AWS SDKs "
                "find it through AWS_ENDPOINT_URL once helpers.start_local_cloud() has run.")
    return (f"{GUARD_NAME}: refused {what} {host}: only this machine (127.0.0.1, ::1, localhost) may be reached. To "
            f"let a host that is not AWS's through, list it in the environment variable {ALLOW_VARIABLE} "
            f"(e.g. {ALLOW_VARIABLE}=example.com) before starting the notebook's kernel or the local AWS.")


def check_host(host: str | bytes | None, what: str = "a connection to") -> None:
    """Raise RealAWSBlockedError unless ``host`` may be reached."""
    decision = verdict(host)
    if decision in (AWS, NOT_ALLOWED):
        shown = host.decode("ascii", "replace") if isinstance(host, (bytes, bytearray)) else host
        raise RealAWSBlockedError(refusal_message(str(shown or "(no host)"), what, decision))


def check_url(url: str) -> None:
    """Raise RealAWSBlockedError unless ``url`` points at this machine (or at an opted-in host that is not AWS's)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname
    decision = verdict(host) if host else NOT_ALLOWED
    if decision in (AWS, NOT_ALLOWED):
        raise RealAWSBlockedError(
            f"{GUARD_NAME}: refused to send a request to {host or url!r}. The workbook only talks to the local AWS "
            "on 127.0.0.1; nothing may reach real AWS. Start the local AWS first (helpers.start_local_cloud()), and "
            "do not pass endpoint_url= pointing elsewhere.")


# --------------------------------------------------------------------------- patching


def _patch_httpsession(module) -> None:
    session_class = module.URLLib3Session
    if getattr(session_class.send, _MARK, False):
        return
    original_send = session_class.send

    def send(self, request):
        check_url(request.url)
        return original_send(self, request)

    setattr(send, _MARK, True)
    session_class.send = send


def _guarded(function):
    setattr(function, _MARK, True)
    return function


def _patch_socket(module) -> None:
    """Wrap the name lookups and the connects of the ``socket`` module (see the module docstring)."""
    if getattr(module.getaddrinfo, _MARK, False):
        return
    inet = (module.AF_INET, module.AF_INET6)
    cls = module.socket
    original_getaddrinfo = module.getaddrinfo
    original_gethostbyname = module.gethostbyname
    original_gethostbyname_ex = module.gethostbyname_ex
    original_connect, original_connect_ex = cls.connect, cls.connect_ex
    original_sendto, original_sendmsg = cls.sendto, cls.sendmsg

    def check_lookup(host) -> bool:
        """Check a name before it is looked up; True if what it resolves to is to be remembered as allowed."""
        if not host or _ip(_normalise(host)) is not None:
            return False  # no DNS lookup (a passive socket, an address): the connect is checked
        decision = verdict(host)
        if decision in (AWS, NOT_ALLOWED):
            check_host(host, "a DNS lookup of")
        return decision == ALLOWED

    def check_address(sock, address) -> None:
        if (isinstance(address, tuple) and address and isinstance(address[0], (str, bytes, bytearray))
                and sock.family in inet):
            check_host(address[0], "a connection to")

    def guarded_lookup(original, addresses_of):
        """A name lookup that checks the name first, and remembers what an allowed name resolved to."""
        @_guarded
        def lookup(host, *args, **kwargs):
            remember = check_lookup(host)
            result = original(host, *args, **kwargs)
            if remember:
                _remember(addresses_of(result))
            return result
        return lookup

    getaddrinfo = guarded_lookup(original_getaddrinfo, lambda result: (entry[4][0] for entry in result))
    gethostbyname = guarded_lookup(original_gethostbyname, lambda address: [address])
    gethostbyname_ex = guarded_lookup(original_gethostbyname_ex, lambda result: result[2])

    @_guarded
    def connect(self, address):
        check_address(self, address)
        return original_connect(self, address)

    @_guarded
    def connect_ex(self, address):
        check_address(self, address)
        return original_connect_ex(self, address)

    @_guarded
    def sendto(self, data, *args):
        if args:
            check_address(self, args[-1])
        return original_sendto(self, data, *args)

    @_guarded
    def sendmsg(self, buffers, *args):
        if len(args) >= 3 and args[2] is not None:
            check_address(self, args[2])
        return original_sendmsg(self, buffers, *args)

    module.getaddrinfo, module.gethostbyname, module.gethostbyname_ex = (getaddrinfo, gethostbyname,
                                                                         gethostbyname_ex)
    cls.connect, cls.connect_ex, cls.sendto, cls.sendmsg = connect, connect_ex, sendto, sendmsg


_PATCHES = {"botocore.httpsession": _patch_httpsession, "socket": _patch_socket}


class _PatchOnImport:
    """A meta-path finder that patches a module of ``_PATCHES`` as soon as it is imported."""

    _lambda_workbook_guard = True

    def __init__(self) -> None:
        self.pending = dict(_PATCHES)

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.pending:
            return None
        import importlib.util

        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        patch = self.pending[fullname]
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module):
            original_exec(module)
            patch(module)

        loader.exec_module = exec_module
        return spec


def _finder() -> _PatchOnImport | None:
    return next((finder for finder in sys.meta_path if getattr(finder, "_lambda_workbook_guard", False)), None)


def install() -> None:
    """Guard this process: botocore and the socket module, now if they are loaded, else as soon as they are."""
    finder = _finder()
    if finder is None and any(name not in sys.modules for name in _PATCHES):
        finder = _PatchOnImport()
        sys.meta_path.insert(0, finder)
    for name, patch in _PATCHES.items():
        if name in sys.modules:
            patch(sys.modules[name])


def is_installed() -> bool:
    """True once the guard protects (or will protect, as soon as they are imported) botocore and sockets here."""
    finder = _finder()
    for name in _PATCHES:
        module = sys.modules.get(name)
        if module is None:
            if finder is None or name not in getattr(finder, "pending", {}):
                return False
        elif name == "socket" and not getattr(module.getaddrinfo, _MARK, False):
            return False
        elif name == "botocore.httpsession" and not getattr(module.URLLib3Session.send, _MARK, False):
            return False
    return True
