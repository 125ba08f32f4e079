"""Web pages of packages: Luanti content under /packages/, LuaRocks modules under /modules/.

Routes owned by the faces stay theirs: /packages/<a>/<n>/download/ and
/packages/<a>/<n>/releases/<id>/download/ (ContentDB), *.rockspec and *.rock (LuaRocks).
"""

from django.urls import path

from packages import luanti_views, moderation_views, rock_edit_views, rock_views, views

app_name = "packages"

urlpatterns = [
    path("upload/", rock_views.RockspecUploadView.as_view(), name="rock-upload"),
    path(
        "modules/<str:username>/", rock_views.ModuleUserRedirectView.as_view(), name="module-user"
    ),
    path("modules/<str:username>/<str:name>", rock_views.ModuleView.as_view(), name="module"),
    # before the version route: "edit" and "report" are not luarocks versions (they need "-rev")
    path(
        "modules/<str:username>/<str:name>/edit",
        rock_edit_views.ModuleEditView.as_view(),
        name="module-edit",
    ),
    path(
        "modules/<str:author>/<str:name>/report",
        moderation_views.ReportView.as_view(rock=True),
        name="module-report",
    ),
    path(
        "modules/<str:username>/<str:name>/<str:version>",
        rock_views.VersionView.as_view(),
        name="module-version",
    ),
    path(
        "modules/<str:username>/<str:name>/<str:version>/delete",
        rock_views.VersionDeleteView.as_view(),
        name="module-version-delete",
    ),
    path("packages/new/", luanti_views.PackageCreateView.as_view(), name="create"),
    path("packages/<str:author>/<str:name>/", views.PackageDetailView.as_view(), name="detail"),
    path(
        "packages/<str:author>/<str:name>/edit/",
        luanti_views.PackageEditView.as_view(),
        name="edit",
    ),
    path(
        "packages/<str:author>/<str:name>/releases/new/",
        luanti_views.ReleaseCreateView.as_view(),
        name="release-new",
    ),
    path(
        "packages/<str:author>/<str:name>/releases/<int:release_id>/delete/",
        luanti_views.ReleaseDeleteView.as_view(),
        name="release-delete",
    ),
    path(
        "packages/<str:author>/<str:name>/screenshots/",
        luanti_views.ScreenshotsView.as_view(),
        name="screenshots",
    ),
    path(
        "packages/<str:author>/<str:name>/screenshots/<str:change>/",
        luanti_views.ScreenshotChangeView.as_view(),
        name="screenshot-change",
    ),
    path(
        "packages/<str:author>/<str:name>/submit/",
        luanti_views.SubmitForReviewView.as_view(),
        name="submit",
    ),
    path(
        "packages/<str:author>/<str:name>/review/",
        moderation_views.ReviewView.as_view(),
        name="review",
    ),
    path(
        "packages/<str:author>/<str:name>/review/delete/",
        moderation_views.ReviewDeleteView.as_view(),
        name="review-delete",
    ),
    path(
        "packages/<str:author>/<str:name>/report/",
        moderation_views.ReportView.as_view(),
        name="report",
    ),
    path(
        "packages/<str:author>/<str:name>/withdraw/",
        moderation_views.WithdrawView.as_view(),
        name="withdraw",
    ),
    path(
        "packages/<str:author>/<str:name>/history/",
        moderation_views.HistoryView.as_view(),
        name="history",
    ),
]
