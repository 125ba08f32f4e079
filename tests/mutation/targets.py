"""The trust-critical modules `make mutate` plants mistakes in, the tests that must catch them, and
the surviving mutants that are equivalent (no test can tell them apart from the real code).

To add a module: one line in TARGETS with the tests that hold it (pick the test files that exercise
it directly, so one mutant costs seconds; `python -m tests.mutation --module M` checks them). To
list a survivor as equivalent: its id as printed by the run, and the reason no behaviour differs.
`tests/mutation/test_operators.py` fails when an entry here no longer names a mutant.
"""

TARGETS: dict[str, list[str]] = {
    # test_zips.py holds every check; contentdb_writes/test_releases.py (the 100k-entry and 64 MiB
    # archives) adds minutes per survivor and nothing a mutant needs
    "releases/zips.py": [
        "tests/hostile/test_zips.py",
        # ContentDB's rules for new packages (licence, legacy files, a game's dependencies)
        "tests/contentdb_writes/test_content_rules.py",
    ],
    "releases/rockspecs.py": [
        "tests/luarocks/test_rockspec_sandbox.py",
        "tests/luarocks/test_hostile_rockspecs.py",
    ],
    "packages/permissions.py": [
        "tests/moderation/test_permission_matrix.py",
        "tests/foundation/test_permissions.py",
        # the visibility rule as a query (visible_filter) and the thread rules on real threads
        "tests/foundation/test_visibility.py",
        "tests/threads/test_threads.py",
    ],
    "releases/versions.py": ["tests/luarocks/test_versions.py"],
    "accounts/secrets.py": [
        "tests/security/test_secret_helpers.py",
        "tests/security/test_secrets.py",
    ],
    # the visibility rule as it stands: approved packages are public (packages/selectors.py), and
    # VIEW_PACKAGE in packages/permissions.py above; the rows the lists show of them
    # (releases/selectors.py: short_package_rows, game_support_rows)
    "packages/selectors.py": [
        "tests/foundation/test_visibility.py",
        "tests/contentdb/test_package_list.py",
        "tests/contentdb/test_package_detail.py",
        # the one look-up of a package for a request (package_for_action), aliases, takedowns
        "tests/access/test_deleted_packages.py",
        "tests/access/test_aliases.py",
        "tests/access/test_ownership.py",
        "tests/access/test_takedowns.py",
        "tests/access/test_package_lookup.py",
        # the home page's and Browse's lists, the Luanti version look-up
        "tests/web/test_home_lists.py",
        "tests/web/test_public_pages.py",
        "tests/contentdb/test_site_endpoints.py",
        "tests/contentdb/test_luanti_client.py",
    ],
    "releases/selectors.py": [
        "tests/foundation/test_visibility.py",
        "tests/contentdb/test_package_list.py",
        "tests/contentdb/test_package_detail.py",
        # the releases feed, a module's dependencies and "used by", the upload API's look-ups
        "tests/contentdb/test_site_endpoints.py",
        "tests/web/test_discovery.py",
        "tests/web/test_public_pages.py",
        "tests/luarocks/test_upload_api.py",
        "tests/luarocks/test_rock_upload.py",
        # the zip a download serves
        "tests/contentdb_writes/test_downloads.py",
    ],
    "registry/common/ratelimit.py": [
        "tests/security/test_ratelimit_bounds.py",
        "tests/security/test_ratelimit.py",
        "tests/security/test_hypertext_limits.py",
        "tests/security/test_upload_limits.py",
    ],
    "accounts/login_throttle.py": ["tests/web/test_login_throttle.py"],
}

ONE_ROW = (
    "on SQLite a scalar subquery takes its first row, so [:2] reads the same row; PostgreSQL "
    "refuses a subquery of two rows, and this test, run there too (DATABASE_URL), fails on it: "
    "the newest "
)
LONGER_READ = (
    "reads one byte more before the end record's search window: rfind's start is counted from "
    "the end of the file, not from the read, so the same records are found"
)
NO_CLOCK = "not observable without a fake clock (tests assert no timing): "
RACE = (
    "the branch runs only when the key expires between `add` and `incr`, a race no test can "
    "stage without stopping time between two cache calls"
)
GUARD = (
    "remaining = start + window - now is at least 1 by construction (now - start < window), so "
    "max(remaining, 1) is remaining; "
)

