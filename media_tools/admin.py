from django.contrib import admin

from media_tools.models import Screenshot
from media_tools.moderation import approve_screenshot
from packages.admin_moderation import RankAccessMixin, run_service


@admin.register(Screenshot)
class ScreenshotAdmin(RankAccessMixin, admin.ModelAdmin):
    list_display = ["title", "package", "width", "height", "order", "approved", "is_cover_image"]
    list_filter = ["approved", "is_cover_image"]
    search_fields = ["title", "package__name"]
    raw_id_fields = ["package"]
    actions = ["approve_screenshots"]

    @admin.action(description="Approve the selected screenshots")
    def approve_screenshots(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("package"),
            lambda screenshot: approve_screenshot(by=request.user, screenshot=screenshot),
            done="Approved",
        )
