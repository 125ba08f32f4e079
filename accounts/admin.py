from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts import moderation
from accounts.errors import NotAllowed
from accounts.forms import domain_check
from accounts.models import ApiKey, ApiToken, AuditLogEntry, Rank, User
from accounts.services import delete_api_token, revoke_api_key
from accounts.usernames import check_email_is_free, check_new_username
from packages.admin_moderation import (
    RankAccessMixin,
    ReasonForm,
    form_action,
    run_service,
    without_bulk_delete,
)
from packages.permissions import Action, can


class RankForm(forms.Form):
    rank = forms.TypedChoiceField(choices=Rank.choices, coerce=int)


class UserAddForm(AdminUserCreationForm):
    """An account made in the admin follows the sign-up rules for names (accounts/usernames.py)."""

    def clean_username(self):
        return domain_check(check_new_username, super().clean_username())


class UserChangeNameForm(UserChangeForm):
    """A rename or a new address in the admin follows the same rules as sign-up."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username == self.instance.username:
            return username  # names from before the rules stay valid until changed
        return domain_check(check_new_username, username, renaming_pk=self.instance.pk)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not email or email.lower() == (self.instance.email or "").lower():
            return email
        return domain_check(check_email_is_free, email, owner_pk=self.instance.pk)


@admin.register(User)
class UserAdmin(RankAccessMixin, DjangoUserAdmin):
    form = UserChangeNameForm
    add_form = UserAddForm
    # Suspension and rank change only through the actions below, so each one is audited.
    readonly_fields = [
        "rank",
        "is_suspended",
        "last_login",
        "date_joined",
        "verified_email",
        "verified_by_operator",
    ]
    actions = ["suspend_users", "unsuspend_users", "change_rank"]
    list_display = [
        "username",
        "display_name",
        "email",
        "rank",
        "is_suspended",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["rank", "is_suspended", "is_staff", "is_superuser"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Registry",
            {
                "fields": (
                    "display_name",
                    "rank",
                    "is_suspended",
                    "verified_email",
                    "verified_by_operator",
                    "website_url",
                    "donate_url",
                    "github_username",
                    "forums_username",
                )
            },
        ),
    )

    @admin.action(description="Suspend the selected users")
    def suspend_users(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title="Suspend users",
            apply=lambda u, data: moderation.suspend_user(
                by=request.user, user=u, reason=data["reason"]
            ),
            done="Suspended",
        )

    @admin.action(description="Lift the suspension of the selected users")
    def unsuspend_users(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda u: moderation.unsuspend_user(by=request.user, user=u),
            done="Suspension lifted",
        )

    @admin.action(description="Change the rank of the selected users")
    def change_rank(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=RankForm,
            title="Change rank",
            apply=lambda u, data: moderation.change_rank(
                by=request.user, user=u, rank=data["rank"]
            ),
            done="Rank changed",
        )


def _manage_credentials_of(request, user: User) -> None:
    """Moderators manage the keys and tokens of lower-ranked accounts (ContentDB's CREATE_TOKEN)."""
    if not can(request.user, Action.CREATE_TOKEN, user):
        raise NotAllowed(f"You may not manage the credentials of {user.username}.")


@admin.register(ApiKey)
class ApiKeyAdmin(RankAccessMixin, admin.ModelAdmin):
    # Only the hash is stored; the admin shows the prefix so a key can be recognised, never used.
    list_display = [
        "prefix",
        "user",
        "comment",
        "actions",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "user__username", "comment"]
    # keys are made by their owners (the secret is shown once) and revoked by the action, audited;
    # only the comment, a label, is edited here
    readonly_fields = [
        "user",
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "actions",
        "revoked_at",
    ]
    actions = ["revoke_keys"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return without_bulk_delete(super().get_actions(request))

    @admin.action(description="Revoke the selected keys (audited)")
    def revoke_keys(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("user"),
            lambda key: (
                _manage_credentials_of(request, key.user)
                or revoke_api_key(key=key, by=request.user)
            ),
            done="Revoked",
        )


@admin.register(ApiToken)
class ApiTokenAdmin(RankAccessMixin, admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "package", "created_at", "last_used_at"]
    search_fields = ["name", "prefix", "user__username"]
    # whose a token is and which package it is limited to decide what it may write: shown, never
    # edited (made by their owners, deleted by the action, audited); only the name is a label
    readonly_fields = ["user", "package", "prefix", "token_hash", "created_at", "last_used_at"]
    actions = ["delete_tokens"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return without_bulk_delete(super().get_actions(request))

    @admin.action(description="Delete the selected tokens (audited)")
    def delete_tokens(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("user"),
            lambda token: (
                _manage_credentials_of(request, token.user)
                or delete_api_token(token=token, by=request.user)
            ),
            done="Deleted",
        )


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(RankAccessMixin, admin.ModelAdmin):
    """Read-only: entries are written by the services, never by hand."""

    list_display = ["created_at", "causer", "severity", "title", "package", "target"]
    list_filter = ["severity", "action"]
    search_fields = ["title", "target", "causer__username", "package__name"]
    date_hierarchy = "created_at"
    list_select_related = ["causer", "package__author"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
