"""Hostile uploads: each gets a JSON 4xx naming the reason and the line, stays within the sandbox
limits, and changes nothing.

The sandbox limits (releases/rockspecs.py) are 25,000,000 Lua instructions, 250,000 steps of the
string library, 16 MiB of Lua memory and 0.5 s of wall clock per rockspec. How long each hostile
family takes is measured in `bench/upload_checks_bench.py` (which evaluates these same bodies),
never asserted here: a loaded machine stretches wall-clock time, so where the wall clock could end
a family first its reason is one of two.
"""

import random

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from lupa import lua51

from releases import rockspecs
from releases.rockspecs import MAX_ROCKSPEC_SIZE
from tests.luarocks.upload_support import Snapshot, rockspec_text, secret, upload

__all__ = ["secret", "upload"]

pytestmark = pytest.mark.django_db

PARSE = "Failed to parse rockspec"
EVAL = "Failed to eval rockspec"
COMPLEX = "Invalid rockspec (too complex)"
INVALID_CHARS = (
    "contains invalid characters, only alphanumeric, period, underscore, and hyphen allowed"
)
VALID_HEAD = 'package = "foo"\nversion = "1.0-1"\n'


def refused(upload, secret, content: bytes, message: str | tuple, status: int = 400) -> None:
    """Refused with `message` (or one of them), nothing stored."""
    before = Snapshot()
    response = upload(secret, content)
    assert response.status_code == status
    messages = message if isinstance(message, tuple) else (message,)
    assert response.json() in [{"errors": [m]} for m in messages]
    before.assert_unchanged()


def at_line_3(reason: str, failed: str = EVAL) -> str:
    """The message for a reason on the line after VALID_HEAD's two."""
    return f'{failed}: [string "rockspec"]:3: {reason}'


LIMITED = (at_line_3("instruction limit reached"), at_line_3("time limit reached"))


ENDLESS_LOOPS = [
    "while true do end",
    "repeat until false",
    "local function f() return f() end f()",
    "local i = 0 while true do i = i + 1 end",
    "for i = 1, 1e300 do local x = i * 2 end",
]


@pytest.mark.parametrize("body", ENDLESS_LOOPS)
def test_endless_loops_hit_the_instruction_limit(upload, secret, body):
    refused(upload, secret, (VALID_HEAD + body).encode(), LIMITED)


STRING_BOMBS = [
    ('x = ("x"):rep(1e9)', at_line_3("string too long")),
    ('x = string.rep("x", 1e9)', at_line_3("attempt to index global 'string' (a nil value)")),
    ('local s = "x" s.rep(s, 1e9)', at_line_3("string too long")),
    (
        'x = (""):rep(1e18)',
        at_line_3("string too long"),
    ),  # no allocation: only the count is bounded
    (
        'local s = ("x"):rep(65536) for i = 1, 1e9 do local t = s:upper() end',
        at_line_3("string functions too costly"),
    ),
    (
        'local s = "xxxxxxxx" for i = 1, 40 do s = s .. s end x = s',
        at_line_3("not enough memory"),
    ),
    (
        'local s = "xxxxxxxx" for i = 1, 21 do s = s .. s end for i = 1, 1e9 do local t = s .. i end',
        (at_line_3("not enough memory"), *LIMITED),  # concatenation costs no step
    ),
]


@pytest.mark.parametrize(("body", "message"), STRING_BOMBS)
def test_string_bombs_are_stopped(upload, secret, body, message):
    refused(upload, secret, (VALID_HEAD + body).encode(), message)


PATTERN_BOMBS = [
    'x = ("a"):rep(256):find(("a-"):rep(20) .. "b")',  # backtracking: hours if it ran
    'x = ("a"):rep(5000):match(("a*"):rep(20) .. "b")',
    'x = ("a"):rep(65536):match(".-b")',
    'local s = ("a"):rep(256) for i = 1, 1e9 do x = s:gsub(".-.-b", "") end',
    'x = ("a"):rep(65536):find(("a"):rep(30000) .. "b", 1, true)',
]


@pytest.mark.parametrize("body", PATTERN_BOMBS)
def test_pattern_bombs_are_refused_by_their_cost(upload, secret, body, monkeypatch):
    """The step budget ends each (the wall clock is lifted: only the count may end them here)."""
    monkeypatch.setattr(rockspecs, "TIME_LIMIT", 3600.0)
    refused(upload, secret, (VALID_HEAD + body).encode(), at_line_3("pattern too costly"))


def test_string_methods_of_real_rockspecs_work(upload, secret):
    extra = (
        'source.tag = "v" .. version:match("^([^-]+)")\n'
        'local versionNumber = version:gsub("^(.*)-.-$", "%1")\n'
        'source.url = source.url:gsub(version:match("(.+)-%d+"), versionNumber)\n'
        'description.summary = ("%s for %s"):format("Bindings", package:upper())\n'
        'description.detailed = ("="):rep(20)\n'
    )
    response = upload(secret, rockspec_text("foo", "1.2.3-1", extra=extra))
    assert response.status_code == 200
    from packages.models import Package

    package = Package.objects.get()
    assert package.short_description == "Bindings for FOO"
    assert package.long_description == "=" * 20


