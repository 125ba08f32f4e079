"""Faults: the storage backend failing on write, the database failing in the middle of an upload,
and an import task failing. Each time: a clear error to the client, no orphan rows, no orphan
files, and the same request succeeds once the fault is gone."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import override_settings

from tests.contentdb_writes.support import mod_zip, png_bytes
from tests.faults.storages import FailingStorage
from tests.hostile.conftest import Unchanged
from tests.luarocks.upload_support import rockspec_file, rockspec_text

pytestmark = pytest.mark.django_db

FAILING = override_settings(
    STORAGES={
        "default": {"BACKEND": "tests.faults.storages.FailingStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)


@pytest.fixture
def alice(user):
    from accounts.services import create_api_key, create_api_token
    from tests.factories import PackageFactory

    PackageFactory(author=user, name="farming", title="Farming")
    _, key = create_api_key(user=user)
    _, token = create_api_token(user=user)
    FailingStorage.fail_after(None)
    yield {"key": key, "bearer": {"HTTP_AUTHORIZATION": f"Bearer {token}"}}
    FailingStorage.fail_after(None)


def _rockspec(client, key, capture):
    with capture(execute=True):
        return client.post(
            f"/api/1/{key}/upload", {"rockspec_file": rockspec_file(rockspec_text())}
        )


def _rock(client, key, version_id, capture):
    with capture(execute=True):
        return client.post(
            f"/api/1/{key}/upload_rock/{version_id}",
            {"rock_file": SimpleUploadedFile("foo-1.0-1.src.rock", b"PK\x03\x04 rock")},
        )


def _release(client, bearer, capture):
    with capture(execute=True):
        return client.post(
            "/api/packages/alice/farming/releases/new/",
            {"title": "1.0", "file": SimpleUploadedFile("farming.zip", mod_zip())},
            **bearer,
        )


def _screenshot(client, bearer, capture):
    with capture(execute=True):
        return client.post(
            "/api/packages/alice/farming/screenshots/new/",
            {"title": "s", "file": SimpleUploadedFile("s.png", png_bytes())},
            **bearer,
        )


def _clear_error(response) -> None:
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == "30"
    body = response.json()
    message = body["errors"][0] if "errors" in body else body["error"]
    assert body.get("success", False) is False
    assert message == "The service is temporarily unavailable; nothing was stored, please try again"
    assert "Traceback" not in response.content.decode()


# --- storage failing on write ----------------------------------------------------------------------
@FAILING
@pytest.mark.parametrize("upload", ["rockspec", "release", "screenshot"])
def test_storage_failure_on_write_leaves_nothing_and_retry_works(
    client, alice, upload, django_capture_on_commit_callbacks
):
    client.raise_request_exception = False
    send = {
        "rockspec": lambda: _rockspec(client, alice["key"], django_capture_on_commit_callbacks),
        "release": lambda: _release(client, alice["bearer"], django_capture_on_commit_callbacks),
        "screenshot": lambda: _screenshot(
            client, alice["bearer"], django_capture_on_commit_callbacks
        ),
    }[upload]
    before = Unchanged()
    FailingStorage.fail_after(0)
    _clear_error(send())
    before.check()
    FailingStorage.fail_after(None)
    retried = send()
    assert retried.status_code in (200, 201), retried.content


@FAILING
def test_storage_failure_on_the_rock_after_its_rockspec(
    client, alice, django_capture_on_commit_callbacks
):
    client.raise_request_exception = False
    version = _rockspec(client, alice["key"], django_capture_on_commit_callbacks).json()["version"][
        "id"
    ]
    before = Unchanged()
    FailingStorage.fail_after(0)
    _clear_error(_rock(client, alice["key"], version, django_capture_on_commit_callbacks))
    before.check()
    FailingStorage.fail_after(None)
    assert (
        _rock(client, alice["key"], version, django_capture_on_commit_callbacks).status_code == 200
    )


# --- the database failing mid-upload ---------------------------------------------------------------
class FailOnInsert:
    """A connection.execute_wrapper that raises OperationalError on the nth INSERT."""

    def __init__(self, nth: int) -> None:
        self.nth, self.inserts, self.fired = nth, 0, False

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            self.inserts += 1
            if self.inserts == self.nth:
                self.fired = True
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.mark.parametrize("nth", [1, 2, 3, 4])
@pytest.mark.parametrize("upload", ["rockspec", "release"])
def test_database_failure_mid_upload_leaves_nothing_and_retry_works(
    client, alice, upload, nth, django_capture_on_commit_callbacks
):
    client.raise_request_exception = False
    send = {
        "rockspec": lambda: _rockspec(client, alice["key"], django_capture_on_commit_callbacks),
        "release": lambda: _release(client, alice["bearer"], django_capture_on_commit_callbacks),
    }[upload]
    before = Unchanged()
    fault = FailOnInsert(nth)
    with connection.execute_wrapper(fault):
        response = send()
    assert fault.fired, f"{upload} makes fewer than {nth} inserts: nothing was injected"
    _clear_error(response)
    before.check()
    retried = send()
    assert retried.status_code in (200, 201), retried.content


# --- a task failing ---------------------------------------------------------------------------------
def _git(*args, cwd):
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_broken_repository_fails_the_task_and_a_retry_imports(
    client, alice, tmp_path, settings, django_capture_on_commit_callbacks
):
    from packages.models import Package
    from releases.models import Release, ReleaseFile, TaskState

    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    repo = tmp_path / "farming"
    repo.mkdir()
    _git("init", "-q", "-b", "main", cwd=repo)
    (repo / "init.lua").write_text("print(1)\n")
    (repo / "mod.conf").write_text("name = farming\n")
    _git("add", ".", cwd=repo)
    _git("commit", "-q", "-m", "v1", cwd=repo)
    objects = sorted(
        p for p in (repo / ".git" / "objects").rglob("*") if p.is_file() and len(p.parent.name) == 2
    )
    saved = {p: p.read_bytes() for p in objects}
    for path in objects:  # corrupt every object: the clone fails
        path.chmod(0o644)
        path.write_bytes(b"garbage")
    Package.objects.filter(name="farming").update(repo=f"file://{repo}")
    before = Unchanged()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/packages/alice/farming/releases/new/",
            {"method": "git", "ref": "main", "title": "1.0"},
            content_type="application/json",
            **alice["bearer"],
        )
    assert response.status_code == 200
    failed = Release.objects.get()
    assert failed.task_state == TaskState.FAILED and failed.task_error
    task = client.get(f"/tasks/{failed.task_id}/").json()
    assert task["status"] == "FAILURE" and task["error"]
    assert not ReleaseFile.objects.filter(release=failed).exists()
    assert before.before[1] == Unchanged().before[1]  # no file was left behind
    for path, data in saved.items():
        path.write_bytes(data)
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(
            "/api/packages/alice/farming/releases/new/",
            {"method": "git", "ref": "main", "title": "1.0.1"},
            content_type="application/json",
            **alice["bearer"],
        )
    assert retried.status_code == 200, retried.content
    imported = Release.objects.get(pk=retried.json()["release"]["id"])
    assert imported.task_state == TaskState.DONE
    assert ReleaseFile.objects.filter(release=imported).count() == 1


@FAILING
def test_storage_failing_inside_the_import_task(
    client, alice, tmp_path, settings, django_capture_on_commit_callbacks
):
    from packages.models import Package
    from releases.models import Release, ReleaseFile, TaskState

    client.raise_request_exception = False
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    repo = tmp_path / "farming"
    repo.mkdir()
    _git("init", "-q", "-b", "main", cwd=repo)
    (repo / "mod.conf").write_text("name = farming\n")
    (repo / "init.lua").write_text("print(1)\n")
    _git("add", ".", cwd=repo)
    _git("commit", "-q", "-m", "v1", cwd=repo)
    Package.objects.filter(name="farming").update(repo=f"file://{repo}")
    before = Unchanged()
    FailingStorage.fail_after(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/packages/alice/farming/releases/new/",
            {"method": "git", "ref": "main", "title": "1.0"},
            content_type="application/json",
            **alice["bearer"],
        )
    FailingStorage.fail_after(None)
    assert response.status_code == 200
    release = Release.objects.get()
    assert release.task_state == TaskState.FAILED, release.task_state
    assert not ReleaseFile.objects.exists()
    assert before.before[1] == Unchanged().before[1]
    assert client.get(f"/tasks/{release.task_id}/").json()["status"] == "FAILURE"
