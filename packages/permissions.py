"""One permission table that every face, view and admin action asks: `can(user, action, obj)`.

A rule says which rank may do the action on anybody's object, and whether the object's own people
may do it on theirs: for a package its author and maintainers (or the author alone), for a release or
a screenshot those of its package, for a review its writer, for an account the account itself.
Suspended users may do nothing but read; anonymous users may only view approved packages.
Publishing (a new package, a release, a rock or rockspec, a screenshot) also needs a verified
account (`User.may_publish`: its email verified, or an operator's word); `refusal_message` says so,
so each face can tell the user what to do.
A deleted package, and everything on it, is for moderators only: below that rank nobody (its own people and
editors included) reads or writes it, whichever entry point asks.

`visible_filter` is the VIEW_PACKAGE rule written as a query, for lists and for the parts of
packages (screenshots, game support, collections) that are read many at a time.

The ranks follow ContentDB's `check_perm` code (docs/protocols/contentdb.md section 8); where this table
differs on purpose, the rule says why.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from accounts.models import Rank, User
from accounts.verification import EMAIL_NOT_VERIFIED
from packages.models import Collection, Package, PackageState, Review, Thread, ThreadReply


class Action(StrEnum):
    VIEW_PACKAGE = "view_package"
    CREATE_PACKAGE = "create_package"
    EDIT_PACKAGE = "edit_package"
    RENAME_APPROVED_PACKAGE = "rename_approved_package"
    CHANGE_TYPE_OF_APPROVED_PACKAGE = "change_type_of_approved_package"
    EDIT_MAINTAINERS = "edit_maintainers"
    CHANGE_PROTECTED_TAGS = "change_protected_tags"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    APPROVE_PACKAGE = "approve_package"
    REQUEST_CHANGES = "request_changes"
    DELETE_PACKAGE = "delete_package"
    RESTORE_PACKAGE = "restore_package"
    MAKE_RELEASE = "make_release"
    APPROVE_RELEASE = "approve_release"
    DELETE_RELEASE = "delete_release"
    SEE_IMPORT_ERRORS = "see_import_errors"
    CONFIGURE_UPDATES = "configure_updates"
    ADD_SCREENSHOTS = "add_screenshots"
    CHANGE_SCREENSHOTS = "change_screenshots"
    APPROVE_SCREENSHOT = "approve_screenshot"
    WRITE_REVIEW = "write_review"
    DELETE_REVIEW = "delete_review"
    APPROVE_REVIEW = "approve_review"
    SEE_REPORTS = "see_reports"
    VIEW_MODERATION_QUEUE = "view_moderation_queue"
    HIDE_FROM_ROOT_MANIFEST = "hide_from_root_manifest"
    GIVE_ROOT_MANIFEST_NAME = "give_root_manifest_name"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    RELEASE_ALIAS = "release_alias"
    CREATE_TOKEN = "create_token"  # noqa: S105 - an action name, not a secret
    SUSPEND_USER = "suspend_user"
    CHANGE_RANK = "change_rank"
    VIEW_AUDIT_LOG = "view_audit_log"
    # threads (ContentDB's names); HIDE_REPLY is ours
    SEE_THREAD = "see_thread"
    CREATE_THREAD = "create_thread"
    COMMENT_THREAD = "comment_thread"
    LOCK_THREAD = "lock_thread"
    DELETE_THREAD = "delete_thread"
    DELETE_REPLY = "delete_reply"
    EDIT_REPLY = "edit_reply"
    HIDE_REPLY = "hide_reply"
    EDIT_COLLECTION = "edit_collection"


@dataclass(frozen=True)
class Rule:
    anyone_from: Rank | None  # the lowest rank that may act on anybody's object (None: nobody)
    own: bool = False  # the object's own people may act on it...
    own_from: Rank = Rank.NEW_MEMBER  # ...if they have at least this rank
    author_only: bool = False  # a package's author counts as its own people, its maintainers not
    own_from_unapproved: Rank | None = None  # a lower own_from while the package is not approved
    not_own: bool = False  # the object's own people may NOT act on it (reviews)
    approved_only: bool = False  # only on approved packages (reviews)
    others_only: bool = False  # never on one's own account (suspending, changing ranks)


PERMISSIONS: dict[Action, Rule] = {
    # Approved packages are public (see can()); approvers must see the queue's packages to review
    # them; deleted packages are hidden from everyone below moderator.
    Action.VIEW_PACKAGE: Rule(anyone_from=Rank.APPROVER, own=True, own_from=Rank.BANNED),
    Action.CREATE_PACKAGE: Rule(anyone_from=Rank.NEW_MEMBER),
    Action.EDIT_PACKAGE: Rule(anyone_from=Rank.EDITOR, own=True),
    # ContentDB lets nobody rename an approved package; editors may here so names can be fixed.
    Action.RENAME_APPROVED_PACKAGE: Rule(anyone_from=Rank.EDITOR),
    Action.CHANGE_TYPE_OF_APPROVED_PACKAGE: Rule(anyone_from=Rank.EDITOR),
    Action.EDIT_MAINTAINERS: Rule(anyone_from=Rank.EDITOR, own=True, author_only=True),
    # Tag.is_protected: ContentDB let only editors add such a tag (the rank check of its
    # do_edit_package, before it dropped protected tags in 2023).
    Action.CHANGE_PROTECTED_TAGS: Rule(anyone_from=Rank.EDITOR),
    # ContentDB: whoever may edit or approve the package may move it to READY_FOR_REVIEW.
    Action.SUBMIT_FOR_REVIEW: Rule(anyone_from=Rank.APPROVER, own=True),
    # Trusted members' own packages are approved when they submit them (issue #10).
    Action.APPROVE_PACKAGE: Rule(anyone_from=Rank.APPROVER, own=True, own_from=Rank.TRUSTED_MEMBER),
    Action.REQUEST_CHANGES: Rule(anyone_from=Rank.APPROVER),
    Action.DELETE_PACKAGE: Rule(anyone_from=Rank.EDITOR, own=True, author_only=True),
    # ContentDB lets the owner resubmit a deleted package; here a deletion is a moderator's to undo.
    Action.RESTORE_PACKAGE: Rule(anyone_from=Rank.MODERATOR),
    Action.MAKE_RELEASE: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.APPROVE_RELEASE: Rule(anyone_from=Rank.APPROVER, own=True),
    Action.DELETE_RELEASE: Rule(anyone_from=Rank.EDITOR, own=True),
    # Why a git import failed can name a private repository (and, for a refused host, what it
    # resolves to): the package's people and moderators read it, strangers see only the state.
    Action.SEE_IMPORT_ERRORS: Rule(anyone_from=Rank.MODERATOR, own=True, own_from=Rank.BANNED),
    # Update detection and webhooks (releases/updates.py): whoever may make releases by hand.
    # ContentDB asks MAKE_RELEASE on its update-config page; here it is an action of its own so
    # setting it up needs no verified address (the releases it makes still do).
    Action.CONFIGURE_UPDATES: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.ADD_SCREENSHOTS: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.CHANGE_SCREENSHOTS: Rule(anyone_from=Rank.EDITOR, own=True),
    Action.APPROVE_SCREENSHOT: Rule(
        anyone_from=Rank.APPROVER,
        own=True,
        own_from=Rank.TRUSTED_MEMBER,
        own_from_unapproved=Rank.NEW_MEMBER,
    ),
    Action.WRITE_REVIEW: Rule(anyone_from=Rank.NEW_MEMBER, not_own=True, approved_only=True),
    Action.DELETE_REVIEW: Rule(anyone_from=Rank.MODERATOR, own=True),
    Action.APPROVE_REVIEW: Rule(anyone_from=Rank.MODERATOR),
    Action.SEE_REPORTS: Rule(anyone_from=Rank.EDITOR),
    Action.VIEW_MODERATION_QUEUE: Rule(anyone_from=Rank.APPROVER),
    # luarocks.org keeps these for its admins; no ContentDB counterpart.
    Action.HIDE_FROM_ROOT_MANIFEST: Rule(anyone_from=Rank.MODERATOR),
    Action.GIVE_ROOT_MANIFEST_NAME: Rule(anyone_from=Rank.MODERATOR),
    # ContentDB's CHANGE_AUTHOR needs APPROVER on the package and EDITOR on the user: EDITOR.
    Action.TRANSFER_OWNERSHIP: Rule(anyone_from=Rank.EDITOR),
    # An old name reserves its key (it may lead installed clients to the package); freeing it for
    # somebody else is a moderator's decision. No ContentDB counterpart (aliases are admin-only).
    Action.RELEASE_ALIAS: Rule(anyone_from=Rank.MODERATOR),
    Action.CREATE_TOKEN: Rule(anyone_from=Rank.MODERATOR, own=True),
    Action.SUSPEND_USER: Rule(anyone_from=Rank.MODERATOR, others_only=True),
    Action.CHANGE_RANK: Rule(anyone_from=Rank.MODERATOR, others_only=True),
    Action.VIEW_AUDIT_LOG: Rule(anyone_from=Rank.MODERATOR, own=True, own_from=Rank.BANNED),
    # Threads: these rows answer without a thread; on a thread or a reply `_thread_allowed` adds
    # ContentDB's rules (Thread.check_perm, ThreadReply.check_perm in app/models/threads.py).
    # A private thread: its author, the package's people, approvers and above.
    Action.SEE_THREAD: Rule(anyone_from=Rank.APPROVER, own=True, own_from=Rank.BANNED),
    Action.CREATE_THREAD: Rule(anyone_from=Rank.NEW_MEMBER),
    # ContentDB: whoever sees the thread, while it is unlocked; moderators always.
    Action.COMMENT_THREAD: Rule(anyone_from=Rank.NEW_MEMBER),
    Action.LOCK_THREAD: Rule(anyone_from=Rank.MODERATOR),
    # ContentDB also lets maintainers delete threads the system user opened; here the approval
    # thread is the package's record and stays.
    Action.DELETE_THREAD: Rule(anyone_from=Rank.MODERATOR),
    # ContentDB lets only moderators delete replies; here their writers may too (issue #21): a
    # reply's writer is no package relation, so `_thread_allowed` decides that on the reply; asked
    # about a package or nothing, the rank alone answers (a package's people moderate no replies).
    Action.DELETE_REPLY: Rule(anyone_from=Rank.MODERATOR),
    Action.EDIT_REPLY: Rule(anyone_from=Rank.MODERATOR),
    Action.HIDE_REPLY: Rule(anyone_from=Rank.MODERATOR),
    # A collection is its author's (creating one is editing a new one of one's own); moderators
    # may edit any. Whoever may edit a private collection may read it (packages.collections).
    Action.EDIT_COLLECTION: Rule(anyone_from=Rank.MODERATOR, own=True),
}

THREAD_ACTIONS = frozenset(
    {
        Action.SEE_THREAD,
        Action.CREATE_THREAD,
        Action.COMMENT_THREAD,
        Action.LOCK_THREAD,
        Action.DELETE_THREAD,
        Action.DELETE_REPLY,
        Action.EDIT_REPLY,
        Action.HIDE_REPLY,
    }
)
REPLY_ACTIONS = frozenset({Action.DELETE_REPLY, Action.EDIT_REPLY, Action.HIDE_REPLY})

READ_ONLY_ACTIONS = frozenset(
    {Action.VIEW_PACKAGE, Action.VIEW_AUDIT_LOG, Action.SEE_IMPORT_ERRORS, Action.SEE_THREAD}
)
# What puts content in front of other people: a throwaway account must verify an email address first.
PUBLISH_ACTIONS = frozenset({Action.CREATE_PACKAGE, Action.MAKE_RELEASE, Action.ADD_SCREENSHOTS})

Target = Package | User | Review | Collection | Thread | ThreadReply | object | None
# Whoever asks: an account, the anonymous user of a request, or nobody (None: the public).
Viewer = User | AnonymousUser | None


def is_own_package(user: User, package: Package, *, author_only: bool = False) -> bool:
    """Author or maintainer. Uses the prefetched maintainers when the caller prefetched them."""
    if package.author_id == user.pk:
        return True
    if author_only:
        return False
    cache = getattr(package, "_prefetched_objects_cache", {})
    if "maintainers" in cache:
        return any(m.pk == user.pk for m in cache["maintainers"])
    return package.maintainers.filter(pk=user.pk).exists()


def package_of(obj: Target) -> Package | None:
    """The package an object belongs to: itself, or the package of a release, screenshot or review."""
    if isinstance(obj, Package):
        return obj
    package = getattr(obj, "package", None)
    return package if isinstance(package, Package) else None


def can(user: Viewer, action: Action, obj: Target = None) -> bool:
    """Whether `user` may do `action` on `obj` (a package, release, screenshot, review or user)."""
    if action in PUBLISH_ACTIONS and not _may_publish(user):
        return False
    if action in THREAD_ACTIONS:
        return _thread_allowed(user, action, obj)
    return _allowed(user, action, obj)


def refusal_message(user: Viewer, action: Action, obj: Target = None, *, default: str) -> str:
    """Why `can()` says no, for the caller's error: the verification it lacks, else `default`."""
    if action in PUBLISH_ACTIONS and not _may_publish(user) and _allowed(user, action, obj):
        return EMAIL_NOT_VERIFIED
    return default


