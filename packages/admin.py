from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from packages import aliases, maintainers, reports, reviews, workflow
from packages.admin_forms import MaintainersForm, TransferForm
from packages.admin_moderation import (
    CommentForm,
    RankAccessMixin,
    ReadOnlyInline,
    ReasonForm,
    ServiceOwnedMixin,
    StateListFilter,
    form_action,
    run_service,
    without_bulk_delete,
)
from packages.admin_queue import queue_view, review_view
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
    Tag,
)
from releases import rock_moderation
from releases.cache import invalidate_luanti_lists


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
    list_display = ["name", "title", "author", "type", "state", "downloads", "score", "created_at"]
    list_filter = ["type", ("state", StateListFilter), "dev_state", "in_root_manifest", "license"]
    search_fields = ["name", "title", "author__username", "short_description"]
    readonly_fields = ["edit_page"]
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

    @admin.display(description="Edit")
    def edit_page(self, obj: Package) -> str:
        """The web form that edits the package with the same service as the APIs (audited)."""
        if obj.is_rock:
            url = reverse("packages:module-edit", args=[obj.author.username, obj.name])
        else:
            url = reverse("packages:edit", args=[obj.author.username, obj.name])
        return format_html('<a href="{}">Edit on the site</a>', url)

    def get_actions(self, request):
        return without_bulk_delete(super().get_actions(request))

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(lambda request, **kw: view(self, request, **kw))

        return [
            path("moderation-queue/", wrap(queue_view), name="packages_package_moderation_queue"),
            path("<path:object_id>/review/", wrap(review_view), name="packages_package_review"),
            *super().get_urls(),
        ]

    @admin.action(description="Approve the selected packages")
    def approve_packages(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda p: workflow.approve(by=request.user, package=p),
            done="Approved",
        )

    @admin.action(description="Request changes (with a comment for the author)")
    def request_changes(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=CommentForm,
            title="Request changes",
            apply=lambda p, data: workflow.request_changes(
                by=request.user, package=p, comment=data["comment"]
            ),
            done="Changes requested",
        )

    @admin.action(description="Delete the selected packages (soft, restorable)")
    def soft_delete_packages(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title="Delete packages",
            apply=lambda p, data: workflow.delete_package(
                by=request.user, package=p, reason=data["reason"]
            ),
            done="Deleted",
        )

    @admin.action(description="Restore the selected deleted packages")
    def restore_packages(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda p: workflow.restore_package(by=request.user, package=p),
            done="Restored",
        )

    @admin.action(description="Transfer ownership to another user")
    def transfer_ownership(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=TransferForm,
            form_kwargs={"packages": list(queryset)},
            title="Transfer ownership",
            apply=lambda p, data: rock_moderation.transfer_ownership(
                by=request.user, package=p, new_owner=data["new_owner"], keep=data["keep"]
            ),
            done="Transferred",
        )

    @admin.action(description="Edit maintainers (audited)")
    def edit_maintainers(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=MaintainersForm,
            form_kwargs={"packages": list(queryset)},
            title="Edit maintainers",
            apply=lambda p, data: maintainers.set_maintainers(
                by=request.user, package=p, maintainers=data["maintainers"]
            ),
            done="Maintainers set",
        )

    @admin.action(description="Rocks: hide from the root manifest")
    def hide_from_root_manifest(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda p: rock_moderation.hide_from_root_manifest(by=request.user, package=p),
            done="Hidden from the root manifest",
        )

    @admin.action(description="Rocks: give the root-manifest name to the selected rock")
    def give_root_manifest_name(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda p: rock_moderation.give_root_manifest_name(by=request.user, package=p),
            done="Now in the root manifest",
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

    @admin.action(description="Release the selected old names (audited)")
    def release_aliases(self, request, queryset):
        return form_action(
            self,
            request,
            queryset.select_related("package__author"),
            form_class=ReasonForm,
            title="Release old names",
            apply=lambda alias, data: aliases.release_alias(
                by=request.user, alias=alias, reason=data["reason"]
            ),
            done="Released",
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

    @admin.action(description="Approve the selected reviews")
    def approve_reviews(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("package", "author"),
            lambda r: reviews.approve_review(by=request.user, review=r),
            done="Approved",
        )

    @admin.action(description="Delete the selected reviews (audited)")
    def delete_reviews(self, request, queryset):
        return form_action(
            self,
            request,
            queryset.select_related("package", "author"),
            form_class=ReasonForm,
            title="Delete reviews",
            apply=lambda r, data: reviews.delete_review(
                by=request.user, review=r, reason=data["reason"]
            ),
            done="Deleted",
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

    @admin.action(description="Mark the selected reports resolved")
    def resolve_reports(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("package"),
            lambda r: reports.resolve_report(by=request.user, report=r),
            done="Resolved",
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
