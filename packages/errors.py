"""Domain errors of the packages app. Messages are for people; faces map classes to statuses."""


class PackagesError(Exception):
    """Base class: the message is safe to show to the caller."""


class NoSuchPackage(PackagesError):
    pass
