"""A package's languages and translated texts, as a release's content gives them
(releases.translations reads the files; ContentDB's `update_translations`).

As on ContentDB, a release only adds: its languages join the package's (`Package.languages`, the
`lang=` filter and the client's "Languages" line), a language it no longer has is kept, and the
title and short description of each language whose text-domain file it holds are replaced by that
file's (None when the file does not translate them, so the package's own text is shown). Served by
registry/contentdb/languages.py.
"""

from django.db import transaction

from accounts.models import User
from packages.invalidation import invalidate_luanti_lists
from packages.models import Language, Package, PackageTranslation


@transaction.atomic
def record_release_translations(
    *,
    package: Package,
    by: User,
    languages: set[str] | frozenset[str],
    texts: dict[str, tuple[str | None, str | None]],
) -> None:
    """Add `languages` to the package's and store `texts` (language -> (title, short
    description)). Unknown language codes and `en` are ignored. `by` made the release."""
    known = list(
        Language.objects.filter(id__in=set(languages) | set(texts)).exclude(id="en").order_by("id")
    )
    wanted = {language.pk for language in known}
    if not wanted:
        return
    package.languages.add(*known)
    existing = {
        t.language_id: t
        for t in PackageTranslation.objects.select_for_update().filter(
            package=package, language_id__in=wanted
        )
    }
    for language in sorted(wanted):
        translation = existing.get(language) or PackageTranslation(
            package=package, language_id=language
        )
        if language in texts:
            translation.title, translation.short_description = texts[language]
        if translation.pk is None or language in texts:
            translation.save()
    invalidate_luanti_lists()
