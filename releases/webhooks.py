"""Webhook deliveries from git forges: authenticate, refuse replays, read the event, enqueue.

One endpoint per forge style (docs/protocols/contentdb.md "Webhooks"):

| forge | authentication | event header | delivery id header |
|---|---|---|---|
| GitHub | `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>` | `X-GitHub-Event` | `X-GitHub-Delivery` |
| GitLab | `X-Gitlab-Token: <secret>` (SHA-256 compared in constant time) | `X-Gitlab-Event` | `X-Gitlab-Event-UUID` |
| Gitea, Forgejo, Codeberg | `X-Gitea-Signature` or `X-Forgejo-Signature: <hex HMAC-SHA256>` | `X-Gitea-Event` / `X-Forgejo-Event` | `X-Gitea-Delivery` / `X-Forgejo-Delivery` |

`receive_webhook` answers a status and a reason; it never runs git: an update it accepts is
enqueued (`releases.update_tasks.handle_update`) after its transaction commits. Every delivery to a
package with update settings is logged (the newest WEBHOOK_LOG_SIZE are kept). A delivery id whose
signature was good is remembered for WEBHOOK_DELIVERY_MEMORY_DAYS; the same id again is a replay:
409, nothing queued.
"""

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.secrets import verify_secret
from packages.models import Package
from releases.git_releases import GIT_REF
from releases.models import SeenDelivery, UpdateSettings, WebhookDelivery
from releases.update_tasks import handle_update
from releases.updates import Update, ignored_because, webhook_secret

WEBHOOK_LOG_SIZE = 20
DELIVERY_ID = re.compile(r"[A-Za-z0-9._:\-]{1,100}")
COMMIT = re.compile(r"[0-9a-f]{40}")


