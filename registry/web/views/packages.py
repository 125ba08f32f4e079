"""Luanti package pages: /packages/<author>/<name>/ and what its people do there: create and edit
the package, submit it for review or withdraw it, read its history.

Each view checks `can()` before showing or accepting a form (403 otherwise) and then calls the one
service that the ContentDB API calls too; a domain error becomes an error next to the field it is
about, with everything the user typed kept. Releases, screenshots, reviews and rock modules have
their own modules beside this one.
"""

import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View

from media_tools.errors import LimitReached
from media_tools.markdown import render_markdown
from packages import workflow
from packages.collections import FAVOURITES, collections_with
from packages.dependency_selectors import dependency_links, used_by
from packages.errors import (
    NotAllowed,
    PackageEditDenied,
    PackageExists,
    PackagesError,
    ProtectedTagRefused,
)
from packages.games import (
    BY_AUTHOR,
    games_with_counts,
    set_game_support,
    supported_games,
    supporting_filter,
)
from packages.history import package_audit_log
from packages.models import (
    Collection,
    GameSupport,
    Package,
    PackageState,
    PackageType,
    Screenshot,
)
from packages.package_edits import create_package, update_package
from packages.permissions import Action, can, is_own_package, refusal_message
from packages.selectors import public_packages
from registry.web.charts import downloads_chart
from registry.web.forms.packages import PackageForm
from registry.web.forms.reviews import ReviewForm
from registry.web.views.common import (
    PackagePageMixin,
    detail_url,
    limit_reached,
    package_for,
    put_error_on_field,
    web_package,
)
from releases.models import ReleaseFile
from releases.submission import submit_for_review

HISTORY_LIMIT = 100


def luanti_package(request, author: str, name: str) -> Package:
    """The package, or 404 when it does not exist or the user may not see it."""
    return web_package(request, author, name)


