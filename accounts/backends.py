"""The one password check of the site: throttled, and refusing suspended accounts with a reason.

Django's `authenticate()` runs inside every login form's `clean()` (our LoginForm, the admin's
AdminAuthenticationForm, any form built on AuthenticationForm), so a rule here holds on every login
path, including one added later that forgets to ask for it:

- Throttling: after MAX_FAILURES wrong passwords (or wrong second-factor codes, accounts/two_factor.py)
  for one username from one client address, every further attempt for that pair is refused, the
  right password included, until the window ends (accounts/login_throttle.py). The refusal is a
  ValidationError, which becomes the form's error message.
- Suspension: once the password is right, a suspended account gets "Your account has been
  suspended" instead of the generic wrong-password message. A wrong password still gets the generic
  answer, so nobody learns that an account is suspended without knowing its password.

A right password clears the count only for accounts without a second factor: for the others the
password is half of the login, and clearing there would let someone who knows it try codes forever
(accounts/two_factor.py clears the count once the code is right).

Sessions opened before a suspension end at the next request: `get_user()` answers None for a
suspended account (through `user_can_authenticate`).
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from accounts import login_throttle
from accounts.addresses import client_address

# The same words the LuaRocks face answers with (docs/protocols/luarocks.md 1.1).
ACCOUNT_SUSPENDED = "Your account has been suspended"
# the wait is the throttle's own window, so the message cannot drift from it
LOGIN_THROTTLED = (
    "Too many failed log-in attempts. "
    f"Please wait {login_throttle.WINDOW_SECONDS // 60} minutes and try again."
)


class AccountSuspended(ValidationError):
    pass


class LoginThrottled(ValidationError):
    pass


class SuspensionAwareBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None  # not a password login (Django also calls backends with other credentials)
        address = client_address(request)
        if login_throttle.is_locked_out(username=username, address=address):
            raise LoginThrottled(LOGIN_THROTTLED, code="throttled")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_throttle.record_failure(username=username, address=address)
            self._refuse_if_suspended(username=username, password=password)
            return None
        if not _has_second_factor(user):
            login_throttle.clear_failures(username=username, address=address)
        return user

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "is_suspended", False)

    def _refuse_if_suspended(self, *, username: str, password: str) -> None:
        user = self._user_by_username(username)
        if user is not None and user.is_suspended and user.check_password(password):
            raise AccountSuspended(
                f"{ACCOUNT_SUSPENDED}. Contact the moderators if you think this is a mistake.",
                code="suspended",
            )

    def _user_by_username(self, username: str):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            return model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            return None


def _has_second_factor(user) -> bool:
    from accounts.two_factor import has_second_factor

    return has_second_factor(user)
