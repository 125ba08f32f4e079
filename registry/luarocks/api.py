"""Views of the path-key upload API that `luarocks upload` speaks (docs/protocols/luarocks.md).

Every answer is JSON; failures carry an `errors` array. Routes have no trailing slash and no view
redirects: LuaSocket does not follow redirects for POST (docs/protocols/luarocks.md trap 3).
"""

import re

from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from accounts.models import ApiKey
from accounts.services import record_api_key_action
from packages.permissions import Action, can, refusal_message
from registry.common.body_limits import body_limit
from registry.luarocks.auth import path_key_view
from registry.luarocks.errors import DOMAIN_ERRORS, domain_error_response, errors_response
from registry.luarocks.serializers import (
    manifests,
    module_json,
    module_url,
    rock_json,
    timestamp,
    version_json,
)
from releases.selectors import (
    current_release_id,
    rock_release,
    rock_release_by_id,
    rockspec_file,
    user_rock,
)
from releases.uploads import upload_rock, upload_rockspec

# What luarocks.org sends; any other string makes the client warn "your LuaRocks is out of date".
TOOL_VERSION = "1.0.0"
VERSION_ID = re.compile(r"[0-9]{1,18}")  # fits a bigint: a longer number is no version of ours
INVALID_VERSION = "invalid version"


@csrf_exempt
@require_safe
def tool_version(request: HttpRequest) -> JsonResponse:
    # a string, and never `force_update` (docs/protocols/luarocks.md trap 6)
    return JsonResponse({"version": TOOL_VERSION})


@path_key_view("GET", "HEAD")
def key_status(request: HttpRequest, key: ApiKey) -> JsonResponse:
    return JsonResponse({"user_id": key.user_id, "created_at": timestamp(key.created_at)})


@path_key_view("GET", "HEAD")
def check_rockspec(request: HttpRequest, key: ApiKey) -> JsonResponse:
    """`{}`, `{"module": ...}` or both: absent keys are left out, never null (docs/protocols/luarocks.md trap 1)."""
    name = request.GET.get("package", "")
    version = request.GET.get("version", "")
    if not name:
        return errors_response("package must be provided")
    if not version:
        return errors_response("version must be provided")
    answer: dict = {}
    package = user_rock(user=key.user, name=name[:255])
    if package is None:
        return JsonResponse(answer)
    answer["module"] = module_json(package, current_version_id=current_release_id(package=package))
    release = rock_release(package=package, version=version[:255])
    if release is not None:
        answer["version"] = version_json(release, rockspec=rockspec_file(release=release))
    return JsonResponse(answer)


@body_limit("MAX_ROCKSPEC_UPLOAD_SIZE")
@path_key_view("POST")
def upload(request: HttpRequest, key: ApiKey) -> JsonResponse:
    uploaded, failure = _uploaded_file(request, "rockspec_file")
    if failure:
        return failure
    try:
        result = upload_rockspec(by=key.user, filename=uploaded.name, content=uploaded.read())
    except DOMAIN_ERRORS as error:
        return domain_error_response(error)
    record_api_key_action(key=key)
    package = result.package
    return JsonResponse(
        {
            "module": module_json(package, current_version_id=current_release_id(package=package)),
            "version": version_json(result.release, rockspec=result.rockspec),
            "module_url": module_url(package),
            "manifests": manifests(package),
            "is_new": result.is_new_package,
        }
    )


@path_key_view("POST")
def rock_upload(request: HttpRequest, key: ApiKey, version_id: str) -> JsonResponse:
    if not VERSION_ID.fullmatch(version_id):
        return errors_response("version_id must be an integer")
    release = rock_release_by_id(release_id=int(version_id))
    # someone else's version is as unknown as a missing one, unless the caller may edit it
    if release is None or not can(key.user, Action.MAKE_RELEASE, release.package):
        # the owner of an unverified account learns why; everyone else gets "unknown version"
        owner_refusal = release and refusal_message(
            key.user, Action.MAKE_RELEASE, release.package, default=""
        )
        if owner_refusal:
            return errors_response(owner_refusal, status=403)
        return errors_response(INVALID_VERSION, status=404)
    uploaded, failure = _uploaded_file(request, "rock_file")
    if failure:
        return failure
    try:
        result = upload_rock(
            by=key.user, release=release, filename=uploaded.name, content=uploaded.read()
        )
    except DOMAIN_ERRORS as error:
        return domain_error_response(error)
    record_api_key_action(key=key)
    return JsonResponse(
        {"rock": rock_json(result.rock), "module_url": module_url(result.release.package)}
    )


def _uploaded_file(request: HttpRequest, field: str):
    """The file part `field`, or an error answer. The `*_sig` parts of `--sign` are ignored."""
    try:
        uploaded = request.FILES.get(field)
    except (MultiPartParserError, ValueError):
        return None, errors_response("Malformed multipart body")
    if uploaded is None:
        return None, errors_response(f"Missing file: {field}")
    return uploaded, None
