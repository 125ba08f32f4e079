"""What the per-package endpoints share: finding a package the caller may see, version params."""

from urllib.parse import quote

from django.http import HttpResponseRedirect
from rest_framework.request import Request

from accounts.models import User
from accounts.selectors import user_by_username
from packages.errors import PackageMoved
from packages.models import LuantiVersion, Package
from packages.permissions import Action, can
from packages.selectors import package_for_action, resolve_luanti_version
from registry.contentdb.base import ContentDBError, ContentDBView


class Redirect(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class PackageView(ContentDBView):
    """A view under /api/packages/<author>/<name>/: an old name (alias) redirects to the new one."""

    def handle_exception(self, exc):
        if isinstance(exc, Redirect):
            return HttpResponseRedirect(exc.url)
        return super().handle_exception(exc)

    def package(self, author: str, name: str, *, detailed: bool = False) -> Package:
        """The package if the caller may see it (approved, or theirs / staff's), else 404."""
        try:
            return package_for_action(
                user=self.request.user, author=author, name=name, detailed=detailed
            )
        except PackageMoved as moved:
            target = moved.package
            old = f"/{quote(author)}/{quote(name)}/"
            new = f"/{quote(target.author.username)}/{quote(target.name)}/"
            raise Redirect(self.request.path.replace(old, new, 1)) from None

    def can_see_unapproved(self, package: Package) -> bool:
        """Owners and staff see unapproved releases and screenshots of the package."""
        return can(self.request.user, Action.EDIT_PACKAGE, package)


def int_param(request: Request, name: str) -> int | None:
    """An integer query parameter in 0..2**31-1, None when absent or empty; else 400."""
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ContentDBError(f"{name} must be an integer", 400) from None
    if not 0 <= value < 2**31:
        raise ContentDBError(f"{name} is out of range", 400)
    return value


def required_int_param(request: Request, name: str) -> int:
    """`int_param` that must be given (400 otherwise)."""
    value = int_param(request, name)
    if value is None:
        raise ContentDBError(f"{name} is required", 400)
    return value


VERSION_PARAMS = frozenset({"protocol_version", "engine_version"})


def version_params(request) -> dict:
    """`protocol_version` (checked) and `engine_version` (cut to 50 characters), as used."""
    return {
        "protocol_version": int_param(request, "protocol_version"),
        "engine_version": request.query_params.get("engine_version", "")[:50],
    }


def requested_version(request) -> LuantiVersion | None:
    """The Luanti version named by `protocol_version`/`engine_version`, or None for no filter."""
    params = version_params(request)
    protocol, engine = params["protocol_version"], params["engine_version"]
    if protocol is None and not engine:
        return None
    return resolve_luanti_version(protocol=protocol, engine=engine)


USER_NOT_FOUND = "User not found"


def user_or_404(username: str, message: str = USER_NOT_FOUND) -> User:
    """The user named in a path or a query parameter, or 404 with `message`."""
    user = user_by_username(username=username[:150])
    if user is None:
        raise ContentDBError(message, 404)
    return user
