"""The owner edits a LuaRocks module's summary, description and labels on the web
(/modules/<user>/<name>/edit) through `packages.rock_details.update_rock_details`."""

import pytest
from django.test import Client

from accounts.models import AuditLogEntry, Rank
from packages.errors import InvalidRockDetails, RockEditDenied
from packages.models import Package
from packages.rock_details import update_rock_details
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODULE = "/modules/alice/luafmt"
EDIT = MODULE + "/edit"


def details(**overrides) -> dict:
    return {
        "summary": "Formats Lua code",
        "description": "A formatter.\n\nIt keeps comments.",
        "labels": "formatter, Lua, cli",
        **overrides,
    }


def test_the_owner_sees_the_edit_link_and_form(rock_package, alice_client, client):
    assert b'href="/modules/alice/luafmt/edit"' in alice_client.get(MODULE).content
    assert b'href="/modules/alice/luafmt/edit"' not in client.get(MODULE).content
    assert alice_client.get(EDIT).status_code == 200


def test_the_owner_saves_the_details_and_an_audit_entry(rock_package, alice_client, user):
    response = alice_client.post(EDIT, details())
    assert response.status_code == 302
    assert response["Location"] == MODULE
    package = Package.objects.get(pk=rock_package.pk)
    assert package.short_description == "Formats Lua code"
    assert package.long_description == "A formatter.\n\nIt keeps comments."
    assert package.labels == ["formatter", "lua", "cli"]
    entry = AuditLogEntry.objects.get(package=package, action="package.edit")
    assert entry.causer == user
    assert set(entry.diff) == {"summary", "description", "labels"}
    page = alice_client.get(MODULE).content.decode()
    assert "Formats Lua code" in page and ">formatter</a>" in page
    # the edit page lists the module's own history
    assert entry.title in alice_client.get(EDIT).content.decode()


def test_saving_the_same_details_writes_no_second_entry(rock_package, alice_client):
    alice_client.post(EDIT, details())
    alice_client.post(EDIT, details())
    assert AuditLogEntry.objects.filter(package=rock_package).count() == 1


@pytest.mark.parametrize(
    "labels",
    [
        "ok, Not Valid!",
        "x",  # shorter than 2 characters
        "a" * 33,
        "-leading-dash",
        ", ".join(f"label{n}" for n in range(11)),
    ],
)
def test_bad_labels_are_refused_next_to_the_field(rock_package, alice_client, labels):
    response = alice_client.post(EDIT, details(labels=labels, summary="Kept summary"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_labels_errors"' in html
    assert 'value="Kept summary"' in html
    package = Package.objects.get(pk=rock_package.pk)
    assert package.short_description == rock_package.short_description
    assert not AuditLogEntry.objects.exists()


def test_ten_labels_are_allowed(rock_package, alice_client):
    labels = ", ".join(f"label{n}" for n in range(10))
    assert alice_client.post(EDIT, details(labels=labels)).status_code == 302
    assert len(Package.objects.get(pk=rock_package.pk).labels) == 10


def test_a_too_long_summary_is_refused(rock_package, alice_client):
    response = alice_client.post(EDIT, details(summary="s" * 501))
    assert response.status_code == 400
    assert 'id="id_summary_errors"' in response.content.decode()
    assert Package.objects.get(pk=rock_package.pk).short_description != "s" * 501


def test_others_may_not_edit(rock_package, bob_client, client):
    assert bob_client.get(EDIT).status_code == 403
    assert bob_client.post(EDIT, details()).status_code == 403
    response = client.post(EDIT, details())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Package.objects.get(pk=rock_package.pk).labels == rock_package.labels
    assert bob_client.get("/modules/alice/nope/edit").status_code == 404


def test_an_editor_may_edit_and_is_audited_as_such(rock_package):
    editor = UserFactory(username="ed", rank=Rank.EDITOR)
    client = Client()
    client.force_login(editor)
    assert client.post(EDIT, details()).status_code == 302
    assert AuditLogEntry.objects.get().severity != AuditLogEntry._meta.get_field("severity").default


def test_the_edit_form_needs_the_csrf_token(rock_package, csrf_client):
    assert csrf_client.post(EDIT, details()).status_code == 403
    assert not AuditLogEntry.objects.exists()


def test_the_service_refuses_luanti_packages_and_strangers(mod_package, rock_package, user):
    with pytest.raises(RockEditDenied):
        update_rock_details(package=mod_package, by=user, summary="", description="", labels=[])
    stranger = UserFactory(username="zed")
    with pytest.raises(RockEditDenied):
        update_rock_details(
            package=rock_package, by=stranger, summary="", description="", labels=[]
        )
    with pytest.raises(InvalidRockDetails) as error:
        update_rock_details(
            package=rock_package, by=user, summary="", description="", labels=["Bad Label"]
        )
    assert error.value.field == "labels"
