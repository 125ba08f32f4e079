"""Git imports: which repository URLs the server may fetch, and git runs that always end.

A git release makes the server fetch an author-chosen URL, so the URL is a server-side request
forgery vector (docs/security.md). `check_repo_url` allows only http(s) (plus what
settings.GIT_IMPORT_ALLOWED_SCHEMES adds, e.g. `file` in tests), no credentials, a host written as
a plain DNS name or a canonical IP literal, and only public addresses: every address the name
resolves to must be globally routable (loopback, private, carrier-grade NAT, link-local, multicast,
reserved and documentation ranges refused, also when wrapped in IPv4-mapped, 6to4 or NAT64 IPv6).
Networks in settings.GIT_IMPORT_PERMITTED_NETWORKS are allowed anyway (an internal git server).

`GitRun` then pins git to the checked addresses with curl's resolve list
(`-c http.curloptResolve=host:port:addr`; git >= 2.37): curl takes the host's addresses from that
list and makes no lookup of its own, so a DNS answer that changes between our check and git's
connect (rebinding) is never used. The host git sees is exactly the checked one (the URL is rebuilt
from the checked parts, and hosts curl would spell differently, like a trailing dot, are refused),
so the pin always applies. Redirects (and with them dumb-HTTP alternates) are refused, credential
helpers and hooks are off, HOME is an empty folder (no ~/.netrc), only the allowed transports run
(GIT_ALLOW_PROTOCOL), nothing is checked out (so no symlink reaches our disk; the zip inspection
refuses symlink entries).

Every git process runs in its own process group under one deadline for the whole import
(settings.GIT_IMPORT_TIMEOUT, well below a gunicorn worker's timeout, because the immediate task
backend imports inside the request). Past it, or when the worker itself is stopped (gunicorn
raises SystemExit in a worker past its timeout), the whole group is killed, so no git helper keeps
a connection open.
"""

import contextlib
import ipaddress
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from releases.errors import GitImportFailed, InvalidReleaseRequest

HOST_REFUSED = (
    "The repository host must be a public internet address, "
    "or a name that resolves only to public addresses"
)
BAD_URL = "The repository URL is not a valid http(s) URL"
CREDENTIALS_IN_URL = "The repository URL must not contain a user name or password"
INTERRUPTED = "The import was interrupted"
STUCK = "The import stopped before it finished"
NETWORK_SCHEMES = ("https", "http")
DEFAULT_PORTS = {"https": 443, "http": 80}
# RFC 3986 characters only: no spaces, control characters, backslashes or non-ASCII, on which URL
# parsers disagree; no fragment.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]+")
DNS_NAME = re.compile(
    r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
)
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def timed_out(seconds: int) -> str:
    return f"The import did not finish within {seconds} seconds"


def import_timeout() -> int:
    """Seconds one import (every git command of it) may take."""
    return int(settings.GIT_IMPORT_TIMEOUT)


@dataclass(frozen=True)
class Remote:
    url: str  # what git is given: rebuilt from the checked parts
    pins: tuple[str, ...] = ()  # curl resolve entries, "host:port:addr[,addr]"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if any(address in network for network in NAT64):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [inner for inner in found if inner is not None]


def is_public_address(address: Address) -> bool:
    """Globally routable unicast: what any host on the internet may reach, nothing local."""
    if isinstance(address, ipaddress.IPv6Address) and not all(
        is_public_address(inner) for inner in _embedded_ipv4(address)
    ):
        return False
    return address.is_global and not (address.is_multicast or address.is_reserved)


def _is_permitted(address: Address) -> bool:
    if is_public_address(address):
        return True
    candidates = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        candidates.append(address.ipv4_mapped)
    return any(
        candidate in ipaddress.ip_network(network, strict=False)
        for network in settings.GIT_IMPORT_PERMITTED_NETWORKS
        for candidate in candidates
        if ipaddress.ip_network(network, strict=False).version == candidate.version
    )


