"""A suspended account: its LuaRocks keys get 403 {"errors": [...]}, its ContentDB tokens 403
{"success": false, ...}, web login is refused with an explanation (only to someone who knows the
password), open sessions end, and its approved packages stay public."""

import pytest

from accounts.backends import ACCOUNT_SUSPENDED
from accounts.errors import InvalidRank, NotAllowed
from accounts.models import AuditLogEntry, AuditSeverity, Rank
from accounts.services import create_api_key, create_api_token
from packages.members import change_rank, suspend_user, unsuspend_user
from tests.factories import PackageFactory
from tests.logins import log_in_to_the_admin

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


@pytest.fixture
def suspend(staff_moderator):
    def run(user, reason="spam"):
        suspend_user(by=staff_moderator, user=user, reason=reason)
        user.refresh_from_db()
        return user

    return run


def test_suspension_is_audited_with_its_reason(suspend, author, staff_moderator):
    suspend(author, reason="posted malware")
    entry = AuditLogEntry.objects.get(action="user.suspend")
    assert (entry.causer, entry.target_user, entry.description) == (
        staff_moderator,
        author,
        "posted malware",
    )
    assert entry.severity == AuditSeverity.MODERATION
    assert entry.diff == {"is_suspended": [False, True]}
    suspend_user(by=staff_moderator, user=author)  # already suspended: nothing new
    assert AuditLogEntry.objects.filter(action="user.suspend").count() == 1
    unsuspend_user(by=staff_moderator, user=author)
    author.refresh_from_db()
    assert not author.is_suspended
    assert AuditLogEntry.objects.filter(action="user.unsuspend").count() == 1


def test_only_moderators_suspend_and_only_lower_ranks(make_user, staff_moderator):
    editor = make_user(Rank.EDITOR)
    victim = make_user(Rank.MEMBER)
    with pytest.raises(NotAllowed):
        suspend_user(by=editor, user=victim)
    with pytest.raises(NotAllowed):
        suspend_user(by=staff_moderator, user=staff_moderator)
    with pytest.raises(NotAllowed):
        suspend_user(by=staff_moderator, user=make_user(Rank.ADMIN))
    victim.refresh_from_db()
    assert not victim.is_suspended


def test_rank_changes_stay_at_or_below_the_moderators_own(make_user, staff_moderator):
    member = make_user(Rank.MEMBER)
    with pytest.raises(InvalidRank):
        change_rank(by=staff_moderator, user=member, rank=Rank.ADMIN)
    with pytest.raises(InvalidRank):
        change_rank(by=staff_moderator, user=member, rank=12345)
    change_rank(by=staff_moderator, user=member, rank=Rank.MODERATOR)
    member.refresh_from_db()
    assert (member.rank, member.is_staff) == (Rank.MODERATOR, True)
    with pytest.raises(NotAllowed):  # now a peer
        change_rank(by=staff_moderator, user=member, rank=Rank.MEMBER)
    entry = AuditLogEntry.objects.get(action="user.change_rank")
    assert entry.diff == {"rank": ["MEMBER", "MODERATOR"]}


def test_luarocks_keys_of_a_suspended_user_get_403(client, author, suspend):
    _, secret = create_api_key(user=author)
    assert client.get(f"/api/1/{secret}/status").status_code == 200
    suspend(author)
    response = client.get(f"/api/1/{secret}/status")
    assert response.status_code == 403
    assert response.json() == {"errors": [ACCOUNT_SUSPENDED]}


def test_contentdb_tokens_of_a_suspended_user_get_403(client, author, suspend):
    _, secret = create_api_token(user=author, name="ci")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    ok = client.get("/api/whoami/", **headers)
    assert ok.json() == {"is_authenticated": True, "username": "author"}
    suspend(author)
    response = client.get("/api/whoami/", **headers)
    assert response.status_code == 403
    assert response.json() == {"success": False, "error": ACCOUNT_SUSPENDED}
    package = PackageFactory(author=author)
    write = client.put(
        f"/api/packages/{package.key}/",
        data={"title": "Hijacked"},
        content_type="application/json",
        **headers,
    )
    assert write.status_code == 403
    assert write.json()["success"] is False
    package.refresh_from_db()
    assert package.title != "Hijacked"


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/"])
def test_web_login_of_a_suspended_user_is_refused_with_an_explanation(client, author, suspend, url):
    suspend(author)
    response = client.post(url, {"username": "author", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect into the site
    assert ACCOUNT_SUSPENDED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/"])
def test_a_wrong_password_does_not_reveal_the_suspension(client, author, suspend, url):
    suspend(author)
    response = client.post(url, {"username": "author", "password": "wrong password"})
    assert ACCOUNT_SUSPENDED not in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_works_again_once_the_suspension_is_lifted(client, author, suspend, staff_moderator):
    suspend(author)
    unsuspend_user(by=staff_moderator, user=author)
    response = client.post("/accounts/login/", {"username": "author", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(author.pk)


def test_an_open_session_ends_when_the_account_is_suspended(client, make_user, suspend):
    editor = make_user(Rank.EDITOR, username="ed", is_staff=True)
    log_in_to_the_admin(client, editor)
    assert client.get("/admin/").status_code == 200
    suspend(editor)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_suspended_users_packages_stay_visible(client, author, suspend):
    package = PackageFactory(author=author)
    suspend(author)
    assert client.get(f"/api/packages/{package.key}/").status_code == 200
