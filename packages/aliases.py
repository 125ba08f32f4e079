"""Old names (aliases). A renamed or transferred package keeps its old `author/name`: old links and
installed clients (which remember the key they installed from) keep reaching it, and `/api/updates/`
lists the old key with the package's release.

So an alias reserves its key in its namespace (rocks or Luanti content): nobody creates a package
there, renames one into it or is given one there by a transfer, or the old key would lead installed
clients to somebody else's code. Only a moderator frees the key (`release_alias`, audited). Every
creation path asks `check_key_free`: the ContentDB API and the web form (packages.package_edits),
renames (the same), `luarocks upload` of a new module (releases.uploads) and transfers
(packages.ownership).
"""

from django.db import transaction

from accounts.audit import record
from accounts.models import AuditSeverity, User
from packages.errors import InvalidModerationInput, NotAllowed, PackageNameReserved
from packages.invalidation import invalidate_luanti_lists
from packages.models import Package, PackageAlias
from packages.permissions import Action, can
from packages.selectors import alias_at

RESERVED = "{key} is reserved: it is the old name of {target}; only a moderator can release it"
REASON_LENGTH = 500


def check_key_free(*, author: str, name: str, rock: bool, package: Package | None = None) -> None:
    """Raise PackageNameReserved when `author/name` is an old name of a package other than
    `package`. An old name of `package` itself (renamed or given back) stops being an alias: the
    key is its real one again."""
    alias = alias_at(author=author, name=name, rock=rock)
    if alias is None:
        return
    if package is not None and alias.package_id == package.pk:
        alias.delete()
        return
    raise PackageNameReserved(RESERVED.format(key=f"{author}/{name}", target=alias.package.key))


def keep_old_name(*, package: Package, author: str, name: str) -> None:
    """Record `author/name` as an old name of `package` (after a rename or a transfer)."""
    if alias_at(author=author, name=name, rock=package.is_rock) is None:
        PackageAlias.objects.create(
            package=package, author=author, name=name, is_rock=package.is_rock
        )


@transaction.atomic
def release_alias(*, by: User, alias: PackageAlias, reason: str = "") -> None:
    """A moderator frees an old name: the key stops leading to the package and may be taken."""
    if not can(by, Action.RELEASE_ALIAS, alias.package):
        raise NotAllowed("Only moderators release old names.")
    reason = (reason or "").strip()
    if len(reason) > REASON_LENGTH:
        raise InvalidModerationInput(f"The reason is longer than {REASON_LENGTH} characters.")
    key = f"{alias.author}/{alias.name}"
    record(
        causer=by,
        action="package.alias_release",
        title=f"Released the old name {key} of {alias.package.key}",
        severity=AuditSeverity.MODERATION,
        package=alias.package,
        diff={"alias": (key, None)},
        description=reason,
    )
    alias.delete()
    if not alias.package.is_rock:
        invalidate_luanti_lists()  # /api/updates/ and the lists carry the old names
