import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from tests.factories import PackageFactory, RockFactory, UserFactory

# Property tests check answers, never speed: hypothesis' default 200 ms deadline per example fails on
# a loaded machine. Timings belong in bench/.
settings.register_profile("registry", deadline=None)
# `make mutate` (tests/mutation) only needs to know that a property fails, not its smallest example:
# shrinking a failure can take minutes per mutant
settings.register_profile(
    "mutation", deadline=None, database=None, phases=[Phase.explicit, Phase.generate]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "registry"))


def _run_dir() -> Path | None:
    from django.conf import settings as django_settings

    return getattr(django_settings, "TEST_RUN_DIR", None)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Every temporary file of the run goes into the run's folder (settings/test.py TEST_RUN_DIR):
    tempfile's, subprocesses' (TMPDIR) and pytest's tmp_path (before pytest reads --basetemp)."""
    run = _run_dir()
    if run is None:
        return
    temporary = run / "tmp"
    temporary.mkdir(exist_ok=True)
    os.environ["TMPDIR"] = str(temporary)
    tempfile.tempdir = str(temporary)
    if config.option.basetemp is None:
        config.option.basetemp = str(run / "pytest")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Remove the run's folder; the run fails if anything in it cannot be removed."""
    run = _run_dir()
    if run is None:
        return
    shutil.rmtree(run, ignore_errors=True)
    if run.exists():
        left = sorted(str(p.relative_to(run)) for p in run.rglob("*"))[:20]
        session.config.get_terminal_writer().line(f"Temporary files left behind: {left}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def user(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    return UserFactory(username="bob")


@pytest.fixture
def moderator(db):
    from accounts.models import Rank

    return UserFactory(username="mod", rank=Rank.MODERATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def mod_package(user):
    return PackageFactory(author=user, name="farming", title="Farming")


@pytest.fixture
def rock_package(user):
    return RockFactory(author=user, name="luafmt", title="luafmt")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches: built manifests and generations of earlier tests'
    (rolled back) data must not leak into the next test, nor counters (failed logins, uploads)."""
    from django.core.cache import caches

    from releases.download_counts import _buffer

    for alias in ("default", "counters"):
        caches[alias].clear()
    _buffer.take()  # pending download counts of an earlier test's (rolled back) rows
    yield
    for alias in ("default", "counters"):
        caches[alias].clear()
    _buffer.take()


@pytest.fixture
def flush_downloads():
    """Write the pending download counts now (`manage.py flush_downloads`), as the app servers do
    every few seconds: a download request itself writes no row."""
    from django.core.management import call_command

    def flush() -> None:
        call_command("flush_downloads", stdout=io.StringIO())

    return flush


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference rows (licenses, tags, Luanti versions...) come from a data migration. A
    transactional test (live_server, browser, e2e, concurrency) flushes every table when it ends, so
    the next test would find no licenses: put them back whenever they are missing."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES & set(request.fixturenames)
    )
    # pytest-django's own autouse fixture has set the database up (and restored a serialized
    # rollback) before this one runs, so loading here never collides with that restore.
    if not uses_db:
        yield
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        from django.apps import apps

        from packages.models import License

        if not License.objects.exists():
            from importlib import import_module

            import_module("packages.migrations.0002_reference_data").load(apps, None)
    yield


@pytest.fixture
def clock(monkeypatch):
    """Django's clock (`django.utils.timezone.now`), moved by the test: `clock.now += timedelta(1)`.
    Everything that dates a request (daily stats, the once-a-day download rule) reads it."""
    import datetime

    from django.utils import timezone

    class Clock:
        now = datetime.datetime(2026, 3, 14, 12, 0, tzinfo=datetime.UTC)

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock
