"""The admin of releases and their files: read-only, approval through the action."""

from django.contrib import admin

from registry.admin.actions import (
    RankAccessMixin,
    ReadOnlyInline,
    ServiceOwnedMixin,
    service_action,
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

    approve_releases = service_action(
        "Approve the selected releases",
        done="Approved",
        related=("package__author",),
        apply=lambda by, release, data: approve_release(by=by, release=release),
    )


@admin.register(ReleaseFile)
class ReleaseFileAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    """Read-only: which file a URL serves is the upload services' business."""

    package_path = "release__package__"

    list_display = ["filename", "kind", "arch", "size", "revision", "downloads", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["filename", "sha256"]
