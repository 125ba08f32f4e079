"""The permission matrix, generated from the table: every action x every rank x the actor's relation
to the object (author, maintainer, stranger; review writer; the account itself), on approved and
unapproved packages, plus suspended and anonymous users. The oracle below reads each Rule in plain
terms; the golden rows at the end pin the table's contents to ContentDB's documented answers.

Objects are built in memory (maintainers as a prefetched list), so the ~4000 cases run without a
database.
"""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Rank, User
from accounts.verification import EMAIL_NOT_VERIFIED
from packages.models import Package, PackageState, PackageType, Review
from packages.permissions import (
    PERMISSIONS,
    PUBLISH_ACTIONS,
    READ_ONLY_ACTIONS,
    Action,
    Rule,
    can,
    refusal_message,
)

AUTHOR, MAINTAINER, STRANGER = 1, 2, 3
USER_ACTIONS = {Action.SUSPEND_USER, Action.CHANGE_RANK, Action.CREATE_TOKEN}
REVIEW_ACTIONS = {Action.DELETE_REVIEW, Action.APPROVE_REVIEW}
PACKAGE_RELATIONS = {"author": AUTHOR, "maintainer": MAINTAINER, "stranger": STRANGER}
STATES = [PackageState.APPROVED, PackageState.WIP]


def actor(rank: Rank, pk: int, *, suspended: bool = False, verified: bool = True) -> User:
    email = f"user{pk}@example.org"
    return User(
        pk=pk,
        username=f"user{pk}",
        rank=rank,
        is_suspended=suspended,
        email=email,
        verified_email=email if verified else "",
    )


def package(state: PackageState) -> Package:
    p = Package(pk=10, author_id=AUTHOR, name="thing", type=PackageType.MOD, state=state)
    p._prefetched_objects_cache = {"maintainers": [User(pk=MAINTAINER, username="maint")]}
    return p


def expected_on_package(rule: Rule, action: Action, rank: Rank, relation: str, state) -> bool:
    approved = state == PackageState.APPROVED
    if action == Action.VIEW_PACKAGE and approved:
        return True  # approved packages are public
    own = relation == "author" or (relation == "maintainer" and not rule.author_only)
    if rule.approved_only and not approved:
        return False
    anyone = rule.anyone_from is not None and rank >= rule.anyone_from
    if rule.not_own:
        return anyone and relation == "stranger"
    own_from = rule.own_from
    if rule.own_from_unapproved is not None and not approved:
        own_from = rule.own_from_unapproved
    return anyone or (rule.own and own and rank >= own_from)


def package_cases():
    for action, rank, relation, state in itertools.product(
        sorted(set(Action) - USER_ACTIONS - REVIEW_ACTIONS), Rank, PACKAGE_RELATIONS, STATES
    ):
        yield pytest.param(
            action, rank, relation, state, id=f"{action}-{rank.name}-{relation}-{state}"
        )


@pytest.mark.parametrize(("action", "rank", "relation", "state"), list(package_cases()))
def test_package_actions_follow_the_table(action, rank, relation, state):
    rule = PERMISSIONS[action]
    user = actor(rank, PACKAGE_RELATIONS[relation])
    assert can(user, action, package(state)) is expected_on_package(
        rule, action, rank, relation, state
    )


@pytest.mark.parametrize(("action", "rank", "relation", "state"), list(package_cases()))
def test_an_unverified_account_may_do_all_but_publish(action, rank, relation, state):
    user = actor(rank, PACKAGE_RELATIONS[relation], verified=False)
    allowed = expected_on_package(PERMISSIONS[action], action, rank, relation, state)
    publishing = action in PUBLISH_ACTIONS
    assert can(user, action, package(state)) is (allowed and not publishing)
    refusal = refusal_message(user, action, package(state), default="no")
    assert refusal == (EMAIL_NOT_VERIFIED if allowed and publishing else "no")


def test_the_publish_actions_are_new_packages_releases_and_screenshots():
    assert {Action.CREATE_PACKAGE, Action.MAKE_RELEASE, Action.ADD_SCREENSHOTS} == PUBLISH_ACTIONS


def test_an_operator_vouched_account_publishes_without_an_email():
    user = User(pk=80, username="ci", rank=Rank.NEW_MEMBER, verified_by_operator=True)
    assert can(user, Action.CREATE_PACKAGE)


def test_changing_the_email_unverifies_the_account():
    user = actor(Rank.MEMBER, AUTHOR)
    assert can(user, Action.MAKE_RELEASE, package(PackageState.APPROVED))
    user.email = "new@example.org"
    assert not can(user, Action.MAKE_RELEASE, package(PackageState.APPROVED))


