from importlib import import_module

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from registry.redaction import install_record_factory

        install_record_factory()  # before any request is served, in every process (docs/security.md)


class RegistryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site class (login and second factor: registry/admin/site.py)."""

    default = False  # the "registry" app's config is RegistryConfig; this one is named in settings
    default_site = "registry.admin.site.RegistryAdminSite"

    def ready(self) -> None:
        super().ready()
        # every model's admin lives in the moderators' face (registry/admin/), not in the apps;
        # importing the package itself from here would build the site before its class is loaded
        import_module("registry.admin.accounts")
        import_module("registry.admin.packages")
        import_module("registry.admin.releases")
