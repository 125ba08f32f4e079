"""Run a pure function on untrusted text with a hard CPU-time and memory limit.

Python-Markdown, bleach's html5lib and even the stdlib HTML tokenizer have inputs on which they take
time quadratic or worse in the input's length (measured on 64 KiB: `a\\n=\\n` repeated, 80 s in
Python-Markdown; `<b id=N>x` repeated, 143 s in bleach; `<a b="` repeated, 57 s in html.parser). No
guard on the input catches them all, so inputs above IN_PROCESS_LIMIT run in a forked child that the
kernel stops after CPU_SECONDS of CPU time (RLIMIT_CPU), with an address-space limit too; the caller
then shows a plain-text fallback instead.

The limit is on CPU time, which a busy machine does not stretch: a 64 KiB description that needs
1 s of CPU still renders when the wall clock says 5 s. WALL_TIMEOUT is only the last resort.

The child only computes on its arguments and sends the result back; it never touches the database
or files and leaves with `os._exit`, so nothing of the parent's state is cleaned up twice.
"""

import contextlib
import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any

IN_PROCESS_LIMIT = 4 * 1024  # characters: even the worst cases above take under 0.3 s at this size
CPU_SECONDS = 3  # a realistic 64 KiB description needs about 0.6-1.4 s of CPU on the CI machine
WALL_TIMEOUT = 15.0
MEMORY_LIMIT = 512 * 1024 * 1024  # bytes of address space the child may add to the parent's

_FAILED = object()


def run_bounded(
    function: Callable[..., Any], *args: Any, size: int, cpu_seconds: int | None = None
) -> Any:
    """`function(*args)`, or `None` when it needed more than `cpu_seconds` of CPU (or failed).

    Small inputs (`size` <= IN_PROCESS_LIMIT) run in this process, where they are fast enough.
    `cpu_seconds` defaults to CPU_SECONDS, read at call time.
    """
    cpu_seconds = CPU_SECONDS if cpu_seconds is None else cpu_seconds
    if size <= IN_PROCESS_LIMIT or "fork" not in multiprocessing.get_all_start_methods():
        return function(*args)
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(writer, function, args, cpu_seconds), daemon=True
    )
    process.start()
    writer.close()
    result = _FAILED
    try:
        if reader.poll(WALL_TIMEOUT):
            result = reader.recv()
    except (EOFError, OSError):  # the child died (SIGXCPU, memory) before it sent anything
        result = _FAILED
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        reader.close()
    return None if result is _FAILED else result


def _child(writer, function, args, cpu_seconds) -> None:  # pragma: no cover - runs in the child
    try:
        with contextlib.suppress(BaseException):  # any failure is "no result" to the parent
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            with open("/proc/self/statm") as statm:  # what the parent already mapped, in pages
                mapped = int(statm.read().split()[0]) * resource.getpagesize()
            limit = mapped + MEMORY_LIMIT
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
            # CPU time already used by the parent counts for the child too (it is a fork)
            used = resource.getrusage(resource.RUSAGE_SELF)
            start = int(used.ru_utime + used.ru_stime)
            resource.setrlimit(resource.RLIMIT_CPU, (start + cpu_seconds, start + cpu_seconds + 1))
            writer.send(function(*args))
    finally:
        writer.close()
        os._exit(0)
