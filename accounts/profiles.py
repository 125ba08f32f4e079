"""Write use cases of a person's own account: sign up, profile edits, deleting the account.

Credentials (keys, tokens) live in `accounts.services`; this module covers the account itself.
"""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.errors import AccountOwnsPackages
from accounts.models import User
from accounts.usernames import check_email_is_free, check_new_username

PROFILE_FIELDS = (
    "display_name",
    "email",
    "website_url",
    "donate_url",
    "github_username",
    "forums_username",
)


@transaction.atomic
def register_user(*, username: str, email: str, password: str) -> User:
    """Create an account with a usable password, a free name (accounts/usernames.py) and an
    address no other account uses. It may publish once the address is verified (the sign-up view
    mails the link: accounts.verification)."""
    check_new_username(username)
    check_email_is_free(email)
    user = User(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def update_profile(*, user: User, **fields: str) -> User:
    """Change the public profile; only PROFILE_FIELDS may be set here (not the name, rank or
    suspension). A new email address must be free, and is unverified until its link is opened."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    if fields.get("email"):
        check_email_is_free(fields["email"], owner_pk=user.pk)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=[*fields])
    return user


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the account with its keys, tokens and reviews. Packages are never deleted with it:
    their downloads and dependants belong to others, so they must be transferred or deleted first."""
    user = User.objects.select_for_update().get(pk=user.pk)
    owned = list(user.packages.values_list("name", flat=True)[:5])
    if owned:
        raise AccountOwnsPackages(
            "Delete or transfer your packages first: " + ", ".join(owned) + "."
        )
    user.delete()
