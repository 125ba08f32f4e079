"""Our extension of the ContentDB API: a package's update detection and webhook secret
(docs/protocols/contentdb.md "Update detection").

- `GET /api/packages/<a>/<n>/update-settings/`: the settings (null when none), the webhook URLs
  and the newest deliveries.
- `PUT` the same path: create or change them (JSON: trigger, action, branch, tag_pattern,
  title_from, poll, paused); `DELETE`: stop following the repository.
- `POST .../update-settings/webhook-secret/`: a new secret, in this answer only.

All need a Bearer token whose user may configure the package's updates; checks in ContentDB's
order: 404 package, 401 no token, 403 token for another package or no permission, 400 body.
"""

from django.urls import reverse
from rest_framework.response import Response

from accounts.models import User
from packages.models import Package
from packages.permissions import Action, can
from registry.contentdb.base import ContentDBError, ContentDBView, require_token_for
from registry.contentdb.inputs import json_object
from registry.contentdb.writes_packages import package_for_write
from releases.models import UpdateSettings, WebhookDelivery
from releases.updates import (
    NO_CONFIGURE,
    UpdateChanges,
    create_webhook_secret,
    delete_update_settings,
    save_update_settings,
)

FIELDS: dict[str, type] = {
    "trigger": str,
    "action": str,
    "branch": str,
    "tag_pattern": str,
    "title_from": str,
    "poll": bool,
    "paused": bool,
}
FORGES = ("github", "gitlab", "gitea")


def webhook_urls(request, package: Package) -> dict[str, str]:
    return {
        forge: request.build_absolute_uri(
            reverse(
                "contentdb-webhook",
                kwargs={"forge": forge, "author": package.author.username, "name": package.name},
            )
        )
        for forge in FORGES
    }


def settings_dict(current: UpdateSettings | None) -> dict | None:
    if current is None:
        return None
    return {
        "trigger": current.trigger,
        "action": current.action,
        "branch": current.branch,
        "tag_pattern": current.tag_pattern,
        "title_from": current.title_from,
        "poll": current.poll,
        "paused": current.paused,
        "last_seen_ref": current.last_seen_ref,
        "last_seen_commit": current.last_seen_commit,
        "last_checked_at": current.last_checked_at.isoformat() if current.last_checked_at else None,
        "consecutive_failures": current.consecutive_failures,
        "last_error": current.last_error,
        "has_webhook_secret": bool(current.secret_hash),
    }


def _answer(request, package: Package, **extra) -> Response:
    current = UpdateSettings.objects.filter(package=package).first()
    deliveries = [
        {
            "forge": d.forge,
            "delivery_id": d.delivery_id,
            "event": d.event,
            "status": d.status,
            "outcome": d.outcome,
            "received_at": d.received_at.isoformat(),
        }
        for d in WebhookDelivery.objects.filter(package=package)[:20]
    ]
    response = Response(
        {
            "success": True,
            "update_settings": settings_dict(current),
            "webhooks": webhook_urls(request, package),
            "deliveries": deliveries,
            **extra,
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _allowed_package(request, author: str, name: str) -> tuple[Package, User]:
    package = package_for_write(request, author, name)
    user = require_token_for(request, package)
    if not can(user, Action.CONFIGURE_UPDATES, package):
        raise ContentDBError(NO_CONFIGURE, 403)
    return package, user


def _changes(data: object) -> UpdateChanges:
    body = json_object(data)
    for key, value in body.items():
        expected = FIELDS.get(key)
        if expected is None:
            raise ContentDBError(f"Unknown field: {key}", 400)
        if not isinstance(value, expected) or (expected is str and isinstance(value, bool)):
            raise ContentDBError(f"{key} must be a {expected.__name__}", 400)
    for key in ("trigger", "action"):
        if key not in body:
            raise ContentDBError(f"{key} is required", 400)
    return UpdateChanges(**body)


class UpdateSettingsView(ContentDBView):
    def get(self, request, author: str, name: str):
        package, _ = _allowed_package(request, author, name)
        return _answer(request, package)

    def put(self, request, author: str, name: str):
        package, user = _allowed_package(request, author, name)
        save_update_settings(package=package, by=user, changes=_changes(request.data))
        return _answer(request, package)

    def delete(self, request, author: str, name: str):
        package, user = _allowed_package(request, author, name)
        delete_update_settings(package=package, by=user)
        return _answer(request, package)


class WebhookSecretView(ContentDBView):
    def post(self, request, author: str, name: str):
        package, user = _allowed_package(request, author, name)
        secret = create_webhook_secret(package=package, by=user)
        return _answer(request, package, webhook_secret=secret)
