"""Screenshot use cases: add, delete, reorder, choose the cover image, approve
(docs/protocols/contentdb.md section 5).

An upload is checked completely (media_tools.thumbnails.check_image) before anything is stored. The
stored name is random and its extension is the image's real format, so the file is served with the
right Content-Type whatever the upload was called. The file is written inside the transaction and
deleted again if the transaction fails; deleted screenshots lose their file and thumbnails only once
the deletion has committed.
"""

import secrets
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from accounts.models import User
from media_tools.errors import InvalidImage
from media_tools.limits import count_upload
from media_tools.storage import delete_after_commit, files_removed_on_error, save_file
from media_tools.thumbnails import EXTENSIONS, check_image, thumbnail_names
from packages.errors import (
    InvalidScreenshotRequest,
    NotAllowed,
    ScreenshotPermissionDenied,
    TooManyScreenshots,
)
from packages.history import change_severity
from packages.invalidation import invalidate_luanti_lists
from packages.models import Package, Screenshot
from packages.permissions import Action, can, refusal_message

MAX_TITLE = 100
RATE_COUNT, RATE_WINDOW = 20, timedelta(minutes=30)  # ContentDB's limit
NO_CREATE = "You do not have the permission to create screenshots"
NO_CHANGE = "You do not have the permission to change screenshots"
NO_DELETE = "You do not have the permission to delete screenshots"


def _read(file: bytes | UploadedFile) -> tuple[str | None, bytes]:
    if isinstance(file, bytes):
        return None, file
    file.seek(0)
    return file.name, file.read()


def _clean_title(title: str | None) -> str:
    if title is None:
        raise InvalidScreenshotRequest("Title is required in the POST data", field="title")
    title = title.strip() or "Untitled"
    if len(title) > MAX_TITLE or "\n" in title or "\x00" in title:
        raise InvalidScreenshotRequest(
            f"Title must be one line of at most {MAX_TITLE} characters", field="title"
        )
    return title


def add_screenshot(
    *,
    package: Package,
    by: User,
    title: str | None,
    file: bytes | UploadedFile,
    is_cover_image: bool = False,
    rate_limited: bool = True,
) -> Screenshot:
    """Store a checked image as the package's last screenshot (approved at once for its people).

    `rate_limited=False` is the operator's authority (the import commands): neither the account's
    upload limit nor ContentDB's 20 screenshots in 30 minutes apply. No face passes it."""
    if rate_limited:
        count_upload(user_id=by.pk)
    if not can(by, Action.ADD_SCREENSHOTS, package):
        raise ScreenshotPermissionDenied(
            refusal_message(by, Action.ADD_SCREENSHOTS, package, default=NO_CREATE)
        )
    title = _clean_title(title)
    filename, content = _read(file)
    if filename is not None and filename.rsplit(".", 1)[-1].lower() not in EXTENSIONS:
        raise InvalidImage("Please upload a PNG, JPEG, or WebP image file")
    checked = check_image(content)
    recent = package.screenshots.filter(created_at__gte=timezone.now() - RATE_WINDOW).count()
    if rate_limited and recent >= RATE_COUNT:
        raise TooManyScreenshots("Too many requests, please wait before trying again")
    with files_removed_on_error(), transaction.atomic():
        Package.objects.select_for_update().filter(pk=package.pk).first()
        shots = list(package.screenshots.order_by("order", "id"))
        for number, shot in enumerate(shots, start=1):
            if shot.order != number:
                shot.order = number
                shot.save(update_fields=["order"])
        name = save_file(f"screenshots/{secrets.token_hex(8)}.{checked.extension}", content)
        # ContentDB: the package's people approve their own screenshots; before the package is
        # approved any of them may, afterwards only trusted members (the APPROVE_SCREENSHOT rule).
        approved = can(by, Action.APPROVE_SCREENSHOT, package) or not package.is_approved
        screenshot = Screenshot.objects.create(
            package=package,
            title=title,
            file=name,
            width=checked.width,
            height=checked.height,
            order=len(shots) + 1,
            approved=approved,
        )
        if is_cover_image:
            _set_cover(package=package, screenshot=screenshot)
        invalidate_luanti_lists()  # lists show the cover or first screenshot, details all of them
    return screenshot


