"""The admin of packages and what describes them: packages, old names, reviews, reports,
screenshots, collections, reference data and stats. Every change goes through a service."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from packages import aliases, maintainers, ownership, reports, reviews, workflow
from packages.invalidation import invalidate_luanti_lists
from packages.models import (
    Collection,
    CollectionItem,
    ContentWarning,
    GameSupport,
    Language,
    License,
    LuantiVersion,
    MetaPackage,
    Package,
    PackageAlias,
    PackageDailyStats,
    PackageDependency,
    Report,
    Review,
    Screenshot,
    Tag,
)
from packages.screenshots import approve_screenshot
from packages.threads import approval_thread_of
from registry.admin.actions import (
    RankAccessMixin,
    ReadOnlyInline,
    ServiceOwnedMixin,
    StateListFilter,
    service_action,
    without_bulk_delete,
)
from registry.admin.forms import CommentForm, MaintainersForm, ReasonForm, TransferForm


class PackageDependencyInline(ReadOnlyInline, admin.TabularInline):
    model = PackageDependency
    fk_name = "depender"


class GameSupportInline(ReadOnlyInline, admin.TabularInline):
    model = GameSupport
    fk_name = "package"


class PackageAliasInline(ReadOnlyInline, admin.TabularInline):
    model = PackageAlias
    fields = ["author", "name", "is_rock"]


@admin.register(Package)
class PackageAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    """Read-only: state, owner, maintainers and names change through the actions below, the
    package's own fields through its edit page (`edit_page`), each with its service."""

    package_path = ""
    # short columns (a date, not a timestamp), so the list fits beside the filters at 1280 px
    list_display = ["name", "title", "author", "type", "state", "downloads", "score", "created"]
    list_filter = ["type", ("state", StateListFilter), "dev_state", "in_root_manifest", "license"]
    search_fields = ["name", "title", "author__username", "short_description"]
    readonly_fields = ["edit_page", "approval_thread"]
    date_hierarchy = "created_at"
    inlines = [PackageDependencyInline, GameSupportInline, PackageAliasInline]
    list_select_related = ["author"]
    actions = [
        "approve_packages",
        "request_changes",
        "soft_delete_packages",
        "restore_packages",
        "transfer_ownership",
        "edit_maintainers",
        "hide_from_root_manifest",
        "give_root_manifest_name",
    ]

    @admin.display(description="Created", ordering="created_at")
    def created(self, obj: Package) -> str:
        return f"{obj.created_at:%Y-%m-%d}"

    @admin.display(description="Edit")
    def edit_page(self, obj: Package) -> str:
        """The web form that edits the package with the same service as the APIs (audited)."""
        if obj.is_rock:
            url = reverse("packages:module-edit", args=[obj.author.username, obj.name])
        else:
            url = reverse("packages:edit", args=[obj.author.username, obj.name])
        return format_html('<a href="{}">Edit on the site</a>', url)

    @admin.display(description="Approval thread")
    def approval_thread(self, obj: Package) -> str:
        """The private thread where every state change is posted and the author answers."""
        thread = approval_thread_of(obj)
        if thread is None:
            return "None yet (opened when the package is first submitted)"
        waiting = " (the author's reply waits for an answer)" if thread.awaiting_moderator else ""
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("web:thread", args=[thread.pk]),
            thread.title,
            waiting,
        )

    def get_actions(self, request):
        return without_bulk_delete(super().get_actions(request))

    approve_packages = service_action(
        "Approve the selected packages",
        done="Approved",
        apply=lambda by, package, data: workflow.approve(by=by, package=package),
    )
    request_changes = service_action(
        "Request changes (with a comment for the author)",
        done="Changes requested",
        form=CommentForm,
        title="Request changes",
        apply=lambda by, package, data: workflow.request_changes(
            by=by, package=package, comment=data["comment"]
        ),
    )
    soft_delete_packages = service_action(
        "Delete the selected packages (soft, restorable)",
        done="Deleted",
        form=ReasonForm,
        title="Delete packages",
        apply=lambda by, package, data: workflow.delete_package(
            by=by, package=package, reason=data["reason"]
        ),
    )
    restore_packages = service_action(
        "Restore the selected deleted packages",
        done="Restored",
        apply=lambda by, package, data: workflow.restore_package(by=by, package=package),
    )
    transfer_ownership = service_action(
        "Transfer ownership to another user",
        done="Transferred",
        form=TransferForm,
        title="Transfer ownership",
        form_kwargs=lambda queryset: {"packages": list(queryset)},
        apply=lambda by, package, data: ownership.transfer_ownership(
            by=by, package=package, new_owner=data["new_owner"], keep=data["keep"]
        ),
    )
    edit_maintainers = service_action(
        "Edit maintainers (audited)",
        done="Maintainers set",
        form=MaintainersForm,
        title="Edit maintainers",
        form_kwargs=lambda queryset: {"packages": list(queryset)},
        apply=lambda by, package, data: maintainers.set_maintainers(
            by=by, package=package, maintainers=data["maintainers"]
        ),
    )
    hide_from_root_manifest = service_action(
        "Rocks: hide from the root manifest",
        done="Hidden from the root manifest",
        apply=lambda by, package, data: ownership.hide_from_root_manifest(by=by, package=package),
    )
    give_root_manifest_name = service_action(
        "Rocks: give the root-manifest name to the selected rock",
        done="Now in the root manifest",
        apply=lambda by, package, data: ownership.give_root_manifest_name(by=by, package=package),
    )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "views", "is_protected"]
    search_fields = ["name", "title"]


