"""The web face's URLs: account and settings pages, package and module pages, and the public pages
that browse them. Their URL names keep three namespaces (`accounts:`, `packages:`, `web:`), which the
templates and redirects use.

Routes owned by the API faces stay theirs: /packages/<a>/<n>/download/ and
/packages/<a>/<n>/releases/<id>/download/ (ContentDB), *.rockspec and *.rock (LuaRocks).
"""

from django.urls import include, path
from django.views.i18n import set_language

from registry.web.views import (
    accounts,
    browse,
    collections,
    modules,
    packages,
    releases,
    reviews,
    screenshots,
    threads,
    two_factor,
    updates,
)

account_patterns = [
    path("accounts/signup/", accounts.SignupView.as_view(), name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", accounts.password_change, name="password-change"),
    path(
        "accounts/password/change/done/", accounts.password_change_done, name="password-change-done"
    ),
    path("accounts/password/reset/", accounts.password_reset, name="password-reset"),
    path("accounts/password/reset/done/", accounts.password_reset_done, name="password-reset-done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        accounts.password_reset_complete,
        name="password-reset-complete",
    ),
    path("accounts/login/code/", two_factor.LoginCodeView.as_view(), name="login-code"),
    path(
        "accounts/verify-email/<str:token>/",
        accounts.VerifyEmailView.as_view(),
        name="verify-email",
    ),
    path("settings/profile/", accounts.ProfileView.as_view(), name="profile"),
    path(
        "settings/verify-email/",
        accounts.VerificationLinkView.as_view(),
        name="send-verification-link",
    ),
    path("settings/two-factor/", two_factor.TwoFactorView.as_view(), name="two-factor"),
    path(
        "settings/two-factor/confirm/",
        two_factor.ConfirmTwoFactorView.as_view(),
        name="two-factor-confirm",
    ),
    path(
        "settings/two-factor/disable/",
        two_factor.DisableTwoFactorView.as_view(),
        name="two-factor-disable",
    ),
    path("settings/delete/", accounts.DeleteAccountView.as_view(), name="delete"),
    path(
        "settings/notifications/",
        threads.EmailSettingsView.as_view(),
        name="notification-settings",
    ),
    path("settings/api-keys/", accounts.ApiKeyListView.as_view(), name="api-keys"),
    path(
        "settings/api-keys/<int:pk>/revoke/",
        accounts.ApiKeyRevokeView.as_view(),
        name="api-key-revoke",
    ),
    path("settings/tokens/", accounts.ApiTokenListView.as_view(), name="api-tokens"),
    path(
        "settings/tokens/<int:pk>/delete/",
        accounts.ApiTokenDeleteView.as_view(),
        name="api-token-delete",
    ),
]

package_patterns = [
    path("upload/", modules.RockspecUploadView.as_view(), name="rock-upload"),
    path("modules/<str:username>/", modules.ModuleUserRedirectView.as_view(), name="module-user"),
    path("modules/<str:username>/<str:name>", modules.ModuleView.as_view(), name="module"),
    # before the version route: "edit" and "report" are not luarocks versions (they need "-rev")
    path(
        "modules/<str:username>/<str:name>/edit",
        modules.ModuleEditView.as_view(),
        name="module-edit",
    ),
    path(
        "modules/<str:author>/<str:name>/updates",
        updates.ModuleUpdateSettingsView.as_view(),
        name="module-updates",
    ),
    path(
        "modules/<str:author>/<str:name>/report",
        reviews.ReportView.as_view(rock=True),
        name="module-report",
    ),
    path(
        "modules/<str:username>/<str:name>/<str:version>",
        modules.VersionView.as_view(),
        name="module-version",
    ),
    path(
        "modules/<str:username>/<str:name>/<str:version>/delete",
        modules.VersionDeleteView.as_view(),
        name="module-version-delete",
    ),
    path("packages/new/", packages.PackageCreateView.as_view(), name="create"),
    path("packages/<str:author>/<str:name>/", packages.PackageDetailView.as_view(), name="detail"),
    path(
        "packages/<str:author>/<str:name>/edit/",
        packages.PackageEditView.as_view(),
        name="edit",
    ),
    path(
        "packages/<str:author>/<str:name>/updates/",
        updates.UpdateSettingsView.as_view(),
        name="updates",
    ),
    path(
        "packages/<str:author>/<str:name>/releases/new/",
        releases.ReleaseCreateView.as_view(),
        name="release-new",
    ),
    path(
        "packages/<str:author>/<str:name>/releases/<int:release_id>/delete/",
        releases.ReleaseDeleteView.as_view(),
        name="release-delete",
    ),
    path(
        "packages/<str:author>/<str:name>/screenshots/",
        screenshots.ScreenshotsView.as_view(),
        name="screenshots",
    ),
    path(
        "packages/<str:author>/<str:name>/screenshots/<str:change>/",
        screenshots.ScreenshotChangeView.as_view(),
        name="screenshot-change",
    ),
    path(
        "packages/<str:author>/<str:name>/submit/",
        packages.SubmitForReviewView.as_view(),
        name="submit",
    ),
    path(
        "packages/<str:author>/<str:name>/review/",
        reviews.ReviewView.as_view(),
        name="review",
    ),
    path(
        "packages/<str:author>/<str:name>/review/delete/",
        reviews.ReviewDeleteView.as_view(),
        name="review-delete",
    ),
    path(
        "packages/<str:author>/<str:name>/report/",
        reviews.ReportView.as_view(),
        name="report",
    ),
    path(
        "packages/<str:author>/<str:name>/withdraw/",
        packages.WithdrawView.as_view(),
        name="withdraw",
    ),
    path(
        "packages/<str:author>/<str:name>/games/",
        packages.GameSupportView.as_view(),
        name="game-support",
    ),
    path(
        "packages/<str:author>/<str:name>/history/",
        packages.HistoryView.as_view(),
        name="history",
    ),
    path(
        "packages/<str:author>/<str:name>/threads/new/",
        threads.ThreadCreateView.as_view(),
        name="thread-new",
    ),
    path(
        "packages/<str:author>/<str:name>/reviews/<int:review_id>/thread/",
        threads.ReviewThreadView.as_view(),
        name="review-thread",
    ),
    path(
        "packages/<str:author>/<str:name>/watch/",
        threads.PackageWatchView.as_view(),
        name="watch",
    ),
]

browse_patterns = [
    path("", browse.HomeView.as_view(), name="home"),
    path("packages/", browse.PackageListView.as_view(), name="package-list"),
    path("users/<str:username>/", browse.UserView.as_view(), name="user"),
    path("tags/", browse.TagListView.as_view(), name="tags"),
    path(
        "settings/collections/new/",
        collections.CollectionCreateView.as_view(),
        name="collection-create",
    ),
    path(
        "collections/<str:username>/",
        collections.UserCollectionsView.as_view(),
        name="user-collections",
    ),
    path(
        "collections/<str:username>/<str:name>/",
        collections.CollectionView.as_view(),
        name="collection",
    ),
    path(
        "collections/<str:username>/<str:name>/delete/",
        collections.CollectionDeleteView.as_view(),
        name="collection-delete",
    ),
    path(
        "collections/<str:username>/<str:name>/remove/",
        collections.CollectionRemoveView.as_view(),
        name="collection-remove",
    ),
    path(
        "packages/<str:author>/<str:name>/collect/",
        collections.CollectView.as_view(),
        name="collect",
    ),
    path("licenses/", browse.LicenseListView.as_view(), name="licenses"),
    path("threads/<int:thread_id>/", threads.ThreadView.as_view(), name="thread"),
    path(
        "threads/<int:thread_id>/replies/<int:reply_id>/edit/",
        threads.ReplyEditView.as_view(),
        name="reply-edit",
    ),
    path(
        "threads/<int:thread_id>/replies/<int:reply_id>/<str:change>/",
        threads.ReplyActionView.as_view(),
        name="reply-change",
    ),
    path(
        "threads/<int:thread_id>/<str:change>/",
        threads.ThreadActionView.as_view(),
        name="thread-change",
    ),
    path("notifications/", threads.NotificationListView.as_view(), name="notifications"),
    path("unsubscribe/<str:token>/", threads.UnsubscribeView.as_view(), name="unsubscribe"),
    path("favicon.ico", browse.favicon_ico, name="favicon"),
    path("i18n/setlang/", set_language, name="set-language"),
    path("robots.txt", browse.robots_txt, name="robots"),
    path("sitemap.xml", browse.sitemap_xml, name="sitemap"),
]

urlpatterns = [
    path("", include((account_patterns, "accounts"))),
    path("", include((package_patterns, "packages"))),
    path("", include((browse_patterns, "web"))),
]
