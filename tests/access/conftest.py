"""Fixtures of the package-access tests: people of every rank, their clients and tokens."""

import io
import zipfile

import pytest
from django.test import Client
from PIL import Image

from accounts.models import Rank
from accounts.services import create_api_token
from tests.factories import UserFactory
from tests.logins import log_in_to_the_admin


@pytest.fixture
def make_user(db):
    def make(username: str, rank: Rank = Rank.MEMBER, **kwargs):
        return UserFactory(username=username, rank=rank, **kwargs)

    return make


@pytest.fixture
def web(db):
    """A logged-in web client for a user: `web(user)`; staff have passed the admin's code step."""

    def login(user) -> Client:
        client = Client()
        if user.is_staff:
            return log_in_to_the_admin(client, user)
        client.force_login(user)
        return client

    return login


@pytest.fixture
def bearer(db):
    """A Bearer header for a user, optionally limited to one package: `bearer(user, package)`."""

    def make(user, package=None) -> dict:
        _, secret = create_api_token(user=user, name="test", package=package)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the transaction's on_commit callbacks (cache generation bumps) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def mod_zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{name}/mod.conf", f"name = {name}\n")
        archive.writestr(f"{name}/init.lua", "-- hi\n")
    return buffer.getvalue()


def png(width: int = 1280, height: int = 720) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 90, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def rockspec(name: str, version: str = "1.0-1") -> bytes:
    return (
        f'package = "{name}"\n'
        f'version = "{version}"\n'
        f'source = {{ url = "https://example.org/{name}-{version}.tar.gz" }}\n'
        'description = { summary = "A rock", license = "MIT" }\n'
        'dependencies = { "lua >= 5.1" }\n'
        f'build = {{ type = "builtin", modules = {{ {name} = "{name}.lua" }} }}\n'
    ).encode()
