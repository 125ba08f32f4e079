"""Logging in as tests need it: TOTP codes computed from a device's seed, and admin sessions."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later: the server
    accepts one step of skew, and a step it already accepted never again)."""
    return f"{totp(device.bin_key, step=device.step, drift=steps_ahead):0{device.digits}d}"


def log_in_to_the_admin(client: Client, user: User) -> Client:
    """`force_login` plus what the code step adds for staff: a confirmed authenticator app and a
    session that passed it (django-otp's session key). The real two-step login, with computed
    codes, is tested in tests/web/test_two_factor.py; this is for tests about the admin itself."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def wrong_code(device: TOTPDevice) -> str:
    """A well-formed code the server cannot accept now (none of the nearby steps' codes)."""
    near = {totp_code(device, steps_ahead=n) for n in range(-3, 4)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in near)
