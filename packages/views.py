"""Luanti package pages: /packages/<author>/<name>/ and what an author does from there.

The forms that write (create/edit, releases, screenshots, review) live in `luanti_views.py`; rock
module pages in `rock_views.py`.
"""

import re

from django.db.models import Q
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views import View

from media_tools.markdown import render_markdown
from media_tools.models import Screenshot
from packages.charts import downloads_chart
from packages.models import Package, PackageDependency, PackageState
from packages.moderation_forms import ReviewForm
from packages.permissions import Action, can, is_own_package
from packages.web_access import PackagePageMixin, web_package


def luanti_package(request, author: str, name: str) -> Package:
    """The package, or 404 when it does not exist or the user may not see it."""
    return web_package(request, author, name)


def download_path(package: Package, release_id: int) -> str:
    # the ContentDB face serves this route (docs/protocols/contentdb.md); it counts the download
    return f"/packages/{package.author.username}/{package.name}/releases/{release_id}/download/"


class PackageDetailView(PackagePageMixin, View):
    def get(self, request, author: str, name: str):
        package = luanti_package(request, author, name)
        can_edit = can(request.user, Action.EDIT_PACKAGE, package)
        screenshots = Screenshot.objects.filter(package=package)
        releases = package.releases.select_related("min_luanti_version", "max_luanti_version")
        if not can_edit:
            screenshots = screenshots.filter(approved=True)
            releases = releases.filter(approved=True)
        releases = list(releases.order_by("-created_at", "-id")[:20])
        for release in releases:
            release.download_url = download_path(package, release.pk)
        dependencies = list(
            PackageDependency.objects.filter(depender=package).select_related(
                "meta_package", "package", "package__author"
            )
        )
        for dependency in dependencies:  # a link only to a package the viewer may see
            target = dependency.package
            dependency.link = target is not None and can(request.user, Action.VIEW_PACKAGE, target)
        context = {
            "package": package,
            "tags": package.tags.all(),
            "warnings": package.content_warnings.all(),
            "maintainers": package.maintainers.all(),
            "provides": package.provides.all(),
            "screenshots": list(screenshots),
            "releases": releases,
            "hard_dependencies": [d for d in dependencies if not d.is_optional],
            "optional_dependencies": [d for d in dependencies if d.is_optional],
            "description_html": render_description(package.long_description or ""),
            "chart": downloads_chart(package=package),
            "can_edit": can_edit,
            "can_release": can(request.user, Action.MAKE_RELEASE, package),
            "can_screenshots": can(request.user, Action.ADD_SCREENSHOTS, package),
            "can_delete_release": can(request.user, Action.DELETE_RELEASE, package),
            "can_submit": can(request.user, Action.SUBMIT_FOR_REVIEW, package)
            and package.state in (PackageState.WIP, PackageState.CHANGES_NEEDED),
            "is_approved": package.state == PackageState.APPROVED,
            "can_withdraw": package.state == PackageState.READY_FOR_REVIEW
            and (
                (can_edit and is_own_package(request.user, package))
                or can(request.user, Action.RESTORE_PACKAGE, package)
            ),
            "can_see_history": can(request.user, Action.VIEW_AUDIT_LOG, package),
            **review_context(request, package),
        }
        return render(request, "packages/detail.html", context)


def review_context(request, package: Package) -> dict:
    """What the package page shows of reviews: the approved ones (and the viewer's own, even
    while it waits for approval) and, for a user who may review, the form to write or edit one."""
    user = request.user
    visible = Q(approved=True)
    if user.is_authenticated:
        visible |= Q(author=user)
    reviews = list(package.reviews.filter(visible).select_related("author"))
    for review in reviews:
        review.comment_html = mark_safe(render_markdown(review.comment))  # noqa: S308 - sanitised
    own = next((r for r in reviews if user.is_authenticated and r.author_id == user.pk), None)
    may_review = can(user, Action.WRITE_REVIEW, package)
    form = None
    if may_review:
        form = ReviewForm(initial=ReviewForm.initial_for(own)) if own else ReviewForm()
    return {"reviews": reviews, "own_review": own, "review_form": form, "may_review": may_review}


HEADING_TAG = re.compile(r"<(/?)h([1-5])\b")


def render_description(text: str) -> SafeString:
    """Markdown to sanitised HTML with the shared renderer (cached, bleach-cleaned).

    Headings move one level down: the page's own title is its only h1, and the description sits
    under the "About" h2."""
    html = HEADING_TAG.sub(lambda m: f"<{m[1]}h{int(m[2]) + 1}", render_markdown(text))
    return mark_safe(html)  # noqa: S308 - render_markdown sanitises its output
