"""Run each mutant against its module's targeted tests, in a forked child, and score the modules.

Why a fork per mutant: starting Python, pytest and its plugins (hypothesis, faker, schemathesis,
playwright) costs ~5 s, more than most targeted test runs. The parent imports those third-party
packages once and never imports a module of this project; each child is a fork of it that loads
the mutated module from memory (an import hook serving the mutant's code object under the real
module name and file name), then runs `pytest -x -q` on the module's tests. Nothing is written to the
source tree, so an interrupted run cannot leave a mutant behind, and children are independent of
each other (each builds its own in-memory SQLite test database).

A child that fails, errors, crashes or exceeds its time limit has killed the mutant; exit code 0
means it survived. Children run in their own process group so a timeout ends them and whatever they
started (git, lua).
"""

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.mutation.operators import ROOT, Mutant

# third-party packages the test suite imports; loaded once in the parent, shared by every fork
WARM = (
    "pytest",
    "_pytest.python",
    "pytest_django",
    "django",
    "django.db.models",
    "django.test",
    "rest_framework",
    "hypothesis",
    "hypothesis.strategies",
    "factory",
    "faker",
    "schemathesis",
    "pytest_playwright.pytest_playwright",
    "lupa.lua51",
    "PIL.Image",
    "markdown",
    "bleach",
    "psycopg",
    "redis",
)
KILLED, SURVIVED, TIMEOUT = "killed", "survived", "timeout"


def warm_up() -> None:
    for name in WARM:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - an optional package the child will import itself anyway
            continue
    own = [m for m in sys.modules if m.split(".")[0] in PROJECT_PACKAGES]
    assert not own, f"the parent must not import project modules: {own}"


PROJECT_PACKAGES = {"registry", "accounts", "packages", "releases", "media_tools", "settings"}


class _MutantFinder(importlib.abc.MetaPathFinder):
    """Serves the mutant's code object when its module is imported; everything else as usual."""

    def __init__(self, name: str, path: Path, code) -> None:
        self.name, self.path, self.code = name, path, code

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        loader = _MutantLoader(fullname, str(self.path))
        loader.code = self.code
        return importlib.util.spec_from_file_location(fullname, str(self.path), loader=loader)


class _MutantLoader(importlib.machinery.SourceFileLoader):
    code = None

    def get_code(self, fullname):
        return self.code


def module_name(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


@dataclass
class Job:
    mutant: Mutant | None  # None: the unmutated baseline
    tests: list[str]
    timeout: float
    pid: int = 0
    started: float = 0.0
    outcome: str = ""
    seconds: float = 0.0


def _child(job: Job, scratch: Path, verbose: bool) -> None:
    """In the forked child: install the mutant, run pytest, exit with its code."""
    try:
        os.setpgid(0, 0)
        if not verbose:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
        # every temporary file of this child (the test run's media folder included) goes under
        # the scratch folder the parent removes, even when the child is killed on a timeout
        os.environ["TMPDIR"] = str(scratch)
        os.environ["HYPOTHESIS_PROFILE"] = (
            "mutation"  # tests/conftest.py: no shrinking, no database
        )
        tempfile.tempdir = None
        if job.mutant is not None:
            path = ROOT / job.mutant.module
            code = job.mutant.code()
            sys.meta_path.insert(0, _MutantFinder(module_name(job.mutant.module), path, code))
        import pytest

        # --nomigrations: on SQLite the models give the migrations' schema (makemigrations --check
        # is clean; the reference-data migration is reloaded by tests/conftest.py and the other
        # RunPython is PostgreSQL-only), and it saves ~5 s of migrating per child
        status = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "--nomigrations", *job.tests])
        sys.stdout.flush()
        os._exit(int(status))
    except BaseException:  # whatever happens, the child must never return to the parent's loop
        os._exit(99)


def run_jobs(
    jobs: list[Job],
    *,
    parallel: int,
    scratch: Path,
    verbose: bool = False,
    on_done: Callable[[Job], None] | None = None,
) -> None:
    """Run every job, `parallel` at a time; sets each job's outcome and seconds."""
    pending = list(jobs)
    running: dict[int, Job] = {}
    try:
        while pending or running:
            while pending and len(running) < parallel:
                job = pending.pop(0)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _child(job, scratch, verbose)
                # the child does it too; whichever runs first wins, the other may fail
                with contextlib.suppress(OSError):
                    os.setpgid(pid, pid)
                job.pid, job.started = pid, time.monotonic()
                running[pid] = job
            _reap(running, on_done)
            time.sleep(0.02)
    finally:
        for pid in list(running):
            _kill(pid)


def _reap(running: dict[int, Job], on_done) -> None:
    for pid, job in list(running.items()):
        done, status = os.waitpid(pid, os.WNOHANG)
        elapsed = time.monotonic() - job.started
        if done == 0:
            if elapsed <= job.timeout:
                continue
            _kill(pid)
            job.outcome = TIMEOUT
        else:
            _kill(pid)  # anything the child left running in its group
            code = os.waitstatus_to_exitcode(status)
            if code == 0:
                job.outcome = SURVIVED
            elif code == 5:
                raise RuntimeError(
                    f"no tests collected for {job.tests}: fix tests/mutation/targets.py"
                )
            else:
                job.outcome = KILLED
        job.seconds = elapsed
        del running[pid]
        if on_done:
            on_done(job)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


@dataclass
class ModuleResult:
    module: str
    mutants: int = 0
    killed: int = 0
    timeouts: int = 0
    equivalent: list[tuple[Job, str]] = field(default_factory=list)
    survivors: list[Job] = field(default_factory=list)
    stale_equivalents: list[str] = field(default_factory=list)
    baseline_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def score(self) -> float:
        counted = self.mutants - len(self.equivalent)
        return 100.0 if counted == 0 else 100.0 * self.killed / counted


def scratch_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="lua-registry-mutation-"))


def remove_scratch(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
