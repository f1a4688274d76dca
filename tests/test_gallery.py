"""The committed gallery is what `gradviz gallery` builds: its DOT sources are not stale."""

from __future__ import annotations

import pytest

from pathlib import Path

from gradviz.outputs.gallery import ENTRIES, build

GALLERY = Path(__file__).resolve().parent.parent / "gallery"


@pytest.mark.slow
def test_committed_dot_sources_are_current(tmp_path) -> None:
    built = {p.relative_to(tmp_path) for p in build(tmp_path, dot_only=True) if p.suffix == ".dot"}
    committed = {p.relative_to(GALLERY) for p in GALLERY.rglob("*.dot")}
    assert built == committed, "the gallery is stale: run `gradviz gallery gallery/` and commit it"
    stale = [str(p) for p in sorted(built) if (tmp_path / p).read_bytes() != (GALLERY / p).read_bytes()]
    assert not stale, f"stale DOT sources (run `gradviz gallery gallery/`): {stale}"


def test_readme_shows_every_entry_with_its_pictures() -> None:
    readme = (GALLERY / "README.md").read_text(encoding="utf-8")
    for entry in ENTRIES:
        assert f"## {entry.title}" in readme and entry.source in readme
        pictures = list((GALLERY / entry.name).glob("*.png"))
        assert pictures, entry.name
        for picture in pictures:
            assert f"]({entry.name}/{picture.name})" in readme
            assert picture.read_bytes().startswith(b"\x89PNG")
