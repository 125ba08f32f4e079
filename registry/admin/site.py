"""The moderators' admin site: Django's, with the site's one login, a second factor required, and
the moderation queue (registry/admin/queue.py) among its URLs and on its index page.

- Logging in: `/admin/login/` is the site's own login page (`accounts:login`, the web face's), so
  the admin has the same throttled password check (accounts/backends.py) and the same code step as
  every other login, not a second form with rules of its own. The admin reaches it by its URL name,
  as it would link to it: one face does not import another.
- A second factor: the admin opens only to staff whose session passed their authenticator app or a
  recovery code (django-otp's `is_verified()`, set by the code step). Staff without an app are sent
  to set one up; staff with one whose session did not pass it are sent to the code step.
"""

from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, path, resolve, reverse

from accounts import two_factor
from packages.permissions import Action, can
from registry.admin.queue import queue_view, review_view
from registry.common.next_urls import safe_next, with_next

NEEDS_SECOND_FACTOR = (
    "The admin needs two-factor authentication: set up an authenticator app to continue."
)


class RegistryAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # django-otp's middleware gives every request's user `is_verified()`
        is_verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and is_verified is not None and is_verified()

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # the queue and its review pages sit under the Package changelist's URL, as before
        return [
            path(
                "packages/package/moderation-queue/",
                self.admin_view(partial(queue_view, site=self)),
                name="packages_package_moderation_queue",
            ),
            path(
                "packages/package/<path:object_id>/review/",
                self.admin_view(partial(review_view, site=self)),
                name="packages_package_review",
            ),
            *super().get_urls(),
        ]

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        # the index page links the queue for whoever may work it
        context["may_view_moderation_queue"] = can(request.user, Action.VIEW_MODERATION_QUEUE)
        return context

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return resolve(reverse("accounts:login")).func(request)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied("Your account may not use the admin.")
        next_url = safe_next(request, reverse("admin:index", current_app=self.name))
        if not two_factor.has_second_factor(user):
            messages.warning(request, NEEDS_SECOND_FACTOR)
            return redirect(with_next(reverse("accounts:two-factor"), next_url))
        return redirect(with_next(reverse("accounts:login-code"), next_url))