def _ipv4_literal(host: str) -> ipaddress.IPv4Address | None:
    """The address libc (and so curl) reads from `host`: also `0x7f000001`, `2130706433`,
    `0177.0.0.1` or `127.1`, not only dotted decimal."""
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def resolve(host: str, port: int) -> list[Address]:
    """Every address the system resolver gives for `host`; HOST_REFUSED when there is none."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise InvalidReleaseRequest(HOST_REFUSED) from error
    addresses = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise InvalidReleaseRequest(HOST_REFUSED)
    return addresses


def _scheme(url: str, schemes: Sequence[str] | None = None) -> str:
    schemes = settings.GIT_IMPORT_ALLOWED_SCHEMES if schemes is None else schemes
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in schemes or scheme not in (*NETWORK_SCHEMES, "file"):
        allowed = [s for s in schemes if s in NETWORK_SCHEMES]
        raise InvalidReleaseRequest(
            f"The repository URL must start with {' or '.join(s + '://' for s in allowed)}"
        )
    return scheme


def check_repo_url(url: str | None, *, schemes: Sequence[str] | None = None) -> Remote:
    """The checked remote for `url`, or InvalidReleaseRequest saying what is wrong with it.

    `schemes` replaces settings.GIT_IMPORT_ALLOWED_SCHEMES for other fetches under the same rules
    (the operator's imports, releases.remote_files)."""
    if not url:
        raise InvalidReleaseRequest("The package has no repository URL to import from")
    scheme = _scheme(url, schemes)
    if scheme == "file":  # only where settings allow it (tests): no network involved
        return Remote(url=url)
    if not URL_CHARACTERS.fullmatch(url) or "#" in url:
        raise InvalidReleaseRequest(BAD_URL)
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise InvalidReleaseRequest(CREDENTIALS_IN_URL)
    try:
        explicit_port = parts.port
    except ValueError as error:
        raise InvalidReleaseRequest(BAD_URL) from error
    host = parts.hostname or ""
    port = explicit_port or DEFAULT_PORTS[scheme]
    if not host or explicit_port == 0:
        raise InvalidReleaseRequest(BAD_URL)
    pins: tuple[str, ...]  # curl's resolve list: host:port:addresses
    if parts.netloc.startswith("["):  # an IPv6 literal: nothing to resolve
        try:
            addresses: list[Address] = [ipaddress.IPv6Address(host)]
        except ValueError as error:
            raise InvalidReleaseRequest(BAD_URL) from error
        url_host, pins = f"[{host}]", ()
    elif (literal := _ipv4_literal(host)) is not None:
        addresses, url_host, pins = [literal], host, ()
    elif DNS_NAME.fullmatch(host):
        addresses, url_host = resolve(host, port), host
        pins = (f"{host}:{port}:{','.join(_pin_address(a) for a in addresses)}",)
    else:
        raise InvalidReleaseRequest(BAD_URL)
    if not all(_is_permitted(address) for address in addresses):
        raise InvalidReleaseRequest(HOST_REFUSED)
    if len(addresses) == 1 and not pins and url_host.strip("[]") != str(addresses[0]):
        raise InvalidReleaseRequest(BAD_URL)  # a public IPv4 address spelled the odd way
    netloc = f"{url_host}:{explicit_port}" if explicit_port else url_host
    query = f"?{parts.query}" if parts.query else ""
    return Remote(url=f"{scheme}://{netloc}{parts.path}{query}", pins=pins)


def _pin_address(address: Address) -> str:
    return f"[{address}]" if address.version == 6 else str(address)


def _stop(process: subprocess.Popen) -> None:
    """Kill git and every helper it started (git-remote-https, index-pack), then reap them."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


def _reason(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[-1] if lines else "no output"


class GitRun:
    """The git commands of one import: one deadline, one empty HOME, one checked remote."""

    def __init__(self, *, remote: Remote, home: Path, timeout: int) -> None:
        self.remote = remote
        self.home = home
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout

    def _argv(self, args: tuple[str, ...]) -> list[str]:
        config = [
            "http.followRedirects=false",  # also stops dumb-HTTP alternates to other hosts
            "credential.helper=",  # an empty value clears every helper
            "core.hooksPath=/dev/null",
            "core.askPass=",
            "submodule.recurse=false",  # submodules are fetched one by one, checked (below)
            "transfer.bundleURI=false",
            *(f"http.curloptResolve={pin}" for pin in self.remote.pins),
        ]
        return ["git", *(part for item in config for part in ("-c", item)), *args]

    def _env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home),
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",  # never wait for a password
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            # Only these transports, also for submodules and alternates (no ext::, no ssh).
            "GIT_ALLOW_PROTOCOL": ":".join(settings.GIT_IMPORT_ALLOWED_SCHEMES),
        }

    def for_remote(self, remote: Remote) -> "GitRun":
        """The same import (deadline, HOME) against another checked remote: a submodule's."""
        run = GitRun(remote=remote, home=self.home, timeout=self.timeout)
        run.deadline = self.deadline
        return run

    def git(self, *args: str, cwd: Path | None = None, index: Path | None = None) -> str:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise GitImportFailed(timed_out(self.timeout))
        env = self._env()
        if index is not None:  # a scratch index, for building a tree in a bare repository
            env["GIT_INDEX_FILE"] = str(index)
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell; the URL comes after `--`
            self._argv(args),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, killed as a whole
        )
        try:
            stdout, stderr = process.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise GitImportFailed(timed_out(self.timeout)) from None
        except BaseException:  # the worker is being stopped: leave no git behind
            _stop(process)
            raise
        if process.returncode != 0:
            raise GitImportFailed(f"git {args[0]} failed: {_reason(stderr)}")
        return stdout.decode("utf-8", "replace")


