"""ContentDB face: the Bearer-token REST API under /api/ and the package download routes.

Grouped by resource; each group keeps ContentDB's paths (with their trailing slashes).
"""

from django.urls import path

from registry.contentdb import (
    downloads,
    hypertext,
    thumbnails,
    update_settings,
    webhooks,
    writes_packages,
    writes_releases,
    writes_screenshots,
)
from registry.contentdb.views import (
    collections,
    homepage,
    package_parts,
    packages,
    reference,
    releases,
    reviews,
    threads,
    tokens,
    users,
)

PKG = "api/packages/<str:author>/<str:name>/"

urlpatterns = [
    # auth
    path("api/whoami/", tokens.WhoAmIView.as_view()),
    path("api/delete-token/", tokens.DeleteTokenView.as_view()),
    # packages
    path(
        "api/packages/",
        writes_packages.by_method(  # reads and writes of one path live in separate modules
            GET=packages.PackageListView.as_view(),
            POST=writes_packages.PackageCreateView.as_view(),
        ),
    ),
    path(
        PKG,
        writes_packages.by_method(
            GET=packages.PackageDetailView.as_view(),
            PUT=writes_packages.PackageUpdateView.as_view(),
        ),
    ),
    path(f"{PKG}for-client/", packages.PackageForClientView.as_view()),
    path(f"{PKG}for-client/reviews/", package_parts.PackageForClientReviewsView.as_view()),
    path(f"{PKG}dependencies/", packages.PackageDependenciesView.as_view()),
    path(f"{PKG}stats/", package_parts.PackageStatsView.as_view()),
    path(f"{PKG}releases/", package_parts.PackageReleaseListView.as_view()),
    path(f"{PKG}releases/new/", writes_releases.ReleaseCreateView.as_view()),
    path(
        f"{PKG}releases/<int:release_id>/",
        writes_packages.by_method(
            GET=package_parts.PackageReleaseView.as_view(),
            DELETE=writes_releases.ReleaseDeleteView.as_view(),
        ),
    ),
    path(f"{PKG}screenshots/", package_parts.PackageScreenshotListView.as_view()),
    path(f"{PKG}screenshots/new/", writes_screenshots.ScreenshotCreateView.as_view()),
    path(f"{PKG}screenshots/order/", writes_screenshots.ScreenshotOrderView.as_view()),
    path(f"{PKG}screenshots/cover-image/", writes_screenshots.ScreenshotCoverView.as_view()),
    path(
        f"{PKG}screenshots/<int:screenshot_id>/",
        writes_packages.by_method(
            GET=package_parts.PackageScreenshotView.as_view(),
            DELETE=writes_screenshots.ScreenshotDeleteView.as_view(),
        ),
    ),
    path(f"{PKG}reviews/", package_parts.PackageReviewListView.as_view()),
    # update detection and webhooks (our extension: docs/protocols/contentdb.md "Webhooks")
    path(f"{PKG}update-settings/", update_settings.UpdateSettingsView.as_view()),
    path(f"{PKG}update-settings/webhook-secret/", update_settings.WebhookSecretView.as_view()),
    path(
        "api/webhooks/<str:forge>/modules/<str:author>/<str:name>/",
        webhooks.module_webhook,
        name="module-webhook",
    ),
    path(
        "api/webhooks/<str:forge>/<str:author>/<str:name>/",
        webhooks.package_webhook,
        name="contentdb-webhook",
    ),
    path(f"{PKG}hypertext/", hypertext.PackageHypertextView.as_view()),
    path("api/hypertext/", hypertext.HypertextConvertView.as_view()),
    path("api/dependencies/", packages.DependenciesView.as_view()),
    path("api/updates/", packages.UpdatesView.as_view()),
    path("api/scores/", packages.ScoresView.as_view()),
    path("api/package_stats/", homepage.PackageStatsListView.as_view()),
    # releases and reviews across packages
    path("api/releases/", releases.ReleaseListView.as_view()),
    path("api/reviews/", reviews.ReviewListView.as_view()),
    path("api/threads/<int:thread_id>/", threads.ThreadView.as_view()),
    # users and collections
    path("api/users/<str:username>/", users.UserView.as_view()),
    path("api/users/<str:username>/stats/", users.UserStatsView.as_view()),
    path("api/collections/", collections.CollectionListView.as_view()),
    path("api/collections/<str:username>/<str:name>/", collections.CollectionView.as_view()),
    # reference data and misc
    path("api/tags/", reference.TagListView.as_view()),
    path("api/content_warnings/", reference.ContentWarningListView.as_view()),
    path("api/licenses/", reference.LicenseListView.as_view()),
    path("api/minetest_versions/", reference.LuantiVersionListView.as_view()),
    path("api/languages/", reference.LanguageListView.as_view()),
    path("api/homepage/", homepage.HomepageView.as_view()),
    path("api/cdb_schema/", reference.CdbSchemaView.as_view()),
    # downloads (web paths the client builds from the list's author/name/release)
    path("packages/<str:author>/<str:name>/download/", downloads.package_download),
    path(
        "packages/<str:author>/<str:name>/releases/<int:release_id>/download/",
        downloads.release_download,
    ),
    # git import status (ContentDB's /tasks/<id>/), screenshots and their thumbnails
    path("tasks/<uuid:task_id>/", writes_releases.TaskStatusView.as_view()),
    path("uploads/screenshots/<str:file>", thumbnails.screenshot_file),
    path("thumbnails/<int:level>/screenshots/<str:file>", thumbnails.thumbnail),
]