class PackageDetailView(PackagePageMixin, View):
    def get(self, request, author: str, name: str):
        package = luanti_package(request, author, name)
        can_edit = can(request.user, Action.EDIT_PACKAGE, package)
        screenshots = Screenshot.objects.filter(package=package)
        releases = package.releases.select_related(
            "min_luanti_version", "max_luanti_version"
        ).annotate(  # the Download button's size, in the same query
            file_size=Subquery(
                ReleaseFile.objects.filter(release=OuterRef("pk")).order_by("id").values("size")[:1]
            )
        )
        if not can_edit:
            screenshots = screenshots.filter(approved=True)
            releases = releases.filter(approved=True)
        dependencies = dependency_links(package=package)
        for row in dependencies:  # a link only to a package the viewer may see
            row["linked"] = row["package"] is not None and can(
                request.user, Action.VIEW_PACKAGE, row["package"]
            )
        context = {
            "package": package,
            "tags": package.tags.all(),
            "warnings": package.content_warnings.all(),
            "maintainers": package.maintainers.all(),
            "provides": package.provides.all(),
            "screenshots": list(screenshots),
            "releases": list(releases.order_by("-created_at", "-id")[:20]),
            "dependencies": dependencies,
            "used_by": used_by(package=package),
            **game_context(package),
            **collection_context(request, package),
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


def game_context(package: Package) -> dict:
    """A game's page lists the mods for it; a mod's or texture pack's the games it supports."""
    if package.type == PackageType.GAME:
        mods = public_packages().filter(supporting_filter(package))
        return {
            "game_mod_count": mods.count(),
            "game_mods": list(mods.order_by("-score", "title")[:12]),
        }
    return {"game_support": supported_games(package=package)}


def collection_context(request, package: Package) -> dict:
    """The collections holding the package; for a signed-in user, their own to add it to."""
    shown = collections_with(package=package, viewer=request.user)
    context: dict = {"in_collections": [c for c in shown if not c.private]}
    if request.user.is_authenticated:
        own = [c for c in shown if c.author_id == request.user.pk]
        context["in_favourites"] = any(c.name == FAVOURITES for c in own)
        holding = {c.pk for c in own}
        context["own_collections"] = [
            c
            for c in Collection.objects.filter(author=request.user).exclude(name=FAVOURITES)
            if c.pk not in holding
        ]
    return context


def review_context(request, package: Package) -> dict:
    """What the package page shows of reviews: the approved ones (and the viewer's own, even
    while it waits for approval) and, for a user who may review, the form to write or edit one."""
    user = request.user
    visible = Q(approved=True)
    if user.is_authenticated:
        visible |= Q(author=user)
    reviews = list(package.reviews.filter(visible).select_related("author"))
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


class PackageCreateView(LoginRequiredMixin, View):
    template_name = "packages/package_form.html"

    def check(self, request):
        if not can(request.user, Action.CREATE_PACKAGE):
            raise PermissionDenied(
                refusal_message(
                    request.user,
                    Action.CREATE_PACKAGE,
                    default="Your account may not create packages.",
                )
            )

    def get(self, request):
        self.check(request)
        form = PackageForm(
            initial={"type": "MOD", "license": "MIT", "media_license": "CC-BY-SA-4.0"}
        )
        return render(request, self.template_name, {"form": form, "creating": True})

    def post(self, request):
        self.check(request)
        form = PackageForm(request.POST)
        if form.is_valid():
            try:
                package = create_package(by=request.user, changes=form.changes())
            except PackageEditDenied as error:
                raise PermissionDenied(str(error)) from error
            except LimitReached as error:
                return limit_reached(
                    form,
                    error,
                    lambda status: render(
                        request, self.template_name, {"form": form, "creating": True}, status=status
                    ),
                )
            except PackageExists as error:
                form.add_error("name", str(error))
            except ProtectedTagRefused as error:
                form.add_error("tags", str(error))
            except PackagesError as error:
                put_error_on_field(form, error)
            else:
                messages.success(
                    request,
                    _("Created {title}. Add a release and screenshots next.").format(
                        title=package.title
                    ),
                )
                return redirect(detail_url(package))
        return render(request, self.template_name, {"form": form, "creating": True}, status=400)


class PackageEditView(LoginRequiredMixin, PackagePageMixin, View):
    template_name = "packages/package_form.html"

    def get(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.EDIT_PACKAGE)
        form = PackageForm(initial=PackageForm.initial_for(package))
        return render(request, self.template_name, {"form": form, "package": package})

    def post(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.EDIT_PACKAGE)
        form = PackageForm(request.POST)
        if form.is_valid():
            try:
                package, changed = update_package(
                    package=package, by=request.user, changes=form.changes()
                )
            except PackageEditDenied as error:
                put_error_on_field(form, error)
            except PackageExists as error:
                form.add_error("name", str(error))
            except ProtectedTagRefused as error:
                form.add_error("tags", str(error))
            except PackagesError as error:
                put_error_on_field(form, error)
            else:
                messages.success(request, _("Saved.") if changed else _("Nothing changed."))
                return redirect(detail_url(package))
        context = {"form": form, "package": package}
        return render(request, self.template_name, context, status=400)


class SubmitForReviewView(LoginRequiredMixin, PackagePageMixin, View):
    def post(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.SUBMIT_FOR_REVIEW)
        try:
            package = submit_for_review(by=request.user, package=package)
        except PackagesError as error:
            messages.error(request, str(error))
        else:
            if package.is_approved:
                messages.success(
                    request, _("{title} is approved and public.").format(title=package.title)
                )
            else:
                messages.success(
                    request,
                    _("{title} is waiting for a moderator's review.").format(title=package.title),
                )
        return redirect(detail_url(package))


class WithdrawView(LoginRequiredMixin, PackagePageMixin, View):
    def post(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.EDIT_PACKAGE)
        try:
            package = workflow.withdraw_from_review(by=request.user, package=package)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except PackagesError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("{title} is a work in progress again.").format(title=package.title)
            )
        return redirect(detail_url(package))


class HistoryView(LoginRequiredMixin, PackagePageMixin, View):
    """The package's own audit entries, for its people and moderators (403 for anyone else)."""

    def get(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.VIEW_AUDIT_LOG)
        entries = package_audit_log(package=package, viewer=request.user)[:HISTORY_LIMIT]
        return render(
            request, "packages/history.html", {"package": package, "entries": list(entries)}
        )


class GameSupportView(LoginRequiredMixin, PackagePageMixin, View):
    """The author's word on games (packages.games.set_game_support, confidence 11): per approved
    game, "supports", "does not support" or nothing said."""

    def rows(self, package: Package) -> list[tuple[Package, str]]:
        said = {
            row.game_id: ("yes" if row.supports else "no")
            for row in GameSupport.objects.filter(package=package, confidence=BY_AUTHOR)
        }
        games = games_with_counts().order_by("title")
        return [(game, said.get(game.pk, "")) for game in games]

    def get(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.EDIT_PACKAGE)
        context = {"package": package, "rows": self.rows(package)}
        return render(request, "packages/game_support.html", context)

    def post(self, request, author: str, name: str):
        package = package_for(request, author, name, Action.EDIT_PACKAGE)
        wanted = {}
        for game, _support in self.rows(package):
            value = request.POST.get(f"game-{game.pk}", "")
            if value in ("yes", "no"):
                wanted[game.pk] = value == "yes"
        try:
            set_game_support(package=package, by=request.user, games=wanted)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        messages.success(request, _("Game support saved."))
        return redirect(detail_url(package) + "#games-heading")
