from django.urls import path

from accounts import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.SignupView.as_view(), name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", views.password_change, name="password-change"),
    path("accounts/password/change/done/", views.password_change_done, name="password-change-done"),
    path("accounts/password/reset/", views.password_reset, name="password-reset"),
    path("accounts/password/reset/done/", views.password_reset_done, name="password-reset-done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        views.password_reset_complete,
        name="password-reset-complete",
    ),
    path("accounts/login/code/", two_factor_views.LoginCodeView.as_view(), name="login-code"),
    path(
        "accounts/verify-email/<str:token>/", views.VerifyEmailView.as_view(), name="verify-email"
    ),
    path("settings/profile/", views.ProfileView.as_view(), name="profile"),
    path(
        "settings/verify-email/",
        views.VerificationLinkView.as_view(),
        name="send-verification-link",
    ),
    path("settings/two-factor/", two_factor_views.TwoFactorView.as_view(), name="two-factor"),
    path(
        "settings/two-factor/confirm/",
        two_factor_views.ConfirmTwoFactorView.as_view(),
        name="two-factor-confirm",
    ),
    path(
        "settings/two-factor/disable/",
        two_factor_views.DisableTwoFactorView.as_view(),
        name="two-factor-disable",
    ),
    path("settings/delete/", views.DeleteAccountView.as_view(), name="delete"),
    path("settings/api-keys/", views.ApiKeyListView.as_view(), name="api-keys"),
    path(
        "settings/api-keys/<int:pk>/revoke/",
        views.ApiKeyRevokeView.as_view(),
        name="api-key-revoke",
    ),
    path("settings/tokens/", views.ApiTokenListView.as_view(), name="api-tokens"),
    path(
        "settings/tokens/<int:pk>/delete/",
        views.ApiTokenDeleteView.as_view(),
        name="api-token-delete",
    ),
]
