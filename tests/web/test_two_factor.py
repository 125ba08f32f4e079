"""Two-factor authentication through the web pages, with codes computed from the device's seed as
an authenticator app computes them: set-up (otpauth URI, confirm, recovery codes shown once), the
code step of logging in on the site and in the admin, replayed and recovery codes, turning it off,
and approvers kept out of the admin until they have it (finding 2 of issue 16)."""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditLogEntry, Rank, RecoveryCode
from accounts.secrets import hash_secret
from accounts.two_factor import RECOVERY_CODE_COUNT, WRONG_CODE, WRONG_PASSWORD
from registry.admin.site import NEEDS_SECOND_FACTOR
from tests.factories import UserFactory
from tests.logins import totp_code, wrong_code
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CODES = re.compile(r'<li><code class="secret">([a-z0-9-]+)</code></li>')


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def as_if_time_passed(device: TOTPDevice) -> None:
    """django-otp makes a device wait 1 s, 2 s, 4 s... after each wrong code; move its last
    failure a minute back instead of sleeping."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1)
    )


def set_up(client, user) -> tuple[TOTPDevice, list[str]]:
    """The set-up as a person does it: start, read the seed, type the app's code."""
    assert client.post("/settings/two-factor/").status_code == 302
    page = client.get("/settings/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    assert "otpauth://totp/" in page and f"secret={secret}" in page
    confirmed = client.post("/settings/two-factor/confirm/", {"code": totp_code(device)})
    assert confirmed.status_code == 200
    return TOTPDevice.objects.get(pk=device.pk), CODES.findall(confirmed.content.decode())


def password_step(client, username: str, next_url: str = "/settings/profile/"):
    return client.post(
        f"/accounts/login/?next={next_url}", {"username": username, "password": PASSWORD}
    )


@pytest.fixture
def member(db):
    return UserFactory(username="mia", rank=Rank.MEMBER)


def test_set_up_shows_the_uri_confirms_with_a_code_and_shows_recovery_codes_once(
    client, member, settings
):
    client.force_login(member)
    assert client.post("/settings/two-factor/").status_code == 302
    page = client.get("/settings/two-factor/")
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    body = page.content.decode()
    uri = re.search(r'id="otpauth-uri">([^<]+)<', body).group(1).replace("&amp;", "&")
    assert uri.startswith(f"otpauth://totp/{settings.OTP_TOTP_ISSUER}%3Amia?")
    assert f"secret={b32encode(device.bin_key).decode()}" in uri
    assert "data:image/svg+xml" in body  # the QR code of the same URI

    wrong = client.post("/settings/two-factor/confirm/", {"code": wrong_code(device)})
    assert wrong.status_code == 400
    assert WRONG_CODE in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    as_if_time_passed(device)
    right = client.post("/settings/two-factor/confirm/", {"code": totp_code(device)})
    assert right.status_code == 200
    assert right["Cache-Control"] == "no-store"
    codes = CODES.findall(right.content.decode())
    assert len(codes) == len(set(codes)) == RECOVERY_CODE_COUNT
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    stored = set(RecoveryCode.objects.filter(user=member).values_list("code_hash", flat=True))
    assert stored == {hash_secret(code.replace("-", "")) for code in codes}
    assert AuditLogEntry.objects.filter(action="two_factor.enable", target_user=member).exists()

    status = client.get("/settings/two-factor/").content.decode()
    assert "is <strong>on</strong>" in status and f"{RECOVERY_CODE_COUNT} unused" in status
    assert not any(code in status for code in codes)  # shown once


def test_login_asks_for_the_code_after_the_password(client, member):
    device = TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    step = password_step(client, "MIA")
    assert step.status_code == 302
    assert step["Location"] == "/accounts/login/code/?next=%2Fsettings%2Fprofile%2F"
    assert not logged_in(client)  # the password alone logs nobody in
    assert client.get("/settings/profile/").status_code == 302

    assert client.get(step["Location"]).status_code == 200
    wrong = client.post(step["Location"], {"code": wrong_code(device)})
    assert wrong.status_code == 400
    assert WRONG_CODE in wrong.content.decode()
    assert not logged_in(client)

    as_if_time_passed(device)
    right = client.post(step["Location"], {"code": totp_code(device)})
    assert right.status_code == 302 and right["Location"] == "/settings/profile/"
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_code_is_accepted_once(client, member):
    device = TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    code = totp_code(device)
    password_step(client, "mia")
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, "mia")
    replay = client.post("/accounts/login/code/", {"code": code})
    assert replay.status_code == 400
    assert WRONG_CODE in replay.content.decode()
    assert not logged_in(client)


