"""Release writes (docs/protocols/contentdb.md "Releases"): create from a zip or from git, delete; and the task
status a git import can be followed by.

Order of checks copies ContentDB (docs/protocols/contentdb.md section 1): create is 404 package -> 401 ->
403 "approve releases" permission -> 400 body checks -> 403 token/package -> domain errors; delete
is 404 release -> 401 -> 403 token/package -> domain errors.
"""

from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response

from packages.permissions import Action, can
from registry.common.body_limits import body_limit
from registry.contentdb.auth import BearerAuthentication
from registry.contentdb.base import (
    ContentDBError,
    ContentDBView,
    require_token,
    require_token_for,
)
from registry.contentdb.serializers import release_dict
from registry.contentdb.writes_packages import package_for_write
from releases.deletion import delete_release
from releases.git_releases import create_git_release
from releases.luanti_conf import luanti_version
from releases.models import FileKind, Release, TaskState
from releases.zip_releases import create_zip_release

NO_APPROVE = "You do not have the permission to approve releases"
FAILED_FOR_STRANGERS = "The import failed"
RELEASE_NOT_FOUND = "Release not found"
TASK_STATUS: dict[str, str] = {
    TaskState.PENDING: "PENDING",
    TaskState.RUNNING: "STARTED",
    TaskState.DONE: "SUCCESS",
    TaskState.FAILED: "FAILURE",
}


def _text(data, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ContentDBError(f"{key} must be a string", 400)
    return value


def task_path(release: Release) -> str:
    return f"/tasks/{release.task_id}/"


def release_answer(release: Release) -> dict:
    release = Release.objects.select_related(
        "package__author", "min_luanti_version", "max_luanti_version"
    ).get(pk=release.pk)
    zip_file = release.files.filter(kind=FileKind.ZIP).first()
    return release_dict(release, size=zip_file.size if zip_file else 0)


@body_limit("MAX_RELEASE_ZIP_SIZE")
class ReleaseCreateView(ContentDBView):
    def post(self, request, author: str, name: str):
        package = package_for_write(request, author, name)
        user, _ = require_token(request)
        if not can(user, Action.APPROVE_RELEASE, package):
            raise ContentDBError(NO_APPROVE, 403)
        data = request.data
        if not hasattr(data, "get"):
            raise ContentDBError("Expected a JSON object or form data", 400)
        release_name, title = _text(data, "name"), _text(data, "title")
        notes = _text(data, "release_notes")
        if not (release_name or "").strip() and not (title or "").strip():
            raise ContentDBError("name is required in the POST data", 400)
        method = _text(data, "method")
        if method == "git":
            if "ref" not in data:
                raise ContentDBError("ref is required in the POST data", 400)
            ref = _text(data, "ref")
        elif request.FILES:
            if "file" not in request.FILES:
                raise ContentDBError("Missing 'file' in multipart body", 400)
        else:
            raise ContentDBError(
                "Unknown release-creation method. Specify the method or provide a file.", 400
            )
        require_token_for(request, package)
        if method == "git":
            release = create_git_release(
                package=package,
                by=user,
                ref=ref,
                title=title,
                name=release_name,
                release_notes=notes,
            )
        else:
            release = create_zip_release(
                package=package,
                by=user,
                title=title,
                name=release_name,
                file=request.FILES["file"],
                release_notes=notes,
                commit=_text(data, "commit"),
                min_luanti=luanti_version(
                    _text(data, "min_minetest_version"), key="min_minetest_version"
                ),
                max_luanti=luanti_version(
                    _text(data, "max_minetest_version"), key="max_minetest_version"
                ),
            )
        return Response(
            {"success": True, "task": task_path(release), "release": release_answer(release)}
        )


class ReleaseDeleteView(ContentDBView):
    def delete(self, request, author: str, name: str, release_id: int):
        package = package_for_write(request, author, name)
        release = package.releases.filter(pk=release_id).first()
        if release is None:
            raise ContentDBError(RELEASE_NOT_FOUND, 404)
        user = require_token_for(request, package)
        delete_release(release=release, by=user)
        return Response({"success": True})


class TaskStatusView(ContentDBView):
    """ContentDB's `/tasks/<id>/` JSON: how a release's import stands.

    Ids are the releases' random task ids. Everyone sees the state; why an import failed only the
    package's people and moderators (Bearer token or web session), others a fixed sentence.
    """

    # a web session counts too: people follow the task link from the site, signed in there
    authentication_classes = [BearerAuthentication, SessionAuthentication]

    def get(self, request, task_id):
        release = Release.objects.select_related("package").filter(task_id=task_id).first()
        if release is None:
            raise ContentDBError("Task not found", 404)
        status = TASK_STATUS[release.task_state]
        answer: dict = {"id": str(release.task_id), "status": status}
        if status == "FAILURE":
            may_see = can(request.user, Action.SEE_IMPORT_ERRORS, release.package)
            answer["error"] = release.task_error if may_see else FAILED_FOR_STRANGERS
        else:
            answer["result"] = {"release": release.pk} if status == "SUCCESS" else None
        response = Response(answer)
        response["Cache-Control"] = "private, no-store"  # the answer depends on who asks
        return response
