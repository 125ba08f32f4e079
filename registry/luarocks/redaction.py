"""Keep LuaRocks API keys out of logs: the key travels in the URL path (`/api/1/<key>/...`), and
Django logs paths (`django.request` for 4xx/5xx answers, `django.server` for every runserver
request). Attached to those loggers in settings.LOGGING; front proxies and gunicorn's access log
must be configured the same way in production.
"""

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
        return True
