"""Domain errors of the accounts app. Messages are for people; faces map classes to statuses."""


class AccountsError(Exception):
    """Base class: the message is safe to show to the caller."""


class UnknownUser(AccountsError):
    pass


class UnknownPackageScope(AccountsError):
    pass


class AccountOwnsPackages(AccountsError):
    """The account still owns packages, so deleting it would orphan them."""


class NotAllowed(AccountsError):
    """The permission table says no (suspending, changing ranks of equal or higher accounts)."""


class InvalidRank(AccountsError):
    """Not a rank, or a rank above the one of the moderator who sets it."""


class InvalidUsername(AccountsError):
    """A new name breaks the URL-safe rule, is reserved, or looks like an existing account's."""


class EmailTaken(AccountsError):
    """Another account uses that email address (compared case-insensitively)."""


class EmailNotVerified(AccountsError):
    """The account may not publish until its email address is verified."""


class InvalidVerificationLink(AccountsError):
    """An email verification link that is broken, expired, or for an address no longer in use."""


class SecondFactorError(AccountsError):
    """A wrong, reused or throttled two-factor code, or a set-up step out of order."""
