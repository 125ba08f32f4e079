"""Account pages over HTTP: sign up, log in (case-insensitive, throttled), profile, deletion,
password change and reset."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from tests.factories import PackageFactory, UserFactory
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new and long passphrase 42"


def signup(client, **overrides):
    data = {
        "username": "carol",
        "email": "carol@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_sign_up_creates_the_account_and_logs_in(client):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/users/carol/"
    user = User.objects.get(username="carol")
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/settings/profile/").status_code == 200


def test_sign_up_with_a_taken_name_in_another_case_is_refused_and_keeps_the_input(client, user):
    response = signup(client, username="ALICE", email="someone@example.org")
    assert response.status_code == 200
    body = response.content.decode()
    assert "A user with that username already exists." in body
    assert 'value="someone@example.org"' in body  # what the user typed is kept
    assert User.objects.filter(username__iexact="alice").count() == 1


@pytest.mark.parametrize("name", ["a", "has space", "slash/name", "ünï", "x" * 51])
def test_sign_up_refuses_names_that_do_not_fit_in_urls(client, name):
    response = signup(client, username=name)
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_with_mismatched_passwords_shows_the_error_next_to_the_field(client):
    response = signup(client, password2="something else entirely")
    body = response.content.decode()
    assert re.search(r'id="id_password2_errors"', body)
    assert 'value="carol"' in body
    assert not User.objects.exists()


def test_log_in_is_case_insensitive(client, user):
    response = client.post("/accounts/login/", {"username": "ALICE", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/settings/api-keys/").status_code == 200


def test_wrong_password_shows_an_error(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_log_in_is_throttled_after_five_failures_even_with_the_right_password(client, user):
    cache.clear()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "Alice", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_log_out_needs_a_post(alice_client):
    assert alice_client.get("/accounts/logout/").status_code == 405
    assert alice_client.post("/accounts/logout/").status_code == 302
    assert alice_client.get("/settings/profile/").status_code == 302


def test_settings_pages_send_anonymous_users_to_log_in(client):
    for url in [
        "/settings/profile/",
        "/settings/api-keys/",
        "/settings/tokens/",
        "/settings/delete/",
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_profile_saves_and_shows_on_the_user_page(alice_client, user):
    response = alice_client.post(
        "/settings/profile/",
        {
            "display_name": "Alice L.",
            "email": "a@example.org",
            "website_url": "https://alice.example",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Alice L."
    page = alice_client.get("/users/alice/").content.decode()
    assert "Alice L." in page and "https://alice.example" in page


def test_profile_with_a_bad_url_keeps_the_input_and_changes_nothing(alice_client, user):
    response = alice_client.post(
        "/settings/profile/", {"display_name": "Changed", "email": "", "website_url": "not a url"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_website_url_errors"' in body
    assert 'value="Changed"' in body
    user.refresh_from_db()
    assert user.display_name == ""


def test_account_deletion_needs_the_username(alice_client, user):
    response = alice_client.post("/settings/delete/", {"confirm_username": "bob"})
    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()


def test_account_that_owns_packages_is_not_deleted(alice_client, user):
    PackageFactory(author=user, name="kept")
    response = alice_client.post("/settings/delete/", {"confirm_username": "alice"})
    assert "Delete or transfer your packages first: kept." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_account_deletion_removes_the_account_and_logs_out(alice_client, user):
    response = alice_client.post("/settings/delete/", {"confirm_username": "ALICE"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert alice_client.get("/settings/profile/").status_code == 302


def test_password_change(alice_client, user):
    response = alice_client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_mails_a_link_on_the_site_url_that_sets_a_new_password(client, settings):
    UserFactory(username="dora", email="dora@example.org")
    response = client.post("/accounts/password/reset/", {"email": "dora@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"(\S+/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    assert link.startswith(settings.SITE_URL)
    path = link.removeprefix(settings.SITE_URL)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert User.objects.get(username="dora").check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_posts_without_a_csrf_token_are_refused(csrf_client, user):
    response = csrf_client.post("/settings/profile/", {"display_name": "x", "email": ""})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.display_name == ""
