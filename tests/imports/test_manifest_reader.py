"""The manifest reader reads what rocks servers write as data and refuses everything else."""

import pytest

from registry.common.imports import Outcome, Progress, Report
from registry.luarocks.lua import lua_manifest
from registry.luarocks.manifest_reader import ManifestSyntaxError, read_manifest


def test_reads_back_what_our_manifest_writer_writes():
    repository = {
        "lua-cjson": {"2.1.0-1": ["rockspec", "src"], "2.1.0.10-1": ["rockspec"]},
        'odd"name\\é': {"1.0-1": ["all"]},
        "end": {"scm-1": ["rockspec"]},  # a Lua keyword as a key
    }
    read = read_manifest(lua_manifest(repository).encode())
    assert read["commands"] == [] and read["modules"] == []
    assert {
        name: {version: [e["arch"] for e in entries] for version, entries in versions.items()}
        for name, versions in read["repository"].items()
    } == repository


def test_reads_what_luarocks_admin_writes():
    text = b"""commands = {}
modules = {}
repository = {
   alpha = {
      ["1.0-1"] = {
         {
            arch = "rockspec"
         },
         {
            arch = "src"
         }
      }
   },
   ["beta-lib"] = {
      ["0.1-1"] = {
         {
            arch = "rockspec"
         }
      }
   }
}
"""
    assert read_manifest(text)["repository"]["beta-lib"] == {"0.1-1": [{"arch": "rockspec"}]}


def test_literals_comments_and_escapes():
    text = (
        b"-- a comment\n--[==[ a long\ncomment ]==]\n"
        b"x = { 1, -2.5, 0x1F, true, false, nil, 'a\\tb', \"\\65\\066\\0677\", [[\nlong]] };\n"
        b'y = { k = "v", ["k 2"] = { 1 }, 3 }'
    )
    read = read_manifest(text)
    assert read["x"] == [1, -2.5, 31, True, False, None, "a\tb", "ABC7", "long"]
    assert read["y"] == {"k": "v", "k 2": [1], 1: 3}


@pytest.mark.parametrize(
    "text",
    [
        b"repository = os.execute('id')",
        b"repository = {a = b}",
        b"repository = setmetatable({}, {})",
        b"repository = {} .. {}",
        b'repository = "unfinished',
        b"repository = {1 2}",
        b"function f() end",
        b"repository = " + b"{" * 100 + b"}" * 100,
        b'repository = "\\999"',
    ],
)
def test_anything_but_data_is_refused(text):
    with pytest.raises(ManifestSyntaxError):
        read_manifest(text)


def test_report_lines_and_progress_on_a_pipe():
    import io

    report = Report()
    report.add("rockspec", "a-1.0-1.rockspec", Outcome.IMPORTED)
    report.add("rockspec", "b-1.0-1.rockspec", Outcome.REFUSED, "Failed to parse rockspec")
    out = io.StringIO()
    report.write(out)
    assert out.getvalue().splitlines() == [
        "imported  rockspec   a-1.0-1.rockspec",
        "refused   rockspec   b-1.0-1.rockspec: Failed to parse rockspec",
        "Done: 1 imported, 0 updated, 0 unchanged, 0 skipped, 1 refused.",
    ]
    err = io.StringIO()
    progress = Progress(total=120, stream=err)
    for n in range(120):
        progress.step(f"item{n}")
    assert err.getvalue().splitlines() == [
        "[ 50/120] item49",
        "[100/120] item99",
        "[120/120] item119",
    ]
