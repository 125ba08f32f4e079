"""The package download routes the Luanti client installs from (docs/protocols/luanti-client.md 6):
`/packages/<author>/<name>/download/` and `/packages/<author>/<name>/releases/<id>/download/`.

They answer the release zip's bytes. Download counting (by reason and platform, once per client
address per package a day: releases/downloads.py) hooks in `serve_release_zip`, the one place both
routes end.
"""

from urllib.parse import quote

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.views.decorators.http import require_safe

from accounts.addresses import client_address
from packages.errors import NoSuchPackage, PackageMoved
from packages.models import Package
from packages.permissions import Action, can
from packages.selectors import package_for_action, resolve_luanti_version
from releases.downloads import count_luanti_download
from releases.models import Release, TaskState
from releases.selectors import latest_compatible_release, release_zip


def _user(request: HttpRequest):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _package(request: HttpRequest, author: str, name: str) -> Package | HttpResponseRedirect:
    try:
        return package_for_action(user=_user(request), author=author, name=name)
    except PackageMoved as moved:
        # an old name keeps working for installed content (ContentDB issue #666)
        target = moved.package
        old = f"/packages/{quote(author)}/{quote(name)}/"
        new = f"/packages/{quote(target.author.username)}/{quote(target.name)}/"
        return HttpResponseRedirect(request.get_full_path().replace(old, new, 1))
    except NoSuchPackage:
        raise Http404("Package not found") from None


def serve_release_zip(request: HttpRequest, release: Release) -> HttpResponseBase:
    zip_file = release_zip(release=release)
    if zip_file is None:
        raise Http404("This release has no file")
    if request.method == "GET":  # a HEAD request downloads nothing
        count_luanti_download(
            release_file=zip_file,
            package_id=release.package_id,
            reason=request.GET.get("reason"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            client=client_address(request),  # counted once per address a day
        )
    return FileResponse(
        zip_file.file.open("rb"),
        as_attachment=True,
        filename=zip_file.filename,
        content_type="application/zip",
    )


def _int(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 <= number < 2**31 else None


@require_safe
def package_download(request: HttpRequest, author: str, name: str) -> HttpResponseBase:
    """The newest approved release, compatible with the client's version when it says one."""
    package = _package(request, author, name)
    if isinstance(package, HttpResponseRedirect):
        return package
    protocol = _int(request.GET.get("protocol_version"))
    engine = request.GET.get("engine_version", "")[:50]
    version = (
        resolve_luanti_version(protocol=protocol, engine=engine) if protocol or engine else None
    )
    release = latest_compatible_release(package=package, version=version)
    if release is None:
        raise Http404("No release available")
    return serve_release_zip(request, release)


@require_safe
def release_download(
    request: HttpRequest, author: str, name: str, release_id: int
) -> HttpResponseBase:
    package = _package(request, author, name)
    if isinstance(package, HttpResponseRedirect):
        return package
    release = Release.objects.filter(pk=release_id, package=package).first()
    if release is None:
        raise Http404("Release not found")
    is_public = release.approved and release.task_state == TaskState.DONE
    if not is_public and not can(_user(request), Action.EDIT_PACKAGE, package):
        raise Http404("Release not found")
    return serve_release_zip(request, release)
