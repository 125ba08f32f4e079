"""The permission matrix against a golden table written by hand: for every action, every relation
of the actor to the object and every package state, the lowest rank that may act. Every rank
(BANNED and BOT included) is checked against it, so moving any rule's rank one step, or flipping
one of its flags, changes at least one answer here. Nothing below reads packages.permissions'
table: the expectations are the constants in this file.

Beside each row, where ContentDB has the same permission, its answer as `check_perm` computes it
(app/models/packages.py, users.py, threads.py, __init__.py of luanti-org/contentdb; summarised in
docs/protocols/contentdb.md section 8). ContentDB never asks for a BANNED user (`check_for_ban` logs
them out on every request) nor a NOT_JOINED one (promoted to NEW_MEMBER on their first request), so
the two are compared from NEW_MEMBER up; where they still differ, DIFFERS_FROM_CONTENTDB says why.

Objects are built in memory (maintainers as a prefetched list): no database.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Rank, User
from accounts.verification import EMAIL_NOT_VERIFIED
from packages.models import (
    Collection,
    Package,
    PackageState,
    PackageType,
    Review,
    Screenshot,
    Thread,
    ThreadKind,
    ThreadReply,
)
from packages.permissions import Action, can, refusal_message
from releases.models import Release

A = Action
S, W, D = PackageState.APPROVED, PackageState.WIP, PackageState.DELETED
(BANNED, NOT_JOINED, NEW_MEMBER, MEMBER, TRUSTED, APPROVER, EDITOR, BOT, MODERATOR, ADMIN) = (
    Rank.BANNED,
    Rank.NOT_JOINED,
    Rank.NEW_MEMBER,
    Rank.MEMBER,
    Rank.TRUSTED_MEMBER,
    Rank.APPROVER,
    Rank.EDITOR,
    Rank.BOT,
    Rank.MODERATOR,
    Rank.ADMIN,
)
NOBODY = None
LADDER = [BANNED, NOT_JOINED, NEW_MEMBER, MEMBER, TRUSTED, APPROVER, EDITOR, BOT, MODERATOR, ADMIN]

# On a package: (action, state) -> lowest rank allowed for (a stranger, the author, a maintainer)
# and ContentDB's (stranger, author, maintainer), or None where ContentDB has no such permission.
# W stands for every state that is not approved (WIP, changes needed, ready for review).
PACKAGE_GOLDEN = {
    (A.VIEW_PACKAGE, S): ((BANNED, BANNED, BANNED), (BANNED, BANNED, BANNED)),
    (A.VIEW_PACKAGE, W): ((APPROVER, BANNED, BANNED), (EDITOR, NEW_MEMBER, NEW_MEMBER)),
    (A.VIEW_PACKAGE, D): ((MODERATOR, MODERATOR, MODERATOR), (EDITOR, NEW_MEMBER, NEW_MEMBER)),
    (A.CREATE_PACKAGE, S): ((NEW_MEMBER, NEW_MEMBER, NEW_MEMBER), None),
    (A.CREATE_PACKAGE, W): ((NEW_MEMBER, NEW_MEMBER, NEW_MEMBER), None),
    (A.EDIT_PACKAGE, S): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, NEW_MEMBER, NEW_MEMBER)),
    (A.EDIT_PACKAGE, W): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, NEW_MEMBER, NEW_MEMBER)),
    (A.RENAME_APPROVED_PACKAGE, S): ((EDITOR, EDITOR, EDITOR), (NOBODY, NOBODY, NOBODY)),
    (A.RENAME_APPROVED_PACKAGE, W): ((EDITOR, EDITOR, EDITOR), None),
    (A.CHANGE_TYPE_OF_APPROVED_PACKAGE, S): ((EDITOR, EDITOR, EDITOR), None),
    (A.CHANGE_TYPE_OF_APPROVED_PACKAGE, W): ((EDITOR, EDITOR, EDITOR), None),
    (A.CHANGE_PROTECTED_TAGS, S): ((EDITOR, EDITOR, EDITOR), (EDITOR, EDITOR, EDITOR)),
    (A.CHANGE_PROTECTED_TAGS, W): ((EDITOR, EDITOR, EDITOR), (EDITOR, EDITOR, EDITOR)),
    (A.SEE_IMPORT_ERRORS, S): ((MODERATOR, BANNED, BANNED), None),
    (A.SEE_IMPORT_ERRORS, W): ((MODERATOR, BANNED, BANNED), None),
    (A.CONFIGURE_UPDATES, S): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, BANNED, BANNED)),
    (A.CONFIGURE_UPDATES, W): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, BANNED, BANNED)),
    (A.RELEASE_ALIAS, S): ((MODERATOR, MODERATOR, MODERATOR), None),
    (A.RELEASE_ALIAS, W): ((MODERATOR, MODERATOR, MODERATOR), None),
    (A.EDIT_MAINTAINERS, S): ((EDITOR, NEW_MEMBER, EDITOR), (EDITOR, BANNED, EDITOR)),
    (A.EDIT_MAINTAINERS, W): ((EDITOR, NEW_MEMBER, EDITOR), (EDITOR, BANNED, EDITOR)),
    (A.SUBMIT_FOR_REVIEW, S): ((APPROVER, NEW_MEMBER, NEW_MEMBER), None),
    (A.SUBMIT_FOR_REVIEW, W): (
        (APPROVER, NEW_MEMBER, NEW_MEMBER),
        (APPROVER, NEW_MEMBER, NEW_MEMBER),
    ),
    (A.APPROVE_PACKAGE, S): ((APPROVER, TRUSTED, TRUSTED), (APPROVER, APPROVER, APPROVER)),
    (A.APPROVE_PACKAGE, W): ((APPROVER, TRUSTED, TRUSTED), (APPROVER, APPROVER, APPROVER)),
    (A.REQUEST_CHANGES, S): ((APPROVER, APPROVER, APPROVER), (APPROVER, APPROVER, APPROVER)),
    (A.REQUEST_CHANGES, W): ((APPROVER, APPROVER, APPROVER), (APPROVER, APPROVER, APPROVER)),
    (A.DELETE_PACKAGE, S): ((EDITOR, NEW_MEMBER, EDITOR), (EDITOR, BANNED, EDITOR)),
    (A.DELETE_PACKAGE, W): ((EDITOR, NEW_MEMBER, EDITOR), (EDITOR, BANNED, EDITOR)),
    (A.RESTORE_PACKAGE, D): ((MODERATOR, MODERATOR, MODERATOR), (APPROVER, NEW_MEMBER, NEW_MEMBER)),
    (A.RESTORE_PACKAGE, W): ((MODERATOR, MODERATOR, MODERATOR), None),
    (A.MAKE_RELEASE, S): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, BANNED, BANNED)),
    (A.MAKE_RELEASE, W): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, BANNED, BANNED)),
    (A.APPROVE_RELEASE, S): ((APPROVER, NEW_MEMBER, NEW_MEMBER), (APPROVER, BANNED, BANNED)),
    (A.APPROVE_RELEASE, W): ((APPROVER, NEW_MEMBER, NEW_MEMBER), (APPROVER, BANNED, BANNED)),
    (A.DELETE_RELEASE, S): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, NOT_JOINED, NOT_JOINED)),
    (A.DELETE_RELEASE, W): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, NOT_JOINED, NOT_JOINED)),
    (A.ADD_SCREENSHOTS, S): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, BANNED, BANNED)),
    (A.ADD_SCREENSHOTS, W): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, BANNED, BANNED)),
    (A.CHANGE_SCREENSHOTS, S): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, BANNED, BANNED)),
    (A.CHANGE_SCREENSHOTS, W): ((EDITOR, NEW_MEMBER, NEW_MEMBER), (EDITOR, BANNED, BANNED)),
    (A.APPROVE_SCREENSHOT, S): ((APPROVER, TRUSTED, TRUSTED), (APPROVER, TRUSTED, TRUSTED)),
    (A.APPROVE_SCREENSHOT, W): (
        (APPROVER, NEW_MEMBER, NEW_MEMBER),
        (APPROVER, NEW_MEMBER, NEW_MEMBER),
    ),
    # ContentDB: the review page refuses the package's own people and unapproved packages
    (A.WRITE_REVIEW, S): ((NEW_MEMBER, NOBODY, NOBODY), (BANNED, NOBODY, NOBODY)),
    (A.WRITE_REVIEW, W): ((NOBODY, NOBODY, NOBODY), (NOBODY, NOBODY, NOBODY)),
    (A.SEE_REPORTS, S): ((EDITOR, EDITOR, EDITOR), (EDITOR, EDITOR, EDITOR)),
    (A.VIEW_MODERATION_QUEUE, S): ((APPROVER, APPROVER, APPROVER), (APPROVER, APPROVER, APPROVER)),
    (A.HIDE_FROM_ROOT_MANIFEST, S): ((MODERATOR, MODERATOR, MODERATOR), None),
    (A.GIVE_ROOT_MANIFEST_NAME, S): ((MODERATOR, MODERATOR, MODERATOR), None),
    (A.TRANSFER_OWNERSHIP, S): ((EDITOR, EDITOR, EDITOR), (EDITOR, EDITOR, EDITOR)),
    (A.TRANSFER_OWNERSHIP, W): ((EDITOR, EDITOR, EDITOR), (EDITOR, EDITOR, EDITOR)),
    # whoever sees the package opens a thread on it (ContentDB: any signed-in user who sees it)
    (A.CREATE_THREAD, S): ((NEW_MEMBER, NEW_MEMBER, NEW_MEMBER), None),
    (A.CREATE_THREAD, W): ((APPROVER, NEW_MEMBER, NEW_MEMBER), None),
    # asked about a package rather than one thread: whether every thread of it, private ones too,
    # is open to the user (its people, banned or not, and approvers); one thread's own answer is
    # THREAD_GOLDEN's below
    (A.SEE_THREAD, S): ((APPROVER, BANNED, BANNED), None),
    (A.SEE_THREAD, W): ((APPROVER, BANNED, BANNED), None),
    (A.SEE_THREAD, D): ((MODERATOR, MODERATOR, MODERATOR), None),
    # moderating replies is no right of a package's people (a writer's own reply: REPLY_GOLDEN)
    (A.EDIT_REPLY, S): ((MODERATOR, MODERATOR, MODERATOR), None),
    (A.DELETE_REPLY, S): ((MODERATOR, MODERATOR, MODERATOR), None),
    (A.HIDE_REPLY, S): ((MODERATOR, MODERATOR, MODERATOR), None),
}

# Where our answer differs from ContentDB's on purpose (from NEW_MEMBER up), and why.
DIFFERS_FROM_CONTENTDB = {
    (A.VIEW_PACKAGE, W, "stranger"): "approvers must see the queue's packages to review them",
    (A.VIEW_PACKAGE, D, "author"): "a deleted package is hidden from everyone below moderator",
    (A.VIEW_PACKAGE, D, "maintainer"): "a deleted package is hidden from everyone below moderator",
    (A.VIEW_PACKAGE, D, "stranger"): "a deleted package is hidden from everyone below moderator",
    (A.RENAME_APPROVED_PACKAGE, S, "stranger"): "editors may rename so names can be fixed",
    (A.RENAME_APPROVED_PACKAGE, S, "author"): "editors may rename so names can be fixed",
    (A.RENAME_APPROVED_PACKAGE, S, "maintainer"): "editors may rename so names can be fixed",
    (A.APPROVE_PACKAGE, S, "author"): "trusted members' own packages are approved on submission",
    (
        A.APPROVE_PACKAGE,
        S,
        "maintainer",
    ): "trusted members' own packages are approved on submission",
    (A.APPROVE_PACKAGE, W, "author"): "trusted members' own packages are approved on submission",
    (
        A.APPROVE_PACKAGE,
        W,
        "maintainer",
    ): "trusted members' own packages are approved on submission",
    (A.RESTORE_PACKAGE, D, "stranger"): "a deletion is a moderator's to undo",
    (A.RESTORE_PACKAGE, D, "author"): "a deletion is a moderator's to undo",
    (A.RESTORE_PACKAGE, D, "maintainer"): "a deletion is a moderator's to undo",
}

RELATIONS = ("stranger", "author", "maintainer")
AUTHOR_PK, MAINTAINER_PK, STRANGER_PK = 1, 2, 3
PK_OF = {"author": AUTHOR_PK, "maintainer": MAINTAINER_PK, "stranger": STRANGER_PK}
# the states each golden state stands for
STATES_OF = {
    S: [PackageState.APPROVED],
    W: [PackageState.WIP, PackageState.CHANGES_NEEDED, PackageState.READY_FOR_REVIEW],
    D: [PackageState.DELETED],
}
READ_ONLY = {
    A.VIEW_PACKAGE,
    A.VIEW_AUDIT_LOG,
    A.SEE_IMPORT_ERRORS,
    A.SEE_THREAD,
}  # what a suspended account may do
PUBLISHING = {A.CREATE_PACKAGE, A.MAKE_RELEASE, A.ADD_SCREENSHOTS}  # needs a verified account


def actor(
    rank: Rank, pk: int, *, suspended: bool = False, superuser: bool = False, verified: bool = True
) -> User:
    email = f"user{pk}@example.org"
    return User(
        pk=pk,
        username=f"user{pk}",
        rank=rank,
        is_suspended=suspended,
        is_superuser=superuser,
        email=email,
        verified_email=email if verified else "",
    )


def package(state: PackageState) -> Package:
    p = Package(pk=10, author_id=AUTHOR_PK, name="thing", type=PackageType.MOD, state=state)
    p._prefetched_objects_cache = {"maintainers": [User(pk=MAINTAINER_PK, username="maint")]}
    return p


def allowed(first: Rank | None, rank: Rank) -> bool:
    return first is not None and rank >= first


@pytest.mark.parametrize(("action", "golden_state"), list(PACKAGE_GOLDEN))
def test_package_actions_match_the_golden_table(action, golden_state):
    ours, _ = PACKAGE_GOLDEN[(action, golden_state)]
    wrong = [
        (str(state), relation, rank.name, answer)
        for state in STATES_OF[golden_state]
        for relation, first in zip(RELATIONS, ours, strict=True)
        for rank in LADDER
        if (answer := can(actor(rank, PK_OF[relation]), action, package(state)))
        is not allowed(first, rank)
    ]
    assert wrong == []


@pytest.mark.parametrize("action", list(Action))
def test_every_action_has_golden_rows(action):
    assert action in (
        {a for a, _ in PACKAGE_GOLDEN}
        | ACCOUNT_ACTIONS
        | REVIEW_ACTIONS
        | THREAD_ACTIONS
        | COLLECTION_ACTIONS
    )


# --- releases and screenshots: the rules of their package --------------------------------------
RELEASE_ACTIONS = [A.MAKE_RELEASE, A.APPROVE_RELEASE, A.DELETE_RELEASE]
SCREENSHOT_ACTIONS = [A.ADD_SCREENSHOTS, A.CHANGE_SCREENSHOTS, A.APPROVE_SCREENSHOT]


def release_of(p: Package) -> Release:
    return Release(pk=30, package=p, name="1.0", title="1.0")


def screenshot_of(p: Package) -> Screenshot:
    return Screenshot(pk=40, package=p, title="shot", width=920, height=517)


@pytest.mark.parametrize(
    ("action", "make"),
    [(a, release_of) for a in RELEASE_ACTIONS] + [(a, screenshot_of) for a in SCREENSHOT_ACTIONS],
)
@pytest.mark.parametrize("golden_state", [S, W])
def test_a_release_or_screenshot_answers_as_its_package(action, make, golden_state):
    ours, _ = PACKAGE_GOLDEN[(action, golden_state)]
    wrong = [
        (str(state), relation, rank.name, answer)
        for state in STATES_OF[golden_state]
        for relation, first in zip(RELATIONS, ours, strict=True)
        for rank in LADDER
        if (answer := can(actor(rank, PK_OF[relation]), action, make(package(state))))
        is not allowed(first, rank)
    ]
    assert wrong == []


# --- no object: only the rank counts (nobody is "own" of nothing) -------------------------------
NO_OBJECT_GOLDEN = {
    A.VIEW_PACKAGE: APPROVER,
    A.CREATE_PACKAGE: NEW_MEMBER,
    A.EDIT_PACKAGE: EDITOR,
    A.RENAME_APPROVED_PACKAGE: EDITOR,
    A.CHANGE_TYPE_OF_APPROVED_PACKAGE: EDITOR,
    A.EDIT_MAINTAINERS: EDITOR,
    A.SUBMIT_FOR_REVIEW: APPROVER,
    A.APPROVE_PACKAGE: APPROVER,
    A.REQUEST_CHANGES: APPROVER,
    A.DELETE_PACKAGE: EDITOR,
    A.RESTORE_PACKAGE: MODERATOR,
    A.MAKE_RELEASE: EDITOR,
    A.APPROVE_RELEASE: APPROVER,
    A.DELETE_RELEASE: EDITOR,
    A.ADD_SCREENSHOTS: EDITOR,
    A.CHANGE_SCREENSHOTS: EDITOR,
    A.APPROVE_SCREENSHOT: APPROVER,
    A.WRITE_REVIEW: NEW_MEMBER,
    A.DELETE_REVIEW: MODERATOR,
    A.APPROVE_REVIEW: MODERATOR,
    A.SEE_REPORTS: EDITOR,
    A.VIEW_MODERATION_QUEUE: APPROVER,
    A.HIDE_FROM_ROOT_MANIFEST: MODERATOR,
    A.GIVE_ROOT_MANIFEST_NAME: MODERATOR,
    A.TRANSFER_OWNERSHIP: EDITOR,
    A.CHANGE_PROTECTED_TAGS: EDITOR,
    A.SEE_IMPORT_ERRORS: MODERATOR,
    A.CONFIGURE_UPDATES: EDITOR,
    A.RELEASE_ALIAS: MODERATOR,
    A.CREATE_TOKEN: MODERATOR,
    A.SUSPEND_USER: MODERATOR,
    A.CHANGE_RANK: MODERATOR,
    A.VIEW_AUDIT_LOG: MODERATOR,
    A.SEE_THREAD: APPROVER,
    A.CREATE_THREAD: NEW_MEMBER,
    A.COMMENT_THREAD: NEW_MEMBER,
    A.LOCK_THREAD: MODERATOR,
    A.DELETE_THREAD: MODERATOR,
    A.DELETE_REPLY: MODERATOR,
    A.EDIT_REPLY: MODERATOR,
    A.HIDE_REPLY: MODERATOR,
    A.EDIT_COLLECTION: MODERATOR,
}


@pytest.mark.parametrize("action", list(Action))
def test_without_an_object_only_the_rank_counts(action):
    first = NO_OBJECT_GOLDEN[action]
    wrong = [
        (rank.name, answer)
        for rank in LADDER
        if (answer := can(actor(rank, STRANGER_PK), action, None)) is not allowed(first, rank)
        or can(actor(rank, STRANGER_PK), action) is not answer
    ]
    assert wrong == []


def test_a_member_may_not_edit_no_package_but_an_editor_may():
    assert not can(actor(MEMBER, 5), A.EDIT_PACKAGE, None)
    assert can(actor(EDITOR, 5), A.EDIT_PACKAGE, None)


# --- reviews: their writer and moderators ------------------------------------------------------
REVIEW_ACTIONS = {A.DELETE_REVIEW, A.APPROVE_REVIEW}
# (action) -> lowest rank for (the review's writer, a stranger); ContentDB threads.py agrees
REVIEW_GOLDEN = {A.DELETE_REVIEW: (NEW_MEMBER, MODERATOR), A.APPROVE_REVIEW: (MODERATOR, MODERATOR)}
WRITER_PK = 7


@pytest.mark.parametrize("action", sorted(REVIEW_ACTIONS))
@pytest.mark.parametrize("state", [PackageState.APPROVED, PackageState.WIP])
def test_review_actions_match_the_golden_table(action, state):
    review = Review(pk=5, author_id=WRITER_PK, package=package(state), rating=5)
    wrong = [
        (relation, rank.name, answer)
        for relation, pk, first in zip(
            ("writer", "stranger"), (WRITER_PK, STRANGER_PK), REVIEW_GOLDEN[action], strict=True
        )
        for rank in LADDER
        if (answer := can(actor(rank, pk), action, review)) is not allowed(first, rank)
    ]
    assert wrong == []


def test_the_package_author_is_not_the_writer_of_someone_elses_review():
    review = Review(pk=5, author_id=WRITER_PK, package=package(S), rating=5)
    assert not can(actor(MEMBER, AUTHOR_PK), A.DELETE_REVIEW, review)


# --- collections: their author and moderators ---------------------------------------------------
COLLECTION_ACTIONS = {A.EDIT_COLLECTION}
# (action) -> lowest rank for (the collection's author, a stranger). DIFFERS_FROM_CONTENTDB: its
# EDIT_COLLECTION is author or EDITOR+, its VIEW_COLLECTION of a private one author or MODERATOR+;
# here one rule serves both (who may edit a private collection may read it): author or MODERATOR+
COLLECTION_GOLDEN = {A.EDIT_COLLECTION: (NEW_MEMBER, MODERATOR)}
COLLECTOR_PK = 8


@pytest.mark.parametrize("action", sorted(COLLECTION_ACTIONS))
@pytest.mark.parametrize("private", [True, False])
def test_collection_actions_match_the_golden_table(action, private):
    collection = Collection(pk=3, author_id=COLLECTOR_PK, name="c", title="C", private=private)
    wrong = [
        (relation, rank.name, answer)
        for relation, pk, first in zip(
            ("author", "stranger"),
            (COLLECTOR_PK, STRANGER_PK),
            COLLECTION_GOLDEN[action],
            strict=True,
        )
        for rank in LADDER
        if (answer := can(actor(rank, pk), action, collection)) is not allowed(first, rank)
    ]
    assert wrong == []


# --- accounts: oneself, and others of a lower rank only -----------------------------------------
ACCOUNT_ACTIONS = {A.CREATE_TOKEN, A.SUSPEND_USER, A.CHANGE_RANK, A.VIEW_AUDIT_LOG}
# action -> lowest rank on (oneself, another account of a lower rank); ContentDB users.py agrees,
# except that its CREATE_TOKEN also lets a moderator act on an account of the same rank
ACCOUNT_GOLDEN = {
    A.CREATE_TOKEN: (NEW_MEMBER, MODERATOR),
    A.SUSPEND_USER: (NOBODY, MODERATOR),
    A.CHANGE_RANK: (NOBODY, MODERATOR),
    A.VIEW_AUDIT_LOG: (BANNED, MODERATOR),
}


@pytest.mark.parametrize("action", sorted(ACCOUNT_ACTIONS))
def test_account_actions_match_the_golden_table(action):
    on_self, on_lower = ACCOUNT_GOLDEN[action]
    wrong = []
    for position, rank in enumerate(LADDER):
        user = actor(rank, 50)
        if can(user, action, user) is not allowed(on_self, rank):
            wrong.append(("self", rank.name))
        below = LADDER[max(position - 1, 0)]
        for target in (actor(below, 60), actor(BANNED, 61)):
            expected = allowed(on_lower, rank) and target.rank < rank
            if can(user, action, target) is not expected:
                wrong.append((Rank(target.rank).name, rank.name))
        # nobody acts on an account of the same rank or above
        for target in (actor(rank, 62), actor(ADMIN, 63)):
            if can(user, action, target):
                wrong.append((Rank(target.rank).name, rank.name))
    assert wrong == []


@pytest.mark.parametrize("action", sorted(ACCOUNT_ACTIONS))
def test_a_superuser_acts_on_any_other_account(action):
    boss = actor(NEW_MEMBER, 90, superuser=True)
    assert can(boss, action, actor(ADMIN, 91))
    assert can(boss, action, actor(ADMIN, 92, superuser=True))


def test_a_superuser_still_may_not_suspend_or_re_rank_themselves():
    boss = actor(NEW_MEMBER, 90, superuser=True)
    assert not can(boss, A.SUSPEND_USER, boss)
    assert not can(boss, A.CHANGE_RANK, boss)
    assert can(boss, A.CREATE_TOKEN, boss)


# --- everyone else: suspended, inactive, anonymous ---------------------------------------------
def _any_object(action: Action, user: User, state: PackageState):
    if action in ACCOUNT_ACTIONS:
        return user
    if action in REVIEW_ACTIONS:
        return Review(pk=5, author_id=user.pk, package=package(state), rating=5)
    if action in THREAD_ACTIONS - {A.CREATE_THREAD}:  # their own private thread and post
        return reply_in(thread_in(package(state), private=True, author_pk=user.pk), user.pk)
    if action in COLLECTION_ACTIONS:
        return Collection(pk=3, author_id=user.pk, name="c", title="C")
    return package(state)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", [S, PackageState.WIP])
def test_a_suspended_admin_author_may_only_read(action, state):
    user = actor(ADMIN, AUTHOR_PK, suspended=True)
    assert can(user, action, _any_object(action, user, state)) is (action in READ_ONLY)


@pytest.mark.parametrize("action", list(Action))
def test_an_inactive_admin_author_may_do_nothing_but_see_approved_packages(action):
    user = actor(ADMIN, AUTHOR_PK)
    user.is_active = False
    expected = action == A.VIEW_PACKAGE
    assert can(user, action, _any_object(action, user, S)) is expected
    assert not can(user, action, _any_object(action, user, PackageState.WIP))


@pytest.mark.parametrize("anonymous", [None, AnonymousUser()], ids=["none", "anonymous"])
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", [S, W, D])
def test_anonymous_users_may_only_view_approved_packages(anonymous, action, state):
    allowed_here = action == A.VIEW_PACKAGE and state == S
    assert can(anonymous, action, package(state)) is allowed_here
    assert not can(anonymous, action, None)


def test_an_approved_package_is_public_through_its_release_and_screenshot():
    approved = package(S)
    for obj in (approved, release_of(approved), screenshot_of(approved)):
        assert can(None, A.VIEW_PACKAGE, obj)
        assert all(can(actor(rank, STRANGER_PK), A.VIEW_PACKAGE, obj) for rank in LADDER)


# --- the golden table against ContentDB --------------------------------------------------------
def _effective(first: Rank | None) -> Rank | None:
    """ContentDB never checks a rank below NEW_MEMBER (see the module docstring)."""
    return None if first is None else max(first, NEW_MEMBER)


def _contentdb_cases():
    for (action, state), (ours, theirs) in PACKAGE_GOLDEN.items():
        if theirs is None:
            continue
        for relation, mine, contentdb in zip(RELATIONS, ours, theirs, strict=True):
            yield pytest.param(
                action, state, relation, mine, contentdb, id=f"{action}-{state}-{relation}"
            )


@pytest.mark.parametrize(
    ("action", "state", "relation", "ours", "contentdb"), list(_contentdb_cases())
)
def test_the_golden_table_gives_contentdbs_answers_or_says_why_not(
    action, state, relation, ours, contentdb
):
    differs = _effective(ours) != _effective(contentdb)
    assert differs is ((action, state, relation) in DIFFERS_FROM_CONTENTDB)


def test_the_table_cannot_be_changed_while_the_site_runs():
    from dataclasses import FrozenInstanceError

    from packages.permissions import PERMISSIONS

    with pytest.raises(FrozenInstanceError):
        PERMISSIONS[A.EDIT_PACKAGE].anyone_from = BANNED


def test_a_packages_own_people_are_its_author_and_maintainers():
    from packages.permissions import is_own_package

    p = package(W)
    assert is_own_package(actor(MEMBER, AUTHOR_PK), p)
    assert is_own_package(actor(MEMBER, MAINTAINER_PK), p)
    assert not is_own_package(actor(MEMBER, STRANGER_PK), p)
    assert not is_own_package(actor(MEMBER, MAINTAINER_PK), p, author_only=True)
    assert is_own_package(actor(MEMBER, AUTHOR_PK), p, author_only=True)


# --- a deleted package: moderators only, for every action ----------------------------------------
@pytest.mark.parametrize("action", sorted({a for a, _ in PACKAGE_GOLDEN}))
def test_a_deleted_package_is_for_moderators_only(action):
    # a deleted package is not approved: its own row, else the not-approved row, and moderator+
    rows = [PACKAGE_GOLDEN.get((action, state)) for state in (D, W, S)]
    ours, _ = next(row for row in rows if row is not None)  # rules that ignore the state: S only
    wrong = [
        (relation, rank.name, answer)
        for relation, first in zip(RELATIONS, ours, strict=True)
        for rank in LADDER
        if (answer := can(actor(rank, PK_OF[relation]), action, package(D)))
        is not (allowed(first, rank) and rank >= MODERATOR)
    ]
    assert wrong == []


# --- publishing needs a verified account (or an operator's word) --------------------------------
@pytest.mark.parametrize(("action", "golden_state"), list(PACKAGE_GOLDEN))
def test_an_unverified_account_may_do_all_but_publish(action, golden_state):
    ours, _ = PACKAGE_GOLDEN[(action, golden_state)]
    wrong = []
    for state in STATES_OF[golden_state]:
        for relation, first in zip(RELATIONS, ours, strict=True):
            for rank in LADDER:
                user = actor(rank, PK_OF[relation], verified=False)
                may = allowed(first, rank)
                if state == D:
                    may = may and rank >= MODERATOR
                expected = may and action not in PUBLISHING
                reason = refusal_message(user, action, package(state), default="no")
                wanted = EMAIL_NOT_VERIFIED if may and action in PUBLISHING else "no"
                if can(user, action, package(state)) is not expected or reason != wanted:
                    wrong.append((str(state), relation, rank.name))
    assert wrong == []


def test_an_operator_vouched_account_publishes_without_an_email():
    user = User(pk=80, username="ci", rank=Rank.NEW_MEMBER, verified_by_operator=True)
    assert can(user, A.CREATE_PACKAGE)


def test_changing_the_email_unverifies_the_account():
    user = actor(MEMBER, AUTHOR_PK)
    assert can(user, A.MAKE_RELEASE, package(S))
    user.email = "new@example.org"
    assert not can(user, A.MAKE_RELEASE, package(S))


# --- threads and their replies -------------------------------------------------------------------
# ContentDB's Thread.check_perm and ThreadReply.check_perm (app/models/threads.py): a private thread
# is seen by its writer, the package's people and approvers up; comments while it is unlocked
# (moderators always); moderators lock and delete. Differences, on purpose: a package one may not
# see hides its threads; the writer of a reply may also delete it while the thread is unlocked
# (ContentDB: moderators only), never the opening post of a discussion (it goes with its thread);
# nobody edits, deletes or hides the site's status posts; HIDE_REPLY is ours (moderators).
THREAD_ACTIONS = {
    A.SEE_THREAD,
    A.CREATE_THREAD,
    A.COMMENT_THREAD,
    A.LOCK_THREAD,
    A.DELETE_THREAD,
    A.DELETE_REPLY,
    A.EDIT_REPLY,
    A.HIDE_REPLY,
}
THREAD_WRITER_PK = 8
THREAD_RELATIONS = ("stranger", "author", "maintainer", "thread writer")
THREAD_PK_OF = {**PK_OF, "thread writer": THREAD_WRITER_PK}
ALL = BANNED  # everyone, the public included where the first column says so

# (action, public/private, locked, golden state) -> lowest rank for
# (a stranger, the package's author, a maintainer, the thread's writer)
THREAD_GOLDEN = {
    (A.SEE_THREAD, "public", False, S): (ALL, ALL, ALL, ALL),
    (A.SEE_THREAD, "public", False, W): (APPROVER, ALL, ALL, APPROVER),
    (A.SEE_THREAD, "private", False, S): (APPROVER, ALL, ALL, ALL),
    (A.SEE_THREAD, "private", False, W): (APPROVER, ALL, ALL, APPROVER),
    (A.SEE_THREAD, "private", False, D): (MODERATOR, MODERATOR, MODERATOR, MODERATOR),
    (A.COMMENT_THREAD, "public", False, S): (NEW_MEMBER, NEW_MEMBER, NEW_MEMBER, NEW_MEMBER),
    (A.COMMENT_THREAD, "public", False, W): (APPROVER, NEW_MEMBER, NEW_MEMBER, APPROVER),
    (A.COMMENT_THREAD, "private", False, S): (APPROVER, NEW_MEMBER, NEW_MEMBER, NEW_MEMBER),
    (A.COMMENT_THREAD, "private", False, W): (APPROVER, NEW_MEMBER, NEW_MEMBER, APPROVER),
    (A.COMMENT_THREAD, "public", True, S): (MODERATOR, MODERATOR, MODERATOR, MODERATOR),
    (A.COMMENT_THREAD, "private", True, W): (MODERATOR, MODERATOR, MODERATOR, MODERATOR),
    (A.COMMENT_THREAD, "private", False, D): (MODERATOR, MODERATOR, MODERATOR, MODERATOR),
    (A.LOCK_THREAD, "public", False, S): (MODERATOR, MODERATOR, MODERATOR, MODERATOR),
    (A.LOCK_THREAD, "private", True, W): (MODERATOR, MODERATOR, MODERATOR, MODERATOR),
    (A.DELETE_THREAD, "public", False, S): (MODERATOR, MODERATOR, MODERATOR, MODERATOR),
    (A.DELETE_THREAD, "private", False, W): (MODERATOR, MODERATOR, MODERATOR, MODERATOR),
}


def thread_in(
    p: Package, *, private: bool, locked: bool = False, author_pk: int = THREAD_WRITER_PK
):
    return Thread(
        pk=70,
        package=p,
        kind=ThreadKind.DISCUSSION,
        author_id=author_pk,
        title="A thread",
        private=private,
        locked=locked,
    )


def reply_in(thread: Thread, author_pk: int, *, kind: str = "ordinary") -> ThreadReply:
    return ThreadReply(
        pk=71,
        thread=thread,
        author_id=author_pk,
        body="text",
        is_system=kind == "system",
        opening=kind == "opening",
    )


@pytest.mark.parametrize(("action", "visibility", "locked", "golden_state"), list(THREAD_GOLDEN))
def test_thread_actions_match_the_golden_table(action, visibility, locked, golden_state):
    firsts = THREAD_GOLDEN[(action, visibility, locked, golden_state)]
    wrong = [
        (str(state), relation, rank.name, answer)
        for state in STATES_OF[golden_state]
        for relation, first in zip(THREAD_RELATIONS, firsts, strict=True)
        for rank in LADDER
        if (
            answer := can(
                actor(rank, THREAD_PK_OF[relation]),
                action,
                thread_in(package(state), private=visibility == "private", locked=locked),
            )
        )
        is not allowed(first, rank)
    ]
    assert wrong == []


@pytest.mark.parametrize("state", [S, W])
def test_the_public_sees_public_threads_of_packages_it_sees(state):
    assert can(None, A.SEE_THREAD, thread_in(package(state), private=False)) is (state == S)
    assert not can(None, A.SEE_THREAD, thread_in(package(S), private=True))
    for action in THREAD_ACTIONS - {A.SEE_THREAD}:
        assert not can(None, action, thread_in(package(S), private=False))
        assert not can(AnonymousUser(), action, thread_in(package(S), private=False))


# (action, reply kind, locked) -> lowest rank for (the reply's writer, a stranger, the package's
# author), on a public thread of an approved package
REPLY_GOLDEN = {
    (A.EDIT_REPLY, "ordinary", False): (NEW_MEMBER, MODERATOR, MODERATOR),
    (A.EDIT_REPLY, "ordinary", True): (MODERATOR, MODERATOR, MODERATOR),
    (A.EDIT_REPLY, "opening", False): (NEW_MEMBER, MODERATOR, MODERATOR),
    (A.EDIT_REPLY, "system", False): (NOBODY, NOBODY, NOBODY),
    (A.DELETE_REPLY, "ordinary", False): (NEW_MEMBER, MODERATOR, MODERATOR),
    (A.DELETE_REPLY, "ordinary", True): (MODERATOR, MODERATOR, MODERATOR),
    (A.DELETE_REPLY, "opening", False): (NOBODY, NOBODY, NOBODY),
    (A.DELETE_REPLY, "system", False): (NOBODY, NOBODY, NOBODY),
    (A.HIDE_REPLY, "ordinary", False): (MODERATOR, MODERATOR, MODERATOR),
    (A.HIDE_REPLY, "opening", True): (MODERATOR, MODERATOR, MODERATOR),
    (A.HIDE_REPLY, "system", False): (NOBODY, NOBODY, NOBODY),
}
REPLY_WRITER_PK = 9


@pytest.mark.parametrize(("action", "kind", "locked"), list(REPLY_GOLDEN))
def test_reply_actions_match_the_golden_table(action, kind, locked):
    thread = thread_in(package(S), private=False, locked=locked)
    post = reply_in(thread, REPLY_WRITER_PK, kind=kind)
    wrong = [
        (relation, rank.name, answer)
        for relation, pk, first in zip(
            ("writer", "stranger", "author"),
            (REPLY_WRITER_PK, STRANGER_PK, AUTHOR_PK),
            REPLY_GOLDEN[(action, kind, locked)],
            strict=True,
        )
        for rank in LADDER
        if (answer := can(actor(rank, pk), action, post)) is not allowed(first, rank)
    ]
    assert wrong == []


def test_a_reply_in_a_private_thread_one_cannot_see_is_out_of_reach():
    thread = thread_in(package(S), private=True)
    post = reply_in(thread, REPLY_WRITER_PK)
    # the writer of a post who is no longer one of the package's people, below approver
    assert not can(actor(MEMBER, REPLY_WRITER_PK), A.EDIT_REPLY, post)
    assert can(actor(MODERATOR, STRANGER_PK), A.EDIT_REPLY, post)


@pytest.mark.parametrize("action", sorted(THREAD_ACTIONS - {A.SEE_THREAD}))
def test_a_suspended_moderator_does_nothing_with_threads_but_read(action):
    user = actor(MODERATOR, AUTHOR_PK, suspended=True)
    thread = thread_in(package(S), private=False)
    obj = package(S) if action == A.CREATE_THREAD else thread
    if action in {A.DELETE_REPLY, A.EDIT_REPLY, A.HIDE_REPLY}:
        obj = reply_in(thread, AUTHOR_PK)
    assert not can(user, action, obj)
    assert can(user, A.SEE_THREAD, thread)
