"""Every document the repository cites is in the repository, and so is every section it names.

Code and docs cite `docs/<name>.md`; for the protocol documents a citation may also name where in
the document the fact is: a section number (`1.1`, `section 4`, `sections 1 and 3`, `2-6`), a trap
(`trap 3`, `traps 13-14`) or a quoted section name (`"Package Queries"`). A document answers a
number when it has a heading that starts with it (`### 1.1 ...`, `## 4. ...`), a trap when its
"Traps" section has that numbered item, and a name when a heading, without its number, is exactly
that name. A citation that points nowhere fails here with the file and line that made it.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".git", ".venv", ".uv", "var", "node_modules", "__pycache__"}
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".js"}
TEXT_NAMES = {"Makefile", "run"}  # .ci/run

DOCS = "docs" + "/"  # spelled apart so this file's own source holds no citation
DOC_FILE = re.compile(rf"(?<![\w/.]){DOCS}(?:[\w-]+/)*[\w-]+\.md\b")
DOC_DIR = re.compile(rf"(?<![\w/.]){DOCS}(?:[\w-]+/)+(?![\w.-])")
NUMBER = r"\d+(?:\.\d+)?(?:-\d+)?\b"
CITATION = re.compile(
    rf"{DOCS}protocols/(?P<doc>[\w-]+)\.md"
    rf"(?P<tail>(?:,?\s+(?:and\s+)?(?:(?:sections?|traps?)\s+)?(?:{NUMBER}|\"[^\"\n]+\"))*)"
)
TAIL_TOKEN = re.compile(rf"(?P<kind>sections?|traps?)|(?P<number>{NUMBER})|\"(?P<name>[^\"\n]+)\"")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*$", re.MULTILINE)
HEADING_NUMBER = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.?\s+")
LIST_ITEM = re.compile(r"^(?P<number>\d+)\.\s", re.MULTILINE)


@dataclass(frozen=True)
class Citation:
    where: str  # path:line of the citing text
    doc: str  # e.g. "luarocks"
    kind: str  # "section", "trap" or "name"
    value: str


def repository_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES or name in TEXT_NAMES:
                found.append(path)
    return sorted(found)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def citations(text: str, where: str) -> list[Citation]:
    found = []
    for match in CITATION.finditer(text):
        place = f"{where}:{line_of(text, match.start())}"
        kind = "section"
        for token in TAIL_TOKEN.finditer(match["tail"]):
            if token["kind"]:
                kind = "trap" if token["kind"].startswith("trap") else "section"
            elif token["name"]:
                found.append(Citation(place, match["doc"], "name", token["name"]))
            else:
                first, _, last = token["number"].partition("-")  # a range: "2-6", "13-14"
                values = [str(n) for n in range(int(first), int(last) + 1)] if last else [first]
                found.extend(Citation(place, match["doc"], kind, v) for v in values)
    return found


def anchors(document: str) -> dict[str, set[str]]:
    """What a protocol document can be cited by: section numbers, trap numbers, section names."""
    sections, names, traps = set(), set(), set()
    headings = list(HEADING.finditer(document))
    for index, heading in enumerate(headings):
        text = heading["text"].replace("`", "")
        number = HEADING_NUMBER.match(text)
        if number:
            sections.add(number["number"])
            text = text[number.end() :]
        names.add(text.strip())
        if text.strip() == "Traps":
            level = len(heading["level"])
            end = next(
                (h.start() for h in headings[index + 1 :] if len(h["level"]) <= level),
                len(document),
            )
            traps |= {item["number"] for item in LIST_ITEM.finditer(document, heading.end(), end)}
    return {"section": sections, "name": names, "trap": traps}


def scan() -> tuple[list[tuple[str, str]], list[Citation]]:
    """(every cited docs path with where it is cited, every protocol-section citation)."""
    paths, cited = [], []
    for path in repository_files():
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (DOC_FILE, DOC_DIR):
            for match in pattern.finditer(text):
                paths.append((match[0], f"{relative}:{line_of(text, match.start())}"))
        cited.extend(citations(text, relative))
    return paths, cited


def test_every_cited_document_exists():
    paths, _ = scan()
    missing = [f"{where}: {path}" for path, where in paths if not (ROOT / path).exists()]
    assert not missing, "cited documents that are not in the repository:\n" + "\n".join(missing)


def test_every_cited_protocol_section_exists():
    _, cited = scan()
    documents: dict[str, dict[str, set[str]]] = {}
    wrong = []
    for citation in cited:
        path = ROOT / "docs" / "protocols" / f"{citation.doc}.md"
        if not path.exists():
            continue  # reported by test_every_cited_document_exists
        if citation.doc not in documents:
            documents[citation.doc] = anchors(path.read_text(encoding="utf-8"))
        if citation.value not in documents[citation.doc][citation.kind]:
            wrong.append(f"{citation.where}: {citation.doc}.md {citation.kind} {citation.value!r}")
    assert not wrong, "cited sections the documents do not have:\n" + "\n".join(wrong)


def test_the_scan_reads_every_form_of_citation_the_code_uses():
    """Guards the two tests above against a pattern that silently stops matching."""
    paths, cited = scan()
    kinds = {(c.doc, c.kind) for c in cited}
    assert {("luarocks", "section"), ("luarocks", "trap"), ("luarocks", "name")} <= kinds
    assert {("contentdb", "section"), ("contentdb", "name"), ("luanti-client", "section")} <= kinds
    assert len(cited) > 60
    assert {path for path, _ in paths} >= {
        f"{DOCS}architecture.md",
        f"{DOCS}security.md",
        f"{DOCS}protocols/luarocks.md",
        f"{DOCS}protocols/contentdb.md",
        f"{DOCS}protocols/luanti-client.md",
    }
    sample = citations(
        f'({DOCS}protocols/contentdb.md sections 1 and 3; {DOCS}protocols/luarocks.md 3.1, traps 13-14, "Error Responses")',
        "sample",
    )
    assert [(c.doc, c.kind, c.value) for c in sample] == [
        ("contentdb", "section", "1"),
        ("contentdb", "section", "3"),
        ("luarocks", "section", "3.1"),
        ("luarocks", "trap", "13"),
        ("luarocks", "trap", "14"),
        ("luarocks", "name", "Error Responses"),
    ]
