"""Web pages of reviews and reports: write, edit or delete one's review of a Luanti package, and
report a package or a module to the moderators.

Each view calls the one service the admin and the APIs call (`packages.reviews`, `packages.reports`);
a refusal by the permission table is a 403, a domain error is shown next to the field it is about
with the input kept (status 400).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from packages.errors import InvalidReport, InvalidReview, NotAllowed, ReviewExists
from packages.models import Package, Review
from packages.permissions import Action, can
from packages.reports import report_package
from packages.reviews import delete_review, edit_review, write_review
from registry.web.forms.reviews import ReportForm, ReviewForm
from registry.web.views.common import PackagePageMixin, detail_url, put_error_on_field, web_package
from registry.web.views.packages import luanti_package


class ReviewView(LoginRequiredMixin, PackagePageMixin, View):
    """Write a review, or edit one's own: one form, one URL (ContentDB's /review/ works so)."""

    template_name = "packages/review_form.html"

    def page(self, request, package, form, own, status=200):
        context = {"package": package, "form": form, "own_review": own}
        return render(request, self.template_name, context, status=status)

    def setup_review(self, request, author, name):
        package = luanti_package(request, author, name)
        if not can(request.user, Action.WRITE_REVIEW, package):
            raise PermissionDenied("You may not review this package.")
        own = Review.objects.filter(package=package, author=request.user).first()
        return package, own

    def get(self, request, author: str, name: str):
        package, own = self.setup_review(request, author, name)
        form = ReviewForm(initial=ReviewForm.initial_for(own)) if own else ReviewForm()
        return self.page(request, package, form, own)

    def post(self, request, author: str, name: str):
        package, own = self.setup_review(request, author, name)
        form = ReviewForm(request.POST)
        if form.is_valid():
            values = {
                "rating": form.cleaned_data["rating"],
                "title": form.cleaned_data["title"],
                "comment": form.cleaned_data["comment"],
            }
            try:
                if own is None:
                    review = write_review(by=request.user, package=package, **values)
                else:
                    review = edit_review(by=request.user, review=own, **values)
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except (InvalidReview, ReviewExists) as error:
                put_error_on_field(form, error)
            else:
                if not review.approved:
                    messages.info(request, _("Thank you! Your review waits for a moderator."))
                else:
                    messages.success(request, _("Review saved.") if own else _("Review published."))
                return redirect(detail_url(package) + "#reviews")
        return self.page(request, package, form, own, status=400)


class ReviewDeleteView(LoginRequiredMixin, PackagePageMixin, View):
    def post(self, request, author: str, name: str):
        package = luanti_package(request, author, name)
        review = Review.objects.filter(package=package, author=request.user).first()
        if review is None:
            raise Http404("You have not reviewed this package.")
        try:
            delete_review(by=request.user, review=review)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        messages.success(request, _("Your review is deleted."))
        return redirect(detail_url(package) + "#reviews")


class ReportView(PackagePageMixin, View):
    """Anyone, signed in or not, reports a Luanti package or a LuaRocks module."""

    template_name = "packages/report_form.html"
    rock = False

    def package(self, request, author: str, name: str) -> Package:
        return web_package(request, author, name, rock=self.rock)

    def back_url(self, package: Package) -> str:
        if self.rock:
            return reverse("packages:module", args=[package.author.username, package.name])
        return detail_url(package)

    def page(self, request, package, form, status=200):
        context = {"package": package, "form": form, "back_url": self.back_url(package)}
        return render(request, self.template_name, context, status=status)

    def get(self, request, author: str, name: str):
        return self.page(request, self.package(request, author, name), ReportForm())

    def post(self, request, author: str, name: str):
        package = self.package(request, author, name)
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                report_package(
                    package=package,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                )
            except InvalidReport as error:
                put_error_on_field(form, error, default="text")
            else:
                messages.success(request, _("Thank you: the moderators will look at your report."))
                return redirect(self.back_url(package))
        return self.page(request, package, form, status=400)
