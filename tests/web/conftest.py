"""Fixtures of the web page tests: logged-in clients, rockspecs, demo data."""

import pytest
from django.core.management import call_command
from django.test import Client

PASSWORD = "correct horse battery staple"


def rockspec(name: str = "webrock", version: str = "1.0-1", summary: str = "A rock") -> bytes:
    return (
        f'package = "{name}"\n'
        f'version = "{version}"\n'
        f'source = {{ url = "https://example.org/{name}-{version}.tar.gz" }}\n'
        "description = {\n"
        f'   summary = "{summary}",\n'
        '   license = "MIT",\n'
        '   labels = { "web" },\n'
        "}\n"
        'dependencies = { "lua >= 5.1" }\n'
        'build = { type = "builtin", modules = { webrock = "webrock.lua" } }\n'
    ).encode()


@pytest.fixture
def alice_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bob_client(other_user) -> Client:
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
