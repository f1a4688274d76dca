"""Figures of a backward pass: scene (what to draw), frames (the sequence), layout (one for
all frames, positions pinned), backends (pygraphviz in-process or the system ``dot``) and
export (files, ``manifest.json``, derivation). Imports are lazy: this package loads nothing
heavy until a function is used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["render_frames", "FORMATS", "RENDERERS", "FRAME_CHOICES"]

FORMATS = ("svg", "png", "pdf", "dot")
RENDERERS = ("auto", "pygraphviz", "dot")
FRAME_CHOICES = ("all", "final")


def __getattr__(name: str) -> Any:
    if name == "render_frames":  # the writer is gradviz.render.export.export (the module shares its name)
        import importlib

        return importlib.import_module(".export", __name__).render_frames
    raise AttributeError(f"module 'gradviz.render' has no attribute {name!r}")
