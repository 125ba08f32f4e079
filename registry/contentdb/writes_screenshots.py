"""Screenshot writes (docs/protocols/contentdb.md "Screenshots"): create, delete, order, cover image.

Order of checks copies ContentDB (docs/protocols/contentdb.md section 1): create is 401 -> 403 permission
-> 400 title/file -> 403 token/package -> domain; delete is 404 -> 401 -> 403 permission -> 403
token/package; order and cover are 401 -> 403 permission -> 403 token/package -> 400 body.
"""

from rest_framework.response import Response

from packages.models import Screenshot
from packages.permissions import Action, can, refusal_message
from packages.screenshots import (
    NO_CHANGE,
    NO_CREATE,
    NO_DELETE,
    add_screenshot,
    delete_screenshot,
    order_screenshots,
    set_cover_image,
)
from registry.common.body_limits import body_limit
from registry.contentdb.base import ContentDBError, ContentDBView, require_token, require_token_for
from registry.contentdb.inputs import is_yes
from registry.contentdb.serializers import screenshot_dict
from registry.contentdb.writes_packages import package_for_write


@body_limit("MAX_SCREENSHOT_SIZE")
class ScreenshotCreateView(ContentDBView):
    def post(self, request, author: str, name: str):
        package = package_for_write(request, author, name)
        user, _ = require_token(request)
        if not can(user, Action.ADD_SCREENSHOTS, package):
            refusal = refusal_message(user, Action.ADD_SCREENSHOTS, package, default=NO_CREATE)
            raise ContentDBError(refusal, 403)
        data = request.data
        title = data.get("title") if hasattr(data, "get") else None
        if title is None:
            raise ContentDBError("Title is required in the POST data", 400)
        if not isinstance(title, str):
            raise ContentDBError("title must be a string", 400)
        upload = request.FILES.get("file")
        if upload is None:
            raise ContentDBError("Missing 'file' in multipart body", 400)
        require_token_for(request, package)
        screenshot = add_screenshot(
            package=package,
            by=user,
            title=title,
            file=upload,
            is_cover_image=is_yes(data.get("is_cover_image")),
        )
        return Response({"success": True, "screenshot": screenshot_dict(screenshot)})


class ScreenshotDeleteView(ContentDBView):
    def delete(self, request, author: str, name: str, screenshot_id: int):
        package = package_for_write(request, author, name)
        screenshot = Screenshot.objects.filter(pk=screenshot_id, package=package).first()
        if screenshot is None:
            raise ContentDBError("Screenshot not found", 404)
        user, _ = require_token(request)
        if not can(user, Action.CHANGE_SCREENSHOTS, package):
            raise ContentDBError(NO_DELETE, 403)
        require_token_for(request, package)
        delete_screenshot(screenshot=screenshot, by=user)
        return Response({"success": True})


class _ChangeView(ContentDBView):
    def _package_for_change(self, request, author: str, name: str):
        package = package_for_write(request, author, name)
        user, _ = require_token(request)
        if not can(user, Action.CHANGE_SCREENSHOTS, package):
            raise ContentDBError(NO_CHANGE, 403)
        require_token_for(request, package)
        return package, user


class ScreenshotOrderView(_ChangeView):
    def post(self, request, author: str, name: str):
        package, user = self._package_for_change(request, author, name)
        order_screenshots(package=package, by=user, ids=request.data)
        return Response({"success": True})


class ScreenshotCoverView(_ChangeView):
    def post(self, request, author: str, name: str):
        package, user = self._package_for_change(request, author, name)
        if not isinstance(request.data, dict) or "cover_image" not in request.data:
            raise ContentDBError("Expected body to be an object with cover_image as a key", 400)
        set_cover_image(package=package, by=user, screenshot_id=request.data["cover_image"])
        return Response({"success": True})