def _account(user: Viewer) -> User | None:
    """The active account of a viewer; None for the public (anonymous or no one) and inactive ones."""
    return user if isinstance(user, User) and user.is_active else None


def _may_publish(user: Viewer) -> bool:
    return isinstance(user, User) and user.may_publish


def _allowed(viewer: Viewer, action: Action, obj: Target) -> bool:
    rule = PERMISSIONS[action]
    package = package_of(obj)
    viewing = action == Action.VIEW_PACKAGE and package is not None
    if viewing and package is not None and package.state == PackageState.APPROVED:
        return True
    user = _account(viewer)
    if user is None:
        return False
    deleted = package is not None and package.state == PackageState.DELETED
    if deleted and not sees_deleted_packages(user):
        return False  # a takedown holds against every action, not only against reading
    if user.is_suspended and action not in READ_ONLY_ACTIONS:
        return False
    rank = _rank(user)
    if isinstance(obj, User) and obj.pk != user.pk and _rank(obj) >= rank and not user.is_superuser:
        return False  # nobody acts on an account of their own rank or above
    if rule.others_only and isinstance(obj, User) and obj.pk == user.pk:
        return False
    if rule.approved_only and package is not None and package.state != PackageState.APPROVED:
        return False
    if rule.not_own:
        return (
            rule.anyone_from is not None
            and rank >= rule.anyone_from
            and not _is_own(user, obj, rule=rule)
        )
    if rule.anyone_from is not None and rank >= rule.anyone_from:
        return True
    if not rule.own:
        return False
    own_from = rule.own_from
    if rule.own_from_unapproved is not None and package is not None and not package.is_approved:
        own_from = rule.own_from_unapproved
    return rank >= own_from and _is_own(user, obj, rule=rule)


