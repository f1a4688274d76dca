"""Frames written to a folder: the frames in the asked format, ``manifest.json`` (the frames in
order: file, kind, node, title, equations) and ``derivation.md`` / ``derivation.tex`` beside
them. Everything is rendered before anything is written, and every file is written whole or
not at all (``folder.OutputFolder``)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..derive.documents import derivation_latex, derivation_markdown
from ..eval.backward import Backward
from ..render.figure import render_frames
from .folder import OutputFolder

__all__ = ["Export", "export"]


@dataclass(frozen=True)
class Export:
    """What ``export`` wrote."""

    folder: Path
    files: tuple[Path, ...]  # the frames, in order
    manifest: Path
    derivation: tuple[Path, ...]  # Markdown, LaTeX (none for an exercise's questions)

    @property
    def final(self) -> Path:
        """The final frame (every gradient)."""
        return self.files[-1]


def export(result: Backward, folder: str | os.PathLike, *, format: str = "svg", dpi: int | None = None,
           which: str = "all", renderer: str = "auto", caption: bool = True, wrt: str | None = None,
           derivation: bool = True, force: bool = False) -> Export:
    """Render and write the frames, ``manifest.json`` and (unless ``derivation`` is false, as
    for an exercise's questions) the derivation files into ``folder``. ``wrt`` highlights the
    paths to one input and limits the derivation to its gradient. Files there that gradviz
    did not create are refused unless ``force``."""
    out = OutputFolder(folder, force=force)
    rendered = render_frames(result, format=format, dpi=dpi, which=which, renderer=renderer, caption=caption,
                             wrt=wrt)
    texts = {"derivation.md": derivation_markdown(result, wrt), "derivation.tex": derivation_latex(result, wrt)}
    texts = texts if derivation else {}
    manifest = {"formula": result.graph.source, "output": result.graph.output, "format": format,
                "values": result.values is not None,
                "frames": [item.frame.manifest_entry(result.graph, item.filename) for item in rendered]}
    files = {item.filename: item.data for item in rendered}
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files.update((name, text.encode("utf-8")) for name, text in texts.items())
    paths = out.write_all(files)
    count = len(rendered)
    return Export(out.folder, tuple(paths[:count]), paths[count], tuple(paths[count + 1 :]))
