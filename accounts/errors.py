"""Domain errors of the accounts app. Messages are for people; faces map classes to statuses."""


class AccountsError(Exception):
    """Base class: the message is safe to show to the caller."""


class UnknownUser(AccountsError):
    pass


class UnknownPackageScope(AccountsError):
    pass
