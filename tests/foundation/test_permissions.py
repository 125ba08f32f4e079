"""The permission table answers for the basic cases every face relies on (the full matrix is #10's)."""

import pytest

from accounts.models import Rank
from packages.models import PackageState
from packages.permissions import Action, can
from tests.factories import PackageFactory, UserFactory


@pytest.mark.django_db
def test_owner_and_maintainer_may_edit_their_package_but_a_stranger_may_not(user, other_user):
    package = PackageFactory(author=user)
    maintainer = UserFactory(username="maint")
    package.maintainers.add(maintainer)
    assert can(user, Action.EDIT_PACKAGE, package)
    assert can(maintainer, Action.EDIT_PACKAGE, package)
    assert not can(other_user, Action.EDIT_PACKAGE, package)
    assert not can(None, Action.EDIT_PACKAGE, package)
    assert can(UserFactory(username="ed", rank=Rank.EDITOR), Action.EDIT_PACKAGE, package)


@pytest.mark.django_db
def test_suspended_owner_may_do_nothing_but_read(user):
    package = PackageFactory(author=user, state=PackageState.WIP)
    user.is_suspended = True
    assert not can(user, Action.EDIT_PACKAGE, package)
    assert can(user, Action.VIEW_PACKAGE, package)


@pytest.mark.django_db
def test_unapproved_packages_are_visible_only_to_their_people_and_approvers(user, other_user):
    package = PackageFactory(author=user, state=PackageState.WIP)
    assert can(user, Action.VIEW_PACKAGE, package)
    assert not can(other_user, Action.VIEW_PACKAGE, package)
    assert not can(None, Action.VIEW_PACKAGE, package)
    assert can(UserFactory(username="ap", rank=Rank.APPROVER), Action.VIEW_PACKAGE, package)
    package.state = PackageState.APPROVED
    assert can(None, Action.VIEW_PACKAGE, package)


@pytest.mark.django_db
def test_nobody_reviews_their_own_package(user, other_user):
    package = PackageFactory(author=user)
    assert not can(user, Action.WRITE_REVIEW, package)
    assert can(other_user, Action.WRITE_REVIEW, package)
