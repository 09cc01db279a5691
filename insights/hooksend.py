"""Sending one webhook: the address check against server-side request forgery, the signature
and one HTTP request to the address that was checked.

A hook's URL must be https and every address its host resolves to public (not loopback,
private, link-local, multicast, reserved, unspecified, shared, an IPv6 unique-local address or
an IPv4 address mapped into IPv6 that is one of those), unless the admin allowed private
addresses for that hook. It is checked when the hook is registered and again at each delivery
(DNS can change), and the connection goes to the address checked, not to a second lookup. No
redirect is followed (a 3xx is a failed try), timeouts are short and at most `READ_LIMIT`
bytes of the answer are read.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from vocabulary.errors import InvalidInput

TIMEOUT_SECONDS = 5.0  # to connect, and for each read or write after it
DEADLINE_SECONDS = 15.0  # the whole try: a receiver trickling bytes is cut off here
READ_LIMIT = 4096  # bytes of a receiver's answer read (and kept, trimmed, in the log)
KEPT_ANSWER = 500  # characters of the answer kept in the delivery log

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: the URL's parts and the address checked for it."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


@dataclass(frozen=True)
class Answer:
    """What one try got: the HTTP status (None when no answer came) and the answer's start, or
    why there was none."""

    status: int | None
    text: str

    @property
    def ok(self) -> bool:
        """A 2xx answer: delivered."""
        return self.status is not None and 200 <= self.status < 300


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet (see the module's list)."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public(mapped)
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (a literal address is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise InvalidInput(
            "The address {host} is not found: check the URL.", field="url", host=host
        ) from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def check_url(url: str, allow_private: bool = False, allow_http: bool = False) -> Target:
    """The URL's target, checked (see the module); raises `InvalidInput` naming the problem.
    `allow_http` is for tests only: no page or setting sets it."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" and not (allow_http and parts.scheme == "http"):
        raise InvalidInput("A webhook's URL must start with https://.", field="url")
    if parts.username is not None or parts.password is not None or not parts.hostname:
        raise InvalidInput("A webhook's URL needs a host name and no user name.", field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InvalidInput("The port of the webhook's URL is not a number.", field="url") from None
    addresses = resolve(parts.hostname, port)
    if not addresses:
        raise InvalidInput(
            "The address {host} is not found: check the URL.", field="url", host=parts.hostname
        )
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise InvalidInput(
                    "{host} is a private or reserved address ({address}): a webhook goes to a "
                    "public address unless private ones are allowed for it.",
                    field="url",
                    host=parts.hostname,
                    address=str(address),
                )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256(secret, timestamp + "." + body), in hex: the X-Oivallus-Signature header."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def headers(event_id: str, event: str, secret: str, body: bytes, at: float | None = None):
    """The headers of a delivery: its event id, a timestamp and the signature over both."""
    timestamp = str(int(time.time() if at is None else at))
    return {
        "Content-Type": "application/json",
        "User-Agent": "Oivallus-Webhooks/1",
        "X-Oivallus-Event": event,
        "X-Oivallus-Event-Id": event_id,
        "X-Oivallus-Timestamp": timestamp,
        "X-Oivallus-Signature": "sha256=" + signature(secret, timestamp, body),
    }


class _Pinned(http.client.HTTPSConnection):
    """An HTTPS connection to the checked address, its certificate checked for the host."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.target = target
        self.raw: socket.socket | None = None

    def connect(self) -> None:
        raw = socket.create_connection((self.target.address, self.port), self.timeout)
        context: ssl.SSLContext = self._context  # type: ignore[attr-defined]
        self.sock = context.wrap_socket(raw, server_hostname=self.target.host)
        self.raw = self.sock  # kept: the answer reads from it after `sock` is let go


class _PinnedPlain(http.client.HTTPConnection):
    """Plain HTTP to the checked address (tests only: `allow_http`)."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target
        self.raw: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self.raw = socket.create_connection(
            (self.target.address, self.port), self.timeout
        )


def send(
    target: Target,
    body: bytes,
    head: dict[str, str],
    timeout: float = TIMEOUT_SECONDS,
    deadline: float = DEADLINE_SECONDS,
) -> Answer:
    """POST `body` to the checked target once; never follows a redirect, reads at most
    `READ_LIMIT` bytes of the answer. Network failures come back as an `Answer` without status."""
    maker = _Pinned if target.scheme == "https" else _PinnedPlain
    connection = maker(target, timeout)
    cutoff = threading.Timer(deadline, _cut, args=(connection,))
    cutoff.daemon = True
    cutoff.start()
    try:
        connection.request("POST", target.path, body=body, headers=head)
        response = connection.getresponse()
        text = response.read(READ_LIMIT).decode("utf-8", "replace")
        if 300 <= response.status < 400:
            text = f"redirect to {response.getheader('Location', '')[:200]} not followed"
        return Answer(response.status, text[:KEPT_ANSWER])
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:KEPT_ANSWER])
    finally:
        cutoff.cancel()
        connection.close()


def _cut(connection: http.client.HTTPConnection) -> None:
    """Past the deadline: wake the blocked read (it fails, and the try with it)."""
    sock = getattr(connection, "raw", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
