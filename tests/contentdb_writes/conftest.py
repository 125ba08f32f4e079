import pytest

from accounts.services import create_api_token
from packages.models import MetaPackage, PackageState, PackageType
from tests.factories import PackageFactory


@pytest.fixture
def token(user):
    """A Bearer header for alice (the `user` fixture)."""
    _, secret = create_api_token(user=user, name="ci")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def other_token(other_user):
    _, secret = create_api_token(user=other_user, name="bob's")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def minetest_game(other_user):
    """An approved game providing the mods the test mods depend on: ContentDB fails a new mod's
    release when no approved package provides one of its hard dependencies."""
    game = PackageFactory(author=other_user, name="minetest_game", type=PackageType.GAME)
    game.provides.set([MetaPackage.objects.get_or_create(name=n)[0] for n in ("default", "bucket")])
    return game


@pytest.fixture
def wip_mod(user, minetest_game):
    return PackageFactory(
        author=user, name="farming", title="Farming", state=PackageState.WIP, approved_at=None
    )