def clone_and_archive(*, url: str, ref: str, prefix: str, max_size: int) -> tuple[bytes, str]:
    """(zip bytes, commit hash) of `ref` (default branch when empty) of the repository at `url`.

    `git archive` of a bare clone: no .git folder, `export-ignore` honoured, nothing checked out.
    """
    remote = check_repo_url(url)  # again, right before git: the URL or its DNS may have changed
    with tempfile.TemporaryDirectory(prefix="git-import-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        run = GitRun(remote=remote, home=home, timeout=import_timeout())
        repo = Path(tmp) / "repo.git"
        try:
            branch = ["--branch", ref] if ref else []
            run.git(
                "clone",
                "--quiet",
                "--bare",
                "--depth",
                "1",
                "--no-tags",
                *branch,
                "--",
                remote.url,
                str(repo),
            )
            target = "HEAD"
        except GitImportFailed as error:
            if not ref or error.message == timed_out(run.timeout):
                raise
            # A commit hash cannot be cloned with --branch: fetch the history and look it up.
            run.git("clone", "--quiet", "--bare", "--no-tags", "--", remote.url, str(repo))
            target = ref
        commit = run.git(
            "rev-parse", "--verify", "--quiet", f"{target}^{{commit}}", cwd=repo
        ).strip()
        tree = _tree_with_submodules(run, repo, commit, url=remote.url, depth=0, seen=[])
        # Without submodules the commit itself is archived: the very bytes of `git archive <tag>`
        # (the commit's time on every entry, its id as the zip's comment)
        own_tree = run.git("rev-parse", f"{commit}^{{tree}}", cwd=repo).strip()
        source = commit if tree == own_tree else tree
        archive = Path(tmp) / "release.zip"
        run.git(
            "archive", "--format=zip", f"--prefix={prefix}/", "-o", str(archive), source, cwd=repo
        )
        if archive.stat().st_size > max_size:
            raise GitImportFailed(f"The archive is larger than {max_size // (1024 * 1024)} MiB")
        return archive.read_bytes(), commit


# --- submodules ----------------------------------------------------------------------------------
# ContentDB clones with submodules (games such as skyblock_zero and capturetheflag have them). Here
# each submodule's commit is fetched into the same bare repository, from its URL checked like the
# package's own (check_repo_url, pinned addresses, the same deadline and transports), and read into
# a tree in place of its gitlink; the release is `git archive` of that tree, so the archive's size
# limit and the zip checks cover the submodules' files too. Nothing is checked out and no hook runs.
MAX_SUBMODULES = 50
MAX_SUBMODULE_DEPTH = 5


def submodule_url(base: str, url: str) -> str:
    """A submodule URL as git reads it: `../x.git` and `./x` are relative to the parent's URL."""
    if not url.startswith(("./", "../")):
        return url
    base = base.rstrip("/")
    while True:
        if url.startswith("./"):
            url = url[2:]
        elif url.startswith("../"):
            url, base = url[3:], base.rsplit("/", 1)[0]
        else:
            return f"{base}/{url}"


def _submodules(run: GitRun, repo: Path, commit: str) -> list[tuple[str, str, str | None]]:
    """(path, commit, URL from .gitmodules) of each gitlink in `commit`'s tree."""
    listing = run.git("ls-tree", "-r", "-z", commit, cwd=repo)
    links = []
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[0] == "160000":
            links.append((path, fields[2]))
    if not links:
        return []
    try:
        config = run.git(
            "config",
            "--blob",
            f"{commit}:.gitmodules",
            "-z",
            "--get-regexp",
            r"^submodule\..*\.(path|url)$",
            cwd=repo,
        )
    except GitImportFailed:
        config = ""
    paths: dict[str, str] = {}
    urls: dict[str, str] = {}
    for item in config.split("\0"):
        key, _, value = item.partition("\n")
        name, _, field = key.removeprefix("submodule.").rpartition(".")
        (paths if field == "path" else urls)[name] = value
    url_of = {path: urls.get(name) for name, path in paths.items()}
    return [(path, sha, url_of.get(path)) for path, sha in links]


def _fetch_commit(run: GitRun, repo: Path, sha: str, number: int) -> None:
    """Fetch one commit of the submodule's remote into `repo`: by its hash where the server
    allows it, else every branch, in which the commit must then be."""
    try:
        run.git(
            "fetch", "--quiet", "--no-tags", "--depth", "1", "--", run.remote.url, sha, cwd=repo
        )
        return
    except GitImportFailed:
        pass
    refs = f"+refs/heads/*:refs/submodule-{number}/*"
    run.git("fetch", "--quiet", "--no-tags", "--", run.remote.url, refs, cwd=repo)
    try:
        run.git("cat-file", "-e", f"{sha}^{{commit}}", cwd=repo)
    except GitImportFailed as error:
        raise GitImportFailed(f"The submodule's commit {sha} is not on its server") from error


def _tree_with_submodules(
    run: GitRun, repo: Path, commit: str, *, url: str, depth: int, seen: list[str]
) -> str:
    """The tree of `commit` with each submodule's tree (recursively) in place of its gitlink."""
    submodules = _submodules(run, repo, commit)
    if not submodules:
        return run.git("rev-parse", f"{commit}^{{tree}}", cwd=repo).strip()
    if depth >= MAX_SUBMODULE_DEPTH:
        raise GitImportFailed(f"Submodules are nested more than {MAX_SUBMODULE_DEPTH} deep")
    index = repo / f"scratch-index-{len(seen)}"
    empty = repo / "scratch-worktree"  # update-index wants a work tree; it reads nothing there
    empty.mkdir(exist_ok=True)
    run.git("read-tree", commit, cwd=repo, index=index)
    for path, sha, sub_url in submodules:
        seen.append(path)
        if len(seen) > MAX_SUBMODULES:
            raise GitImportFailed(f"The repository has more than {MAX_SUBMODULES} submodules")
        if not sub_url:
            raise GitImportFailed(f"The submodule {path} has no URL in .gitmodules")
        try:
            sub_remote = check_repo_url(submodule_url(url, sub_url))
        except InvalidReleaseRequest as error:
            raise GitImportFailed(f"Submodule {path}: {error.message}") from error
        sub_run = run.for_remote(sub_remote)
        _fetch_commit(sub_run, repo, sha, len(seen))
        sub_tree = _tree_with_submodules(
            sub_run, repo, sha, url=sub_remote.url, depth=depth + 1, seen=seen
        )
        run.git(
            f"--work-tree={empty}",
            "update-index",
            "--force-remove",
            "--",
            path,
            cwd=repo,
            index=index,
        )
        run.git(
            f"--work-tree={empty}",
            "read-tree",
            f"--prefix={path}/",
            sub_tree,
            cwd=repo,
            index=index,
        )
    return run.git("write-tree", cwd=repo, index=index).strip()
