"""Package writes: create (our extension for CLI tools) and PUT (docs/protocols/contentdb.md "Packages").

Checks run in ContentDB's order (docs/protocols/contentdb.md sections 1 and 3): unknown package 404, then
401 without a token, then 403 for a token limited to another package, then the domain's own checks
(permission 403, bad values 400).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response

from packages.errors import NoSuchPackage, PackageMoved
from packages.models import Package
from packages.package_edits import NO_EDIT, REQUIRED, create_package, update_package
from packages.permissions import Action, can
from packages.selectors import PACKAGE_NOT_FOUND, package_for_action
from registry.contentdb.base import ContentDBError, ContentDBView, require_token, require_token_for
from registry.contentdb.errors import error_response
from registry.contentdb.inputs import json_object, package_changes
from registry.contentdb.package_answers import package_answer

TOKEN_LIMITED = "This API token is limited to one package and cannot create packages"  # noqa: S105


def by_method(**views: Callable) -> Callable:
    """One path, one view per HTTP method (reads and writes live in separate modules); methods
    without a view of their own go to the GET view, which answers them with its 405."""

    @csrf_exempt
    def dispatch(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        view = views.get(request.method or "") or views.get("GET")
        if view is None:
            return error_response("Endpoint or method not found", status=405)
        return view(request, *args, **kwargs)

    return dispatch


def package_for_write(request, author: str, name: str) -> Package:
    """The Luanti package at author/name for a write, or 404: unknown, an old name (writes do not
    follow redirects), or hidden from the caller (a deleted package, below moderator). Whether the
    caller may write it is the service's question, after the 401 and token checks (ContentDB's
    order)."""
    try:
        return package_for_action(user=request.user, action=None, author=author, name=name)
    except (NoSuchPackage, PackageMoved):
        raise ContentDBError(PACKAGE_NOT_FOUND, 404) from None


class PackageCreateView(ContentDBView):
    def post(self, request):
        user, token = require_token(request)
        if token.package_id is not None:
            raise ContentDBError(TOKEN_LIMITED, 403)
        data = json_object(request.data)
        for key in REQUIRED:
            if data.get(key) in (None, ""):
                raise ContentDBError(f"{key} is required", 400)
        # "by" names the caller in some CLI tools' bodies; the token says who it is
        changes = package_changes(data, ignore=frozenset({"by"}))
        package = create_package(by=user, changes=changes)
        return Response({"success": True, "package": package_answer(package, request)}, status=201)


class PackageUpdateView(ContentDBView):
    def put(self, request, author: str, name: str):
        package = package_for_write(request, author, name)
        user = require_token_for(request, package)
        if not can(user, Action.EDIT_PACKAGE, package):  # before the body, as ContentDB checks
            raise ContentDBError(NO_EDIT, 403)
        changes = package_changes(request.data)
        package, was_modified = update_package(package=package, by=user, changes=changes)
        return Response(
            {
                "success": True,
                "package": package_answer(package, request),
                "was_modified": was_modified,
            }
        )
