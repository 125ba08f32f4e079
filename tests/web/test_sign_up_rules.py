"""Account defaults (finding 13 of issue 16): reserved and confusable names are refused on every
path that makes or renames an account, an email address belongs to one account, and the address is
verified by a signed link mailed at sign-up."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import AuditLogEntry, User
from accounts.usernames import EMAIL_TAKEN, NAME_RESERVED, NAME_RULE, NAME_TAKEN, skeleton
from accounts.verification import (
    ALREADY_VERIFIED_ELSEWHERE,
    LINK_BROKEN,
    LINK_STALE,
    verification_link,
)
from tests.factories import UserFactory
from tests.logins import log_in_to_the_admin

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new and long passphrase 42"
LINK = re.compile(r"(https?://\S+/accounts/verify-email/\S+/)")


def signup(client, **overrides):
    data = {
        "username": "carol",
        "email": "carol@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def field_errors(response, field: str) -> str:
    match = re.search(rf'id="id_{field}_errors"[^>]*>(.*?)</', response.content.decode(), re.S)
    return match.group(1) if match else ""


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.org")


@pytest.mark.parametrize(
    "name", ["al.ice", "Al_ice", "al1ce", "ALlCE", "a-lice", "a.l.i.c.e", "aIice", "al-1-ce"]
)
def test_sign_up_refuses_a_name_that_looks_like_an_existing_one(client, alice, name):
    response = signup(client, username=name)
    assert response.status_code == 200
    assert NAME_TAKEN.format(existing="alice") in response.content.decode()
    assert list(User.objects.values_list("username", flat=True)) == ["alice"]
    assert mail.outbox == []


@pytest.mark.parametrize(
    "name",
    ["admin", "Adm1n", "root", "api", "contentdb", "luarocks", "moderator", "support", "security",
     "www", "static", "media", "manifests", "dev", "settings", "packages", "modules", "users",
     "uploads", "accounts", "rn0derator"],
)  # fmt: skip
def test_sign_up_refuses_reserved_names(client, name):
    response = signup(client, username=name)
    assert response.status_code == 200
    assert NAME_RESERVED in field_errors(response, "username")
    assert not User.objects.exists()


@pytest.mark.parametrize("name", ["alice.", ".alice", "-bob", "bob_", "\uff41lice", "\u0430lice"])
def test_sign_up_refuses_names_with_edge_punctuation_or_outside_ascii(client, name):
    response = signup(client, username=name)
    assert NAME_RULE in field_errors(response, "username")
    assert not User.objects.exists()


def test_the_skeleton_folds_look_alikes_and_separators():
    assert skeleton("Al1ce.") == skeleton("alice") == skeleton("a_lIce") == "allce"
    assert skeleton("rnoderator") == skeleton("moderator")
    assert skeleton("bob") != skeleton("bobby")


def test_sign_up_refuses_an_email_another_account_uses_in_any_case(client, alice):
    response = signup(client, email="ALICE@Example.org")
    assert EMAIL_TAKEN in field_errors(response, "email")
    assert not User.objects.filter(username="carol").exists()


def test_profile_refuses_an_email_another_account_uses(client, alice):
    bob = UserFactory(username="bob")
    client.force_login(bob)
    response = client.post("/settings/profile/", {"display_name": "", "email": "Alice@example.org"})
    assert response.status_code == 200
    assert EMAIL_TAKEN in field_errors(response, "email")
    bob.refresh_from_db()
    assert bob.email == "bob@example.org"


def test_sign_up_mails_a_link_that_verifies_the_address(client, settings):
    response = signup(client)
    assert response.status_code == 302
    carol = User.objects.get(username="carol")
    assert (carol.has_verified_email, carol.may_publish) == (False, False)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carol@example.org"]
    link = LINK.search(mail.outbox[0].body).group(1)
    assert link.startswith(settings.SITE_URL)
    path = link.removeprefix(settings.SITE_URL)

    anonymous = Client()  # the link works in any browser, logged in or not
    page = anonymous.get(path)  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and "Verify carol@example.org" in page.content.decode()
    carol.refresh_from_db()
    assert not carol.has_verified_email

    done = anonymous.post(path)
    assert done.status_code == 302
    carol.refresh_from_db()
    assert (carol.verified_email, carol.may_publish) == ("carol@example.org", True)
    assert AuditLogEntry.objects.filter(action="user.verify_email", target_user=carol).exists()


def test_a_link_for_an_address_no_longer_in_use_verifies_nothing(client):
    signup(client)
    path = LINK.search(mail.outbox[0].body).group(1).split("/accounts/", 1)[1]
    client.post("/settings/profile/", {"display_name": "", "email": "carol@elsewhere.org"})
    assert len(mail.outbox) == 2  # a new link for the new address
    old = client.post(f"/accounts/{path}")
    assert old.status_code == 400 and LINK_STALE in old.content.decode()
    assert not User.objects.get(username="carol").has_verified_email


@pytest.mark.parametrize("token", ["nonsense", "eyJ1c2VyIjoxfQ:forged:signature"])
def test_a_forged_link_verifies_nothing(client, alice, token):
    response = client.post(f"/accounts/verify-email/{token}/")
    assert response.status_code == 400
    assert LINK_BROKEN in response.content.decode()


def test_an_address_verified_by_one_account_cannot_be_verified_by_another(client, alice, settings):
    # an account from before the uniqueness rule, sharing alice's address, which she verified
    twin = UserFactory(username="twin", email="ALICE@example.org", verified_email="")
    path = verification_link(user=twin).removeprefix(settings.SITE_URL)
    response = client.post(path)
    assert response.status_code == 400
    assert ALREADY_VERIFIED_ELSEWHERE in response.content.decode()
    twin.refresh_from_db()
    assert twin.verified_email == ""


def test_the_profile_sends_the_link_again(client):
    signup(client)
    response = client.post("/settings/verify-email/")
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert LINK.search(mail.outbox[1].body)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("command", ["create_api_key", "create_api_token"])
@pytest.mark.parametrize("name", ["alice.", "Al1ce", "admin"])
def test_commands_that_create_users_refuse_confusable_and_reserved_names(alice, command, name):
    with pytest.raises(CommandError):
        call_command(command, name, stdout=io.StringIO(), stderr=io.StringIO())
    assert list(User.objects.values_list("username", flat=True)) == ["alice"]


def test_commands_create_accounts_verified_by_the_operator():
    run("create_api_key", "ci-bot")
    bot = User.objects.get(username="ci-bot")
    assert (bot.email, bot.verified_by_operator, bot.may_publish) == ("", True, True)


def test_createsuperuser_follows_the_same_name_rules(alice):
    with pytest.raises(CommandError, match=NAME_RESERVED):
        call_command("createsuperuser", username="root", email="r@example.org", interactive=False)
    with pytest.raises(CommandError, match="too close"):
        call_command("createsuperuser", username="A-lice", email="", interactive=False)
    call_command(
        "createsuperuser",
        username="operator1",
        email="op@example.org",
        interactive=False,
        stdout=io.StringIO(),
    )
    assert User.objects.get(username="operator1").may_publish


def test_the_admin_refuses_confusable_names_when_adding_or_renaming(client, alice):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    log_in_to_the_admin(client, boss)
    add = client.post(
        "/admin/accounts/user/add/",
        {"username": "A_lice", "usable_password": "false", "password1": "", "password2": ""},
    )
    assert add.status_code == 200
    assert NAME_TAKEN.format(existing="alice") in add.content.decode()
    bob = UserFactory(username="bob")
    change = client.get(f"/admin/accounts/user/{bob.pk}/change/")
    assert change.status_code == 200
    form = change.context["adminform"].form
    data = {
        name: form[name].value() or "" for name in form.fields if form[name].value() is not None
    }
    data.update({"username": "a1ice", "date_joined_0": "2024-01-01", "date_joined_1": "00:00"})
    renamed = client.post(f"/admin/accounts/user/{bob.pk}/change/", data)
    assert NAME_TAKEN.format(existing="alice") in renamed.content.decode()
    bob.refresh_from_db()
    assert bob.username == "bob"