@pytest.mark.parametrize("action", sorted(REVIEW_ACTIONS))
@pytest.mark.parametrize("rank", list(Rank), ids=lambda r: r.name)
@pytest.mark.parametrize("relation", ["writer", "stranger"])
def test_review_actions_follow_the_table(action, rank, relation):
    rule = PERMISSIONS[action]
    review = Review(pk=5, author_id=7, package=package(PackageState.APPROVED), rating=5)
    user = actor(rank, 7 if relation == "writer" else STRANGER)
    anyone = rule.anyone_from is not None and rank >= rule.anyone_from
    own = rule.own and relation == "writer" and rank >= rule.own_from
    assert can(user, action, review) is (anyone or own)


@pytest.mark.parametrize("action", sorted(USER_ACTIONS))
@pytest.mark.parametrize("rank", list(Rank), ids=lambda r: r.name)
@pytest.mark.parametrize("target", ["self", "lower", "same", "higher"])
def test_account_actions_follow_the_table(action, rank, target):
    rule = PERMISSIONS[action]
    user = actor(rank, 50)
    target_rank = {"self": rank, "lower": Rank.BANNED, "same": rank, "higher": Rank.ADMIN}[target]
    subject = user if target == "self" else actor(target_rank, 60)
    anyone = rule.anyone_from is not None and rank >= rule.anyone_from
    if target == "self":
        expected = not rule.others_only and (anyone or (rule.own and rank >= rule.own_from))
    else:
        expected = anyone and target_rank < rank  # never on an equal or higher account
    assert can(user, action, subject) is expected


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", STATES)
def test_a_suspended_admin_author_may_only_read(action, state):
    user = actor(Rank.ADMIN, AUTHOR, suspended=True)
    obj = user if action in USER_ACTIONS else package(state)
    if action in REVIEW_ACTIONS:
        obj = Review(pk=5, author_id=AUTHOR, package=package(state), rating=5)
    assert can(user, action, obj) is (action in READ_ONLY_ACTIONS)


@pytest.mark.parametrize("anonymous", [None, AnonymousUser()], ids=["none", "anonymous"])
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", [*STATES, PackageState.DELETED])
def test_anonymous_users_may_only_view_approved_packages(anonymous, action, state):
    allowed = action == Action.VIEW_PACKAGE and state == PackageState.APPROVED
    assert can(anonymous, action, package(state)) is allowed


@pytest.mark.parametrize("rank", list(Rank), ids=lambda r: r.name)
@pytest.mark.parametrize("relation", PACKAGE_RELATIONS)
def test_deleted_packages_are_visible_to_moderators_only(rank, relation):
    user = actor(rank, PACKAGE_RELATIONS[relation])
    assert can(user, Action.VIEW_PACKAGE, package(PackageState.DELETED)) is (rank >= Rank.MODERATOR)


def test_a_superuser_counts_as_admin_whatever_the_stored_rank():
    boss = User(pk=90, username="boss", rank=Rank.NEW_MEMBER, is_superuser=True)
    assert can(boss, Action.SUSPEND_USER, actor(Rank.ADMIN, 91))
    assert can(boss, Action.RESTORE_PACKAGE, package(PackageState.DELETED))


def test_an_inactive_account_may_do_nothing():
    user = actor(Rank.ADMIN, AUTHOR)
    user.is_active = False
    assert not can(user, Action.EDIT_PACKAGE, package(PackageState.WIP))


def test_every_action_has_a_rule():
    assert set(PERMISSIONS) == set(Action)


