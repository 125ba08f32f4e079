"""The checks of a release's request and of a git import (releases/luanti_releases.py, tasks.py),
each with the request or the repository built for it: refused with the exact message, and nothing
stored. A git repository is hostile input too: its archive goes through the same zip checks as an
upload (symlinks, backslash names and bombs are refused when the task runs).
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from releases.models import Release, ReleaseFile, TaskState
from tests.contentdb_writes.git_servers import git
from tests.contentdb_writes.support import media_files, mod_zip
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

URL = "/api/packages/alice/farming/releases/new/"


def make_repo(path, files: dict[str, bytes], *, symlinks: dict[str, str] | None = None):
    path.mkdir()
    git("init", "-q", "-b", "main", cwd=path)
    for name, content in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(content)
    for name, target in (symlinks or {}).items():
        (path / name).symlink_to(target)
    git("add", ".", cwd=path)
    git("commit", "-q", "-m", "release", cwd=path)
    return path


MOD_FILES = {
    "init.lua": b"print('hi')\n",
    "mod.conf": b"name = farming\n",
    "LICENSE.txt": b"MIT\n",
}


@pytest.fixture
def git_package(wip_mod, settings):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    return wip_mod


def import_from(client, token, package, path, **fields):
    package.repo = f"file://{path}"
    package.save()
    return client.post(
        URL,
        {"method": "git", "ref": "", "title": "1.0", **fields},
        content_type="application/json",
        **token,
    )


HOSTILE_REPOSITORIES = {
    "symlink to /etc/passwd": (
        {"files": MOD_FILES, "symlinks": {"passwd": "/etc/passwd"}},
        "The zip contains a symbolic link: 'farming/passwd'",
    ),
    "backslash in a file name": (
        {"files": {**MOD_FILES, "textures\\evil.png": b"x"}},
        "The zip contains a path with a backslash: 'farming/textures\\\\evil.png'",
    ),
    "control character in a file name": (
        {"files": {**MOD_FILES, "a\x01b.lua": b"x"}},
        "The zip contains a path with a control character: 'farming/a\\x01b.lua'",
    ),
    "a 4 MiB file of zeros": (
        {"files": {**MOD_FILES, "map.bin": bytes(4 * 1024 * 1024)}},
        "'farming/map.bin' expands more than 100 times; zip bombs are refused",
    ),
    "another mod's name": (
        {"files": {"init.lua": b"", "mod.conf": b"name = cooking\n"}},
        "Package name (farming) does not match the name of the content in the release (cooking); "
        "set name = farming in mod.conf",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE_REPOSITORIES))
def test_a_hostile_repository_fails_its_import_and_nothing_is_stored(
    client, token, git_package, tmp_path, django_capture_on_commit_callbacks, case
):
    layout, message = HOSTILE_REPOSITORIES[case]
    repo = make_repo(tmp_path / "repo", layout["files"], symlinks=layout.get("symlinks"))
    before = media_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = import_from(client, token, git_package, repo)
    assert response.status_code == 200, response.content
    release = Release.objects.get()
    assert (release.task_state, release.task_error, release.approved) == (
        TaskState.FAILED,
        message,
        False,
    )
    assert not ReleaseFile.objects.exists()
    assert media_files() == before
    assert list(git_package.provides.all()) == []


def test_the_same_repository_without_the_hostile_file_imports(
    client, token, git_package, tmp_path, django_capture_on_commit_callbacks
):
    repo = make_repo(tmp_path / "repo", {**MOD_FILES, "textures/ok.png": b"x"})
    with django_capture_on_commit_callbacks(execute=True):
        import_from(client, token, git_package, repo)
    release = Release.objects.get()
    assert release.task_state == TaskState.DONE, release.task_error
    assert ReleaseFile.objects.filter(release=release).count() == 1


BAD_REFS = [
    "-x",
    "--upload-pack=id",
    "a..b",
    "..",
    "a b",
    "a;b",
    "$(id)",
    "`id`",
    "v1\nx",
    "x" * 201,
]


@pytest.mark.parametrize("ref", BAD_REFS)
def test_refs_that_are_not_plain_names_are_refused(client, token, git_package, tmp_path, ref):
    repo = make_repo(tmp_path / "repo", MOD_FILES)
    response = import_from(client, token, git_package, repo, ref=ref)
    assert response.status_code == 400
    message = f"ref {ref.strip()!r} is not a valid git branch, tag or commit"
    assert response.json() == {"success": False, "error": message}
    assert not Release.objects.exists()


@pytest.mark.parametrize("ref", ["v1.0", "release/1.0", "a+b", "A_b-c", "x" * 200])
def test_plain_refs_are_accepted_and_looked_up_by_git(client, token, git_package, tmp_path, ref):
    repo = make_repo(tmp_path / "repo", MOD_FILES)
    response = import_from(client, token, git_package, repo, ref=ref)
    assert response.status_code == 200, response.content
    assert Release.objects.get().task_state == TaskState.PENDING


@pytest.mark.parametrize(
    "url",
    [
        "ssh://git@example.org/farming.git",
        "ext::sh -c touch% /tmp/pwned",
        "git@example.org:farming.git",
        "/srv/git/farming",
        "http://example.org/farming.git",
    ],
)
def test_repository_urls_other_than_the_allowed_schemes_are_refused(
    client, token, wip_mod, settings, url
):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https"]
    wip_mod.repo = url
    wip_mod.save()
    response = client.post(
        URL,
        {"method": "git", "ref": "", "title": "1.0"},
        content_type="application/json",
        **token,
    )
    assert response.json() == {
        "success": False,
        "error": "The repository URL must start with https://",
    }
    assert not Release.objects.exists()


def test_the_allowed_schemes_are_named_in_the_refusal(client, token, wip_mod, settings):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "http"]
    wip_mod.repo = "ssh://example.org/x"
    wip_mod.save()
    response = client.post(
        URL, {"method": "git", "ref": "", "title": "1.0"}, content_type="application/json", **token
    )
    assert response.json()["error"] == "The repository URL must start with https:// or http://"


# --- the release request, shared by uploads and imports -----------------------------------------
def upload(client, token, **fields):
    data = {"title": "1.0", **fields, "file": SimpleUploadedFile("farming.zip", mod_zip())}
    return client.post(URL, data, **token)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "a\x00b"}, "title must not contain NUL characters"),
        ({"name": "a\x00b"}, "name must not contain NUL characters"),
        ({"release_notes": "a\x00b"}, "release_notes must not contain NUL characters"),
        ({"title": "one\ntwo"}, "name and title must be one line"),
        ({"title": "one", "name": "o\rne"}, "name and title must be one line"),
        ({"title": "ok", "name": "x" * 101}, "name must be at most 100 characters"),
        ({"title": "", "name": "x" * 101}, "title must be at most 100 characters"),
        ({"title": "  ", "name": "  "}, "name is required in the POST data"),
        (
            {"commit": "8ef74deec170a8ce789f6055a59d43876d16a7e"},
            "Invalid commit hash; it must be a 40 character long base16 string",
        ),
        ({"commit": "g" * 40}, "Invalid commit hash; it must be a 40 character long base16 string"),
    ],
)
def test_bad_release_requests_are_refused(client, token, wip_mod, fields, message):
    response = upload(client, token, **fields)
    assert response.json() == {"success": False, "error": message}
    assert not Release.objects.exists()


def test_the_longest_accepted_texts(client, token, wip_mod):
    response = upload(client, token, title="t" * 100, release_notes="n" * 9_999 + "\r\n")
    assert response.status_code == 200, response.content
    release = Release.objects.get()
    assert (release.title, release.name) == ("t" * 100, "t" * 100)
    assert release.release_notes == "n" * 9_999 + "\n"


def test_name_and_title_fall_back_to_each_other(client, token, wip_mod):
    assert upload(client, token, title="", name="2.0").status_code == 200
    assert Release.objects.get().title == "2.0"


@pytest.mark.parametrize("taken", ["name", "title"])
def test_a_name_or_title_taken_in_any_case_is_refused(client, token, wip_mod, taken):
    ReleaseFactory(package=wip_mod, name="v1", title="First")
    fields = {"name": "V1", "title": "other"} if taken == "name" else {"title": "FIRST"}
    response = upload(client, token, **fields)
    assert response.json() == {
        "success": False,
        "error": f"A release with this {taken} already exists",
    }
    assert Release.objects.count() == 1


def test_five_releases_in_five_minutes_then_a_pause(client, token, wip_mod):
    for number in range(4):
        ReleaseFactory(package=wip_mod, name=f"r{number}", title=f"r{number}")
    old = ReleaseFactory(package=wip_mod, name="old", title="old")
    Release.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert upload(client, token, title="fifth").status_code == 200
    response = upload(client, token, title="sixth")
    assert response.json() == {
        "success": False,
        "error": "You've created too many releases for this package in the last 5 minutes, "
        "please wait before trying again",
    }
    assert not Release.objects.filter(title="sixth").exists()