TABLE_BOMBS = [
    "t = {} for i = 1, 1e9 do t[i] = i end",
    "t = {} for i = 1, 1e9 do t[i] = {i, i, i} end",
    "local a = {} for i = 1, 1e9 do a = {a, a} end x = a",
    'local s = "x" t = {} for i = 1, 1e9 do t[s .. i] = true end',
]


@pytest.mark.parametrize("body", TABLE_BOMBS)
def test_table_bombs_are_stopped(upload, secret, body):
    refused(
        upload, secret, (VALID_HEAD + body).encode(), (at_line_3("not enough memory"), *LIMITED)
    )


@pytest.mark.parametrize(
    "body",
    [
        "t = {} t.self = t",
        "local a = {} for i = 1, 40 do a = {a} end x = a",
        "t = {} for i = 1, 60000 do t[i] = i end",
    ],
)
def test_results_too_deep_cyclic_or_large_to_copy_are_refused(upload, secret, body):
    refused(upload, secret, (VALID_HEAD + body).encode(), COMPLEX)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('os.execute("touch /tmp/pwned")', "attempt to index global 'os' (a nil value)"),
        ('io.open("/etc/passwd")', "attempt to index global 'io' (a nil value)"),
        ('require "os"', "attempt to call global 'require' (a nil value)"),
        ('load("return 1")()', "attempt to call global 'load' (a nil value)"),
        ('loadstring("return 1")()', "attempt to call global 'loadstring' (a nil value)"),
        ('dofile("/etc/passwd")', "attempt to call global 'dofile' (a nil value)"),
        ("setfenv(1, {})", "attempt to call global 'setfenv' (a nil value)"),
        (
            'getmetatable("").__index.rep("x", 10)',
            "attempt to call global 'getmetatable' (a nil value)",
        ),
        ('x = ("").dump(print)', "string.dump is not available in a rockspec"),
        ("x = string.format", "attempt to index global 'string' (a nil value)"),
        ("x = _G.os", "attempt to index global '_G' (a nil value)"),
        ("debug.getinfo(1)", "attempt to index global 'debug' (a nil value)"),
        ("collectgarbage()", "attempt to call global 'collectgarbage' (a nil value)"),
        ("rawset({}, 1, 1)", "attempt to call global 'rawset' (a nil value)"),
        ("coroutine.create(print)", "attempt to index global 'coroutine' (a nil value)"),
        ("print 'x'", "attempt to call global 'print' (a nil value)"),
        ('error("boom")', "attempt to call global 'error' (a nil value)"),
        ("x = nil + 1", "attempt to perform arithmetic on a nil value"),
    ],
)
def test_escapes_find_an_empty_environment(upload, secret, body, reason):
    refused(upload, secret, (VALID_HEAD + body).encode(), at_line_3(reason))


def test_precompiled_bytecode_is_refused(upload, secret):
    lua = lua51.LuaRuntime(encoding=None)
    bytecode = lua.execute(b'return string.dump(function() package = "foo" end)')
    assert bytecode.startswith(b"\x1bLua")
    message = f"{PARSE}: precompiled Lua (bytecode) is not accepted"
    refused(upload, secret, bytecode, message)
    # after a shebang line the bytes are read as source text (the line's newline is kept)
    after_shebang = f"{PARSE}: [string \"rockspec\"]:2: unexpected symbol near 'char(27)'"
    refused(upload, secret, b"#!/usr/bin/lua\n" + bytecode, after_shebang)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_binary_garbage_does_not_parse(upload, secret, seed):
    garbage = random.Random(seed).randbytes(64 * 1024)
    before = Snapshot()
    response = upload(secret, garbage)
    assert response.status_code == 400
    (message,) = response.json()["errors"]
    assert message.startswith(f'{PARSE}: [string "rockspec"]:')
    assert message.isprintable() and len(message) < 400
    before.assert_unchanged()


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n\t\n", b"#!/usr/bin/env lua", b"-- nothing here\n"],
)
def test_empty_rockspecs_lack_a_package(upload, secret, content):
    refused(upload, secret, content, "Invalid rockspec (missing package)")


def test_oversized_rockspec_is_refused_before_evaluation(upload, secret):
    content = rockspec_text() + b"-- " + b"x" * MAX_ROCKSPEC_SIZE + b"\n"
    refused(upload, secret, content, f"Invalid rockspec (larger than {MAX_ROCKSPEC_SIZE} bytes)")


def test_twenty_megabyte_body_is_a_json_413(client, secret):
    before = Snapshot()
    content = rockspec_text() + b"-- " + b"x" * (20 * 1024 * 1024) + b"\n"
    response = client.post(
        f"/api/1/{secret}/upload", {"rockspec_file": SimpleUploadedFile("foo.rockspec", content)}
    )
    assert response.status_code == 413
    assert response.json() == {
        "errors": [f"Request body too large (limit {settings.MAX_ROCKSPEC_UPLOAD_SIZE} bytes)"]
    }
    before.assert_unchanged()


