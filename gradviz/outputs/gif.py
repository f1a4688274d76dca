"""An animated GIF of the frames (Pillow): every frame at a readable size, looping, with a
longer pause on the last frame (every gradient)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Sequence

from ..errors import GradvizError
from ..eval.backward import Backward
from ..eval.tangents import Tangents
from ..render.budget import png_dpi
from ..render.figure import Figure
from ..render.style import Style
from .folder import write_file

__all__ = ["gif_bytes", "write_gif", "is_gradviz_gif", "GIF_WIDTH", "FRAME_MS", "LAST_FRAME_MS", "GIF_MARK"]

GIF_WIDTH = 1200  # pixels: readable on a projector and in a course page, small enough to load
FRAME_MS = 2000  # time on each frame
LAST_FRAME_MS = 5000  # time on the final frame before the loop starts again
GIF_MARK = b"made by gradviz"  # the GIF's comment: a file that carries it may be replaced by the next run
_GIF_DPI = 110  # png resolution the frames are drawn at before scaling to GIF_WIDTH


def gif_bytes(pngs: Sequence[bytes], *, width: int = GIF_WIDTH, frame_ms: int = FRAME_MS,
              last_frame_ms: int = LAST_FRAME_MS) -> bytes:
    """PNG frames (all of one size: the layout is pinned) as one looping GIF ``width`` pixels wide."""
    from PIL import Image

    images = []
    for data in pngs:
        image = Image.open(io.BytesIO(data)).convert("RGB")
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        images.append(image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))
    durations = [frame_ms] * (len(images) - 1) + [last_frame_ms]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   optimize=False, disposal=1, comment=GIF_MARK)
    return out.getvalue()


def write_gif(result: Backward, path: str | os.PathLike, *, renderer: str = "auto",
              wrt: str | None = None, width: int = GIF_WIDTH, force: bool = False, style: Style | None = None,
              tangents: Tangents | None = None) -> Path:
    """Render every frame of ``result`` (with ``tangents``: forward mode's frames) and write them as
    one GIF to ``path``, nothing beside it (a file there that gradviz did not write is refused unless
    ``force``)."""
    target = Path(path)
    if target.suffix.lower() != ".gif":
        raise GradvizError(f"the animation is a GIF: give a file name ending in .gif, not {target.name!r}")
    figure = Figure(result, renderer=renderer, wrt=wrt, style=style, tangents=tangents)
    dpi = png_dpi(figure.layout.size, len(figure.frames), default=_GIF_DPI)  # lowered to fit the pixel budget
    data = gif_bytes([f.data for f in figure.render_all(figure.frames, "png", dpi)], width=width)
    return write_file(target, data, ours=is_gradviz_gif, force=force)


def is_gradviz_gif(head: bytes) -> bool:
    """Whether a file's first bytes are a GIF gradviz wrote (its comment extension, before the
    first frame, carries ``GIF_MARK``)."""
    return head.startswith(b"GIF8") and b"\x21\xfe" + bytes([len(GIF_MARK)]) + GIF_MARK in head
