"""Rock moderation: hide from the root manifest, hand the root-manifest name to another owner,
transfer ownership; checked through the manifests the luarocks client reads."""

import pytest

from accounts.models import AuditLogEntry, Rank
from packages.errors import InvalidModerationInput, NotAllowed, PackageNameTaken
from packages.models import PackageAlias
from packages.ownership import (
    give_root_manifest_name,
    hide_from_root_manifest,
    transfer_ownership,
)
from tests.factories import PackageFactory, ReleaseFactory, RockFactory


@pytest.fixture
def rival(make_user):
    return make_user(Rank.MEMBER, username="rival")


def publish(rock, version: str) -> None:
    """A version with its rockspec row: what the manifests list (no file needed for that)."""
    release = ReleaseFactory(package=rock, name=version)
    filename = f"{rock.name.lower()}-{version}.rockspec"  # public names are lowercase
    release.files.create(
        kind="rockspec",
        file=filename,
        filename=filename,
        sha256="0" * 64,
    )


def root_manifest(client) -> str:
    response = client.get("/manifest-5.1")
    assert response.status_code == 200
    return response.content.decode()


def test_hiding_a_rock_takes_it_out_of_the_root_manifest_but_not_the_owners(
    client, author, staff_moderator, on_commit
):
    rock = RockFactory(author=author, name="hiddenrock")
    publish(rock, "1.0-1")
    assert "hiddenrock" in root_manifest(client)
    with on_commit():  # the manifest generations are bumped when the transaction commits
        hide_from_root_manifest(by=staff_moderator, package=rock)
    assert "hiddenrock" not in root_manifest(client)
    assert "hiddenrock" in client.get("/manifests/author/manifest-5.1").content.decode()
    assert AuditLogEntry.objects.get(action="rock.hide_from_root").package == rock


def test_the_root_name_moves_to_another_owners_rock(
    client, author, rival, staff_moderator, on_commit
):
    first = RockFactory(author=author, name="json")
    second = RockFactory(author=rival, name="JSON", in_root_manifest=False)
    publish(first, "1.0-1")
    publish(second, "2.0-1")
    assert '"1.0-1"' in root_manifest(client) and '"2.0-1"' not in root_manifest(client)
    with on_commit():
        give_root_manifest_name(by=staff_moderator, package=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.in_root_manifest, second.in_root_manifest) == (False, True)
    body = root_manifest(client)
    assert '"2.0-1"' in body and '"1.0-1"' not in body
    entry = AuditLogEntry.objects.get(action="rock.give_root_name")
    assert entry.diff["previous_holder"] == ["author/json", None]


def test_only_moderators_manage_the_root_manifest(author, make_user):
    rock = RockFactory(author=author)
    for rank in (Rank.MEMBER, Rank.EDITOR):
        with pytest.raises(NotAllowed):
            hide_from_root_manifest(by=make_user(rank), package=rock)
    with pytest.raises(NotAllowed):
        hide_from_root_manifest(by=author, package=rock)  # not even the owner
    rock.refresh_from_db()
    assert rock.in_root_manifest


def test_root_manifest_actions_refuse_luanti_content(author, staff_moderator):
    with pytest.raises(InvalidModerationInput):
        hide_from_root_manifest(by=staff_moderator, package=PackageFactory(author=author))


def test_transferring_a_rock_moves_it_to_the_new_owners_manifest(
    client, author, rival, make_user, on_commit
):
    rock = RockFactory(author=author, name="moving")
    publish(rock, "1.0-1")
    editor = make_user(Rank.EDITOR)
    assert "moving" in client.get("/manifests/author/manifest-5.1").content.decode()
    with on_commit():
        transfer_ownership(by=editor, package=rock, new_owner=rival)
    rock.refresh_from_db()
    assert rock.author == rival
    assert "moving" in client.get("/manifests/rival/manifest-5.1").content.decode()
    assert "moving" not in client.get("/manifests/author/manifest-5.1").content.decode()
    entry = AuditLogEntry.objects.get(action="package.transfer")
    assert (entry.causer, entry.target_user, entry.diff) == (
        editor,
        rival,
        {"author": ["author", "rival"]},
    )


def test_a_transferred_luanti_package_keeps_its_old_name_as_an_alias(
    client, author, rival, make_user
):
    package = PackageFactory(author=author, name="farming")
    transfer_ownership(by=make_user(Rank.EDITOR), package=package, new_owner=rival)
    assert PackageAlias.objects.filter(package=package, author="author", name="farming").exists()
    response = client.get("/api/packages/author/farming/")
    assert response.status_code == 302
    assert "/api/packages/rival/farming/" in response["Location"]


def test_transfer_is_refused_on_a_name_clash_or_to_the_same_owner(author, rival, make_user):
    editor = make_user(Rank.EDITOR)
    rock = RockFactory(author=author, name="clash")
    RockFactory(author=rival, name="CLASH", in_root_manifest=False)
    with pytest.raises(PackageNameTaken):
        transfer_ownership(by=editor, package=rock, new_owner=rival)
    with pytest.raises(InvalidModerationInput):
        transfer_ownership(by=editor, package=rock, new_owner=author)
    PackageFactory(author=rival, name="clash")  # a mod of that name does not clash with a rock
    with pytest.raises(PackageNameTaken):
        transfer_ownership(by=editor, package=rock, new_owner=rival)
    rock.refresh_from_db()
    assert rock.author == author
    assert not AuditLogEntry.objects.exists()


def test_approvers_and_owners_cannot_transfer(author, rival, approver):
    package = PackageFactory(author=author)
    for user in (approver, author):
        with pytest.raises(NotAllowed):
            transfer_ownership(by=user, package=package, new_owner=rival)
