"""``gradviz slides --format pptx``: a 16:9 PowerPoint deck that python-pptx reads back, whose
pictures stay on the slide, and that LibreOffice Impress turns into non-blank pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from tools import soffice

import gradviz
from gradviz.outputs.powerpoint import SLIDE_HEIGHT, SLIDE_WIDTH, write_pptx

LECTURE = "(θ1θ2x − y)²"
AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    return write_pptx(gradviz.parse(LECTURE).backward(AT), tmp_path_factory.mktemp("deck"))


@pytest.mark.slow
def test_one_slide_per_frame_then_the_derivation_pages(deck) -> None:
    pages = [p for p in deck.export.images if "page" in p.name]
    shown = Presentation(str(deck.pptx))
    assert (shown.slide_width, shown.slide_height) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    assert SLIDE_WIDTH * 9 == SLIDE_HEIGHT * 16
    assert len(shown.slides) == len(deck.export.files) + len(pages) == 7 + 2
    titles = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in shown.slides]
    assert titles[0] == "Computational graph of L" and titles[5] == "Backward step 4 of 4: a = θ1·θ2"
    assert titles[-2:] == ["Derivation, page 1 of 2", "Derivation, page 2 of 2"]
    for slide in list(shown.slides)[:7]:
        assert sum(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes) == 2  # the figure, the equations


@pytest.mark.slow
def test_pictures_fit_inside_the_slide_keeping_their_aspect(deck) -> None:
    for slide in Presentation(str(deck.pptx)).slides:
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= SLIDE_WIDTH
            assert 0 <= shape.top and shape.top + shape.height <= SLIDE_HEIGHT
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                w, h = shape.image.size
                assert shape.width / shape.height == pytest.approx(w / h, rel=0.01)
    pictures = [s for s in Presentation(str(deck.pptx)).slides[5].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    figure, equations = sorted(pictures, key=lambda s: s.top)
    assert figure.top + figure.height <= equations.top  # the equations under the figure
    assert equations.width == pytest.approx(equations.image.size[0] * 914400 / 150, rel=0.01)  # not shrunk


@pytest.mark.slow
def test_impress_converts_the_deck_to_pages_that_are_not_blank(deck, tmp_path) -> None:
    office, pdftoppm = soffice()
    done = subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck.pptx)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0 and (tmp_path / "slides.pdf").exists(), done.stdout + done.stderr
    subprocess.run([pdftoppm, "-r", "40", "-png", str(tmp_path / "slides.pdf"), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 9
    for page in pages:
        gray = np.asarray(Image.open(page).convert("L"))
        assert gray.shape[1] * 9 == pytest.approx(gray.shape[0] * 16, rel=0.02)
        assert (gray < 128).mean() > 0.003, page.name  # ink: text and pictures, not an empty slide


@pytest.mark.slow
def test_the_readme_command_writes_a_deck_in_a_real_process(tmp_path) -> None:
    main = [sys.executable, "-c", "from gradviz.cli import main; main()"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(main + ["slides", LECTURE, "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", str(tmp_path / "OUT"),
                                  "--format", "pptx"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "slides.pptx with 7 frames" in done.stdout
    assert len(Presentation(str(tmp_path / "OUT" / "slides.pptx")).slides) == 9