def test_the_code_step_needs_the_password_step_first(client, member):
    TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    response = client.post("/accounts/login/code/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not logged_in(client)


def test_a_recovery_code_logs_in_once(client, member):
    client.force_login(member)
    _device, codes = set_up(client, member)
    client.post("/accounts/logout/")

    step = password_step(client, "mia")
    used = client.post(step["Location"], {"code": codes[3].upper()}, follow=True)
    assert used.redirect_chain[-1][0] == "/settings/profile/"
    assert logged_in(client)
    assert f"You have {RECOVERY_CODE_COUNT - 1} recovery codes left." in used.content.decode()
    assert RecoveryCode.objects.filter(user=member, used_at__isnull=False).count() == 1
    client.post("/accounts/logout/")

    password_step(client, "mia")
    again = client.post("/accounts/login/code/", {"code": codes[3]})
    assert again.status_code == 400
    assert WRONG_CODE in again.content.decode()
    assert not logged_in(client)


def test_turning_it_off_needs_the_password_and_a_code(client, member):
    client.force_login(member)
    device, _codes = set_up(client, member)
    wrong = client.post(
        "/settings/two-factor/disable/",
        {"password": "not it", "code": totp_code(device, steps_ahead=1)},
    )
    assert wrong.status_code == 400
    assert WRONG_PASSWORD in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=member).exists()

    off = client.post(
        "/settings/two-factor/disable/",
        {"password": PASSWORD, "code": totp_code(device, steps_ahead=1)},
    )
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not RecoveryCode.objects.filter(user=member).exists()
    client.post("/accounts/logout/")
    assert password_step(client, "mia")["Location"] == "/settings/profile/"  # no code step


@pytest.fixture
def approver(db):
    return UserFactory(username="appro", rank=Rank.APPROVER, is_staff=True)


def test_an_approver_cannot_reach_the_admin_until_the_app_is_set_up(client, approver):
    login = client.post("/admin/login/?next=/admin/", {"username": "appro", "password": PASSWORD})
    assert login.status_code == 302 and logged_in(client)  # no app yet: the password logs in
    for page in ["/admin/", "/admin/packages/package/", "/admin/accounts/user/"]:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    sent = client.get("/admin/", follow=True)
    assert sent.redirect_chain[-1][0] == "/settings/two-factor/?next=%2Fadmin%2F"
    assert NEEDS_SECOND_FACTOR in sent.content.decode()

    set_up(client, approver)
    assert client.get("/admin/").status_code == 200


def test_an_approver_with_an_app_logs_in_to_the_admin_with_a_code(client, approver):
    device = TOTPDevice.objects.create(user=approver, name="app", confirmed=True)
    step = client.post("/admin/login/?next=/admin/", {"username": "appro", "password": PASSWORD})
    assert step["Location"] == "/accounts/login/code/?next=%2Fadmin%2F"
    assert client.get("/admin/").status_code == 302
    done = client.post(step["Location"], {"code": totp_code(device)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_session_opened_before_the_app_must_pass_the_code_step(client, approver):
    device = TOTPDevice.objects.create(user=approver, name="app", confirmed=True)
    client.force_login(approver)  # e.g. logged in on another computer before the set-up
    sent = client.get("/admin/", follow=True)
    assert sent.redirect_chain[-1][0] == "/accounts/login/code/?next=%2Fadmin%2F"
    assert (
        client.post("/accounts/login/code/?next=/admin/", {"code": totp_code(device)})["Location"]
        == "/admin/"
    )
    assert client.get("/admin/").status_code == 200


def test_a_member_is_not_let_into_the_admin(member):
    client = Client()
    client.force_login(member)
    assert client.get("/admin/login/?next=/admin/").status_code == 403
