from django import forms
from django.contrib import admin

from packages.admin_moderation import RankAccessMixin, run_service
from packages.models import PackageType
from releases.models import Release, ReleaseFile, RockDependency
from releases.moderation import approve_release
from releases.rock_names import is_luarocks_version
from releases.rockspecs import INVALID_VERSION

# What a luarocks client downloads is named by the package, the version and the arch: moderators
# cannot rename a rock version or a file here (releases.rock_names; docs/security.md).
FILE_IDENTITY = ["release", "kind", "arch", "file", "filename"]


class ReleaseAdminForm(forms.ModelForm):
    class Meta:
        model = Release
        fields = "__all__"  # noqa: DJ007 -- the admin's own field list decides what is shown

    def clean(self):
        data = super().clean()
        package, name = data.get("package"), data.get("name")
        is_rock = package is not None and package.type == PackageType.ROCK
        if is_rock and name is not None and not is_luarocks_version(name):
            self.add_error("name", INVALID_VERSION)
        return data


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
    form = ReleaseAdminForm
    list_display = ["name", "package", "title", "approved", "task_state", "downloads", "created_at"]
    list_filter = ["approved", "task_state", "is_development", "package__type"]
    search_fields = ["name", "title", "package__name", "package__author__username"]
    raw_id_fields = ["package"]
    readonly_fields = ["downloads", "revision", "created_at", "updated_at"]
    inlines = [ReleaseFileInline, RockDependencyInline]
    list_select_related = ["package__author"]
    actions = ["approve_releases"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.package.type == PackageType.ROCK:
            fields.append("name")  # its files are named after it
        return fields

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
    readonly_fields = [*FILE_IDENTITY, "size", "sha256", "revision", "downloads"]

    def has_add_permission(self, request):
        return False  # files come from uploads, which name them
