"""Shared pieces of the moderators' admin: rank-based access, and actions that call the services.

Every admin action runs the same service function the API and web faces use, one object at a time;
a domain error (not allowed, wrong state, bad input) becomes an error message naming the object, and
the others still go through. Actions that need input (a comment, a reason, a rank, a new owner)
show an intermediate form first, like Django's delete confirmation, and apply on its second POST.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from accounts.errors import AccountsError
from packages.errors import PackagesError
from packages.permissions import ADMIN_PAGES, Action, can

DOMAIN_ERRORS = (PackagesError, AccountsError)
APPLY = "apply"


class RankAccessMixin:
    """Staff members see these admin pages by rank, not by Django's per-model permissions: the
    permission table's action for the model (packages.permissions.ADMIN_PAGES) decides, so the
    admin shows a model to exactly the ranks `can()` gives it to everywhere else. What they may DO
    is still decided by each service."""

    @property
    def view_action(self) -> Action | None:
        return ADMIN_PAGES.get(self.model._meta.label)

    def _rank_allows(self, request: HttpRequest) -> bool:
        action = self.view_action
        return action is not None and can(request.user, action)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_view_permission(request, obj) or self._rank_allows(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._rank_allows(request)


def run_service(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    apply: Callable[[Any], object],
    *,
    done: str,
) -> None:
    """Call `apply(obj)` for each selected object; report successes and domain errors."""
    succeeded = 0
    for obj in queryset:
        try:
            apply(obj)
        except DOMAIN_ERRORS as error:
            modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)


def form_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form_class: type[forms.Form],
    title: str,
    apply: Callable[[Any, dict], object],
    done: str,
) -> TemplateResponse | None:
    """An action with an intermediate form: show it, then apply it to the selection on submit."""
    if APPLY in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            run_service(
                modeladmin, request, queryset, lambda obj: apply(obj, form.cleaned_data), done=done
            )
            return None  # back to the changelist, with the messages
    else:
        form = form_class()
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "objects": list(queryset),
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "apply": APPLY,
        "opts": opts,
        "app_label": opts.app_label,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/moderation/action_form.html", context)


def without_bulk_delete(actions: dict) -> dict:
    """Drop Django's hard `delete_selected`: deletions go through the services (soft, audited)."""
    actions.pop("delete_selected", None)
    return actions


class CommentForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        help_text="Shown to the package's author: say what needs to change.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        max_length=500,
        required=False,
        help_text="Kept in the audit log.",
    )
