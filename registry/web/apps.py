from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web face as an app, so Django finds its templates, template tags and static files."""

    name = "registry.web"
    label = "web"
    verbose_name = "Web pages"
