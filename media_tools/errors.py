"""Domain errors of the media_tools app. Messages are for people; faces map classes to statuses."""


class MediaToolsError(Exception):
    """Base class: the message is safe to show to the caller."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class MarkupTooLarge(MediaToolsError):
    """Markdown or HTML too long to render in bounded time."""

    def __init__(self, *, limit: int):
        super().__init__(f"Text too long: at most {limit} characters can be rendered")
        self.limit = limit


class InvalidImage(MediaToolsError):
    """An uploaded screenshot is not a PNG, JPEG or WebP image we accept (broken, too big, too small)."""


class LimitReached(MediaToolsError):
    """Too many of something in a window (media_tools.limits): come back after `retry_after` s."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class UploadLimitReached(LimitReached):
    """The account stored more uploads in the window than settings.RATELIMIT_UPLOADS allows."""
