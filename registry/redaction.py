"""Keep API keys and tokens out of every log line, wherever in a request they travel.

A LuaRocks key travels in the URL path (`/api/1/<key>/...`), and clients get that path wrong:
`/api/1//KEY/status`, `/api/2/KEY/upload`, `/API/1/KEY/status`, a key or a ContentDB token pasted
into a query string. Django logs the path of every 4xx/5xx (`django.request`, `django.security.*`),
runserver and gunicorn log every request line, and error reports print the request's headers.

What is redacted (`redact`):
- the segment after `/api/<digits>/` in any case and with any number of slashes: the key's slot,
  whatever it holds, shown as `<key>`;
- anywhere else, any run of 20 or more letters and digits, shown as `<secret>`. Keys (40) and tokens
  (32) are random strings of exactly that alphabet (accounts/secrets.py), so a whole secret, one
  with a character added or changed, or a piece two thirds long is caught; names, versions and file
  names in our paths are separated by `-`, `.`, `_` or `/` and stay readable. Session and CSRF
  cookies in a logged header are caught too.

Where (one function, applied at the two points a log line is made):
- `install_record_factory()` (registry.apps) makes every LogRecord of the process, of any logger
  (ours, Django's, gunicorn's access and error logs in its workers), carry a redacted message from
  the moment it exists, so every handler, caplog included, sees only that;
- `RedactSecrets`, a filter on the configured handlers and on `django.request`/`django.server`,
  also gives a record's `request` (which error e-mails and trackers print) as a copy whose path,
  query and headers are redacted.
"""

import copy
import logging
import re

from django.http import HttpRequest

KEY_SLOT = re.compile(r"(?i)(/api/+[0-9]+/+)[^/?#\s\"']+")
KEY_SHAPED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{20,}(?![A-Za-z0-9])")


def redact(text: str) -> str:
    return KEY_SHAPED.sub("<secret>", KEY_SLOT.sub(r"\1<key>", text))


def redact_record(record: logging.LogRecord) -> None:
    """Replace the record's message by its redacted form if it differs (the template and its
    arguments are kept when there is nothing to hide)."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed record is the logging module's to report, not ours
        return
    redacted = redact(message)
    if redacted != message:
        record.msg, record.args = redacted, ()


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        # Django's request loggers attach the HttpRequest (its path and headers get redacted);
        # runserver's django.server attaches the connection's socket, which has neither and
        # cannot be copied
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest) and not getattr(request, "_is_redacted", False):
            record.request = _redacted_request(request)
        return True


def _redacted_request(request):
    clone = copy.copy(request)
    clone._is_redacted = True
    if isinstance(getattr(request, "path", None), str):
        clone.path = redact(request.path)
    if isinstance(getattr(request, "path_info", None), str):
        clone.path_info = redact(request.path_info)
    meta = getattr(request, "META", None)
    if isinstance(meta, dict):
        clone.META = {
            name: redact(value) if isinstance(value, str) else value for name, value in meta.items()
        }
    return clone


_installed = False


def install_record_factory() -> None:
    """Wrap the process's LogRecord factory once so that every record is redacted at birth."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redact_record(record)
        return record

    logging.setLogRecordFactory(redacting_factory)
    _installed = True
