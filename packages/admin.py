from django import forms
from django.contrib import admin
from django.urls import path

from accounts.models import User
from packages import reports, reviews, workflow
from packages.admin_moderation import (
    CommentForm,
    RankAccessMixin,
    ReasonForm,
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


class PackageDependencyInline(admin.TabularInline):
    model = PackageDependency
    fk_name = "depender"
    raw_id_fields = ["meta_package", "package"]
    extra = 0


class GameSupportInline(admin.TabularInline):
    model = GameSupport
    fk_name = "package"
    raw_id_fields = ["game"]
    extra = 0


class PackageAliasInline(admin.TabularInline):
    model = PackageAlias
    extra = 0


class NewOwnerForm(forms.Form):
    new_owner = forms.CharField(max_length=150, help_text="The username of the new owner.")

    def clean_new_owner(self) -> User:
        user = User.objects.filter(username__iexact=self.cleaned_data["new_owner"].strip()).first()
        if user is None:
            raise forms.ValidationError("No user has that name.")
        return user


@admin.register(Package)
class PackageAdmin(RankAccessMixin, admin.ModelAdmin):
    list_display = ["name", "title", "author", "type", "state", "downloads", "score", "created_at"]
    list_filter = ["type", "state", "dev_state", "in_root_manifest", "license"]
    search_fields = ["name", "title", "author__username", "short_description"]
    raw_id_fields = ["author", "maintainers"]
    filter_horizontal = ["tags", "content_warnings"]
    autocomplete_fields = ["provides"]
    # State, owner and root-manifest name change only through the moderation actions (audited).
    readonly_fields = [
        "downloads",
        "score",
        "score_downloads",
        "created_at",
        "updated_at",
        "state",
        "state_comment",
        "approved_at",
        "submitted_at",
        "in_root_manifest",
    ]
    date_hierarchy = "created_at"
    inlines = [PackageDependencyInline, GameSupportInline, PackageAliasInline]
    list_select_related = ["author"]
    actions = [
        "approve_packages",
        "request_changes",
        "soft_delete_packages",
        "restore_packages",
        "transfer_ownership",
        "hide_from_root_manifest",
        "give_root_manifest_name",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "author"] if obj is not None else fields

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
            form_class=NewOwnerForm,
            title="Transfer ownership",
            apply=lambda p, data: rock_moderation.transfer_ownership(
                by=request.user, package=p, new_owner=data["new_owner"]
            ),
            done="Transferred",
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


@admin.register(Review)
class ReviewAdmin(RankAccessMixin, admin.ModelAdmin):
    list_display = ["title", "package", "author", "rating", "approved", "created_at"]
    list_filter = ["rating", "approved"]
    search_fields = ["title", "package__name", "author__username"]
    raw_id_fields = ["package", "author"]
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
class ReportAdmin(RankAccessMixin, admin.ModelAdmin):
    list_display = ["created_at", "package", "reason", "short_text", "reporter", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "package__name", "reporter__username"]
    raw_id_fields = ["package", "reporter", "resolved_by"]
    readonly_fields = ["created_at", "resolved_at", "resolved_by"]
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
    list_display = ["name", "title", "author", "private", "created_at"]
    list_filter = ["private"]
    search_fields = ["name", "title", "author__username"]
    raw_id_fields = ["author"]
    inlines = [CollectionItemInline]


@admin.register(PackageDailyStats)
class PackageDailyStatsAdmin(admin.ModelAdmin):
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
