"""A tag on a Lua module's repository publishes that version (issue 22): a signed GitHub-style
webhook, the registry takes the rockspec template at the tag, publishes `NAME-1.2.3-1.rockspec`
and a `.src.rock`, and the real `luarocks install NAME 1.2.3` installs it from our server. The
repository is deleted before the install, so the module can only come from the registry."""

import shutil
import subprocess

import pytest

from accounts.models import User
from releases.models import FileKind, Release, UpdateSettings
from releases.updates import UpdateChanges, create_webhook_secret, save_update_settings
from tests.e2e.test_luarocks_install import Luarocks
from tests.factories import RockFactory, UserFactory
from tests.updates.conftest import git, github_post, tag_push

pytestmark = pytest.mark.e2e


def make_repo(path) -> None:
    path.mkdir()
    git("init", "-q", "-b", "main", cwd=path)
    (path / "src").mkdir()
    (path / "src" / "greet.lua").write_text(
        'local M = {}\nfunction M.hello() return "hello from the tag" end\nreturn M\n'
    )
    (path / "rockspec").mkdir()
    (path / "rockspec" / "greet-dev-1.rockspec").write_text(
        'package = "greet"\nversion = "dev-1"\n'
        f'source = {{ url = "git+file://{path}", branch = "main" }}\n'
        'description = { summary = "Says hello", license = "MIT" }\n'
        'dependencies = { "lua >= 5.1" }\n'
        'build = { type = "builtin", modules = { greet = "src/greet.lua" } }\n'
    )
    git("add", ".", cwd=path)
    git("commit", "-q", "-m", "greet", cwd=path)


def test_a_tag_publishes_a_version_that_luarocks_installs(
    luarocks_client, client, settings, tmp_path
):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    repo = tmp_path / "greet"
    make_repo(repo)
    owner: User = UserFactory(username="greeter")
    module = RockFactory(author=owner, name="greet", repo=f"file://{repo}")
    save_update_settings(
        package=module, by=owner, changes=UpdateChanges(trigger="tag", action="release")
    )
    secret = create_webhook_secret(package=module, by=owner)

    git("tag", "v1.2.3", cwd=repo)
    commit = git("rev-parse", "HEAD", cwd=repo)
    answer = github_post(
        client, "/api/webhooks/github/modules/greeter/greet/", secret, tag_push("v1.2.3", commit)
    )
    assert answer.status_code == 200, answer.content
    assert UpdateSettings.objects.get().last_error == ""
    release = Release.objects.get(package=module)
    assert release.name == "1.2.3-1"
    names = sorted(release.files.values_list("filename", flat=True))
    assert names == ["greet-1.2.3-1.rockspec", "greet-1.2.3-1.src.rock"]
    rockspec = release.files.get(kind=FileKind.ROCKSPEC).file.open("rb").read().decode()
    assert rockspec.endswith('version = "1.2.3-1"\nsource.tag = "v1.2.3"\nsource.branch = nil\n')
    shutil.rmtree(repo)  # from here on the module can only come from the registry

    luarocks = Luarocks(luarocks_client)
    tree = tmp_path / "tree"
    luarocks.remote("install", "greet", "1.2.3", f"--tree={tree}")
    script = (
        f"package.path = '{tree}/share/lua/5.1/?.lua;' .. package.path\n"
        "io.write(require('greet').hello())"
    )
    out = subprocess.run(["lua5.1", "-e", script], capture_output=True, text=True, check=True)
    assert out.stdout == "hello from the tag"
