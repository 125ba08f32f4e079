from django.contrib import admin

from media_tools.models import Screenshot


@admin.register(Screenshot)
class ScreenshotAdmin(admin.ModelAdmin):
    list_display = ["title", "package", "width", "height", "order", "approved", "is_cover_image"]
    list_filter = ["approved", "is_cover_image"]
    search_fields = ["title", "package__name"]
    raw_id_fields = ["package"]
