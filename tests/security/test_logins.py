"""One throttle for every login path (finding 2 of issue 16): the site's login, the admin's login
and any form that asks Django's `authenticate()` share one count of failures per (username, client
address). Wrong second-factor codes count too, and only a complete login clears it."""

import pytest
from django.contrib.admin.forms import AdminAuthenticationForm
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import LOGIN_THROTTLED
from accounts.login_throttle import MAX_FAILURES
from accounts.models import Rank
from accounts.two_factor import THROTTLED
from tests.factories import UserFactory
from tests.logins import totp_code, wrong_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(db):
    return UserFactory(username="staffer", rank=Rank.MODERATOR, is_staff=True)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_twelve_wrong_passwords_at_the_admin_then_the_right_one_is_refused(client, staff):
    for _ in range(12):
        wrong = client.post("/admin/login/", {"username": "staffer", "password": "guess"})
        assert wrong.status_code == 200
        assert not logged_in(client)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "staffer", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert LOGIN_THROTTLED in response.content.decode()
    assert not logged_in(client)


@pytest.mark.parametrize(
    ("fail_at", "then_at"),
    [("/accounts/login/", "/admin/login/"), ("/admin/login/", "/accounts/login/")],
)
def test_failures_at_one_login_lock_the_other(client, staff, fail_at, then_at):
    for _ in range(MAX_FAILURES):
        client.post(fail_at, {"username": "staffer", "password": "guess"})
    response = client.post(then_at, {"username": "STAFFER", "password": PASSWORD})
    assert response.status_code == 200
    assert LOGIN_THROTTLED in response.content.decode()
    assert not logged_in(client)


def test_any_form_built_on_djangos_authentication_form_is_throttled(staff):
    """The check lives in the authentication backend, so Django's own admin form (and any later
    form that calls `authenticate()`) cannot skip it."""
    request = RequestFactory().post("/somewhere/", REMOTE_ADDR="203.0.113.9")
    for _ in range(MAX_FAILURES):
        assert not AdminAuthenticationForm(
            request, data={"username": "staffer", "password": "guess"}
        ).is_valid()
    form = AdminAuthenticationForm(request, data={"username": "staffer", "password": PASSWORD})
    assert not form.is_valid()
    assert form.non_field_errors() == [LOGIN_THROTTLED]


def test_the_lockout_is_per_address(client, staff):
    for _ in range(MAX_FAILURES):
        client.post("/accounts/login/", {"username": "staffer", "password": "guess"})
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "staffer", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert elsewhere.status_code == 302
    assert logged_in(client)


def test_a_right_password_clears_the_count_of_an_account_without_a_second_factor(client, staff):
    for _ in range(MAX_FAILURES - 1):
        client.post("/accounts/login/", {"username": "staffer", "password": "guess"})
    assert (
        client.post("/accounts/login/", {"username": "staffer", "password": PASSWORD}).status_code
        == 302
    )
    client.post("/accounts/logout/")
    for _ in range(MAX_FAILURES - 1):
        client.post("/accounts/login/", {"username": "staffer", "password": "guess"})
    assert (
        client.post("/accounts/login/", {"username": "staffer", "password": PASSWORD}).status_code
        == 302
    )


def test_wrong_codes_count_and_the_right_password_does_not_clear_them(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    for _ in range(MAX_FAILURES):
        step = client.post("/accounts/login/", {"username": "staffer", "password": PASSWORD})
        assert step.status_code == 302 and step["Location"].startswith("/accounts/login/code/")
        wrong = client.post("/accounts/login/code/", {"code": wrong_code(device)})
        assert wrong.status_code == 400
        assert not logged_in(client)
    # locked: the right password is refused, and so is the right code of a pending login
    response = client.post("/accounts/login/", {"username": "staffer", "password": PASSWORD})
    assert LOGIN_THROTTLED in response.content.decode()
    code_step = client.post("/accounts/login/code/", {"code": totp_code(device)})
    assert code_step.status_code == 400
    assert THROTTLED in code_step.content.decode()
    assert not logged_in(client)


def test_guessing_the_old_password_on_the_change_page_is_throttled(client, staff):
    client.force_login(staff)  # an open session someone else sits at
    for _ in range(MAX_FAILURES):
        wrong = client.post(
            "/accounts/password/change/",
            {"old_password": "guess", "new_password1": "x" * 20, "new_password2": "x" * 20},
        )
        assert wrong.status_code == 200
    right = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert right.status_code == 200
    assert LOGIN_THROTTLED in right.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