def _set_cover(*, package: Package, screenshot: Screenshot) -> None:
    package.screenshots.filter(is_cover_image=True).exclude(pk=screenshot.pk).update(
        is_cover_image=False
    )
    if not screenshot.is_cover_image:
        screenshot.is_cover_image = True
        screenshot.save(update_fields=["is_cover_image"])


@transaction.atomic
def delete_screenshot(*, screenshot: Screenshot, by: User) -> None:
    if not can(by, Action.CHANGE_SCREENSHOTS, screenshot.package):
        raise ScreenshotPermissionDenied(NO_DELETE)
    name = screenshot.file.name
    screenshot.delete()
    delete_after_commit([name, *thumbnail_names(name)])
    invalidate_luanti_lists()


def _ids(values: list[object], *, what: str) -> list[int]:
    ids = []
    for value in values:
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and value.isdigit())
        ):
            raise InvalidScreenshotRequest(f"Invalid id, not a number: {value!r}")
        ids.append(int(value))
    return ids


@transaction.atomic
def order_screenshots(*, package: Package, by: User, ids: object) -> list[Screenshot]:
    """Number the screenshots 1..n in the order given; the list must hold each of them once."""
    if not can(by, Action.CHANGE_SCREENSHOTS, package):
        raise ScreenshotPermissionDenied(NO_CHANGE)
    if not isinstance(ids, list):
        raise InvalidScreenshotRequest("Expected order body to be array")
    wanted = _ids(ids, what="order")
    shots = {s.pk: s for s in package.screenshots.select_for_update()}
    for shot_id in wanted:
        if shot_id not in shots:
            raise InvalidScreenshotRequest(f"Unable to find screenshot with id={shot_id}")
    if len(set(wanted)) != len(wanted) or set(wanted) != set(shots):
        raise InvalidScreenshotRequest(
            "The order must list each of the package's screenshots exactly once"
        )
    for number, shot_id in enumerate(wanted, start=1):
        shot = shots[shot_id]
        if shot.order != number:
            shot.order = number
            shot.save(update_fields=["order"])
    invalidate_luanti_lists()
    return [shots[i] for i in wanted]


@transaction.atomic
def set_cover_image(*, package: Package, by: User, screenshot_id: object) -> Screenshot:
    if not can(by, Action.CHANGE_SCREENSHOTS, package):
        raise ScreenshotPermissionDenied(NO_CHANGE)
    (shot_id,) = _ids([screenshot_id], what="cover_image")
    screenshot = package.screenshots.select_for_update().filter(pk=shot_id).first()
    if screenshot is None:
        raise InvalidScreenshotRequest("Unable to find screenshot")
    _set_cover(package=package, screenshot=screenshot)
    return screenshot


@transaction.atomic
def approve_screenshot(*, by: User, screenshot: Screenshot) -> Screenshot:
    """Approve a waiting screenshot (ContentDB's APPROVE_SCREENSHOT: approvers up, or the
    package's people when trusted; approving the package approves its screenshots too, see
    packages.workflow)."""
    if not can(by, Action.APPROVE_SCREENSHOT, screenshot):
        raise NotAllowed("You do not have the permission to approve screenshots.")
    screenshot = (
        Screenshot.objects.select_for_update().select_related("package").get(pk=screenshot.pk)
    )
    if not screenshot.approved:
        screenshot.approved = True
        screenshot.save(update_fields=["approved"])
        package = screenshot.package
        invalidate_luanti_lists()  # the lists show a package's first approved screenshot
        record(
            causer=by,
            action="screenshot.approve",
            title=f"Approved screenshot {screenshot.title!r} of {package.title}",
            severity=change_severity(by=by, package=package),
            package=package,
            diff={"approved": (False, True)},
        )
    return screenshot
