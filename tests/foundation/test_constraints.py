"""Database constraints hold even when code skips validation."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from packages.models import PackageType
from tests.factories import PackageFactory, ReleaseFactory, RockFactory, UserFactory


@pytest.mark.django_db
def test_usernames_differing_only_in_case_are_refused():
    UserFactory(username="Alice")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="aLICE")


@pytest.mark.django_db
def test_package_names_differing_only_in_case_are_refused_per_author(user, other_user):
    PackageFactory(author=user, name="wolves")
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageFactory(author=user, name="Wolves", type=PackageType.GAME)
    PackageFactory(author=other_user, name="wolves")  # another author may use the name


@pytest.mark.django_db
def test_a_rock_and_a_mod_may_share_a_name_but_two_rocks_may_not(user):
    PackageFactory(author=user, name="json")
    RockFactory(author=user, name="json")
    with pytest.raises(IntegrityError), transaction.atomic():
        RockFactory(author=user, name="JSON", in_root_manifest=False)


@pytest.mark.django_db
def test_only_one_owner_of_a_name_in_the_root_manifest(user, other_user):
    RockFactory(author=user, name="luafmt", in_root_manifest=True)
    RockFactory(author=other_user, name="luafmt", in_root_manifest=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        RockFactory(author=UserFactory(username="carol"), name="LuaFmt", in_root_manifest=True)


@pytest.mark.django_db
def test_release_versions_are_unique_per_package_case_insensitively(mod_package):
    ReleaseFactory(package=mod_package, name="1.0RC1-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseFactory(package=mod_package, name="1.0rc1-1")
    ReleaseFactory(package=PackageFactory(author=mod_package.author), name="1.0rc1-1")


@pytest.mark.django_db
def test_release_commit_must_be_a_full_hex_hash(mod_package):
    ReleaseFactory(package=mod_package, commit="8ef74deec170a8ce789f6055a59d43876d16a7ea")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseFactory(package=mod_package, commit="not-a-hash")


@pytest.mark.django_db
def test_invalid_package_type_is_refused(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageFactory(author=user, type="BAD")
