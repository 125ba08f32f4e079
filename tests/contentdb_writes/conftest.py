import pytest

from accounts.services import create_api_token
from packages.models import PackageState
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
def wip_mod(user):
    return PackageFactory(
        author=user, name="farming", title="Farming", state=PackageState.WIP, approved_at=None
    )
