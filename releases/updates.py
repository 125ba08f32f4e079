"""Releases that make themselves: a package follows its repository (`Package.repo`).

`UpdateSettings` says what counts as an update (a new tag, optionally matching a glob; or a new
commit on a branch) and what to do (make a release, or tell the package's people). Updates are
found by webhooks (releases/webhooks.py) and by polling (releases/update_checks.py); both hand an
`Update` to `releases.tasks.handle_update`, which calls `act_on_update` here.

A Luanti package's release is a git import (`create_git_release`, the same as "Import from git");
a rock's is the repository's rockspec template published as the tag's version
(releases/rock_imports.py). Releases are made in the name of whoever last saved the settings, with
that person's permissions at the time of the release.

The webhook secret is shown once: it is derived from a random salt with WEBHOOK_SECRET_KEY
(HMAC-SHA256) so the server can check forges' HMAC signatures, and only the salt and the secret's
SHA-256 are stored (docs/security.md "Webhooks").
"""

import fnmatch
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models, transaction

from accounts.models import User
from accounts.secrets import ALPHABET, hash_secret, verify_secret
from packages.models import Package, PackageType
from packages.permissions import Action, can
from releases.errors import InvalidReleaseRequest, ReleasePermissionDenied
from releases.git_imports import check_repo_url
from releases.git_releases import GIT_REF
from releases.models import TitleFrom, UpdateAction, UpdateSettings, UpdateTrigger

NO_CONFIGURE = "You may not change how this package is updated"
TAG_PATTERN = re.compile(r"[A-Za-z0-9._/+*?\[\]!\-]{1,100}")
# A rock's version from a tag: `v1.2.3` or `1.2.3` (digits and dots only).
ROCK_TAG = re.compile(r"v?(\d+(?:\.\d+){0,5})")
ZERO_COMMIT = "0" * 40
SECRET_LENGTH = 43


@dataclass(frozen=True)
class UpdateChanges:
    trigger: str
    action: str
    branch: str = ""
    tag_pattern: str = ""
    title_from: str = TitleFrom.TAG
    poll: bool = True
    paused: bool = False


@dataclass(frozen=True)
class Update:
    """A ref that moved: a tag (`ref` is its name) or a branch head."""

    kind: str  # "tag" or "branch"
    ref: str
    commit: str = ""  # 40 hex digits when the source said
    default_branch: str = ""  # the repository's default branch, when the source said


