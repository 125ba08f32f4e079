"""Shared pieces of the moderators' admin: rank-based access, and the one wrapper that turns a
service into an admin action (`service_action`).

Every admin action runs the same service function the API and web faces use, one object at a time;
a domain error (not allowed, wrong state, bad input) becomes an error message naming the object, and
the others still go through. Actions that need input (a comment, a reason, a rank, a new owner)
show an intermediate form first, like Django's delete confirmation, and apply on its second POST.

What the admin shows follows the permission table too: a package, or a part of one (release,
screenshot, review, report, alias), is listed and opened only by whoever may see the package
(`visible_filter`: a deleted package is for moderators). Change forms write nothing a service owns
(`ServiceOwnedMixin`): such fields are shown read-only and change through the actions, so every
change is audited and invalidates what it must.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from accounts.errors import AccountsError
from accounts.models import User
from media_tools.errors import MediaToolsError
from packages.errors import PackagesError
from packages.models import PackageState
from packages.permissions import Action, can, package_of, sees_deleted_packages, visible_filter
from registry.common.next_urls import safe_next
from releases.errors import ReleasesError

# What an action reports per object instead of failing the whole selection: every app's errors.
DOMAIN_ERRORS = (AccountsError, PackagesError, ReleasesError, MediaToolsError)
APPLY = "apply"

# Which action lets a staff member open a model's admin pages (RankAccessMixin reads it): the
# permission table's rule, declared once per model. None, or a model missing here, is open to
# Django's per-model permissions only (superusers).
ADMIN_PAGES: dict[str, Action | None] = {
    "packages.Package": Action.VIEW_MODERATION_QUEUE,
    "packages.PackageAlias": Action.VIEW_MODERATION_QUEUE,
    "packages.Review": Action.VIEW_MODERATION_QUEUE,
    "packages.Report": Action.SEE_REPORTS,
    "packages.Screenshot": Action.VIEW_MODERATION_QUEUE,
    "releases.Release": Action.VIEW_MODERATION_QUEUE,
    "releases.ReleaseFile": None,  # which bytes a URL serves: superusers only
    "accounts.User": Action.SUSPEND_USER,
    "accounts.ApiKey": Action.SUSPEND_USER,
    "accounts.ApiToken": Action.SUSPEND_USER,
    "accounts.AuditLogEntry": Action.VIEW_AUDIT_LOG,
}


# For the type checker the mixin is a ModelAdmin (its super() calls reach ModelAdmin's methods);
# at run time it is a plain mixin, listed before the ModelAdmin class in each admin's bases.
if TYPE_CHECKING:
    ModelAdminBase = admin.ModelAdmin[Any]
else:
    ModelAdminBase = object


class RankAccessMixin(ModelAdminBase):
    """Staff members see these admin pages by rank, not by Django's per-model permissions: the
    permission table's action for the model (ADMIN_PAGES above) decides, so the
    admin shows a model to exactly the ranks `can()` gives it to everywhere else. What they may DO
    is still decided by each service."""

    # how the model reaches its package ("" for packages, "package__" for their parts); None: the
    # rows belong to no package
    package_path: str | None = None
    model: type[Model]  # set by the ModelAdmin it is mixed into

    @property
    def view_action(self) -> Action | None:
        return ADMIN_PAGES.get(self.model._meta.label)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self.package_path is None:
            return queryset
        return queryset.filter(visible_filter(request.user, prefix=self.package_path))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        package = package_of(obj) if obj is not None else None
        if package is not None and not can(request.user, Action.VIEW_PACKAGE, package):
            return False
        return super().has_view_permission(request, obj) or self._by_rank(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._by_rank(request)

    def _by_rank(self, request: HttpRequest) -> bool:
        action = self.view_action
        return action is not None and can(request.user, action)


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


def back_to(request: HttpRequest) -> HttpResponse | None:
    """Where an action returns when it is done: the page it was started from when that page sent
    a `next` (the moderation queue does), else Django's default, the changelist."""
    next_url = safe_next(request, "")
    return HttpResponseRedirect(next_url) if next_url else None


def form_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form_class: type[forms.Form],
    title: str,
    apply: Callable[[Any, dict], object],
    done: str,
    form_kwargs: dict | None = None,
) -> HttpResponse | None:
    """An action with an intermediate form: show it, then apply it to the selection on submit."""
    if APPLY in request.POST:
        form = form_class(request.POST, **(form_kwargs or {}))
        if form.is_valid():
            run_service(
                modeladmin, request, queryset, lambda obj: apply(obj, form.cleaned_data), done=done
            )
            return back_to(request)  # the queue or the changelist, with the messages
    else:
        form = form_class(**(form_kwargs or {}))
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "objects": list(queryset),
        "action": request.POST.get("action", ""),
        "next": safe_next(request, ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "apply": APPLY,
        "opts": opts,
        "app_label": opts.app_label,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/moderation/action_form.html", context)


Apply = Callable[[User, Any, dict[str, Any]], object]


def acting_user(request: HttpRequest) -> User:
    """The staff member behind an admin request (the admin site lets nobody else in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def service_action(
    description: str,
    *,
    done: str,
    apply: Apply,
    form: type[forms.Form] | None = None,
    title: str = "",
    form_kwargs: Callable[[QuerySet], dict[str, Any]] | None = None,
    related: tuple[str, ...] = (),
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], HttpResponse | None]:
    """An admin action that calls `apply(by, obj, form data)` (one service call, `by` the acting
    staff member) for each
    selected object, with `related` joined; with a `form`, the form is shown first (`title`, and
    `form_kwargs(queryset)` for its constructor) and applied on its second POST."""

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        selected = queryset.select_related(*related) if related else queryset
        if form is None:
            run_service(
                modeladmin,
                request,
                selected,
                lambda obj: apply(acting_user(request), obj, {}),
                done=done,
            )
            return back_to(request)
        return form_action(
            modeladmin,
            request,
            selected,
            form_class=form,
            form_kwargs=form_kwargs(queryset) if form_kwargs else None,
            title=title,
            apply=lambda obj, data: apply(acting_user(request), obj, data),
            done=done,
        )

    return admin.action(description=description)(action)


class ServiceOwnedMixin:
    """A change form that writes nothing: the rows are made, changed and deleted by the services
    (through the faces and this admin's actions), which check permissions, audit and invalidate
    caches. Shown read-only, even to superusers; no add, no (hard) delete."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(ServiceOwnedMixin):
    """An inline shown for reference only (made by releases, transfers and renames)."""

    extra = 0
    can_delete = False


class StateListFilter(admin.ChoicesFieldListFilter):
    """The state filter, without "Deleted" for whoever may not see deleted packages."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.offers_deleted = sees_deleted_packages(request.user)

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if self.offers_deleted or choice["display"] != PackageState.DELETED.label:
                yield choice


def without_bulk_delete(actions: dict) -> dict:
    """Drop Django's hard `delete_selected`: deletions go through the services (soft, audited)."""
    actions.pop("delete_selected", None)
    return actions
