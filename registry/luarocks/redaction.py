"""Keep LuaRocks API keys out of logs: the key travels in the URL path (`/api/1/<key>/...`), and
Django logs paths (`django.request` for 4xx/5xx answers, `django.server` for every runserver
request). Attached to those loggers in settings.LOGGING; front proxies and gunicorn's access log
must be configured the same way in production.
"""

import copy
import logging
import re

KEY_IN_PATH = re.compile(r"(/api/1/)[^/?#\s\"']+")
REDACTED = r"\1<key>"


def redact(text: str) -> str:
    return KEY_IN_PATH.sub(REDACTED, text)


class RedactApiKeys(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/api/1/" in message:
            record.msg = redact(message)
            record.args = ()
        # django.request attaches the request: handlers that format it (its repr, error e-mails,
        # error trackers) would print the path again, so they get a copy with the key redacted.
        request = getattr(record, "request", None)
        if request is not None and "/api/1/" in getattr(request, "path", ""):
            record.request = _redacted_request(request)
        return True


def _redacted_request(request):
    clone = copy.copy(request)
    clone.path = redact(request.path)
    clone.path_info = redact(request.path_info)
    clone.META = {
        name: redact(value) if isinstance(value, str) else value
        for name, value in request.META.items()
    }
    return clone
