"""Fetching one file over HTTP(S) for the operator's imports, under the git import's URL rules.

The import commands (`manage.py import_rocks URL`, `import_contentdb` with release or screenshot
URLs) make the server fetch URLs that come from a file or a remote manifest, so they are the same
server-side request forgery vector as a git import (docs/security.md) and get the same defence:

- every URL goes through `releases.git_imports.check_repo_url` with the schemes of
  settings.IMPORT_URL_SCHEMES (https by default): no credentials, RFC 3986 characters only, a plain
  DNS name or a canonical IP literal, and every address it resolves to public (or in
  settings.GIT_IMPORT_PERMITTED_NETWORKS);
- the connection goes to the checked addresses and nowhere else: the socket is opened to them
  directly (no second DNS lookup, so no rebinding), while TLS still checks the certificate against
  the host name and the `Host` header names it;
- redirects are not followed (a 3xx is a refusal), the body is read up to `max_size` bytes and no
  more, and every socket operation has settings.IMPORT_FETCH_TIMEOUT seconds, the whole fetch
  that many times two.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings

from releases.errors import RemoteFileUnavailable
from releases.git_imports import DEFAULT_PORTS, check_repo_url

CHUNK = 64 * 1024
USER_AGENT = "lua-registry-import/1"


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


def _addresses(host: str, pins: tuple[str, ...]) -> list[str]:
    """The checked addresses: from the pin `host:port:a,b` of a DNS name, else the IP literal."""
    if not pins:
        return [host.strip("[]")]
    return [address.strip("[]") for address in pins[0].split(":", 2)[2].split(",")]


def _connect(addresses: list[str], port: int, timeout: float) -> socket.socket:
    error: OSError | None = None
    for address in addresses:
        family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
        except OSError as failed:
            sock.close()
            error = failed
            continue
        return sock
    raise error or OSError("no address to connect to")


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout or 30)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.addresses = addresses

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.timeout or 30)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch(url: str, *, max_size: int) -> bytes:
    """The body of a 200 answer to GET `url`, at most `max_size` bytes.

    Raises InvalidReleaseRequest (the URL is refused by the rules above) or RemoteFileUnavailable
    (the server did not give the file: status, size, network error, time).
    """
    remote = check_repo_url(url, schemes=settings.IMPORT_URL_SCHEMES)
    parts = urlsplit(remote.url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    port = parts.port or DEFAULT_PORTS[scheme]
    timeout = float(settings.IMPORT_FETCH_TIMEOUT)
    deadline = time.monotonic() + 2 * timeout
    connection_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = connection_class(
        host, port, addresses=_addresses(host, remote.pins), timeout=timeout
    )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "GET",
            target,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
        )
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise RemoteFileUnavailable(f"{url}: redirects are not followed ({response.status})")
        if response.status != 200:
            raise RemoteFileUnavailable(f"{url}: HTTP {response.status}")
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_size:
            raise RemoteFileUnavailable(f"{url}: larger than {_mib(max_size)}")
        chunks, size = [], 0
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > max_size:
                raise RemoteFileUnavailable(f"{url}: larger than {_mib(max_size)}")
            if time.monotonic() > deadline:
                raise RemoteFileUnavailable(f"{url}: not received within {2 * timeout:g} seconds")
            chunks.append(chunk)
        return b"".join(chunks)
    except (OSError, http.client.HTTPException) as error:
        raise RemoteFileUnavailable(f"{url}: {error or type(error).__name__}") from None
    finally:
        connection.close()
