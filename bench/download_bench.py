"""What a counted download costs, in process: the Luanti zip route and a LuaRocks file, each asked
`repeat` times by ONE client address (a client retrying, or someone inflating the count) and once
each by `repeat` DIFFERENT addresses (real installs). Per request: the median in microseconds of
the whole Django request (routing, lookup, counting, the file response), the bytes not read.

As a `make bench` step: `python bench/inprocess.py downloads '{}'` on the bench data set. Alone, on
a small data set of its own (fast, and runnable on an older checkout for a before/after):
`.venv/bin/python -m bench.download_bench [--repeat 300]`.
"""

import argparse
import json
import statistics
import time

LUANTI_AGENT = "Luanti/5.10.0 (Linux/6.1.0 x86_64)"
LUAROCKS_AGENT = "LuaRocks/3.8.0 linux-x86_64 via curl"


def _time_gets(client, url: str, agent: str, addresses: list[str]) -> dict:
    times, statuses = [], set()
    for address in addresses:
        start = time.perf_counter()
        response = client.get(url, HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
        times.append((time.perf_counter() - start) * 1e6)
        statuses.add(response.status_code)
        response.close()
    return {"median_us": round(statistics.median(times)), "statuses": sorted(statuses)}


def measure(repeat: int = 300) -> dict:
    """Run inside a configured Django (bench/inprocess.py); needs approved packages with files."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.test import Client

    from packages.models import Package, PackageState, PackageType
    from releases.models import FileKind, ReleaseFile

    def stored(release_file: ReleaseFile) -> ReleaseFile:
        if not default_storage.exists(release_file.file.name):  # bench.data writes rows only
            default_storage.save(release_file.file.name, ContentFile(b"x" * 1024))
        return release_file

    approved = Package.objects.filter(state=PackageState.APPROVED)
    zip_file = stored(
        ReleaseFile.objects.filter(
            kind=FileKind.ZIP, release__approved=True, release__package__in=approved
        )
        .select_related("release__package__author")
        .order_by("id")
        .first()
    )
    rock_file = stored(
        ReleaseFile.objects.filter(
            kind=FileKind.ROCKSPEC,
            release__package__in=approved.filter(type=PackageType.ROCK, in_root_manifest=True),
            release__approved=True,
            release__is_archived=False,
        )
        .order_by("id")
        .first()
    )
    package = zip_file.release.package
    luanti_url = (
        f"/packages/{package.author.username}/{package.name}/releases/"
        f"{zip_file.release_id}/download/?reason=new"
    )
    rock_url = f"/{rock_file.filename}"
    client = Client()
    one = ["198.51.100.1"] * repeat
    many = [f"10.{n // 65536}.{n // 256 % 256}.{n % 256}" for n in range(repeat)]
    out = {"repeat": repeat}
    for label, url, agent in (
        ("luanti", luanti_url, LUANTI_AGENT),
        ("luarocks", rock_url, LUAROCKS_AGENT),
    ):
        _time_gets(client, url, agent, ["192.0.2.1"] * 20)  # warm-up: imports, caches
        out[f"{label}_one_address"] = _time_gets(client, url, agent, one)
        out[f"{label}_new_addresses"] = _time_gets(client, url, agent, many)
    package.refresh_from_db()
    out["luanti_package_downloads_after"] = package.downloads
    out.update(_parts(zip_file, repeat))
    return out


def _parts(release_file, repeat: int) -> dict:
    """The two pieces apart: the once-a-day check (HMAC + one cache `add`) and the counter
    writes (three F() UPDATEs in a transaction) it spares a repeated download."""
    try:
        from releases.downloads import add_download, is_first_download_today
    except ImportError:  # a checkout from before the once-a-day rule
        return {}
    out = {}
    for label, call in (
        ("check_us", lambda n: is_first_download_today(client=f"c{n}", package_id=1)),
        ("writes_us", lambda n: add_download(release_file=release_file)),
    ):
        times = []
        for n in range(repeat):
            start = time.perf_counter()
            call(n)
            times.append((time.perf_counter() - start) * 1e6)
        out[label] = round(statistics.median(times))
    return out


def main() -> None:
    from bench import harness
    from bench.run import inprocess

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--backend", default="sqlite")
    args = parser.parse_args()
    harness.WORK.mkdir(parents=True, exist_ok=True)
    with harness.database(args.backend) as env:
        harness.manage(env, "migrate", "--no-input", "-v0")
        harness.generate(env, "packages", "--scale=0.05")
        print(json.dumps(inprocess(env, "downloads", {"repeat": args.repeat}), indent=2))


if __name__ == "__main__":
    main()
