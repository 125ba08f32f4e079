"""The credential and moderation commands, through call_command as an operator runs them."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiKey, ApiToken, User
from accounts.secrets import hash_secret
from packages.models import PackageState
from tests.factories import PackageFactory


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


@pytest.mark.django_db
def test_create_api_key_prints_the_secret_once_and_stores_only_its_hash():
    output = run("create_api_key", "Carol", "--comment", "laptop")
    secret = last_line(output)
    assert len(secret) == ApiKey.SECRET_LENGTH and secret.isalnum()
    assert output.count(secret) == 1
    key = ApiKey.objects.get()
    assert key.user.username == "Carol" and key.comment == "laptop"
    assert key.key_hash == hash_secret(secret)
    assert secret not in {key.key_hash, key.prefix, key.comment}
    assert secret.startswith(key.prefix) and len(key.prefix) == 8


@pytest.mark.django_db
def test_create_api_key_twice_makes_two_keys_for_the_same_user_found_case_insensitively():
    first = last_line(run("create_api_key", "carol"))
    second = last_line(run("create_api_key", "CAROL"))
    assert first != second
    assert User.objects.count() == 1
    assert ApiKey.objects.filter(user__username="carol").count() == 2


@pytest.mark.django_db
def test_create_api_token_prints_the_secret_and_stores_only_its_hash():
    secret = last_line(run("create_api_token", "dave", "--name", "ci"))
    token = ApiToken.objects.get()
    assert len(secret) == ApiToken.SECRET_LENGTH
    assert token.name == "ci" and token.package is None
    assert token.token_hash == hash_secret(secret)
    assert last_line(run("create_api_token", "dave")) != secret
    assert ApiToken.objects.count() == 2


@pytest.mark.django_db
def test_create_api_token_limited_to_an_own_package(user):
    package = PackageFactory(author=user, name="wolves")
    run("create_api_token", "alice", "--package", "ALICE/wolves")
    assert ApiToken.objects.get().package == package


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["nobody/nothing", "alice", "alice/", "/wolves"])
def test_create_api_token_with_unknown_package_is_a_clear_error_and_creates_nothing(user, scope):
    with pytest.raises(CommandError, match="No Luanti package"):
        run("create_api_token", "alice", "--package", scope)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_create_api_token_for_someone_elses_package_is_refused(user, other_user):
    PackageFactory(author=other_user, name="wolves")
    with pytest.raises(CommandError, match="does not maintain"):
        run("create_api_token", "alice", "--package", "bob/wolves")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [s for s in PackageState if s != PackageState.APPROVED])
def test_approve_package_approves_from_any_state(user, state):
    package = PackageFactory(author=user, name="wolves", state=state, approved_at=None)
    output = run("approve_package", "alice/wolves")
    package.refresh_from_db()
    assert package.state == PackageState.APPROVED
    assert package.approved_at is not None
    assert "alice/wolves is approved" in output


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["alice/missing", "wolves", ""])
def test_approve_package_unknown_is_a_clear_error(user, key):
    with pytest.raises(CommandError, match="No package"):
        run("approve_package", key)


@pytest.mark.django_db
def test_seed_demo_loads_once_with_real_files():
    from packages.models import Package
    from releases.models import ReleaseFile

    assert "loaded" in run("seed_demo")
    counts = Package.objects.count(), ReleaseFile.objects.count()
    assert {"MOD", "GAME", "TXP", "ROCK"} <= set(Package.objects.values_list("type", flat=True))
    for release_file in ReleaseFile.objects.all():
        with release_file.file.open("rb") as handle:
            data = handle.read()
        assert len(data) == release_file.size > 0
    assert "already" in run("seed_demo")
    assert (Package.objects.count(), ReleaseFile.objects.count()) == counts
