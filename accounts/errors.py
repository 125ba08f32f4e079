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