def _thread_allowed(viewer: Viewer, action: Action, obj: Target) -> bool:
    """Thread actions: on a package (CREATE_THREAD), a thread or a reply; else the rank's row."""
    if action == Action.CREATE_THREAD and isinstance(obj, Package):
        return _allowed(viewer, Action.VIEW_PACKAGE, obj) and _allowed(viewer, action, obj)
    reply = obj if isinstance(obj, ThreadReply) else None
    thread = reply.thread if reply is not None else obj
    if not isinstance(thread, Thread) or (action in REPLY_ACTIONS and reply is None):
        return _allowed(viewer, action, None if isinstance(obj, Thread | ThreadReply) else obj)
    package = thread.package
    if not _allowed(viewer, Action.VIEW_PACKAGE, package):
        return False  # a package one may not see hides its threads
    user = _account(viewer)
    sees = not thread.private or (
        user is not None
        and (
            _rank(user) >= Rank.APPROVER
            or thread.author_id == user.pk
            or is_own_package(user, package)
        )
    )
    if action == Action.SEE_THREAD or not sees:
        return sees
    if user is None or user.is_suspended:
        return False
    rank = _rank(user)
    moderator = rank >= Rank.MODERATOR
    if action == Action.COMMENT_THREAD:
        return rank >= Rank.NEW_MEMBER and (not thread.locked or moderator)
    if action in {Action.LOCK_THREAD, Action.DELETE_THREAD}:
        return moderator
    assert reply is not None
    if reply.is_system:
        return False  # the site's record of a state change is nobody's to change
    if action == Action.HIDE_REPLY:
        return moderator
    own = reply.author_id == user.pk and rank >= Rank.NEW_MEMBER and not thread.locked
    if action == Action.DELETE_REPLY and reply.opening:
        return False  # the opening post goes with its thread (DELETE_THREAD)
    return moderator or own


