import pytest

from accounts.services import create_api_token


@pytest.fixture
def token(user):
    """A Bearer secret of `user` (alice)."""
    return create_api_token(user=user, name="ci")[1]


@pytest.fixture
def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
