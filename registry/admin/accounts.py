"""The admin of accounts: users (suspension and rank through the actions, audited), their LuaRocks
keys and ContentDB tokens, and the audit log (read-only)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.http import HttpRequest

from accounts.errors import NotAllowed
from accounts.models import ApiKey, ApiToken, AuditLogEntry, User
from accounts.services import delete_api_token, revoke_api_key
from packages import members
from packages.permissions import Action, can
from registry.admin.actions import (
    ModelAdminBase,
    RankAccessMixin,
    service_action,
    without_bulk_delete,
)
from registry.admin.forms import RankForm, ReasonForm, UserAddForm, UserChangeNameForm


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
        *(DjangoUserAdmin.fieldsets or ()),
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

    suspend_users = service_action(
        "Suspend the selected users",
        done="Suspended",
        form=ReasonForm,
        title="Suspend users",
        apply=lambda by, user, data: members.suspend_user(by=by, user=user, reason=data["reason"]),
    )
    unsuspend_users = service_action(
        "Lift the suspension of the selected users",
        done="Suspension lifted",
        apply=lambda by, user, data: members.unsuspend_user(by=by, user=user),
    )
    change_rank = service_action(
        "Change the rank of the selected users",
        done="Rank changed",
        form=RankForm,
        title="Change rank",
        apply=lambda by, user, data: members.change_rank(by=by, user=user, rank=data["rank"]),
    )


def _manage_credentials_of(by: User, user: User) -> None:
    """Moderators manage the keys and tokens of lower-ranked accounts (ContentDB's CREATE_TOKEN)."""
    if not can(by, Action.CREATE_TOKEN, user):
        raise NotAllowed(f"You may not manage the credentials of {user.username}.")


def _revoke_key(*, by: User, key: ApiKey) -> ApiKey:
    _manage_credentials_of(by, key.user)
    return revoke_api_key(key=key, by=by)


def _delete_token(*, by: User, token: ApiToken) -> None:
    _manage_credentials_of(by, token.user)
    delete_api_token(token=token, by=by)


class CredentialAdminMixin(ModelAdminBase):
    """Keys and tokens are made by their owners (the secret is shown once) and revoked or deleted
    by the audited actions: no add, no hard delete; only a label is edited here."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return without_bulk_delete(super().get_actions(request))


@admin.register(ApiKey)
class ApiKeyAdmin(CredentialAdminMixin, RankAccessMixin, admin.ModelAdmin):
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

    revoke_keys = service_action(
        "Revoke the selected keys (audited)",
        done="Revoked",
        related=("user",),
        apply=lambda by, key, data: _revoke_key(by=by, key=key),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(CredentialAdminMixin, RankAccessMixin, admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "package", "created_at", "last_used_at"]
    search_fields = ["name", "prefix", "user__username"]
    # whose a token is and which package it is limited to decide what it may write: shown, never
    # edited (made by their owners, deleted by the action, audited); only the name is a label
    readonly_fields = ["user", "package", "prefix", "token_hash", "created_at", "last_used_at"]
    actions = ["delete_tokens"]

    delete_tokens = service_action(
        "Delete the selected tokens (audited)",
        done="Deleted",
        related=("user",),
        apply=lambda by, token, data: _delete_token(by=by, token=token),
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
