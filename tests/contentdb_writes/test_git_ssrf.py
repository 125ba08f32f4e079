"""Git imports cannot reach private networks, follow redirects, or hang a worker (docs/security.md,
"Server-side request forgery and stuck work").

Every peer here is real and on loopback: a listener that accepts and never answers, and git's own
smart-HTTP server (`git http-backend`). The only fake is DNS for names that do not exist
(`*.invalid`), at the resolver (`socket.getaddrinfo`), the network boundary.
"""

import contextlib
import os
import signal
import socket
import subprocess
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from packages.models import Package
from releases.git_imports import (
    BAD_URL,
    CREDENTIALS_IN_URL,
    HOST_REFUSED,
    INTERRUPTED,
    STUCK,
    timed_out,
)
from releases.models import Release, ReleaseFile, TaskState
from tests.contentdb_writes.git_servers import GitHttpServer, Listener, is_closed_by_peer
from tests.contentdb_writes.support import media_files
from tests.contentdb_writes.test_git_releases import git, post_git

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def fake_dns(monkeypatch):
    """Names -> addresses for made-up names only; every other name goes to the real resolver."""
    names: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, str) and host.lower() in names:
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    socket.IPPROTO_TCP,
                    "",
                    (address, port or 0),
                )
                for address in names[host.lower()]
            ]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.fixture
def listener():
    peer = Listener("127.0.0.1")
    yield peer
    peer.close()


@pytest.fixture
def listener6():
    try:
        peer = Listener("::1")
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")  # CI machines have one
    yield peer
    peer.close()


@pytest.fixture
def https_mod(wip_mod, settings):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "http"]
    return wip_mod


def set_repo(package: Package, url: str) -> None:
    Package.objects.filter(pk=package.pk).update(repo=url)


LOOPBACK_SPELLINGS = [
    "https://127.0.0.1:{port}/farming.git",
    "http://127.0.0.1:{port}/farming.git",
    "https://0x7f000001:{port}/farming.git",
    "https://2130706433:{port}/farming.git",
    "https://0177.0.0.1:{port}/farming.git",
    "https://127.1:{port}/farming.git",
    "https://0.0.0.0:{port}/farming.git",  # Linux connects 0.0.0.0 to the local host
    "https://[::ffff:127.0.0.1]:{port}/farming.git",
    "https://localhost:{port}/farming.git",
    "https://LOCALHOST:{port}/farming.git",
    "https://intranet.invalid:{port}/farming.git",  # fake DNS: 127.0.0.1
    "https://mixed.invalid:{port}/farming.git",  # fake DNS: a public address and 127.0.0.1
]


