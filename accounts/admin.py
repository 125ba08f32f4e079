from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import ApiKey, ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
                    "website_url",
                    "donate_url",
                    "github_username",
                    "forums_username",
                )
            },
        ),
    )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
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
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at", "actions"]
    raw_id_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "package", "created_at", "last_used_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user", "package"]
