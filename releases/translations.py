"""Translations in a release's content, read as ContentDB reads them when it processes a release
(docs/protocols/contentdb.md "Translations").

- Languages: every `<anything>.<lang>.tr`, `.po` or `.mo` file in a `locale` folder at any depth
  below the content root; `<lang>` is the part before the extension. Only languages the site knows
  (the Language table, without `en`) count.
- Texts: the files of the content's own text domain (`textdomain` in the root `.conf`, else the
  package's name): `locale/<domain>.<lang>.tr`, and `.po` entries whose `msgctxt` is the domain (or
  has none, in `<domain>.<lang>.po`). From them ContentDB takes the translations of the content's
  title and description (the `.conf`'s `title`, a game's `name`, a mod's `name` made a title, else
  the package's title; the `.conf`'s `description` or `description.txt`, else the package's short
  description), which the Luanti client shows too.

`.tr` files follow Luanti's format (doc/lua_api.md "Translation file format") with ContentDB's
checks: a `# textdomain: <domain>` line before the first entry and matching the file name, `@=`,
`@@`, `@n` and a line ending in `@` as escapes, arguments `@1`..`@9` in order in the source and
known in the translation; a file that breaks them fails the release, naming the file and the line,
as on ContentDB. `.po` files (Luanti 5.10+; ContentDB does not read them) are read leniently: what
cannot be parsed is skipped, never refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from releases.errors import InvalidLuantiContent

if TYPE_CHECKING:
    from releases.zips import SafeZip

MAX_TRANSLATION_FILE = 1024 * 1024  # the largest .tr of big games is about 200 KB
TRANSLATION_FILE = re.compile(r"(?:^|/)locale/([^/]+)\.([^./]+)\.(tr|po|mo)$")


@dataclass(frozen=True)
class ReleaseTranslations:
    languages: frozenset[str] = frozenset()
    # per language: the content's text domain's entries (source -> translation)
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    title_source: str | None = None  # None: the package's title
    description_source: str | None = None  # None: the package's short description

    def texts(
        self, *, title: str, short_description: str
    ) -> dict[str, tuple[str | None, str | None]]:
        """Per language with a file of the text domain: (translated title, short description),
        each None when the file lacks it; cut to the columns' 100 and 200 characters."""
        title_key = (self.title_source if self.title_source is not None else title).strip()
        short_key = (
            self.description_source if self.description_source is not None else short_description
        ).strip()
        return {
            language: (_cut(entries.get(title_key), 100), _cut(entries.get(short_key), 200))
            for language, entries in self.entries.items()
        }