EQUIVALENT: dict[str, dict[str, str]] = {
    "accounts/login_throttle.py": {
        "WINDOW_SECONDS: constant 60 -> 61": NO_CLOCK + "a 915-second window instead of 900 "
        "(the message still says 15 minutes)",
        "is_locked_out: constant 0 -> 1": "the default applies when no failure is recorded: 0, 1 "
        "and -1 are all below MAX_FAILURES (5)",
        "is_locked_out: constant 0 -> -1": "the default applies when no failure is recorded: 0, 1 "
        "and -1 are all below MAX_FAILURES (5)",
    },
    "registry/common/ratelimit.py": {},
    "releases/zips.py": {
        "ZipLimits.frozen: constant True -> False": "limits are built per call and never changed",
        "_count_entries: constant 0 -> 1": "the read starts at byte 1 only in a file shorter "
        "than the search window: it misses only an end record at byte 0, the empty zip, which "
        "has no directory to count",
        "_count_entries: constant 0 -> 1 #2": "an end record at 0 is the empty zip: nothing to "
        "count either way",
        "_count_entries: compare found < 0 -> found <= 0": "an end record at 0 is the empty zip: "
        "nothing to count either way",
        "_count_entries: constant 0 -> 1 #3": "found < 1 is found <= 0: an end record at 0 is the "
        "empty zip, nothing to count either way",
        "_count_entries: constant 0 -> -1 #4": "a Zip64 record 'at -1' slices nothing "
        "(tail[-1:3] is empty), so it is never taken for one: the same as not looking",
        "_count_entries: constant 22 -> 23": LONGER_READ,
        "_count_entries: constant 65536 -> 65537": LONGER_READ,
        "_count_entries: constant 56 -> 57": LONGER_READ,
        "_count_entries: constant 20 -> 21": LONGER_READ,
        "_count_entries: arith length - tail_start -> length + tail_start": "read() stops at the "
        "end of the file: asking for more bytes than are left reads the same tail",
        "open_safe_zip: delete raise InvalidReleaseZip(f'The zip has more than "
        "{limits.max_entries... -> pass": "a backstop: the fast count walks the same "
        "headers zipfile reads (and goes on past the directory's recorded size), so it always "
        "refuses first",
        "open_safe_zip: constant 1 -> 2 #2": "max(compressed, 1) only guards the division-free "
        "ratio against 0: an entry checked is over 1 MiB, so 100 x 1 or 2 bytes refuse it alike",
        "open_safe_zip: constant 1 -> 0 #2": "max(compressed, 1) only guards the division-free "
        "ratio against 0: an entry checked is over 1 MiB, so 100 x 0 or 1 bytes refuse it alike",
        "find_content_root: constant 0 -> -1": "subdirs[0] and subdirs[-1] of a one-element list",
        "_mod: constant 1 -> 2": "rsplit('/', 2)[-1] and rsplit('/', 1)[-1] are the same last part",
        "inspect_release_zip: constant 0 -> -1": "mods[0] and mods[-1] of a mod's one-element list",
        "inspect_release_zip: constant 0 -> -1 #2": "mods[0] and mods[-1] of a mod's one-element "
        "list (the name in the mismatch message)",
        "open_safe_zip: constant 0 -> 1": "zipfile.ZipFile seeks to the end record itself and to "
        "each entry's offset: the position it is handed is never read from",
        "_mod: delete raise InvalidLuantiContent('mod.conf must set name') -> pass": "unreachable: "
        "the root mod falls back to the package's name and a nested mod to its folder's, never "
        "empty",
    },
    "releases/rockspecs.py": {
        **{
            f"MAX_MEMORY: constant {a} -> {b}{n}": "Lua's allocator refuses the allocation that "
            "crosses the limit: a limit 1 KiB or 1 MiB away changes which of two allocations fails, "
            "which no deterministic rockspec can pin (the 32 MiB test pins that the limit exists "
            "and its size)"
            for a, b in [(16, 17), (16, 15), (1024, 1025), (1024, 1023)]
            for n in (["", " #2"] if a == 1024 else [""])
        },
        "INSTRUCTION_LIMIT: constant 25000000 -> 25000001": "the budget is INSTRUCTION_LIMIT // "
        "HOOK_INTERVAL hooks: 25,000,001 gives the same 25,000",
        "INSTRUCTION_LIMIT: constant 25000000 -> 24999999": NO_CLOCK + "a thousand instructions "
        "fewer; on a busy machine the 0.5 s wall-clock limit may end a long loop first",
        "HOOK_INTERVAL: constant 1000 -> 1001": NO_CLOCK + "a budget about 25,000,000 "
        "instructions either way; which of the instruction and wall-clock limits ends a loop "
        "depends on the machine",
        "HOOK_INTERVAL: constant 1000 -> 999": NO_CLOCK + "a budget about 25,000,000 instructions "
        "either way; which of the instruction and wall-clock limits ends a loop depends on the "
        "machine",
        "evaluate_rockspec: arith INSTRUCTION_LIMIT // HOOK_INTERVAL -> INSTRUCTION_LIMIT * "
        "HOOK_INTERVAL": NO_CLOCK
        + "with a budget of 25,000,000,000 hooks an endless loop is still "
        "ended, by the 0.5 s wall-clock limit",
        "TIME_LIMIT: constant 0.5 -> 1.5": NO_CLOCK + "a rockspec is stopped after 1.5 s instead "
        "of 0.5 s",
        "_refuse_attributes: delete raise AttributeError(name) -> pass": "no Python object is "
        "reachable from the rockspec (the clock is an upvalue of the runner's hook), so lupa never "
        "asks the filter; it is defence in depth",
        "evaluate_rockspec: compare newline < 0 -> newline <= 0": "the content starts with '#', so "
        "a newline is at index 1 or later: < 0, <= 0 and < 1 agree",
        "evaluate_rockspec: constant 0 -> 1": "the content starts with '#', so a newline is at "
        "index 1 or later: < 0, <= 0 and < 1 agree",
        "evaluate_rockspec.register_eval: constant False -> True": "it adds python.eval to the "
        "runtime's globals, which the rockspec never sees: its chunk runs in an empty environment",
        "evaluate_rockspec.register_builtins: constant False -> True": "it adds `python` to the "
        "runtime's globals, which the rockspec never sees: its chunk runs in an empty environment",
        "evaluate_rockspec: delete raise InvalidRockspec(f'{EVAL_FAILED}: not enough memory') "
        "from error -> pass": "Lua runs the rockspec only inside the coroutine, whose errors come "
        "back as values, and the runner frees its 256 KiB reserve before it reports; copying the "
        "result allocates nothing in Lua, so this handler is defence in depth",
        "_Copier.copy: delete return value -> pass #2": "a bool falls through to the number "
        "branch, which returns it unchanged (bool is an int, and finite)",
        **{
            f"_sort_key: {change}": "the key only makes numbers and strings sortable together: "
            "keys that are exactly 1..n sort to 1..n whichever group comes first, and any string "
            "key makes the table a dict"
            for change in [
                "negate isinstance(key, int | float) -> not isinstance(key, int | float)",
                "constant 0 -> 1",
                "constant 0 -> -1",
                "constant 1 -> 2",
                "constant 1 -> 0",
                "constant 0 -> 1 #2",
                "constant 0 -> -1 #2",
            ]
        },
        "Dependency.frozen: constant True -> False": "nothing changes a Dependency after parsing",
        "Rockspec.frozen: constant True -> False": "nothing changes a Rockspec after parsing",
    },
    "releases/versions.py": {
        "parse_version.maxsize: constant 65536 -> 65537": "the size of a cache, not an answer",
        "parse_version.maxsize: constant 65536 -> 65535": "the size of a cache, not an answer",
        "lua_dependency_allows.maxsize: constant 4096 -> 4097": "the size of a cache, not an answer",
        "lua_dependency_allows.maxsize: constant 4096 -> 4095": "the size of a cache, not an answer",
        "_lt: compare ai < bi -> ai <= bi": "it runs only when ai != bi, where <= and < agree",
        "compare_versions: compare ai < bi -> ai <= bi": "it runs only when ai != bi, where <= and "
        "< agree",
        "sort_versions.default: constant 0 -> 1": "the default width applies to an empty list, "
        "which sorts to [] whatever the width",
        "sort_versions.default: constant 0 -> -1": "the default width applies to an empty list, "
        "which sorts to [] whatever the width",
        "Constraint.frozen: constant True -> False": "constraints are built per parse and never "
        "changed (unlike versions, they are not cached)",
        "sort_versions: constant 0 -> -1": "revision 0 is falsy, so it and a missing revision both "
        "take the default, which sorts below every revision from 1 up whether it is 0 or -1",
    },
    "releases/selectors.py": {
        "_thumbnail_file: constant 1 -> 2": "on SQLite a scalar subquery takes its first row, so "
        "[:2] reads the same thumbnail; PostgreSQL refuses a two-row subquery, and the same tests "
        "run there (DATABASE_URL) fail on it",
        "latest_release_id: constant 1 -> 2": ONE_ROW + "release (test_package_list.py::"
        "test_release_is_the_highest_approved_finished_release: two compatible releases; "
        "checked: CardinalityViolation on PostgreSQL)",
        "rock_used_by: constant 1 -> 2": ONE_ROW + "version (test_used_by_lists_up_to_"
        "fifty_public_rocks_whose_newest_version_depends: rocks with two versions; checked: "
        "CardinalityViolation on PostgreSQL)",
        "zip_size: constant 0 -> -1": "a release has one zip at most (the unique constraint "
        "releases_file_unique_arch on release, kind and the empty arch): its last is its first",
        "game_support_rows: delete return [] -> pass": "without the early return the next query "
        "filters on pk__in=[] over an empty dict, which Django answers without a query: the same "
        "[] for the same one query",
    },
    "packages/selectors.py": {
        "package_by_key: constant False -> True": "`detailed` by default only prefetches more "
        "(licenses, maintainers, tags, screenshots) for the callers that do not ask for it: the "
        "same package with the same fields, in more queries",
        "package_for_action: constant False -> True #4": "the default of getattr(found, "
        "'shadowed', ...) is never read: the query above always annotates `shadowed`",
        "resolve_luanti_version: constant 1 -> 2": "split('-', 2)[0] is split('-', 1)[0] for "
        "every string: a second split cuts after the part that is kept",
        "resolve_luanti_version: delete return None -> pass": "the function's last statement: "
        "falling off its end returns None too",
    },
    "packages/permissions.py": {
        "_rank: rank Rank.ADMIN -> Rank.MODERATOR": "no rule asks for more than MODERATOR, and a "
        "superuser may act on any other account whatever its rank: a superuser counted as "
        "MODERATOR gets every answer an ADMIN gets",
    },
}
