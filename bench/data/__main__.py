"""Build a benchmark data set in the database the environment names (DATABASE_URL):

    python -m bench.data packages [--seed N] [--scale 0.05] [--credentials FILE]
    python -m bench.data rocks [--modules N] [--versions M] [--users U] [--seed N] [--clear]

`packages` is the 10,000-package set of `make bench` (bench/data/packages.py), `rocks` the rocks-only
set of bench/manifest_bench.py (bench/data/rocks.py). Prints one summary line.
"""

import argparse
import os
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kinds = parser.add_subparsers(dest="kind", required=True)
    packages = kinds.add_parser("packages", help="the 10,000-package set of make bench")
    packages.add_argument("--seed", type=int, default=20261123)
    packages.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 packages")
    packages.add_argument(
        "--credentials",
        type=Path,
        help="write the bench user's LuaRocks API key and ContentDB token here (JSON)",
    )
    rocks = kinds.add_parser("rocks", help="bench-user-* rocks for the manifest bench")
    rocks.add_argument("--modules", type=int, default=10_000)
    rocks.add_argument("--versions", type=int, default=50_000)
    rocks.add_argument("--users", type=int, default=500)
    rocks.add_argument("--seed", type=int, default=2026)
    rocks.add_argument("--clear", action="store_true", help="delete earlier bench data first")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.base")
    import django

    django.setup()
    if args.kind == "packages":
        from bench.data import packages as data_set

        print(data_set.generate(seed=args.seed, scale=args.scale, credentials=args.credentials))
    else:
        from bench.data import rocks as data_set

        print(
            data_set.generate(
                modules=args.modules,
                versions=args.versions,
                users=args.users,
                seed=args.seed,
                clear=args.clear,
            )
        )


if __name__ == "__main__":
    main()
