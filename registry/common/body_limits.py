"""Request body limits per route: each upload route names the setting of the file it takes.

A view (function or class) is marked with `@body_limit("MAX_RELEASE_ZIP_SIZE")`; every other route
gets `MAX_UPLOAD_SIZE`. `registry.errors.FaceErrorMiddleware` refuses a body whose Content-Length is
over its route's limit plus `ENVELOPE` (the multipart boundaries and the other form fields) with 413
in the face's format before anything reads it. The setting is read per request, so
`override_settings` and an environment variable both change it.

The limits bound what is written to disk, not memory: Django streams file parts over
FILE_UPLOAD_MAX_MEMORY_SIZE to temporary files, and the services read them in chunks
(releases.zip_releases, releases.zips, releases.storage).
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve

DEFAULT = "MAX_UPLOAD_SIZE"
ENVELOPE = 64 * 1024

V = TypeVar("V")


def body_limit(setting: str) -> Callable[[V], V]:
    """Mark a view (function or class) as taking bodies up to `settings.<setting>` bytes."""

    def mark(view: V) -> V:
        view.body_limit_setting = setting  # type: ignore[attr-defined]
        return view

    return mark


def limit_setting(path_info: str) -> str:
    """The name of the setting that limits request bodies of this path."""
    try:
        match = resolve(path_info)
    except Resolver404:
        return DEFAULT
    view = match.func
    for holder in (getattr(view, "view_class", None), view):
        name = getattr(holder, "body_limit_setting", None)
        if name:
            return name
    return DEFAULT


def file_limit(request: HttpRequest) -> int:
    """The largest file the request's route takes, in bytes."""
    return int(getattr(settings, limit_setting(request.path_info)))
