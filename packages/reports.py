"""Reports: anyone, signed in or not, tells the moderators something is wrong with a package; open
reports wait in the admin's moderation queue until an editor or moderator resolves them."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.audit import record
from accounts.models import AuditSeverity, User
from packages.errors import InvalidReport, NotAllowed
from packages.models import Package, Report, ReportReason
from packages.notifications import notify_new_report
from packages.permissions import Action, can

TEXT_LENGTH = 2000


@transaction.atomic
def report_package(*, package: Package, by: User | None, reason: str, text: str) -> Report:
    """Report `package` to the moderators; `by` is None (or anonymous) for a visitor."""
    if not can(by, Action.VIEW_PACKAGE, package):
        raise InvalidReport(
            "There is no such package.", field="text"
        )  # no hint that a hidden package exists
    if reason not in ReportReason.values:
        choices = ", ".join(ReportReason.values)
        raise InvalidReport(f"Choose a reason for the report: one of {choices}.", field="reason")
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidReport("Say what is wrong: the report needs a text.", field="text")
    if len(text) > TEXT_LENGTH:
        raise InvalidReport(f"The report is longer than {TEXT_LENGTH} characters.", field="text")
    reporter = by if by is not None and by.is_authenticated else None
    report = Report.objects.create(package=package, reporter=reporter, reason=reason, text=text)
    notify_new_report(package=package, by=reporter, reason=report.get_reason_display())
    return report


@transaction.atomic
def resolve_report(*, by: User, report: Report, note: str = "") -> Report:
    if not can(by, Action.SEE_REPORTS, report.package):
        raise NotAllowed("Only editors and moderators handle reports.")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = by
        report.save(update_fields=["resolved_at", "resolved_by"])
        record(
            causer=by,
            action="report.resolve",
            title=f"Resolved a {report.get_reason_display().lower()} report on {report.package.title}",
            severity=AuditSeverity.MODERATION,
            package=report.package,
            diff={"resolved": (False, True)},
            description=note.strip()[:500],
        )
    return report


def open_reports() -> QuerySet[Report]:
    """Unresolved reports, oldest first, with their package and author joined."""
    return Report.objects.filter(resolved_at__isnull=True).select_related(
        "package__author", "reporter"
    )
