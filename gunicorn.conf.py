"""gunicorn's settings for this site, read by `gunicorn registry.wsgi:application` run from the
repository root (flags on the command line override them). docs/deploy.md explains the choices.
"""

import contextlib


def worker_exit(server, worker) -> None:
    """A worker that stops cleanly writes the download counts it still holds
    (releases/download_counts.py; `atexit` does the same for any other process)."""
    with contextlib.suppress(Exception):  # a worker that never loaded the site holds nothing
        from releases.download_counts import flush_at_exit

        flush_at_exit()
