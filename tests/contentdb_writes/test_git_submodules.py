"""Git imports include submodules, recursively, as ContentDB's `clone --recursive` does (games such
as skyblock_zero and capturetheflag keep mods in submodules): releases/git_imports.py. Each
submodule URL passes the same URL rules as the package's repository, its files the same zip checks
(symlinks refused), and a missing URL or commit fails the import. The repositories are local ones
served over file:// (allowed in these tests only), built here with real git.
"""

import io
import zipfile

import pytest

from releases.git_imports import submodule_url
from releases.models import Release, ReleaseFile, TaskState
from tests.contentdb_writes.test_release_checks import MOD_FILES, git, import_from, make_repo

pytestmark = pytest.mark.django_db


@pytest.fixture
def git_package(wip_mod, settings):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    return wip_mod


def add_gitlink(repo, path: str, url: str, commit: str) -> None:
    """Record a submodule without cloning it (as `git submodule add` leaves it), then commit."""
    modules = repo / ".gitmodules"
    text = modules.read_text() if modules.exists() else ""
    modules.write_text(text + f'[submodule "{path}"]\n\tpath = {path}\n\turl = {url}\n')
    git("update-index", "--add", "--cacheinfo", f"160000,{commit},{path}", cwd=repo)
    git("add", ".gitmodules", cwd=repo)
    git("commit", "-q", "-m", f"add {path}", cwd=repo)


def head(repo) -> str:
    return git("rev-parse", "HEAD", cwd=repo)


def run_import(client, token, package, repo, capture) -> Release:
    with capture(execute=True):
        response = import_from(client, token, package, repo)
    assert response.status_code == 200, response.content
    return Release.objects.get()


def names_in(release: Release) -> list[str]:
    with ReleaseFile.objects.get(release=release).file.open("rb") as handle:
        return sorted(zipfile.ZipFile(io.BytesIO(handle.read())).namelist())


def test_submodules_are_imported_recursively(
    client, token, git_package, tmp_path, django_capture_on_commit_callbacks
):
    """The mod keeps a library in `libs/lib` (a submodule given by a relative URL), which keeps
    its own submodule `deep` (an absolute URL): both are in the release, at the commits recorded."""
    deep = make_repo(tmp_path / "deep", {"deep.txt": b"deep v1\n"})
    recorded = head(deep)
    (deep / "deep.txt").write_text("deep v2, not recorded\n")
    git("commit", "-q", "-am", "v2", cwd=deep)
    lib = make_repo(tmp_path / "lib", {"lib.lua": b"return {}\n"})
    add_gitlink(lib, "deep", f"file://{deep}", recorded)
    main = make_repo(tmp_path / "main", MOD_FILES)
    add_gitlink(main, "libs/lib", "../lib", head(lib))

    release = run_import(client, token, git_package, main, django_capture_on_commit_callbacks)
    assert release.task_state == TaskState.DONE, release.task_error
    names = names_in(release)
    assert "farming/libs/lib/lib.lua" in names
    assert "farming/libs/lib/deep/deep.txt" in names
    with ReleaseFile.objects.get(release=release).file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
        assert archive.read("farming/libs/lib/deep/deep.txt") == b"deep v1\n"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "https://127.0.0.1/evil.git",
            "Submodule libs/evil: The repository host must be a public internet address, or a "
            "name that resolves only to public addresses",
        ),
        (
            "ssh://example.org/evil.git",
            "Submodule libs/evil: The repository URL must start with https://",
        ),
        (None, "The submodule libs/evil has no URL in .gitmodules"),
    ],
)
def test_a_submodule_url_is_held_to_the_same_rules(
    client, token, git_package, tmp_path, django_capture_on_commit_callbacks, url, message
):
    main = make_repo(tmp_path / "main", MOD_FILES)
    if url is None:
        git("update-index", "--add", "--cacheinfo", f"160000,{head(main)},libs/evil", cwd=main)
        git("commit", "-q", "-m", "gitlink without .gitmodules", cwd=main)
    else:
        add_gitlink(main, "libs/evil", url, head(main))
    release = run_import(client, token, git_package, main, django_capture_on_commit_callbacks)
    assert (release.task_state, release.task_error) == (TaskState.FAILED, message)
    assert not ReleaseFile.objects.exists()


def test_a_symlink_in_a_submodule_is_refused(
    client, token, git_package, tmp_path, django_capture_on_commit_callbacks
):
    lib = make_repo(tmp_path / "lib", {"lib.lua": b""}, symlinks={"passwd": "/etc/passwd"})
    main = make_repo(tmp_path / "main", MOD_FILES)
    add_gitlink(main, "lib", f"file://{lib}", head(lib))
    release = run_import(client, token, git_package, main, django_capture_on_commit_callbacks)
    assert (release.task_state, release.task_error) == (
        TaskState.FAILED,
        "The zip contains a symbolic link: 'farming/lib/passwd'",
    )


def test_a_submodule_commit_missing_from_its_server_fails_the_import(
    client, token, git_package, tmp_path, django_capture_on_commit_callbacks
):
    lib = make_repo(tmp_path / "lib", {"lib.lua": b""})
    main = make_repo(tmp_path / "main", MOD_FILES)
    missing = "0123456789abcdef0123456789abcdef01234567"
    add_gitlink(main, "lib", f"file://{lib}", missing)
    release = run_import(client, token, git_package, main, django_capture_on_commit_callbacks)
    assert (release.task_state, release.task_error) == (
        TaskState.FAILED,
        f"The submodule's commit {missing} is not on its server",
    )


@pytest.mark.parametrize(
    ("base", "url", "expected"),
    [
        ("https://h.org/o/game.git", "../mod.git", "https://h.org/o/mod.git"),
        ("https://h.org/o/game.git", "../../x/mod", "https://h.org/x/mod"),
        ("https://h.org/o/game.git/", "./sub", "https://h.org/o/game.git/sub"),
        ("https://h.org/o/game.git", "https://e.org/m.git", "https://e.org/m.git"),
    ],
)
def test_relative_submodule_urls_are_read_as_git_reads_them(base, url, expected):
    assert submodule_url(base, url) == expected
