"""`make mutate`: plant one mistake at a time in each trust-critical module and run its tests.

    python -m tests.mutation                       # every module of targets.TARGETS
    python -m tests.mutation --module releases/zips.py --jobs 2
    python -m tests.mutation --list --module packages/permissions.py   # the mutants, not run

Prints, per module, the mutants, how many the tests killed, the score (equivalent mutants listed in
targets.EQUIVALENT are left out of it) and every survivor. Exits 1 when a module scores below
--target (90 %). Not part of `make test`: a full run takes tens of minutes.
"""

import argparse
import os
import signal
import sys
import time

from tests.mutation import runner
from tests.mutation.operators import mutants
from tests.mutation.targets import EQUIVALENT, TARGETS


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation")
    parser.add_argument("--module", action="append", help="a module of TARGETS (repeatable)")
    parser.add_argument("--jobs", type=int, default=1, help="children at a time (default 1)")
    parser.add_argument("--list", action="store_true", help="list the mutants without running")
    parser.add_argument("--match", help="only mutants whose id contains this text")
    parser.add_argument(
        "--only",
        type=argparse.FileType(),
        help="only the mutants named in this file, e.g. a previous run's output (re-check survivors)",
    )
    parser.add_argument("--target", type=float, default=90.0, help="minimum score per module")
    parser.add_argument("--verbose", action="store_true", help="show the children's pytest output")
    args = parser.parse_args()
    modules = args.module or list(TARGETS)
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        parser.error(f"not in tests/mutation/targets.py: {unknown}")
    args.only = args.only.read() if args.only else None

    if args.list:
        for module in modules:
            for mutant in mutants(module):
                if _selected(mutant, args):
                    print(f"{module}:{mutant.line}: {mutant.id}")
        return 0

    # a terminated run still ends its children and removes its scratch folder (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # children must not share a database: force the in-memory SQLite test database
    os.environ.pop("DATABASE_URL", None)
    scratch = runner.scratch_folder()
    # bytecode (and pytest's assertion-rewritten test modules) compiled by the first child is
    # reused by the others, in the scratch folder: compiling costs more than most test runs
    sys.dont_write_bytecode = False
    sys.pycache_prefix = str(scratch / "pycache")
    runner.warm_up()
    results = []
    try:
        for module in modules:
            results.append(_run_module(module, args, scratch))
    finally:
        runner.remove_scratch(scratch)
    _print_table(results)
    return 0 if all(r.score >= args.target for r in results) else 1


def _run_module(module: str, args, scratch) -> runner.ModuleResult:
    tests = TARGETS[module]
    result = runner.ModuleResult(module=module)
    started = time.monotonic()
    baseline = runner.Job(mutant=None, tests=tests, timeout=600)
    runner.run_jobs([baseline], parallel=1, scratch=scratch, verbose=args.verbose)
    if baseline.outcome != runner.SURVIVED:
        raise SystemExit(f"{module}: its tests fail without any mutant ({' '.join(tests)})")
    result.baseline_seconds = baseline.seconds
    # a mutant that loops forever is killed by the timeout; generous, so that a busy machine
    # never turns a slow survivor into a "killed" one (timeouts are counted apart in the table)
    timeout = 10 * baseline.seconds + 60

    selected = [m for m in mutants(module) if _selected(m, args)]
    jobs = [runner.Job(mutant=m, tests=tests, timeout=timeout) for m in selected]
    equivalent = EQUIVALENT.get(module, {})
    done = 0

    def progress(job: runner.Job) -> None:
        nonlocal done
        done += 1
        mark = {"killed": ".", "timeout": "T", "survived": "S"}[job.outcome]
        print(mark, end="" if done % 80 else "\n", flush=True)

    print(f"{module}: {len(jobs)} mutants, baseline {baseline.seconds:.1f} s", flush=True)
    runner.run_jobs(jobs, parallel=args.jobs, scratch=scratch, on_done=progress)
    print(flush=True)
    result.mutants = len(jobs)
    ids = {job.mutant.id for job in jobs}
    for job in jobs:
        if job.outcome in (runner.KILLED, runner.TIMEOUT):
            result.killed += 1
            result.timeouts += job.outcome == runner.TIMEOUT
            if job.mutant.id in equivalent:
                result.stale_equivalents.append(f"{job.mutant.id} (killed now)")
        elif job.mutant.id in equivalent:
            result.equivalent.append((job, equivalent[job.mutant.id]))
        else:
            result.survivors.append(job)
    if not args.match and not args.only:
        result.stale_equivalents += [f"{i} (no such mutant)" for i in equivalent if i not in ids]
    result.seconds = time.monotonic() - started
    return result


def _selected(mutant, args) -> bool:
    if args.match and args.match not in mutant.id:
        return False
    return not args.only or f"{mutant.module}:{mutant.line}: {mutant.id}\n" in args.only + "\n"


def _print_table(results: list[runner.ModuleResult]) -> None:
    print()
    print("| module | mutants | killed (by timeout) | equivalent | survived | score | time |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.module} | {r.mutants} | {r.killed} ({r.timeouts}) | {len(r.equivalent)} "
            f"| {len(r.survivors)} | {r.score:.1f} % | {r.seconds:.0f} s |"
        )
    for r in results:
        if r.equivalent:
            print(f"\nEquivalent survivors in {r.module} (left out of the score):")
            for job, reason in r.equivalent:
                print(f"  {r.module}:{job.mutant.line}: {job.mutant.id}\n      {reason}")
        if r.survivors:
            print(f"\nSurvivors in {r.module}:")
            for job in r.survivors:
                print(f"  {r.module}:{job.mutant.line}: {job.mutant.id}")
        if r.stale_equivalents:
            print(f"\nStale entries in EQUIVALENT[{r.module!r}]:")
            for entry in r.stale_equivalents:
                print(f"  {entry}")


if __name__ == "__main__":
    sys.exit(main())