def sees_deleted_packages(user: Viewer) -> bool:
    """Moderators and above; below them a deleted package looks like a missing one."""
    account = _account(user)
    return account is not None and _rank(account) >= Rank.MODERATOR


def visible_filter(user: Viewer, *, prefix: str = "") -> Q:
    """A filter on packages (or, with `prefix` such as "package__", on their parts) that keeps
    exactly the packages `can(user, VIEW_PACKAGE, package)` allows; tests hold the two equal."""
    approved = Q(**{f"{prefix}state": PackageState.APPROVED})
    account = _account(user)
    if account is None:
        return approved
    if sees_deleted_packages(account):
        return Q()
    rank = _rank(account)
    not_deleted = ~Q(**{f"{prefix}state": PackageState.DELETED})
    if rank >= Rank.APPROVER:
        return not_deleted
    maintained = Package.maintainers.through.objects.filter(user_id=account.pk).values("package_id")
    own = Q(**{f"{prefix}author_id": account.pk}) | Q(**{f"{prefix}pk__in": maintained})
    return approved | (not_deleted & own)


def _is_own(user: User, obj: Target, *, rule: Rule) -> bool:
    if isinstance(obj, User):
        return obj.pk == user.pk
    if isinstance(obj, Review | Collection):
        return obj.author_id == user.pk
    package = package_of(obj)
    if package is None:
        return False
    return is_own_package(user, package, author_only=rule.author_only)


def _rank(user: User) -> int:
    return Rank.ADMIN if user.is_superuser else user.rank
