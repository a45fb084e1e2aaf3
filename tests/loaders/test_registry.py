"""The format registry: every reader is registered, and a broken install fails loudly."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from loaders import FORMATS, KINDS, formats_for, get_format

#: Runs the CLI with one reader module raising ImportError, as a missing dependency of it would.
_BROKEN_READER = textwrap.dedent("""
    import sys
    from importlib.abc import MetaPathFinder

    class Broken(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == sys.argv[1]:
                raise ImportError(f"No module named 'some_dependency' (needed by {name})", name=name)
            return None

    sys.meta_path.insert(0, Broken())
    from graphkit.cli.main import main
    main(sys.argv[2:])
""")


def _run_with_broken(module: str, *args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _BROKEN_READER, module, *args],
        capture_output=True, text=True, timeout=120, cwd=cwd,
    )


def test_every_kind_has_formats_and_every_format_a_known_kind():
    for kind in KINDS:
        assert formats_for(kind), kind
    for fmt in FORMATS:
        assert set(fmt.kinds) <= set(KINDS), fmt.name


def test_platform_formats_are_registered_without_asking_for_them():
    names = {f.name for f in FORMATS}
    assert {"instagram-json", "x-archive", "tiktok-json", "tiktok-txt", "instagram-download",
            "x-download", "tiktok-download", "snap-ego"} <= names


def test_old_names_of_the_download_kind_and_formats_still_work():
    assert get_format("tiktok-export", "export").name == "tiktok-download"
    assert [f.name for f in formats_for("export")] == [f.name for f in formats_for("download")]


@pytest.mark.parametrize("module", ["loaders.tiktok", "loaders.x_archive", "loaders.edges"])
def test_a_reader_that_cannot_be_imported_stops_formats_with_one_line(module, tmp_path):
    result = _run_with_broken(module, "formats", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "installed incompletely" in lines[0] and module in lines[0] and "some_dependency" in lines[0]
    assert "graphkit load" not in result.stdout  # no partial list of formats


def test_a_reader_that_cannot_be_imported_stops_a_load(tmp_path):
    listing = tmp_path / "acme.txt"
    listing.write_text("ann\nbob\n")
    result = _run_with_broken("loaders.tiktok", "-w", str(tmp_path / "ws"), "load", "followers",
                              str(listing), "--of", "acme", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "loaders.tiktok" in result.stderr
    assert not (tmp_path / "ws").exists() or not any((tmp_path / "ws").iterdir())


def test_the_same_commands_work_when_nothing_is_broken(tmp_path):
    result = _run_with_broken("loaders.no_such_reader", "formats", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "tiktok-json" in result.stdout and "x-archive" in result.stdout
