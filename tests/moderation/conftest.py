import pytest

from accounts.models import Rank
from packages.models import PackageState
from tests.factories import PackageFactory, ReleaseFactory, UserFactory


@pytest.fixture
def make_user(db):
    def make(rank: Rank = Rank.MEMBER, **kwargs):
        return UserFactory(rank=rank, **kwargs)

    return make


@pytest.fixture
def author(make_user):
    return make_user(Rank.MEMBER, username="author")


@pytest.fixture
def approver(make_user):
    return make_user(Rank.APPROVER, username="approver", is_staff=True)


@pytest.fixture
def staff_moderator(make_user):
    """A moderator by rank only: staff, but no Django superuser powers or model permissions."""
    return make_user(Rank.MODERATOR, username="staffmod", is_staff=True)


@pytest.fixture
def make_package(author):
    def make(*, state: PackageState = PackageState.WIP, with_release: bool = True, **kwargs):
        kwargs.setdefault("author", author)
        if state != PackageState.APPROVED:
            kwargs.setdefault("approved_at", None)
        package = PackageFactory(state=state, **kwargs)
        if with_release:
            ReleaseFactory(package=package)
        return package

    return make


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the transaction's on_commit callbacks (cache generation bumps) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
