"""Transient infrastructure faults on the API faces: a clear 503 instead of a bare 500.

A database that drops the connection (an OperationalError or InterfaceError of the kinds listed
below; not one the query itself caused, which no retry fixes) or a file store that fails
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


# Operational errors that pass: SQLite's busy/locked/out of memory/interrupted/I-O/disk full/cannot
# open/lock protocol (primary result codes, sqlite.org/rescode.html) and PostgreSQL's SQLSTATE
# classes of connection failures (08), rolled-back transactions (40: serialization, deadlock),
# exhausted resources (53), operator intervention (57: shutdown, statement timeout), system I/O
# (58) and lock timeouts (55P03). The drivers raise other OperationalErrors for what the query
# itself asked: SQLite's "LIKE or GLOB pattern too complex" (SQLITE_ERROR), PostgreSQL's
# "statement too complex" (54001); retrying those can never work, so they are not 503s.
SQLITE_TRANSIENT_CODES = frozenset({5, 6, 7, 9, 10, 13, 14, 15})
POSTGRESQL_TRANSIENT_CLASSES = ("08", "40", "53", "57", "58", "55P03")


def _is_transient_database_error(exception: Exception) -> bool:
    cause = exception.__cause__  # Django's wrapper keeps the driver's error here
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in SQLITE_TRANSIENT_CODES
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(POSTGRESQL_TRANSIENT_CLASSES)
    # raised by Django itself ("connection already closed") or with no driver detail
    return True


def is_transient(exception: Exception) -> bool:
    if isinstance(exception, OperationalError | InterfaceError):
        return _is_transient_database_error(exception)
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