class Forge(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"
    GITEA = "gitea"


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    message: str
    queued: bool = False


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _header(headers: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = headers.get(name)
        if value:
            return value.strip()
    return ""


def _hmac_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _authentic(forge: Forge, headers: Mapping[str, str], body: bytes, us: UpdateSettings) -> bool:
    secret = webhook_secret(us)
    if secret is None:
        return False
    if forge == Forge.GITHUB:
        signature = _header(headers, "X-Hub-Signature-256")
        if not signature.startswith("sha256="):
            return False
        return hmac.compare_digest(_hmac_hex(secret, body), signature[7:].lower())
    if forge == Forge.GITLAB:
        token = _header(headers, "X-Gitlab-Token")
        return bool(token) and verify_secret(token, us.secret_hash)
    signature = _header(headers, "X-Gitea-Signature", "X-Forgejo-Signature")
    return bool(signature) and hmac.compare_digest(_hmac_hex(secret, body), signature.lower())


def _event(forge: Forge, headers: Mapping[str, str]) -> str:
    if forge == Forge.GITHUB:
        return _header(headers, "X-GitHub-Event")
    if forge == Forge.GITLAB:
        return _header(headers, "X-Gitlab-Event")
    return _header(headers, "X-Gitea-Event", "X-Forgejo-Event")


def _delivery_id(forge: Forge, headers: Mapping[str, str]) -> str:
    if forge == Forge.GITHUB:
        return _header(headers, "X-GitHub-Delivery")
    if forge == Forge.GITLAB:
        return _header(headers, "X-Gitlab-Event-UUID")
    return _header(headers, "X-Gitea-Delivery", "X-Forgejo-Delivery")


def _payload(body: bytes) -> dict[str, object]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _Refused(
            400, "The body is not JSON (set the content type to application/json)"
        ) from None
    if not isinstance(payload, dict):
        raise _Refused(400, "The body is not a JSON object")
    return payload


def _text(payload: Mapping[str, object], key: str) -> str:
    value = payload.get(key)
    return value if isinstance(value, str) else ""


def _ref_name(name: str) -> str:
    if not GIT_REF.fullmatch(name) or ".." in name:
        raise _Refused(400, "The ref is not a valid git branch or tag name")
    return name


def _commit(value: str) -> str:
    value = value.lower()
    if value and not COMMIT.fullmatch(value):
        raise _Refused(400, "The commit is not 40 hexadecimal digits")
    return value


def _from_full_ref(full_ref: str, commit: str, default_branch: str) -> Update | None:
    if full_ref.startswith("refs/tags/"):
        return Update(kind="tag", ref=_ref_name(full_ref[10:]), commit=_commit(commit))
    if full_ref.startswith("refs/heads/"):
        return Update(
            kind="branch",
            ref=_ref_name(full_ref[11:]),
            commit=_commit(commit),
            default_branch=default_branch if GIT_REF.fullmatch(default_branch or "-") else "",
        )
    return None


def read_update(forge: Forge, event: str, payload: Mapping[str, object]) -> Update | str:
    """The update an event announces, or the reason it announces none."""
    repository = payload.get("repository") or payload.get("project") or {}
    repository = repository if isinstance(repository, Mapping) else {}
    default_branch = _text(repository, "default_branch")
    if forge == Forge.GITLAB:
        if event not in ("Push Hook", "Tag Push Hook"):
            return f"event {event!r} ignored: only Push Hook and Tag Push Hook are used"
        commit = _text(payload, "checkout_sha") or _text(payload, "after")
        if event == "Tag Push Hook" and not _text(payload, "checkout_sha"):
            commit = "0" * 40  # GitLab sends no checkout_sha for a deleted tag
        update = _from_full_ref(_text(payload, "ref"), commit, default_branch)
    elif event == "push":
        update = _from_full_ref(_text(payload, "ref"), _text(payload, "after"), default_branch)
        if payload.get("deleted") is True and update is not None:
            update = Update(kind=update.kind, ref=update.ref, commit="0" * 40)
    elif event == "create":
        if _text(payload, "ref_type") != "tag":
            return "create event ignored: not a tag"
        update = Update(
            kind="tag",
            ref=_ref_name(_text(payload, "ref")),
            commit=_commit(
                _text(payload, "sha")  # Gitea sends the commit; GitHub does not
            ),
        )
    else:
        return f"event {event!r} ignored: only push and tag creation are used"
    if update is None:
        return "no branch or tag in the event"
    return update


def _log(
    package: Package, forge: Forge, delivery_id: str, event: str, answer: WebhookAnswer
) -> None:
    WebhookDelivery.objects.create(
        package=package,
        forge=forge,
        delivery_id=delivery_id[:100],
        event=event[:50],
        status=answer.status,
        outcome=answer.message[:300],
    )
    keep = WebhookDelivery.objects.filter(package=package).values_list("pk", flat=True)[
        :WEBHOOK_LOG_SIZE
    ]
    WebhookDelivery.objects.filter(package=package).exclude(pk__in=list(keep)).delete()


def _remember(package: Package, delivery_id: str) -> bool:
    """Remember a delivery id; False when it was already seen (a replay)."""
    forget_before = timezone.now() - timedelta(days=settings.WEBHOOK_DELIVERY_MEMORY_DAYS)
    SeenDelivery.objects.filter(package=package, received_at__lt=forget_before).delete()
    try:
        with transaction.atomic():
            SeenDelivery.objects.create(package=package, delivery_id=delivery_id)
    except IntegrityError:
        return False
    return True


def _decide(
    forge: Forge, headers: Mapping[str, str], body: bytes, us: UpdateSettings
) -> tuple[WebhookAnswer, Update | None]:
    if not _authentic(forge, headers, body, us):
        return WebhookAnswer(403, "Bad signature or token"), None
    event = _event(forge, headers)
    delivery_id = _delivery_id(forge, headers)
    if not DELIVERY_ID.fullmatch(delivery_id):
        return WebhookAnswer(400, "Missing or malformed delivery id header"), None
    if not _remember(us.package, delivery_id):
        return WebhookAnswer(409, "Duplicate delivery: this delivery id was already received"), None
    if forge == Forge.GITHUB and event == "ping":
        return WebhookAnswer(200, "pong"), None
    try:
        update = read_update(forge, event, _payload(body))
    except _Refused as refused:
        return WebhookAnswer(refused.status, refused.message), None
    if isinstance(update, str):
        return WebhookAnswer(200, update), None
    if us.paused:
        return WebhookAnswer(200, "Updates of this package are paused"), None
    reason = ignored_because(us, update)
    if reason is not None:
        return WebhookAnswer(200, f"ignored: {reason}"), None
    return WebhookAnswer(200, f"queued: {update.kind} {update.ref}", queued=True), update


def receive_webhook(
    *, package: Package, forge: Forge, headers: Mapping[str, str], body: bytes
) -> WebhookAnswer:
    """Handle one delivery to `package`'s webhook for `forge`. The package must have update
    settings with a webhook secret (else 404, nothing logged)."""
    with transaction.atomic():
        us = (
            UpdateSettings.objects.select_related("package")
            .filter(package=package)
            .exclude(secret_hash="")
            .first()
        )
        if us is None:
            return WebhookAnswer(404, "This package has no webhook")
        try:
            with transaction.atomic():  # a refused delivery remembers no id
                answer, update = _decide(forge, headers, body, us)
                if answer.status >= 400:
                    raise _Refused(answer.status, answer.message)
        except _Refused:
            pass
        _log(package, forge, _delivery_id(forge, headers), _event(forge, headers), answer)
        if update is not None:
            transaction.on_commit(
                lambda: handle_update.enqueue(
                    package_id=package.pk,
                    kind=update.kind,
                    ref=update.ref,
                    commit=update.commit,
                    default_branch=update.default_branch,
                )
            )
    return answer
