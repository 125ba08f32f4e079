"""The audit log: one row per moderation action or security event, written inside the same
transaction as the change it describes (so a rolled-back change leaves no entry).

Callers pass a stable `action` code ("package.approve", "api_key.create", ...) and a title for people;
`diff` is a short `{"field": [old, new]}` of what changed. Secrets never go in here: key and token
entries name the visible prefix only.
"""

from typing import Any

from django.db.models import Model

from accounts.models import AuditLogEntry, AuditSeverity, User

TITLE_LENGTH = 100
DIFF_VALUE_LENGTH = 200


def record(
    *,
    causer: User | None,
    action: str,
    title: str,
    severity: AuditSeverity = AuditSeverity.NORMAL,
    package: Model | None = None,  # a packages.Package (the app above this one)
    target_user: User | None = None,
    target: str = "",
    diff: dict[str, Any] | None = None,
    description: str = "",
) -> AuditLogEntry:
    """Write one entry. A title past 100 characters is cut and kept whole in the description."""
    if len(title) > TITLE_LENGTH:
        description = f"{title}\n\n{description}".strip()
        title = title[: TITLE_LENGTH - 1] + "…"
    if not target:
        target = _describe(package) if package is not None else _describe(target_user)
    return AuditLogEntry.objects.create(
        causer=causer if causer is not None and causer.pk else None,
        action=action,
        title=title,
        severity=severity,
        package_id=package.pk if package is not None else None,
        target_user=target_user,
        target=target[:255],
        diff={key: [_short(old), _short(new)] for key, (old, new) in (diff or {}).items()},
        description=description,
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The keys whose value differs, as `{key: (old, new)}`, for `record(diff=...)`."""
    return {
        key: (before.get(key), after.get(key))
        for key in before.keys() | after.keys()
        if before.get(key) != after.get(key)
    }


def _describe(obj: object | None) -> str:
    if obj is None:
        return ""
    key = getattr(obj, "key", None)  # a package: "author/name"
    return str(key if key is not None else obj)


def _short(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(getattr(value, "value", value))  # enum members by their value
    return text if len(text) <= DIFF_VALUE_LENGTH else text[: DIFF_VALUE_LENGTH - 1] + "…"