@pytest.mark.django_db
@pytest.mark.parametrize("template", LOOPBACK_SPELLINGS)
def test_loopback_in_any_spelling_is_refused_before_any_connection(
    client, token, https_mod, listener, fake_dns, template
):
    fake_dns["intranet.invalid"] = ["127.0.0.1"]
    fake_dns["mixed.invalid"] = ["93.184.215.14", "127.0.0.1"]
    set_repo(https_mod, template.format(port=listener.port))
    response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 400, response.content
    assert response.json() == {"success": False, "error": HOST_REFUSED}
    assert not Release.objects.exists()
    assert listener.connections_waiting() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template",
    ["https://[::1]:{port}/farming.git", "https://six.invalid:{port}/farming.git"],
)
def test_ipv6_loopback_is_refused_before_any_connection(
    client, token, https_mod, listener6, fake_dns, template
):
    fake_dns["six.invalid"] = ["::1"]
    set_repo(https_mod, template.format(port=listener6.port))
    response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": HOST_REFUSED}
    assert listener6.connections_waiting() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3/farming.git",  # private
        "https://172.16.0.1/farming.git",
        "https://192.168.1.1/farming.git",
        "https://100.64.0.1/farming.git",  # carrier-grade NAT
        "https://169.254.169.254/latest/meta-data/",  # link-local: cloud metadata
        "https://224.0.0.1/farming.git",  # multicast
        "https://240.0.0.1/farming.git",  # reserved
        "https://255.255.255.255/farming.git",
        "https://198.18.0.1/farming.git",  # benchmarking
        "https://192.0.2.1/farming.git",  # documentation
        "https://[fe80::1]/farming.git",  # IPv6 link-local
        "https://[fc00::1]/farming.git",  # IPv6 unique local
        "https://[ff02::1]/farming.git",  # IPv6 multicast
        "https://[::]/farming.git",  # unspecified
        "https://[2001:db8::1]/farming.git",  # IPv6 documentation
        "https://[2002:7f00:1::1]/farming.git",  # 6to4 around 127.0.0.1
        "https://[64:ff9b::a01:203]/farming.git",  # NAT64 around 10.1.2.3
        "https://[::ffff:a01:203]/farming.git",  # IPv4-mapped 10.1.2.3
        "https://metadata.invalid/computeMetadata/v1/",  # fake DNS: 169.254.169.254
        "https://no-such-host.invalid/farming.git",  # does not resolve
    ],
)
def test_private_link_local_multicast_and_reserved_hosts_are_refused(
    client, token, https_mod, fake_dns, url
):
    fake_dns["metadata.invalid"] = ["169.254.169.254"]
    set_repo(https_mod, url)
    response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": HOST_REFUSED}
    assert not Release.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://user:secret@example.org/farming.git", CREDENTIALS_IN_URL),
        ("https://token@example.org/farming.git", CREDENTIALS_IN_URL),
        ("https://example.org\\@127.0.0.1/farming.git", BAD_URL),
        ("https://example.org /farming.git", BAD_URL),
        ("https://exämple.org/farming.git", BAD_URL),
        ("https://example.org/farming.git#frag", BAD_URL),
        ("https://example.org:99999/farming.git", BAD_URL),
        ("https://%31%32%37.0.0.1/farming.git", BAD_URL),
        ("https://example.org./farming.git", BAD_URL),  # the pin would not match curl's name
        ("https://8.8.8.8.nip/x\r\nHost: evil", BAD_URL),
        ("https:///farming.git", BAD_URL),
        ("https://0x08080808/farming.git", BAD_URL),  # public, but write it as 8.8.8.8
        ("ext::sh -c touch% /tmp/pwned", "The repository URL must start with https:// or http://"),
        (
            "ssh://git@example.org/farming.git",
            "The repository URL must start with https:// or http://",
        ),
        ("git://example.org/farming.git", "The repository URL must start with https:// or http://"),
        ("file:///etc/farming.git", "The repository URL must start with https:// or http://"),
    ],
)
def test_url_tricks_are_refused(client, token, https_mod, url, message):
    set_repo(https_mod, url)
    response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": message}
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_an_address_that_turns_private_before_the_task_runs_is_refused_by_the_task(
    client, token, https_mod, listener, django_capture_on_commit_callbacks
):
    """The check runs again in the task, right before git, on a fresh lookup: a repository URL (or
    a DNS answer) that changed after the release was accepted is refused there too."""
    set_repo(https_mod, "https://93.184.215.14/farming.git")
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 200, response.content
    set_repo(https_mod, f"https://127.0.0.1:{listener.port}/farming.git")
    for callback in callbacks:
        callback()
    release = Release.objects.get()
    assert (release.task_state, release.task_error) == (TaskState.FAILED, HOST_REFUSED)
    assert listener.connections_waiting() == 0


# --- with loopback permitted (as an operator may permit an internal git server) ---------------


@pytest.fixture
def served_repo(tmp_path):
    """A bare repository `farming.git` under tmp_path/served, with one commit of a valid mod."""
    work = tmp_path / "work"
    work.mkdir()
    git("init", "-q", "-b", "main", cwd=work)
    (work / "init.lua").write_text("print('served')\n")
    (work / "mod.conf").write_text("name = farming\n")
    (work / "LICENSE.txt").write_text("MIT\n")
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "v1", cwd=work)
    served = tmp_path / "served"
    served.mkdir()
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(served / "farming.git")], check=True
    )
    return served, git("rev-parse", "HEAD", cwd=work)


@pytest.fixture
def loopback_permitted(https_mod, settings):
    settings.GIT_IMPORT_PERMITTED_NETWORKS = ["127.0.0.0/8"]
    return https_mod


@pytest.mark.django_db
def test_git_connects_to_the_checked_address_not_to_a_new_lookup(
    client, token, loopback_permitted, served_repo, fake_dns, django_capture_on_commit_callbacks
):
    """The name exists only in our (faked) resolver: git itself could not resolve it, so a
    successful import proves git used the address we checked (curl's resolve pin), and made no
    lookup of its own that a rebinding DNS server could answer differently."""
    fake_dns["pinned.invalid"] = ["127.0.0.1"]
    server = GitHttpServer(served_repo[0])
    try:
        set_repo(loopback_permitted, f"http://pinned.invalid:{server.port}/farming.git")
        with django_capture_on_commit_callbacks(execute=True):
            response = post_git(client, token, ref="", title="1.0.0")
        assert response.status_code == 200, response.content
    finally:
        server.close()
    release = Release.objects.get()
    assert release.task_state == TaskState.DONE, release.task_error
    assert release.commit == served_repo[1]
    assert ReleaseFile.objects.filter(release=release).count() == 1
    assert server.requests
    assert {host for _, _, host in server.requests} == {f"pinned.invalid:{server.port}"}


