"""Shared test fixtures: golden files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """``golden(name, text)`` asserts that ``text`` equals ``tests/golden/name``; with
    ``GRADVIZ_REGEN_GOLDEN=1`` it rewrites the file instead (review the diff by eye)."""
    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("GRADVIZ_REGEN_GOLDEN"):
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"{name} differs (GRADVIZ_REGEN_GOLDEN=1 rewrites it)"
    return check
