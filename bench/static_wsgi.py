"""The site's WSGI app plus one static file route, for comparing against plain file serving.

`/bench-static/<name>` is answered from BENCH_STATIC_DIR with wsgi.file_wrapper (sendfile where
gunicorn can), without entering Django; everything else goes to the site.
`/bench-bump/<scope>` bumps a `media_tools.generations` generation in this worker's cache, as a committed
write does, so the next request measures the cold path (`make bench`, bench/run.py).
"""

import os
from pathlib import Path

from registry.wsgi import application as site

STATIC_DIR = Path(os.environ.get("BENCH_STATIC_DIR", "var/bench/static"))
PREFIX = "/bench-static/"
BUMP = "/bench-bump/"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path.startswith(BUMP):
        from media_tools.generations import bump

        bump(path[len(BUMP) :])  # outside a transaction: at once
        start_response("204 No Content", [])
        return [b""]
    if not path.startswith(PREFIX):
        return site(environ, start_response)
    target = STATIC_DIR / path[len(PREFIX) :]
    if "/" in path[len(PREFIX) :] or not target.is_file():
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    size = target.stat().st_size
    start_response("200 OK", [("Content-Type", "application/zip"), ("Content-Length", str(size))])
    handle = target.open("rb")
    wrapper = environ.get("wsgi.file_wrapper")
    return wrapper(handle, 65536) if wrapper else iter(lambda: handle.read(65536), b"")
