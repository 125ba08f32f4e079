from django.contrib import admin

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
    Review,
    Tag,
)


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


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "author", "type", "state", "downloads", "score", "created_at"]
    list_filter = ["type", "state", "dev_state", "in_root_manifest", "license"]
    search_fields = ["name", "title", "author__username", "short_description"]
    raw_id_fields = ["author", "maintainers"]
    filter_horizontal = ["tags", "content_warnings"]
    autocomplete_fields = ["provides"]
    readonly_fields = ["downloads", "score", "score_downloads", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [PackageDependencyInline, GameSupportInline, PackageAliasInline]
    list_select_related = ["author"]


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
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "package", "author", "rating", "approved", "created_at"]
    list_filter = ["rating", "approved"]
    search_fields = ["title", "package__name", "author__username"]
    raw_id_fields = ["package", "author"]


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