@pytest.mark.parametrize(
    ("package", "message"),
    [
        (None, "Invalid rockspec (missing package)"),
        ('""', "Invalid rockspec (blank package)"),
        ("false", "Invalid rockspec (missing package)"),
        ('"föö"', "Invalid rockspec (invalid package name, ascii only)"),
        ('"пакет"', "Invalid rockspec (invalid package name, ascii only)"),
        ('"foo/bar"', f"Invalid rockspec (package name {INVALID_CHARS})"),
        ('"../foo"', f"Invalid rockspec (package name {INVALID_CHARS})"),
        ('"foo bar"', f"Invalid rockspec (package name {INVALID_CHARS})"),
        ('"foo\\0bar"', f"Invalid rockspec (package name {INVALID_CHARS})"),
        ('"foo\\\\bar"', f"Invalid rockspec (package name {INVALID_CHARS})"),
        ('"foo\\"]] os.exit() --"', f"Invalid rockspec (package name {INVALID_CHARS})"),
        ('"' + "a" * 256 + '"', f"Invalid rockspec (package name {INVALID_CHARS})"),
        ("42", f"Invalid rockspec (package name {INVALID_CHARS})"),
        ("{}", f"Invalid rockspec (package name {INVALID_CHARS})"),
        ('".."', "package name has invalid characters"),
        ('"foo..bar"', "package name has invalid characters"),
    ],
)
def test_bad_package_names_are_refused(upload, secret, package, message):
    line = f"package = {package}\n" if package is not None else ""
    refused(upload, secret, (line + 'version = "1.0-1"\n').encode(), message)


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (None, "Invalid rockspec (missing version)"),
        ('""', "Invalid rockspec (blank version)"),
        ('"1.0-1é"', "Invalid rockspec (invalid version name, ascii only)"),
        ('"1.0/1-1"', f"Invalid rockspec (version name {INVALID_CHARS})"),
        ('"1.0 -1"', f"Invalid rockspec (version name {INVALID_CHARS})"),
        ('"1..0-1"', "version name has invalid characters"),
        ('"0.4.0"', "Invalid rockspec (version must end with -<revision>, e.g. 1.0-1)"),
        ('"1.0-"', "Invalid rockspec (version must end with -<revision>, e.g. 1.0-1)"),
        ('"-1"', "Invalid rockspec (version must end with -<revision>, e.g. 1.0-1)"),
        ('"scm"', "Invalid rockspec (version must end with -<revision>, e.g. 1.0-1)"),
        # a dash or an underscore before the revision: the file name would read back another way
        ('"victim-1.0-1"', rockspecs.INVALID_VERSION),
        ('"1.0_beta-1"', rockspecs.INVALID_VERSION),
    ],
)
def test_bad_versions_are_refused(upload, secret, version, message):
    line = f"version = {version}\n" if version is not None else ""
    refused(upload, secret, ('package = "foo"\n' + line).encode(), message)


@pytest.mark.parametrize("keyword", ["end", "nil", "goto", "function", "and", "return"])
def test_lua_keywords_are_valid_package_names(upload, secret, keyword):
    response = upload(secret, rockspec_text(keyword, "1.0-1"))
    assert response.status_code == 200
    assert response.json()["module"]["name"] == keyword
    assert response.json()["version"]["rockspec_fname"] == f"{keyword}-1.0-1.rockspec"


def test_wrong_multipart_field_name_is_refused(client, secret):
    before = Snapshot()
    for field in ("rock_file", "file", "rockspec_file[]", "Rockspec_file"):
        response = client.post(
            f"/api/1/{secret}/upload", {field: SimpleUploadedFile("foo-1.0-1.rockspec", b"x")}
        )
        assert response.status_code == 400
        assert response.json() == {"errors": ["Missing file: rockspec_file"]}
    before.assert_unchanged()


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"garbage", "multipart/form-data", "Malformed multipart body"),  # no boundary
        (
            b'--X\r\nContent-Disposition: form-data; name="rockspec_file"; filename="a"\r\n\r\nno end',
            "multipart/form-data; boundary=X",
            "Missing file: rockspec_file",  # Django drops the unterminated part
        ),
    ],
)
def test_malformed_multipart_body_is_a_json_400(client, secret, body, content_type, message):
    before = Snapshot()
    response = client.post(f"/api/1/{secret}/upload", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == {"errors": [message]}
    before.assert_unchanged()


def test_a_long_lua_message_is_cut_to_three_hundred_characters(upload, secret):
    prefix = "Failed to parse rockspec: "

    def reason(length: int) -> str:  # Lua's message quotes the whole unfinished string
        body = VALID_HEAD + 'x = "' + "a" * length + "\n"
        response = upload(secret, body.encode())
        assert response.status_code == 400
        (message,) = response.json()["errors"]
        assert message.startswith(prefix)
        return message[len(prefix) :]

    overhead = len(reason(10)) - 10
    fits = rockspecs.MAX_REASON - overhead
    assert len(reason(fits)) == rockspecs.MAX_REASON  # whole, at exactly the limit
    assert "a" * fits in reason(fits)
    cut = reason(fits + 1)
    assert (len(cut), cut[-4:]) == (rockspecs.MAX_REASON, "a...")