def _choice(value: str, choices: type[models.TextChoices], field: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise InvalidReleaseRequest(f"{field} must be one of: {allowed}", field=field)
    return value


def check_changes(changes: UpdateChanges) -> UpdateChanges:
    _choice(changes.trigger, UpdateTrigger, "trigger")
    _choice(changes.action, UpdateAction, "action")
    _choice(changes.title_from, TitleFrom, "title_from")
    branch = changes.branch.strip()
    if branch and (not GIT_REF.fullmatch(branch) or ".." in branch):
        raise InvalidReleaseRequest(f"branch {branch!r} is not a valid branch name", field="branch")
    pattern = changes.tag_pattern.strip()
    if pattern and not TAG_PATTERN.fullmatch(pattern):
        raise InvalidReleaseRequest(
            "tag_pattern must be a glob of at most 100 letters, digits and . _ / + * ? [ ] ! -",
            field="tag_pattern",
        )
    return UpdateChanges(
        trigger=changes.trigger,
        action=changes.action,
        branch=branch,
        tag_pattern=pattern,
        title_from=changes.title_from,
        poll=bool(changes.poll),
        paused=bool(changes.paused),
    )


def _check_permission(package: Package, by: User) -> None:
    if not can(by, Action.CONFIGURE_UPDATES, package):
        raise ReleasePermissionDenied(NO_CONFIGURE)


def save_update_settings(*, package: Package, by: User, changes: UpdateChanges) -> UpdateSettings:
    """Create or change a package's update settings. A new trigger, branch or pattern forgets what
    was seen (the next check takes the repository as it is then, without acting); unpausing
    forgets the failures."""
    _check_permission(package, by)
    changes = check_changes(changes)
    try:
        check_repo_url(package.repo)
    except InvalidReleaseRequest as error:
        raise InvalidReleaseRequest(error.message, field="repo") from error
    with transaction.atomic():
        Package.objects.select_for_update().filter(pk=package.pk).first()
        current, _ = UpdateSettings.objects.get_or_create(
            package=package,
            defaults={"trigger": changes.trigger, "action": changes.action, "configured_by": by},
        )
        followed = (current.trigger, current.branch, current.tag_pattern)
        if followed != (changes.trigger, changes.branch, changes.tag_pattern):
            current.last_seen_ref = current.last_seen_commit = ""
            current.last_checked_at = None  # due at once; that first check acts on nothing
        if current.paused and not changes.paused:
            current.consecutive_failures = 0
            current.last_error = ""
        for field in ("trigger", "action", "branch", "tag_pattern", "title_from", "poll", "paused"):
            setattr(current, field, getattr(changes, field))
        current.configured_by = by
        current.save()
    return current


def delete_update_settings(*, package: Package, by: User) -> None:
    _check_permission(package, by)
    UpdateSettings.objects.filter(package=package).delete()


def _derive_secret(salt: str) -> str:
    key = str(settings.WEBHOOK_SECRET_KEY).encode()
    digest = hmac.new(key, f"webhook-secret:{salt}".encode(), hashlib.sha256).digest()
    # 43 characters of [A-Za-z0-9] (256 bits): the alphabet of keys and tokens, which log
    # redaction (registry/redaction.py) recognises
    number, characters = int.from_bytes(digest, "big"), []
    for _ in range(SECRET_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[digit])
    return "".join(characters)


def create_webhook_secret(*, package: Package, by: User) -> str:
    """A new webhook secret for the package (the old one stops working); returned once, never
    stored. The package must have update settings."""
    _check_permission(package, by)
    with transaction.atomic():
        current = UpdateSettings.objects.select_for_update().filter(package=package).first()
        if current is None:
            raise InvalidReleaseRequest("Save the update settings first", field="trigger")
        salt = secrets.token_hex(16)
        secret = _derive_secret(salt)
        current.secret_salt, current.secret_hash = salt, hash_secret(secret)
        current.save(update_fields=["secret_salt", "secret_hash", "updated_at"])
    return secret


def webhook_secret(update_settings: UpdateSettings) -> str | None:
    """The secret forges sign with, or None when there is none (or WEBHOOK_SECRET_KEY changed)."""
    if not update_settings.secret_salt:
        return None
    secret = _derive_secret(update_settings.secret_salt)
    return secret if verify_secret(secret, update_settings.secret_hash) else None


# --- what counts as an update ------------------------------------------------------------------


def ignored_because(update_settings: UpdateSettings, update: Update) -> str | None:
    """Why `update` is not one this package follows, or None when it is."""
    if update.commit == ZERO_COMMIT:
        return f"{update.kind} {update.ref} was deleted"
    if update_settings.trigger == UpdateTrigger.TAG:
        if update.kind != "tag":
            return "a commit, but this package follows new tags"
        pattern = update_settings.tag_pattern
        if pattern and not fnmatch.fnmatchcase(update.ref, pattern):
            return f"tag {update.ref} does not match the pattern {pattern}"
        if update_settings.package.type == PackageType.ROCK and not ROCK_TAG.fullmatch(update.ref):
            return f"tag {update.ref} is not a version like v1.2.3 or 1.2.3"
        return None
    if update.kind != "branch":
        return "a tag, but this package follows new commits"
    wanted = update_settings.branch or update.default_branch
    if wanted and update.ref != wanted:
        return f"a commit on {update.ref}, but this package follows {wanted}"
    if not wanted and update.ref not in ("main", "master"):
        return f"a commit on {update.ref}, but this package follows the default branch"
    return None


def release_title(update_settings: UpdateSettings, update: Update, *, today: date) -> str:
    if update_settings.title_from == TitleFrom.TAG and update.kind == "tag":
        return update.ref
    short = (update.commit or update_settings.last_seen_commit)[:7]
    return f"{today.isoformat()} {short}".strip()
