from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from registry.redaction import install_record_factory

        install_record_factory()  # before any request is served, in every process (docs/security.md)
