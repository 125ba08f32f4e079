from django.contrib import admin

from releases.models import Release, ReleaseFile, RockDependency


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
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["name", "package", "title", "approved", "task_state", "downloads", "created_at"]
    list_filter = ["approved", "task_state", "is_development", "package__type"]
    search_fields = ["name", "title", "package__name", "package__author__username"]
    raw_id_fields = ["package"]
    readonly_fields = ["downloads", "revision", "created_at", "updated_at"]
    inlines = [ReleaseFileInline, RockDependencyInline]
    list_select_related = ["package__author"]


@admin.register(ReleaseFile)
class ReleaseFileAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "arch", "size", "revision", "downloads", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["filename", "sha256"]
    raw_id_fields = ["release"]
    readonly_fields = ["size", "sha256", "revision", "downloads"]
