from django.contrib import admin

from packages.admin_moderation import RankAccessMixin, run_service
from releases.models import Release, ReleaseFile, RockDependency
from releases.moderation import approve_release


class ReleaseFileInline(admin.TabularInline):
    model = ReleaseFile
    extra = 0
    readonly_fields = [
        "kind",
        "arch",
        "file",
        "filename",
        "size",
        "sha256",
        "revision",
        "downloads",
    ]
    can_delete = False


class RockDependencyInline(admin.TabularInline):
    model = RockDependency
    extra = 0


@admin.register(Release)
class ReleaseAdmin(RankAccessMixin, admin.ModelAdmin):
    list_display = ["name", "package", "title", "approved", "task_state", "downloads", "created_at"]
    list_filter = ["approved", "task_state", "is_development", "package__type"]
    search_fields = ["name", "title", "package__name", "package__author__username"]
    raw_id_fields = ["package"]
    readonly_fields = ["downloads", "revision", "created_at", "updated_at"]
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
class ReleaseFileAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "arch", "size", "revision", "downloads", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["filename", "sha256"]
    raw_id_fields = ["release"]
    readonly_fields = ["size", "sha256", "revision", "downloads"]
