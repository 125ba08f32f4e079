"""Fixtures of the hostile-input suite: alice with a key, a token and one package of each kind,
and a snapshot of every row count and every stored file to prove a refused request changed nothing."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from accounts.services import create_api_key, create_api_token
from tests.factories import PackageFactory, ReleaseFactory, RockFactory

APPS = ("accounts", "packages", "releases", "media_tools")


def _state() -> tuple[dict[str, int], set[str]]:
    counts = {
        model._meta.label: model.objects.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }
    root = Path(settings.MEDIA_ROOT)
    files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    return counts, files


class Unchanged:
    def __init__(self) -> None:
        self.before = _state()

    def check(self) -> None:
        counts, files = _state()
        before_counts, before_files = self.before
        changed = {k: (before_counts[k], v) for k, v in counts.items() if before_counts[k] != v}
        # using a key or token stamps its last use; that is not a change by the request's content
        changed.pop("accounts.ApiKey", None)
        changed.pop("accounts.ApiToken", None)
        assert not changed, changed
        assert files == before_files


@pytest.fixture
def world(user):
    """alice's key, Bearer header, Luanti mod `farming` with a release, and rock `luafmt`."""
    _, key = create_api_key(user=user)
    _, token = create_api_token(user=user)
    mod = PackageFactory(author=user, name="farming", title="Farming")
    release = ReleaseFactory(package=mod)
    rock = RockFactory(author=user, name="luafmt", title="luafmt")
    return {
        "key": key,
        "bearer": {"HTTP_AUTHORIZATION": f"Bearer {token}"},
        "mod": mod,
        "release": release,
        "rock": rock,
    }


@pytest.fixture
def unchanged(world):
    """Call `.check()` after the hostile request: no row count and no stored file changed."""
    return Unchanged()


def luarocks_error(response, status: int | tuple = (400, 401, 403, 404, 405, 413)) -> list[str]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    body = response.json()
    assert (
        set(body) == {"errors"}
        and body["errors"]
        and all(isinstance(e, str) for e in body["errors"])
    )
    return body["errors"]


def contentdb_error(response, status: int | tuple = (400, 401, 403, 404, 405, 413)) -> str:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    body = response.json()
    assert body["success"] is False and isinstance(body["error"], str) and body["error"]
    return body["error"]
