from django.contrib import admin

from media_tools.models import Screenshot
from media_tools.moderation import approve_screenshot
from packages.admin_moderation import RankAccessMixin, ServiceOwnedMixin, run_service


@admin.register(Screenshot)
class ScreenshotAdmin(RankAccessMixin, ServiceOwnedMixin, admin.ModelAdmin):
    """Read-only: screenshots are added, ordered and deleted by their package's people (files
    and thumbnails go with them), approved through the action."""

    package_path = "package__"
    list_display = ["title", "package", "width", "height", "order", "approved", "is_cover_image"]
    list_filter = ["approved", "is_cover_image"]
    search_fields = ["title", "package__name"]
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
