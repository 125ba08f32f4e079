"""Transient infrastructure faults on the API faces: a clear 503 instead of a bare 500.

A database that drops the connection (OperationalError, InterfaceError) or a file store that fails
a write (OSError: a timeout, a full disk, an object store answering 503) is not the client's fault
and not a bug in the request: the services have already rolled back their rows and removed the
files they wrote (media_tools.storage.files_removed_on_error), so the client is told that nothing was
stored and to try again. The exception is still logged with its traceback, as Django would.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from registry.errors import face_error

logger = logging.getLogger("django.request")

TRY_AGAIN = "The service is temporarily unavailable; nothing was stored, please try again"
RETRY_AFTER_SECONDS = 30


def is_transient(exception: Exception) -> bool:
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    # a missing file is a bug or a 404, not a passing fault
    return isinstance(exception, OSError) and not isinstance(exception, FileNotFoundError)


class TransientFaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_transient(exception):
            return None
        response = face_error(request, 503, TRY_AGAIN)
        if response is None:  # web pages keep Django's error page
            return None
        logger.error(
            "Service Unavailable: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 503, "request": request},
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