@pytest.mark.django_db
def test_redirects_are_not_followed(
    client, token, loopback_permitted, served_repo, django_capture_on_commit_callbacks
):
    target = GitHttpServer(served_repo[0])
    redirector = GitHttpServer(
        served_repo[0], redirect_to=f"http://127.0.0.1:{target.port}/farming.git/info/refs"
    )
    before = media_files()
    try:
        set_repo(loopback_permitted, f"http://127.0.0.1:{redirector.port}/farming.git")
        with django_capture_on_commit_callbacks(execute=True):
            assert post_git(client, token, ref="", title="1.0.0").status_code == 200
    finally:
        target.close()
        redirector.close()
    release = Release.objects.get()
    assert release.task_state == TaskState.FAILED
    assert release.task_error.startswith("git clone failed")
    assert redirector.requests  # it was asked...
    assert target.requests == []  # ...and its redirect was not followed
    assert media_files() == before


@pytest.mark.django_db
def test_a_server_that_never_answers_fails_the_import_at_the_deadline(
    client, token, loopback_permitted, listener, settings, django_capture_on_commit_callbacks
):
    settings.GIT_IMPORT_TIMEOUT = 3
    set_repo(loopback_permitted, f"http://127.0.0.1:{listener.port}/farming.git")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 200
    release = Release.objects.get()
    assert (release.task_state, release.task_error) == (TaskState.FAILED, timed_out(3))
    assert release.approved is False
    # git did connect and hang; once the import failed, nothing of git holds the connection
    assert listener.connections_waiting() >= 1
    assert all(is_closed_by_peer(connection) for connection in listener.accepted)
    task = client.get(response.json()["task"], **token).json()
    assert task["status"] == "FAILURE" and task["error"] == timed_out(3)


@pytest.mark.django_db
def test_a_worker_timeout_during_the_import_still_ends_failed(
    client, token, loopback_permitted, listener, settings, django_capture_on_commit_callbacks
):
    """gunicorn stops a worker past its timeout by raising SystemExit in it (its SIGABRT handler
    calls sys.exit); the same here with SIGALRM, while git waits on a server that never answers."""
    settings.GIT_IMPORT_TIMEOUT = 60  # far beyond the moment the worker is stopped

    def worker_timeout(signum, frame):
        raise SystemExit(1)

    set_repo(loopback_permitted, f"http://127.0.0.1:{listener.port}/farming.git")
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 200
    accepted = []

    def stop_worker_once_git_waits() -> None:  # no timer: the signal follows git's connection
        accepted.append(listener.wait_for_connection(timeout=60))
        os.kill(os.getpid(), signal.SIGALRM)

    previous = signal.signal(signal.SIGALRM, worker_timeout)
    watcher = threading.Thread(target=stop_worker_once_git_waits, daemon=True)
    watcher.start()
    try:
        # the immediate task backend records a task's SystemExit as its failure and goes on
        with contextlib.suppress(SystemExit):
            for callback in callbacks:
                callback()
    finally:
        signal.signal(signal.SIGALRM, previous)
    watcher.join()
    assert len(accepted) == 1  # git was connected and waiting when the worker was stopped
    release = Release.objects.get()
    assert (release.task_state, release.task_error) == (TaskState.FAILED, INTERRUPTED)
    assert all(is_closed_by_peer(connection) for connection in listener.accepted)


@pytest.mark.django_db
def test_imports_stuck_running_past_the_deadline_are_failed_by_the_sweep(wip_mod, settings, capsys):
    settings.GIT_IMPORT_TIMEOUT = 20
    now = timezone.now()
    stuck = Release.objects.create(
        package=wip_mod,
        name="1.0",
        title="1.0",
        approved=False,
        task_state=TaskState.RUNNING,
        task_started_at=now - timedelta(hours=1),
    )
    running = Release.objects.create(
        package=wip_mod,
        name="2.0",
        title="2.0",
        approved=False,
        task_state=TaskState.RUNNING,
        task_started_at=now - timedelta(seconds=5),
    )
    call_command("fail_stuck_imports")
    assert capsys.readouterr().out.strip().endswith("1")
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert (stuck.task_state, stuck.task_error) == (TaskState.FAILED, STUCK)
    assert running.task_state == TaskState.RUNNING