@admin.register(ContentWarning)
class ContentWarningAdmin(admin.ModelAdmin):
    list_display = ["name", "title"]
    search_fields = ["name", "title"]


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ["name", "is_foss", "url"]
    list_filter = ["is_foss"]
    search_fields = ["name"]


@admin.register(LuantiVersion)
class LuantiVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "protocol_version", "is_dev"]
    list_filter = ["is_dev"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "has_contentdb_translation"]
    search_fields = ["id", "title"]


@admin.register(MetaPackage)
class MetaPackageAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(PackageAlias)
class PackageAliasAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    """Old names reserve their keys (packages.aliases); releasing one is a moderator's decision."""

    package_path = "package__"
    list_display = ["__str__", "author", "name", "is_rock", "package"]
    list_filter = ["is_rock"]
    search_fields = ["author", "name", "package__name"]
    list_select_related = ["package__author"]
    actions = ["release_aliases"]

    def get_actions(self, request):
        return without_bulk_delete(super().get_actions(request))

    release_aliases = service_action(
        "Release the selected old names (audited)",
        done="Released",
        form=ReasonForm,
        title="Release old names",
        related=("package__author",),
        apply=lambda by, alias, data: aliases.release_alias(
            by=by, alias=alias, reason=data["reason"]
        ),
    )


@admin.register(Review)
class ReviewAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    package_path = "package__"
    list_display = ["title", "package", "author", "rating", "approved", "created_at"]
    list_filter = ["rating", "approved"]
    search_fields = ["title", "package__name", "author__username"]
    actions = ["approve_reviews", "delete_reviews"]

    def get_actions(self, request):
        return without_bulk_delete(super().get_actions(request))

    approve_reviews = service_action(
        "Approve the selected reviews",
        done="Approved",
        related=("package", "author"),
        apply=lambda by, review, data: reviews.approve_review(by=by, review=review),
    )
    delete_reviews = service_action(
        "Delete the selected reviews (audited)",
        done="Deleted",
        form=ReasonForm,
        title="Delete reviews",
        related=("package", "author"),
        apply=lambda by, review, data: reviews.delete_review(
            by=by, review=review, reason=data["reason"]
        ),
    )


@admin.register(Report)
class ReportAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    package_path = "package__"
    list_display = ["created_at", "package", "reason", "short_text", "reporter", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "package__name", "reporter__username"]
    list_select_related = ["package__author", "reporter"]
    ordering = ["resolved_at", "created_at"]
    actions = ["resolve_reports"]

    @admin.display(description="text")
    def short_text(self, obj: Report) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    resolve_reports = service_action(
        "Mark the selected reports resolved",
        done="Resolved",
        related=("package",),
        apply=lambda by, report, data: reports.resolve_report(by=by, report=report),
    )


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    raw_id_fields = ["package"]
    extra = 0


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    """Collections have no service of their own: the admin is their editor (the `featured`
    collection of user ContentDB orders the lists, so a save bumps the lists' generation)."""

    list_display = ["name", "title", "author", "private", "created_at"]
    list_filter = ["private"]
    search_fields = ["name", "title", "author__username"]
    raw_id_fields = ["author"]
    inlines = [CollectionItemInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        invalidate_luanti_lists()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        invalidate_luanti_lists()


@admin.register(PackageDailyStats)
class PackageDailyStatsAdmin(ServiceOwnedMixin, admin.ModelAdmin):
    list_display = [
        "package",
        "date",
        "platform_minetest",
        "platform_other",
        "reason_new",
        "reason_update",
    ]
    date_hierarchy = "date"
    raw_id_fields = ["package"]
    list_select_related = ["package__author"]


@admin.register(Screenshot)
class ScreenshotAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    """Read-only: screenshots are added, ordered and deleted by their package's people (files
    and thumbnails go with them), approved through the action."""

    package_path = "package__"
    list_display = ["title", "package", "width", "height", "order", "approved", "is_cover_image"]
    list_filter = ["approved", "is_cover_image"]
    search_fields = ["title", "package__name"]
    actions = ["approve_screenshots"]

    approve_screenshots = service_action(
        "Approve the selected screenshots",
        done="Approved",
        related=("package",),
        apply=lambda by, screenshot, data: approve_screenshot(by=by, screenshot=screenshot),
    )
