"""What the web pages share: finding the package a URL names, and showing a service's refusal.

The look-up is `packages.selectors.package_for_action` (the same look-up and permission check the
APIs and the admin use), answered the web's way.

A package that does not exist or that the user may not see is a 404 page; one they may see but
not act on is a 403 page; an old name (alias) redirects to the package's current key, with the
rest of the path kept. Every page under a package's key mixes in `PackagePageMixin`.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views import View

from accounts.models import User
from media_tools.errors import LimitReached
from packages.errors import NoSuchPackage, NotAllowed, PackageMoved
from packages.models import Package
from packages.permissions import Action
from packages.selectors import NOT_ALLOWED, package_for_action

NO_PERMISSION = gettext_noop("You may not change this package.")  # translated when raised


def web_package(
    request: HttpRequest,
    author: str,
    name: str,
    action: Action = Action.VIEW_PACKAGE,
    *,
    rock: bool = False,
    refused: str = NO_PERMISSION,
) -> Package:
    """The package at author/name when the user may do `action` on it; raises Http404,
    PermissionDenied(`refused`) or PackageMoved (turned into a redirect by PackagePageMixin)."""
    try:
        return package_for_action(
            user=request.user, action=action, author=author, name=name, rock=rock
        )
    except NoSuchPackage:
        raise Http404("No such package") from None
    except NotAllowed as error:
        reason = str(error)  # a reason of its own (an unverified email address), or the page's
        raise PermissionDenied(gettext(refused) if reason == NOT_ALLOWED else reason) from None


# For the type checker the mixin is a View (its super().dispatch is View's); at run time it is a
# plain mixin, listed before View in each page's bases.
if TYPE_CHECKING:
    _ViewBase = View
else:
    _ViewBase = object


def signed_in(request: HttpRequest) -> User:
    """The account of a page behind LoginRequiredMixin (anonymous visitors never reach it)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class PackagePageMixin(_ViewBase):
    """Redirects a page reached by an old name of its package to the same page under the new key."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PackageMoved as moved:
            author = kwargs.get("author") or kwargs.get("username") or ""
            name = kwargs.get("name", "")
            target = moved.package
            path = request.path.replace(
                f"/{author}/{name}", f"/{target.author.username}/{target.name}", 1
            )
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{path}?{query}" if query else path)


def package_for(request, author: str, name: str, action: Action) -> Package:
    """The Luanti package when the user may do `action` on it: 404 when it is unknown or hidden
    from them (a deleted package, below moderator), 403 when they may see it but not act."""
    return web_package(request, author, name, action)


def detail_url(package: Package) -> str:
    return reverse("packages:detail", args=[package.author.username, package.name])


def limit_reached(
    form: forms.Form, error: LimitReached, render_page: Callable[..., HttpResponse]
) -> HttpResponse:
    """A limit of the services (media_tools.limits) as a form error: the page again, with what the
    user typed, status 429 and Retry-After, as the API faces answer."""
    form.add_error(None, error.message)
    response = render_page(status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def put_error_on_field(
    form: forms.Form,
    error: Exception,
    *,
    default: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    """A domain error next to the field it names (its `field`, renamed by `aliases` where the form
    calls it otherwise), else next to `default` or above the form, with what the user typed kept."""
    field = getattr(error, "field", None)
    field = (aliases or {}).get(field, field) if field else None
    message = getattr(error, "message", None) or str(error)
    form.add_error(field if field in form.fields else default, message)
