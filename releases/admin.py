from django.contrib import admin

from packages.admin_moderation import (
    RankAccessMixin,
    ReadOnlyInline,
    ServiceOwnedMixin,
    run_service,
)
from releases.models import Release, ReleaseFile, RockDependency
from releases.moderation import approve_release


class ReleaseFileInline(ReadOnlyInline, admin.TabularInline):
    model = ReleaseFile
    fields = ["kind", "arch", "file", "filename", "size", "sha256", "revision", "downloads"]


class RockDependencyInline(ReadOnlyInline, admin.TabularInline):
    model = RockDependency


@admin.register(Release)
class ReleaseAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    """Read-only: approval goes through the action (audited, manifests and lists invalidated);
    releases are made and deleted by their package's people through the faces."""

    package_path = "package__"
    list_display = ["name", "package", "title", "approved", "task_state", "downloads", "created_at"]
    list_filter = ["approved", "task_state", "is_development", "package__type"]
    search_fields = ["name", "title", "package__name", "package__author__username"]
    inlines = [ReleaseFileInline, RockDependencyInline]
    list_select_related = ["package__author"]
    actions = ["approve_releases"]

    @admin.action(description="Approve the selected releases")
    def approve_releases(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("package__author"),
            lambda release: approve_release(by=request.user, release=release),
            done="Approved",
        )


@admin.register(ReleaseFile)
class ReleaseFileAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    """Read-only: which file a URL serves is the upload services' business."""

    package_path = "release__package__"

    list_display = ["filename", "kind", "arch", "size", "revision", "downloads", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["filename", "sha256"]
