"""Emails to a package's people about its update detection, through Django's email framework.

Each message is one small function, so the notifications issue can rewire them to its own
notifications later without touching the callers.
"""

from django.conf import settings
from django.core.mail import send_mail

from packages.models import Package


def package_people_emails(package: Package) -> list[str]:
    """The author's and maintainers' addresses (verified ones first; active accounts only)."""
    people = [package.author, *package.maintainers.all()]
    emails: list[str] = []
    for person in people:
        address = person.verified_email or person.email
        if person.is_active and address and address not in emails:
            emails.append(address)
    return emails


def _send(package: Package, subject: str, body: str) -> int:
    recipients = package_people_emails(package)
    if not recipients:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)


def notify_update_available(package: Package, ref: str) -> int:
    """Tell the package's people that their repository has something new (`ref`: a tag name or
    a branch and commit); returns how many messages went out."""
    key = f"{package.author.username}/{package.name}"
    return _send(
        package,
        f"Update available for {key}: {ref}",
        f"The repository of {key} ({package.repo}) has a new {ref}.\n"
        f"Make a release from it on the package's page: {settings.SITE_URL}"
        f"/packages/{key}/releases/new/\n",
    )


def notify_updates_paused(package: Package, reason: str) -> int:
    """Tell the package's people that checking their repository stopped after repeated failures."""
    key = f"{package.author.username}/{package.name}"
    return _send(
        package,
        f"Update checks paused for {key}",
        f"Checking the repository of {key} ({package.repo}) failed "
        f"{settings.UPDATE_CHECK_MAX_FAILURES} times in a row, so it is paused.\n"
        f"Last error: {reason}\n"
        "Fix the repository URL, then unpause it in the package's update settings.\n",
    )
