"""The trust-critical modules `make mutate` plants mistakes in, the tests that must catch them, and
the surviving mutants that are equivalent (no test can tell them apart from the real code).

To add a module: one line in TARGETS with the tests that hold it (pick the test files that exercise
it directly, so one mutant costs seconds; `python -m tests.mutation --module M` checks them). To
list a survivor as equivalent: its id as printed by the run, and the reason no behaviour differs.
`tests/mutation/test_operators.py` fails when an entry here no longer names a mutant.
"""

TARGETS: dict[str, list[str]] = {
    "releases/zips.py": [
        "tests/hostile/test_zips.py",
        "tests/contentdb_writes/test_releases.py",
    ],
    "releases/rockspecs.py": [
        "tests/luarocks/test_rockspec_sandbox.py",
        "tests/luarocks/test_hostile_rockspecs.py",
    ],
    "packages/permissions.py": [
        "tests/moderation/test_permission_matrix.py",
        "tests/foundation/test_permissions.py",
    ],
    "releases/versions.py": ["tests/luarocks/test_versions.py"],
    "accounts/secrets.py": [
        "tests/security/test_secret_helpers.py",
        "tests/security/test_secrets.py",
    ],
    # the visibility rule as it stands: approved packages are public (packages/selectors.py), and
    # VIEW_PACKAGE in packages/permissions.py above
    "packages/selectors.py": [
        "tests/foundation/test_visibility.py",
        "tests/contentdb/test_package_list.py",
        "tests/contentdb/test_package_detail.py",
    ],
    "registry/ratelimit.py": [
        "tests/security/test_ratelimit_bounds.py",
        "tests/security/test_ratelimit.py",
    ],
    "accounts/login_throttle.py": ["tests/web/test_login_throttle.py"],
}

EQUIVALENT: dict[str, dict[str, str]] = {
    "packages/permissions.py": {
        "_rank: rank Rank.ADMIN -> Rank.MODERATOR": "no rule asks for more than MODERATOR, and a "
        "superuser may act on any other account whatever its rank: a superuser counted as "
        "MODERATOR gets every answer an ADMIN gets",
    },
}
