"""Fixtures and helpers for the upload API tests: keys, rockspecs, and what is on disk.

Test modules import the fixtures they use by name (pytest finds fixtures in a module's namespace).
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import create_api_key
from packages.models import Package
from releases.models import Release, ReleaseFile, RockDependency

ROOT = [{"id": 1, "name": "root"}]


def rockspec_text(
    package: str = "Foo",
    version: str = "1.0-1",
    *,
    dependencies: str = '{ "lua >= 5.1, < 5.5", "luasocket ~> 3" }',
    extra: str = "",
) -> bytes:
    return (
        "-- a rockspec as `luarocks write_rockspec` makes them\n"
        f'package = "{package}"\n'
        f'version = "{version}"\n'
        "source = {\n"
        f'   url = "https://example.org/{package.lower()}-{version}.tar.gz",\n'
        "}\n"
        "description = {\n"
        '   summary = "A test rock",\n'
        "   detailed = [[\n      Longer text.\n   ]],\n"
        '   homepage = "https://example.org/foo",\n'
        '   license = "MIT/X11",\n'
        '   labels = { "testing", "json" },\n'
        "}\n"
        f"dependencies = {dependencies}\n"
        'build = { type = "builtin", modules = { foo = "src/foo.lua" } }\n'
        f"{extra}"
    ).encode()


def rockspec_file(content: bytes, name: str = "foo-1.0-1.rockspec") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def counts() -> dict[str, int]:
    return {
        "packages": Package.objects.count(),
        "releases": Release.objects.count(),
        "files": ReleaseFile.objects.count(),
        "dependencies": RockDependency.objects.count(),
    }


class Snapshot:
    """What exists before a request, to assert afterwards that a refused request changed nothing."""

    def __init__(self) -> None:
        self.counts = counts()
        self.files = media_files()

    def assert_unchanged(self) -> None:
        assert counts() == self.counts
        assert media_files() == self.files


@pytest.fixture
def secret(user) -> str:
    """A live API key of alice (the `user` fixture)."""
    return create_api_key(user=user)[1]


@pytest.fixture
def other_secret(other_user) -> str:
    return create_api_key(user=other_user)[1]


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """POST a rockspec as the client does and run the commit hooks a real request would run."""

    def post(key: str, content: bytes, *, name: str = "foo-1.0-1.rockspec"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/api/1/{key}/upload", {"rockspec_file": rockspec_file(content, name)}
            )

    return post


@pytest.fixture
def upload_rock_file(client, django_capture_on_commit_callbacks):
    def post(key: str, version_id, filename: str, content: bytes = b"PK\x03\x04 a rock"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/api/1/{key}/upload_rock/{version_id}",
                {"rock_file": SimpleUploadedFile(filename, content)},
            )

    return post
