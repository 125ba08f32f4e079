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


class InvalidScreenshotRequest(MediaToolsError):
    """A screenshot request's title, order list or cover image id is missing or wrong."""


class ScreenshotPermissionDenied(MediaToolsError):
    """The user may not add or change this package's screenshots."""


class TooManyScreenshots(MediaToolsError):
    """Too many screenshots uploaded to one package in a short time (ContentDB: 20 in 30 minutes)."""
