"""Log-in throttling (accounts/login_throttle.py) through the log-in page: five failures of one
account from one address lock that pair out, whatever the password; four do not; a success
clears the count; other accounts and other addresses are not affected."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKED = "Too many failed log-in attempts. Please wait 15 minutes and try again."


@pytest.fixture
def alice():
    user = UserFactory(username="alice")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, times: int, username: str = "alice", address: str = "127.0.0.1") -> None:
    for _ in range(times):
        response = log_in(client, username, "wrong", address)
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()


def is_logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_four_failures_still_let_the_right_password_in(client, alice):
    fail(client, 4)
    assert is_logged_in(log_in(client, "alice", PASSWORD))


def test_the_fifth_failure_locks_the_account_out_from_that_address(client, alice):
    fail(client, 5)
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_starts_the_count_again(client, alice):
    fail(client, 4)
    assert is_logged_in(log_in(client, "alice", PASSWORD))
    client.post("/accounts/logout/")
    fail(client, 4)
    assert is_logged_in(log_in(client, "alice", PASSWORD))


def test_the_username_counts_whatever_its_case_and_spaces(client, alice):
    fail(client, 2, username="ALICE")
    fail(client, 3, username=" alice ")
    assert LOCKED in log_in(client, "Alice", PASSWORD).content.decode()


def test_other_accounts_and_other_addresses_are_not_locked_out(client, alice):
    bob = UserFactory(username="bob")
    bob.set_password(PASSWORD)
    bob.save()
    fail(client, 5)
    assert is_logged_in(log_in(client, "bob", PASSWORD))
    client.post("/accounts/logout/")
    assert is_logged_in(log_in(client, "alice", PASSWORD, address="192.0.2.9"))
