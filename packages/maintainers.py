"""Who maintains a package. The maintainers list holds the author too (ContentDB's rule: the API's
`maintainers` names them); its other people may edit the package, release it and hold tokens
limited to it.

A person who leaves the list (an edit by the author or a moderator, or a transfer) loses what the
list gave them at once: their tokens limited to the package are deleted (audited by the accounts
app), and `can()` stops counting them as the package's people.
"""

from collections.abc import Iterable

from django.db import transaction

from accounts.audit import record
from accounts.models import ApiToken, AuditSeverity, User
from accounts.services import delete_api_token
from packages.errors import NotAllowed
from packages.invalidation import invalidate_luanti_lists
from packages.models import Package
from packages.permissions import Action, can

NO_PERMISSION = "You don't have permission to edit maintainers"  # ContentDB's message


@transaction.atomic
def set_maintainers(
    *, by: User, package: Package, maintainers: Iterable[User], reason: str = ""
) -> Package:
    """Make the package's maintainers exactly `maintainers` (and its author). Audited."""
    if not can(by, Action.EDIT_MAINTAINERS, package):
        raise NotAllowed(NO_PERMISSION)
    package = Package.objects.select_for_update().select_related("author").get(pk=package.pk)
    before, after = replace_maintainers(package=package, people=maintainers, by=by)
    if before != after:
        record(
            causer=by,
            action="package.maintainers",
            title=f"Edited {package.title} maintainers",
            severity=AuditSeverity.NORMAL
            if by.pk == package.author_id
            else AuditSeverity.MODERATION,
            package=package,
            diff={"maintainers": (before, after)},
            description=reason.strip()[:500],
        )
    return package


def replace_maintainers(*, package: Package, people: Iterable[User], by: User) -> tuple[str, str]:
    """Set the list to `people` plus the author, delete the tokens of whoever left it, and return
    the others (not the author) before and after, as "a, b" for an audit diff. The caller has
    checked the permission and locked the package."""
    wanted = {user.pk: user for user in people}
    wanted[package.author_id] = package.author
    current = {user.pk: user for user in package.maintainers.all()}
    removed = [pk for pk in current if pk not in wanted]
    package.maintainers.set(list(wanted.values()))
    for token in ApiToken.objects.filter(package=package, user_id__in=removed).select_related(
        "user"
    ):
        delete_api_token(token=token, by=by)
    if not package.is_rock and current.keys() != wanted.keys():
        invalidate_luanti_lists()  # the ContentDB detail lists the maintainers
    return _others(current.values(), package), _others(wanted.values(), package)


def _others(people: Iterable[User], package: Package) -> str:
    return ", ".join(sorted(u.username for u in people if u.pk != package.author_id))
