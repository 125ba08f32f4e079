import pytest
from django.core.cache import caches
from django.test import Client

from accounts.models import Rank
from packages.models import PackageState
from tests.factories import PackageFactory, ReleaseFactory, UserFactory
from tests.logins import log_in_to_the_admin


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The posting rate limit counts in the counter store: every test starts at zero."""
    for alias in ("counters", "default"):
        try:
            caches[alias].clear()
        except Exception:  # noqa: S112 - a cache alias this configuration lacks
            continue


@pytest.fixture
def author(db):
    return UserFactory(username="author", rank=Rank.MEMBER)


@pytest.fixture
def moderator(db):
    return UserFactory(username="staffmod", rank=Rank.MODERATOR, is_staff=True)


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", rank=Rank.MEMBER)


@pytest.fixture
def wip_package(author):
    package = PackageFactory(
        author=author, name="farming", state=PackageState.WIP, approved_at=None
    )
    ReleaseFactory(package=package)
    return package


@pytest.fixture
def approved_package(author):
    return PackageFactory(author=author, name="mobs", title="Mobs")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author_client(author):
    return client_for(author)


@pytest.fixture
def mod_admin(moderator):
    return log_in_to_the_admin(Client(), moderator)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
