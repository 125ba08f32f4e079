"""What the operator's import commands share: the per-item report and the progress counter.

Each thing an import looks at (a user, a package, a rockspec, a rock, a release, a screenshot) is
one item with one outcome: `imported` (written now), `updated` (a package's fields changed to the
export's), `unchanged` (already there with the same bytes or values: a second run reports only
these), `skipped` (deliberately not imported, with the reason) or `refused` (not imported: the
reason is the validation error, or that different bytes already hold the name). Only refusals
make the command exit non-zero (docs/operations.md).
"""

import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TextIO

from django.core.exceptions import ValidationError

from accounts.errors import AccountsError
from accounts.models import User
from accounts.services import get_or_create_user


class Outcome(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    REFUSED = "refused"


@dataclass(frozen=True)
class Item:
    kind: str  # user, package, rockspec, rock, release, screenshot, state, maintainers
    name: str
    outcome: Outcome
    reason: str = ""


class Progress:
    """`[ 12/100] name` on one line of stderr, rewritten in place on a terminal; on a pipe or
    file a line every `every` steps and at the end, so logs stay short."""

    def __init__(self, *, total: int, stream: TextIO | None = None, every: int = 50) -> None:
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, label: str) -> None:
        self.done += 1
        width = len(str(self.total))
        line = f"[{self.done:>{width}}/{self.total}] {label}"
        if self.tty:
            self.stream.write("\r\x1b[K" + line[:120])
            if self.done == self.total:
                self.stream.write("\n")
        elif self.done % self.every == 0 or self.done == self.total:
            self.stream.write(line + "\n")
        self.stream.flush()


@dataclass
class Report:
    items: list[Item] = field(default_factory=list)

    def add(self, kind: str, name: str, outcome: Outcome, reason: str = "") -> Item:
        item = Item(kind=kind, name=name, outcome=outcome, reason=reason)
        self.items.append(item)
        return item

    def counts(self) -> Counter[str]:
        return Counter(item.outcome.value for item in self.items)

    @property
    def refused(self) -> int:
        return self.counts()[Outcome.REFUSED.value]

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{counts[o.value]} {o.value}" for o in Outcome)

    def write(self, stream: TextIO, *, as_json: bool = False) -> None:
        if as_json:
            data = {"items": [asdict(item) for item in self.items], "counts": dict(self.counts())}
            stream.write(json.dumps(data, indent=1) + "\n")
            return
        for item in self.items:
            reason = f": {item.reason}" if item.reason else ""
            stream.write(f"{item.outcome.value:<9} {item.kind:<10} {item.name}{reason}\n")
        stream.write(f"Done: {self.summary()}.\n")


def account(report: Report, username: object) -> User | None:
    """The account called `username`, created if missing (verified by the operator's authority,
    accounts.services.get_or_create_user); None, with a refused item, when the name is refused."""
    if not isinstance(username, str) or not username:
        report.add("user", repr(username), Outcome.REFUSED, "not a user name")
        return None
    try:
        user, created = get_or_create_user(username=username)
    except (AccountsError, ValidationError) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        report.add("user", username, Outcome.REFUSED, reason)
        return None
    if created:
        report.add("user", user.username, Outcome.IMPORTED)
    return user
