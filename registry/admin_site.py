"""The moderators' admin site: Django's, with the site's one login and a second factor required.

- Logging in: `/admin/login/` is the site's own login (accounts.views.LoginView), so the admin has
  the same throttled password check (accounts/backends.py) and the same code step as every other
  login, not a second form with rules of its own.
- A second factor: the admin opens only to staff whose session passed their authenticator app or a
  recovery code (django-otp's `is_verified()`, set by the code step). Staff without an app are sent
  to set one up; staff with one whose session did not pass it are sent to the code step.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts import two_factor
from accounts.two_factor_views import safe_next, with_next
from accounts.views import LoginView

NEEDS_SECOND_FACTOR = (
    "The admin needs two-factor authentication: set up an authenticator app to continue."
)


class RegistryAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return LoginView.as_view()(request)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied("Your account may not use the admin.")
        next_url = safe_next(request, reverse("admin:index", current_app=self.name))
        if not two_factor.has_second_factor(user):
            messages.warning(request, NEEDS_SECOND_FACTOR)
            return redirect(with_next(reverse("accounts:two-factor"), next_url))
        return redirect(with_next(reverse("accounts:login-code"), next_url))
