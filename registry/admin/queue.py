"""The moderation queue: one admin page for what waits on a moderator, oldest first — packages
ready for review (Luanti content; rocks go live on upload), releases and screenshots awaiting
approval, and open reports. Each package has a review page one click away with its rendered
description, its releases' files and its audit log; the buttons post the changelists' own action
forms, so the queue runs the same services as every other admin action.
"""

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe

from media_tools.markdown import render_markdown
from packages.errors import NoSuchPackage
from packages.history import package_audit_log
from packages.models import Package, PackageState, Report, Screenshot, Thread, ThreadKind
from packages.permissions import Action, can
from packages.reports import open_reports
from packages.selectors import package_for_action
from packages.threads import approval_thread_of
from releases.models import Release

SHOWN = 100  # rows per section: a page that stays fast however long the queue grows


def queue_view(request: HttpRequest, *, site: AdminSite) -> TemplateResponse:
    if not can(request.user, Action.VIEW_MODERATION_QUEUE):
        raise PermissionDenied
    # an author's unanswered reply in the approval thread first, then the oldest submission
    approval = Thread.objects.filter(package=OuterRef("pk"), kind=ThreadKind.APPROVAL)
    packages = (
        Package.objects.filter(state=PackageState.READY_FOR_REVIEW)
        .select_related("author")
        .annotate(
            approval_thread_id=Subquery(approval.values("pk")[:1]),
            awaiting_answer=Coalesce(
                Subquery(approval.values("awaiting_moderator")[:1]), Value(False)
            ),
        )
        .order_by(
            F("awaiting_answer").desc(),
            F("submitted_at").asc(nulls_first=True),
            "created_at",
            "id",
        )
    )
    # approval threads where the author wrote last, whatever the package's state (one that
    # needs changes is not in the packages' section, but its author may have asked something)
    threads = (
        Thread.objects.filter(kind=ThreadKind.APPROVAL, awaiting_moderator=True)
        .exclude(package__state=PackageState.DELETED)
        .select_related("package__author")
        .order_by("last_reply_at", "id")
    )
    releases = (
        Release.objects.filter(approved=False)
        .exclude(package__state=PackageState.DELETED)
        .select_related("package__author")
        .order_by("created_at", "id")
    )
    screenshots = (
        Screenshot.objects.filter(approved=False)
        .exclude(package__state=PackageState.DELETED)
        .select_related("package__author")
        .order_by("id")
    )
    # reports are the editors' (the permission table), not every approver's who opens the queue
    see_reports = can(request.user, Action.SEE_REPORTS)
    sections = {
        "threads": threads,
        "packages": packages,
        "releases": releases,
        "screenshots": screenshots,
        "reports": open_reports() if see_reports else Report.objects.none(),
    }
    context = {
        **site.each_context(request),
        "see_reports": see_reports,
        "title": "Moderation queue",
        "opts": Package._meta,
        "shown": SHOWN,
        # the oldest SHOWN of each kind; the count says how many wait in all
        **{name: list(query[:SHOWN]) for name, query in sections.items()},
        **{f"{name}_count": query.count() for name, query in sections.items()},
    }
    return TemplateResponse(request, "admin/packages/package/moderation_queue.html", context)


def review_view(request: HttpRequest, object_id: str, *, site: AdminSite) -> TemplateResponse:
    """Everything needed to decide on one package: description, files, screenshots, history."""
    if not can(request.user, Action.VIEW_MODERATION_QUEUE):
        raise PermissionDenied
    try:
        package = package_for_action(user=request.user, pk=object_id)
    except (NoSuchPackage, ValueError):
        raise Http404("No such package") from None
    releases = package.releases.prefetch_related("files").order_by("-created_at", "-id")
    context = {
        **site.each_context(request),
        "title": f"Review {package.key}",
        "opts": Package._meta,
        "package": package,
        "description": render_description(package.long_description),
        "releases": releases,
        "screenshots": package.screenshots.order_by("order", "id"),
        "see_reports": can(request.user, Action.SEE_REPORTS, package),
        "reports": package.reports.filter(resolved_at__isnull=True),
        "audit_log": package_audit_log(package=package, viewer=request.user)[:50],
        "approval_thread": approval_thread_of(package),
    }
    return TemplateResponse(request, "admin/packages/package/review.html", context)


def render_description(text: str | None) -> SafeString:
    """The long description as the package page renders it (#7's renderer, sanitised)."""
    if not text:
        return mark_safe("")
    return mark_safe(render_markdown(text))  # noqa: S308 - rendered and sanitised with bleach