# Golden rows: ContentDB's check_perm answers (docs/protocols/contentdb.md section 8), and our choices.
GOLDEN = [
    # (rank, relation, state, action, allowed)
    (Rank.NEW_MEMBER, "author", PackageState.WIP, Action.EDIT_PACKAGE, True),
    (Rank.NOT_JOINED, "author", PackageState.WIP, Action.EDIT_PACKAGE, False),
    (Rank.BANNED, "author", PackageState.WIP, Action.MAKE_RELEASE, False),
    (Rank.MEMBER, "stranger", PackageState.WIP, Action.EDIT_PACKAGE, False),
    (Rank.EDITOR, "stranger", PackageState.WIP, Action.EDIT_PACKAGE, True),
    (Rank.APPROVER, "stranger", PackageState.WIP, Action.EDIT_PACKAGE, False),
    (Rank.APPROVER, "stranger", PackageState.WIP, Action.APPROVE_PACKAGE, True),
    (Rank.MEMBER, "author", PackageState.WIP, Action.APPROVE_PACKAGE, False),
    (Rank.TRUSTED_MEMBER, "author", PackageState.WIP, Action.APPROVE_PACKAGE, True),
    (Rank.TRUSTED_MEMBER, "stranger", PackageState.WIP, Action.APPROVE_PACKAGE, False),
    (Rank.MEMBER, "maintainer", PackageState.APPROVED, Action.DELETE_PACKAGE, False),
    (Rank.MEMBER, "author", PackageState.APPROVED, Action.DELETE_PACKAGE, True),
    (Rank.APPROVER, "stranger", PackageState.APPROVED, Action.DELETE_PACKAGE, False),
    (Rank.EDITOR, "stranger", PackageState.APPROVED, Action.DELETE_PACKAGE, True),
    (Rank.MEMBER, "maintainer", PackageState.APPROVED, Action.EDIT_MAINTAINERS, False),
    (Rank.MEMBER, "author", PackageState.APPROVED, Action.EDIT_MAINTAINERS, True),
    (Rank.NEW_MEMBER, "maintainer", PackageState.APPROVED, Action.APPROVE_RELEASE, True),
    (Rank.MEMBER, "stranger", PackageState.APPROVED, Action.APPROVE_RELEASE, False),
    (Rank.MEMBER, "author", PackageState.APPROVED, Action.APPROVE_SCREENSHOT, False),
    (Rank.MEMBER, "author", PackageState.WIP, Action.APPROVE_SCREENSHOT, True),
    (Rank.TRUSTED_MEMBER, "author", PackageState.APPROVED, Action.APPROVE_SCREENSHOT, True),
    (Rank.MEMBER, "author", PackageState.APPROVED, Action.WRITE_REVIEW, False),
    (Rank.MEMBER, "maintainer", PackageState.APPROVED, Action.WRITE_REVIEW, False),
    (Rank.NEW_MEMBER, "stranger", PackageState.APPROVED, Action.WRITE_REVIEW, True),
    (Rank.MEMBER, "stranger", PackageState.WIP, Action.WRITE_REVIEW, False),
    (Rank.MEMBER, "author", PackageState.WIP, Action.REQUEST_CHANGES, False),
    (Rank.MEMBER, "author", PackageState.WIP, Action.SUBMIT_FOR_REVIEW, True),
    (Rank.MEMBER, "stranger", PackageState.WIP, Action.SUBMIT_FOR_REVIEW, False),
    (Rank.MODERATOR, "stranger", PackageState.DELETED, Action.RESTORE_PACKAGE, True),
    (Rank.EDITOR, "stranger", PackageState.DELETED, Action.RESTORE_PACKAGE, False),
    (Rank.EDITOR, "stranger", PackageState.APPROVED, Action.TRANSFER_OWNERSHIP, True),
    (Rank.APPROVER, "stranger", PackageState.APPROVED, Action.TRANSFER_OWNERSHIP, False),
    (Rank.EDITOR, "stranger", PackageState.APPROVED, Action.HIDE_FROM_ROOT_MANIFEST, False),
    (Rank.MODERATOR, "stranger", PackageState.APPROVED, Action.HIDE_FROM_ROOT_MANIFEST, True),
    (Rank.MEMBER, "author", PackageState.WIP, Action.VIEW_PACKAGE, True),
    (Rank.APPROVER, "stranger", PackageState.READY_FOR_REVIEW, Action.VIEW_PACKAGE, True),
    (Rank.TRUSTED_MEMBER, "stranger", PackageState.READY_FOR_REVIEW, Action.VIEW_PACKAGE, False),
]


@pytest.mark.parametrize(("rank", "relation", "state", "action", "allowed"), GOLDEN)
def test_the_table_gives_contentdbs_answers(rank, relation, state, action, allowed):
    assert can(actor(rank, PACKAGE_RELATIONS[relation]), action, package(state)) is allowed


def test_moderators_manage_lower_accounts_but_not_their_peers_or_themselves():
    moderator = actor(Rank.MODERATOR, 70)
    assert can(moderator, Action.SUSPEND_USER, actor(Rank.EDITOR, 71))
    assert not can(moderator, Action.SUSPEND_USER, actor(Rank.MODERATOR, 72))
    assert not can(moderator, Action.SUSPEND_USER, moderator)
    assert not can(moderator, Action.CHANGE_RANK, moderator)
    assert can(actor(Rank.ADMIN, 73), Action.CHANGE_RANK, actor(Rank.MODERATOR, 72))
    member = actor(Rank.MEMBER, 74)
    assert can(member, Action.CREATE_TOKEN, member)
    assert not can(member, Action.CREATE_TOKEN, actor(Rank.NEW_MEMBER, 75))
