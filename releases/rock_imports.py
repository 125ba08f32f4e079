"""A Lua module's version published from a tag of its repository.

A tag `v1.2.3` or `1.2.3` makes version `1.2.3-1`. The registry clones the tag (releases/git_imports.py:
checked URL, pinned address, one deadline), takes the rockspec template the repository holds
(`rockspec/NAME-dev-1.rockspec`, `rockspec/NAME-scm-1.rockspec`, `NAME-dev-1.rockspec` or
`NAME-scm-1.rockspec`, the first that exists), and appends

    version = "1.2.3-1"
    source.tag = "v1.2.3"
    source.branch = nil

(a rockspec is Lua run top to bottom, so the last assignment wins: the rest of the template is
the author's, byte for byte). The result is evaluated in the sandbox and published by the very
service `luarocks upload` calls (`releases.uploads.upload_rockspec`, in the module owner's name),
then a `.src.rock` is added as `luarocks pack` makes one: a zip of the rockspec and one folder
holding the tag's `git archive` (`source.dir` when the rockspec names one, else the repository's
name as luarocks' git fetcher names its clone).
"""

import io
import re
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from packages.models import Package
from releases.errors import GitImportFailed, InvalidRockspec, ReleaseExists
from releases.git_imports import GitRun, check_repo_url, import_timeout
from releases.models import Release
from releases.rockspecs import evaluate_rockspec, parse_rockspec
from releases.tasks import GIT_ZIP_LIMIT
from releases.updates import ROCK_TAG
from releases.uploads import upload_rock, upload_rockspec

SAFE_DIR = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def template_paths(name: str) -> list[str]:
    return [
        f"rockspec/{name}-dev-1.rockspec",
        f"rockspec/{name}-scm-1.rockspec",
        f"{name}-dev-1.rockspec",
        f"{name}-scm-1.rockspec",
    ]


def fetch_tag(*, url: str, tag: str, name: str) -> tuple[bytes, bytes, str]:
    """(rockspec template, zip of the tag's tree, commit) of `tag` in the repository at `url`."""
    remote = check_repo_url(url)
    with tempfile.TemporaryDirectory(prefix="rock-import-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        run = GitRun(remote=remote, home=home, timeout=import_timeout())
        repo = Path(tmp) / "repo.git"
        run.git("clone", "--quiet", "--bare", "--depth", "1", "--no-tags", "--branch", tag,
                "--", remote.url, str(repo))  # fmt: skip
        commit = run.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}", cwd=repo).strip()
        candidates = template_paths(name)
        present = set(run.git("ls-tree", "-r", "--name-only", commit, "--", *candidates, cwd=repo)
                      .splitlines())  # fmt: skip
        path = next((p for p in candidates if p in present), None)
        if path is None:
            raise GitImportFailed(
                f"No rockspec template at tag {tag}: expected one of {', '.join(candidates)}"
            )
        template = run.git("cat-file", "blob", f"{commit}:{path}", cwd=repo).encode()
        archive = Path(tmp) / "source.zip"
        run.git("archive", "--format=zip", "-o", str(archive), commit, cwd=repo)
        if archive.stat().st_size > GIT_ZIP_LIMIT:
            raise GitImportFailed(
                f"The archive is larger than {GIT_ZIP_LIMIT // (1024 * 1024)} MiB"
            )
        return template, archive.read_bytes(), commit


def versioned_rockspec(template: bytes, *, version: str, tag: str) -> bytes:
    addition = (
        f'\n-- Set by the registry from the tag {tag}\nversion = "{version}"\n'
        f'source.tag = "{tag}"\nsource.branch = nil\n'
    )
    return template.rstrip(b"\n") + b"\n" + addition.encode()


def _source_dir(rockspec: bytes, url: str) -> str:
    spec = evaluate_rockspec(rockspec)
    source = spec.get(b"source")
    source = source if isinstance(source, dict) else {}
    given = source.get(b"dir")
    if isinstance(given, bytes) and SAFE_DIR.fullmatch(given.decode("utf-8", "replace")):
        return given.decode()
    source_url = source.get(b"url")
    base = urlsplit(source_url.decode("utf-8", "replace") if isinstance(source_url, bytes) else url)
    name = Path(base.path).name or "source"
    name = re.sub(r"\.git$", "", name)
    return name if SAFE_DIR.fullmatch(name) else "source"


def src_rock(*, rockspec_name: str, rockspec: bytes, tree: bytes, folder: str) -> bytes:
    """A `.src.rock`: the rockspec and one folder with the tag's files."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(tree)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rock,
    ):
        rock.writestr(rockspec_name, rockspec)
        for info in source.infolist():
            if info.is_dir():
                continue
            entry = zipfile.ZipInfo(f"{folder}/{info.filename}", date_time=info.date_time)
            entry.external_attr = info.external_attr
            entry.compress_type = zipfile.ZIP_DEFLATED
            rock.writestr(entry, source.read(info))
    return out.getvalue()


def publish_rock_from_tag(*, package: Package, tag: str) -> Release:
    """Publish version `<tag's numbers>-1` of a module from its repository's tag, as its owner."""
    match = ROCK_TAG.fullmatch(tag)
    if match is None:
        raise InvalidRockspec(f"Tag {tag} is not a version like v1.2.3 or 1.2.3")
    version = f"{match.group(1)}-1"
    if package.releases.filter(name__iexact=version).exists():
        raise ReleaseExists(f"Version {version} exists already")
    template, tree, _commit = fetch_tag(url=package.repo or "", tag=tag, name=package.name)
    rockspec = versioned_rockspec(template, version=version, tag=tag)
    spec = parse_rockspec(rockspec)
    if spec.name != package.name:
        raise InvalidRockspec(f"The rockspec template is for {spec.name}, not {package.name}")
    folder = _source_dir(rockspec, package.repo or "")
    owner = package.author
    uploaded = upload_rockspec(by=owner, filename=spec.filename, content=rockspec)
    rock = src_rock(rockspec_name=spec.filename, rockspec=rockspec, tree=tree, folder=folder)
    upload_rock(
        by=owner,
        release=uploaded.release,
        filename=f"{package.name}-{version}.src.rock",
        content=rock,
    )
    return uploaded.release
