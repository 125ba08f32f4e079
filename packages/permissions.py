"""One permission table that every face, view and admin action asks: `can(user, action, obj)`.

A rule says which rank may do the action on anybody's package, and whether the package's own people
(author and maintainers) may do it on theirs. Suspended users may do nothing but read; anonymous
users may only view approved packages.
"""

from dataclasses import dataclass
from enum import StrEnum

from accounts.models import Rank, User
from packages.models import Package, PackageState


class Action(StrEnum):
    VIEW_PACKAGE = "view_package"
    CREATE_PACKAGE = "create_package"
    EDIT_PACKAGE = "edit_package"
    RENAME_APPROVED_PACKAGE = "rename_approved_package"
    CHANGE_TYPE_OF_APPROVED_PACKAGE = "change_type_of_approved_package"
    EDIT_MAINTAINERS = "edit_maintainers"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    APPROVE_PACKAGE = "approve_package"
    REQUEST_CHANGES = "request_changes"
    DELETE_PACKAGE = "delete_package"
    RESTORE_PACKAGE = "restore_package"
    MAKE_RELEASE = "make_release"
    APPROVE_RELEASE = "approve_release"
    DELETE_RELEASE = "delete_release"
    ADD_SCREENSHOTS = "add_screenshots"
    CHANGE_SCREENSHOTS = "change_screenshots"
    APPROVE_SCREENSHOT = "approve_screenshot"
    WRITE_REVIEW = "write_review"
    HIDE_FROM_ROOT_MANIFEST = "hide_from_root_manifest"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    SUSPEND_USER = "suspend_user"
    CHANGE_RANK = "change_rank"
    VIEW_AUDIT_LOG = "view_audit_log"


@dataclass(frozen=True)
class Rule:
    anyone_from: Rank | None  # the lowest rank that may act on anybody's package (None: nobody)
    own: bool = False  # the package's author and maintainers may act on it
    own_from: Rank = Rank.NEW_MEMBER  # ...if they have at least this rank


PERMISSIONS: dict[Action, Rule] = {
    Action.VIEW_PACKAGE: Rule(anyone_from=Rank.APPROVER, own=True, own_from=Rank.BANNED),
    Action.CREATE_PACKAGE: Rule(anyone_from=Rank.NEW_MEMBER),
    Action.EDIT_PACKAGE: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.RENAME_APPROVED_PACKAGE: Rule(anyone_from=Rank.EDITOR),
    Action.CHANGE_TYPE_OF_APPROVED_PACKAGE: Rule(anyone_from=Rank.EDITOR),
    Action.EDIT_MAINTAINERS: Rule(anyone_from=Rank.MODERATOR, own=True),
    Action.SUBMIT_FOR_REVIEW: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.APPROVE_PACKAGE: Rule(anyone_from=Rank.APPROVER, own=True, own_from=Rank.TRUSTED_MEMBER),
    Action.REQUEST_CHANGES: Rule(anyone_from=Rank.APPROVER),
    Action.DELETE_PACKAGE: Rule(anyone_from=Rank.MODERATOR, own=True),
    Action.RESTORE_PACKAGE: Rule(anyone_from=Rank.MODERATOR),
    Action.MAKE_RELEASE: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.APPROVE_RELEASE: Rule(anyone_from=Rank.APPROVER, own=True, own_from=Rank.NEW_MEMBER),
    Action.DELETE_RELEASE: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.ADD_SCREENSHOTS: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.CHANGE_SCREENSHOTS: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.APPROVE_SCREENSHOT: Rule(
        anyone_from=Rank.APPROVER, own=True, own_from=Rank.TRUSTED_MEMBER
    ),
    Action.WRITE_REVIEW: Rule(anyone_from=Rank.NEW_MEMBER),
    Action.HIDE_FROM_ROOT_MANIFEST: Rule(anyone_from=Rank.MODERATOR),
    Action.TRANSFER_OWNERSHIP: Rule(anyone_from=Rank.MODERATOR),
    Action.SUSPEND_USER: Rule(anyone_from=Rank.MODERATOR),
    Action.CHANGE_RANK: Rule(anyone_from=Rank.MODERATOR),
    Action.VIEW_AUDIT_LOG: Rule(anyone_from=Rank.MODERATOR, own=True, own_from=Rank.BANNED),
}

READ_ONLY_ACTIONS = {Action.VIEW_PACKAGE, Action.VIEW_AUDIT_LOG}


def is_own_package(user: User, package: Package) -> bool:
    """Author or maintainer. Uses the prefetched maintainers when the caller prefetched them."""
    if package.author_id == user.pk:
        return True
    cache = getattr(package, "_prefetched_objects_cache", {})
    if "maintainers" in cache:
        return any(m.pk == user.pk for m in cache["maintainers"])
    return package.maintainers.filter(pk=user.pk).exists()


def can(user: User | None, action: Action, obj: Package | User | None = None) -> bool:
    """Whether `user` may do `action` on `obj` (a package, or a user for account actions)."""
    if action == Action.VIEW_PACKAGE and isinstance(obj, Package):
        if obj.state == PackageState.APPROVED:
            return True
        if obj.state == PackageState.DELETED and not (user and _rank(user) >= Rank.MODERATOR):
            return False
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_suspended and action not in READ_ONLY_ACTIONS:
        return False
    rule = PERMISSIONS[action]
    rank = _rank(user)
    if isinstance(obj, User) and obj.pk != user.pk and _rank(obj) >= rank and not user.is_superuser:
        return False  # nobody acts on an account of their own rank or above
    if action == Action.WRITE_REVIEW:  # anyone but the package's own people
        own = isinstance(obj, Package) and is_own_package(user, obj)
        return rank >= rule.anyone_from and not own
    if rule.anyone_from is not None and rank >= rule.anyone_from:
        return True
    if rule.own and isinstance(obj, Package) and rank >= rule.own_from:
        return is_own_package(user, obj)
    return False


def _rank(user: User) -> int:
    return Rank.ADMIN if user.is_superuser else user.rank
