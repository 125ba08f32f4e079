import pytest

from tests.factories import PackageFactory, RockFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    return UserFactory(username="bob")


@pytest.fixture
def moderator(db):
    from accounts.models import Rank

    return UserFactory(username="mod", rank=Rank.MODERATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def mod_package(user):
    return PackageFactory(author=user, name="farming", title="Farming")


@pytest.fixture
def rock_package(user):
    return RockFactory(author=user, name="luafmt", title="luafmt")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: built manifests and generations of earlier tests'
    (rolled back) data must not leak into the next test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
