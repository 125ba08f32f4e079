from django.conf import settings


def site(request) -> dict:
    return {"SITE_URL": settings.SITE_URL}


def notifications(request) -> dict:
    """The header's unread count, counted only when a page shows it (one COUNT query)."""
    from django.utils.functional import SimpleLazyObject

    from packages.notifications import unread_count

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