def _cut(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


def read_translations(
    z: SafeZip, root: str, *, kind: str, conf: dict[str, str], package_name: str
) -> ReleaseTranslations:
    """The translations of the content at `root` (see the module docstring)."""
    prefix = f"{root}/" if root else ""
    found: list[tuple[str, str, str, str]] = []  # (path, domain, language, extension)
    for path in z.files:
        if not path.startswith(prefix):
            continue
        match = TRANSLATION_FILE.search(path[len(prefix) :])
        if match:
            found.append((path, match.group(1), match.group(2), match.group(3)))
    title_source, description_source = _sources(z, prefix, kind=kind, conf=conf)
    if not found:
        return ReleaseTranslations(title_source=title_source, description_source=description_source)
    known = _known_languages()
    domain = conf.get("textdomain") or package_name
    languages = frozenset(language for _, _, language, _ in found if language in known)
    entries: dict[str, dict[str, str]] = {}
    for path, file_domain, language, extension in sorted(found):
        if language not in known or extension == "mo":
            continue
        if extension == "tr" and file_domain == domain:
            entries.setdefault(language, {}).update(parse_tr(_text(z, path), domain, path=path))
        elif extension == "po":
            po = parse_po(_text(z, path, strict=False), domain=domain, file_domain=file_domain)
            if po or file_domain == domain:
                merged = entries.setdefault(language, {})
                for source, translated in po.items():
                    merged.setdefault(source, translated)  # a .tr entry wins
    return ReleaseTranslations(
        languages=languages,
        entries=entries,
        title_source=title_source,
        description_source=description_source,
    )


def _known_languages() -> set[str]:
    from packages.models import Language

    return set(Language.objects.values_list("id", flat=True)) - {"en"}


def _sources(
    z: SafeZip, prefix: str, *, kind: str, conf: dict[str, str]
) -> tuple[str | None, str | None]:
    """ContentDB's title and description of the content, the keys looked up in its translations."""
    title = conf.get("title")
    if title is None and conf.get("name"):
        name = conf["name"]
        title = name if kind == "game" else name.replace("_", " ").title()
    description = conf.get("description")
    if description is None and z.exists(f"{prefix}description.txt"):
        description = _text(z, f"{prefix}description.txt", strict=False)
    return title, description


def _text(z: SafeZip, path: str, *, strict: bool = True) -> str:
    info = z.files[path]
    if info.file_size > MAX_TRANSLATION_FILE:
        if strict:
            raise InvalidLuantiContent(f"{path} is larger than {MAX_TRANSLATION_FILE} bytes")
        return ""
    data = z.archive.read(info)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if strict:
            raise InvalidLuantiContent(f"{path} is not UTF-8 text") from error
        return ""


# --- .tr ----------------------------------------------------------------------------------------


def parse_tr(text: str, domain: str, *, path: str) -> dict[str, str]:
    """The entries (source -> translation) of a `.tr` file of `domain`; InvalidLuantiContent
    naming the file and line when it breaks the format."""

    def fail(message: str) -> InvalidLuantiContent:
        return InvalidLuantiContent(f"Syntax error whilst reading {path}: {message}")

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    entries: dict[str, str] = {}
    has_domain = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if line.startswith("#"):
            if line.startswith("# textdomain:"):
                named = line[len("# textdomain:") :].strip()
                if named != domain:
                    raise fail(
                        f"Line {index + 1}: The file name's textdomain ({domain}) should match "
                        f"the comment ({named})"
                    )
                has_domain = True
            index += 1
            continue
        if not has_domain:
            raise fail(f"Missing `# textdomain: {domain}` at the top of the file")
        number = index + 1
        source: str | None = None
        part: list[str] = []
        next_argument = 1
        position = 0
        while True:
            if position >= len(line):
                break
            char = line[position]
            if char == "@":
                if position + 1 >= len(line):  # "@" at the end: the entry goes on below
                    index += 1
                    if index >= len(lines):
                        raise fail(f"Line {index + 1}: Unexpected end of file")
                    line, position = lines[index], 0
                    part.append("\n")
                    continue
                code = line[position + 1]
                position += 2
                if code in "=@":
                    part.append(code)
                elif code == "n":
                    part.append("\n")
                elif code.isdigit():
                    part.append("@" + code)
                    if source is None:
                        if int(code) != next_argument:
                            raise fail(
                                f"Line {number}: Arguments out of order in source, found @{code} "
                                f"and expected @{next_argument}"
                            )
                        next_argument += 1
                    elif int(code) >= next_argument:
                        raise fail(f"Line {number}: Unknown argument @{code} in translated string")
                else:
                    raise fail(f"Line {number}: Unknown escape character: {code}")
                continue
            if char == "=" and source is None:
                source, part = "".join(part), []
            else:
                part.append(char)
            position += 1
        if source is None:
            raise fail(f"Line {number}: Missing = in line")
        entries[source.strip()] = "".join(part).strip()
        index += 1
    return entries


# --- .po ----------------------------------------------------------------------------------------

PO_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
PO_MORE = re.compile(r'^"(.*)"\s*$')
PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(1)), value)


def parse_po(text: str, *, domain: str, file_domain: str) -> dict[str, str]:
    """The singular, translated, not fuzzy entries of a `.po` file that belong to `domain`: those
    with `msgctxt` equal to it, or without one when the file is named after it."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    fuzzy = pending_fuzzy = False
    last: str | None = None

    def finish() -> None:
        source, translated = current.get("msgid"), current.get("msgstr")
        if (
            source
            and translated
            and not fuzzy
            and "msgid_plural" not in current
            and current.get("msgctxt", file_domain) == domain
        ):
            entries[source.strip()] = translated.strip()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            pending_fuzzy = pending_fuzzy or (line.startswith("#,") and "fuzzy" in line)
            continue
        keyword = PO_LINE.match(line)
        if keyword:
            name, value = keyword.group(1), _unescape(keyword.group(2))
            starts_entry = name == "msgctxt" or (name == "msgid" and "msgctxt" not in current)
            if starts_entry or (name == "msgid" and "msgid" in current):
                if current:
                    finish()
                current = {}
            if not current:
                fuzzy, pending_fuzzy = pending_fuzzy, False
            if name.startswith("msgstr["):
                name = "msgstr_plural"
            current[name] = value
            last = name
            continue
        more = PO_MORE.match(line)
        if more and last is not None and last in current:
            current[last] += _unescape(more.group(1))
    if current:
        finish()
    return entries
