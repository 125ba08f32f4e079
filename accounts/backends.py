"""Web login that refuses suspended accounts and says why.

`authenticate()` runs inside every login form's `clean()` (Django's AuthenticationForm, the admin's,
and forms built on them), and a ValidationError raised there becomes the form's error message. So
once the password is right, a suspended account gets "Your account has been suspended" instead of
the generic wrong-password message. A wrong password still gets the generic answer, so nobody learns
that an account is suspended without knowing its password.

Sessions opened before a suspension end at the next request: `get_user()` answers None for a
suspended account (through `user_can_authenticate`).
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

# The same words the LuaRocks face answers with (docs/protocols/luarocks.md 1.1).
ACCOUNT_SUSPENDED = "Your account has been suspended"


class AccountSuspended(ValidationError):
    pass


class SuspensionAwareBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username is not None and password is not None:
            self._refuse_if_suspended(username=username, password=password)
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
