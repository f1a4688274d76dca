"""``gradviz site DIR``: a static web page that runs gradviz itself in the browser.

The folder needs no server and no network once it is there: it opens from ``file://``, from any
static host (a course page, GitHub Pages) and offline. It vendors pinned versions, each checked
against its SHA-256 before use and kept in a user cache folder (``GRADVIZ_CACHE``, else
``$XDG_CACHE_HOME/gradviz`` or ``~/.cache/gradviz``) so that later builds download nothing:

- the CPython runtime compiled to WebAssembly (the ``pyodide`` package of the npm registry),
- Graphviz compiled to WebAssembly (``@viz-js/viz``, npm), the layout backend there,
- the pure-Python wheels the engine needs (sympy, mpmath, networkx, graphviz; PyPI),
- gradviz itself, zipped from the installed package as its wheel would hold it.

Browsers refuse ``fetch`` of ``file://`` addresses, so every binary is written as a classic
``<script>`` that holds it in base64 (the WebAssembly gzipped), and the page serves them to the
runtime from memory. The modules the page's Python imports are compiled to CPython bytecode at
build time by that same runtime under Node.js (importing sympy from source takes seconds).
Building needs ``npm`` and ``node`` (18 or later) and ``pip`` on PATH, or the cache filled.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import GradvizError
from .folder import OutputFolder, locked, write_atomic

__all__ = ["build_site", "cache_folder", "PINS", "Pin", "SiteBuild", "RUNTIME_PYTHON", "fetched", "unpacked",
           "run_command", "gradviz_files", "zipped", "bundle"]

_HERE = Path(__file__).resolve().parent / "site"
_PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Pin:
    """One vendored download: where it comes from (``npm`` or ``pypi``), its version and checksum."""

    index: str
    name: str
    version: str
    sha256: str
    python: str = "py3"  # a wheel's Python tag (``py2.py3`` for some)

    @property
    def filename(self) -> str:
        if self.index == "npm":
            return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"
        return f"{self.name}-{self.version}-{self.python}-none-any.whl"


PINS = {pin.name: pin for pin in (
    Pin("npm", "pyodide", "314.0.8", "9a52704e0ae5b07aaacb8e4fed9f1658e8024694a078695ea45ac79dee4cefcb"),  # Python 3.14.2
    Pin("npm", "@viz-js/viz", "3.31.0", "7dc0189874849cca2fed7cbe88bf334cd0e6e012db16657794a812ad6f2b8c70"),
    Pin("pypi", "sympy", "1.14.0", "e091cc3e99d2141a0ba2847328f5479b05d94a6635cb96148ccb3f34671bd8f5"),
    Pin("pypi", "mpmath", "1.3.0", "a0b2b9fe80bbcd81a6647ff13108738cfb482d481d826cc0e02f5b35e5c88d2c"),
    Pin("pypi", "networkx", "3.6.1", "d47fbf302e7d9cbbb9e2555a0d267983d2aa476bac30e90dfbe5669bd57f3762"),
    Pin("pypi", "graphviz", "0.21", "54f33de9f4f911d7e84e4191749cac8cc5653f815b06738c54db9a15ab8b1e42"),
)}
RUNTIME_PYTHON = "3.14"  # the vendored runtime's Python: wheels are chosen for it
#: the runtime's files the page loads: (name in the npm tarball, how the site carries it)
_RUNTIME = (("pyodide.js", "script"), ("pyodide.asm.mjs", "classic"), ("pyodide.asm.wasm", "gzip"),
            ("python_stdlib.zip", "gzip"), ("pyodide-lock.json", "json"))  # the zips are stored, gzipped whole
_PAGE_FILES = ("index.html", "page.js", "page.css", "assets.js")
_SECONDS = 600  # the most one download or the compile step may take


@dataclass(frozen=True)
class SiteBuild:
    """What ``build_site`` wrote: the folder and its files with their sizes in bytes."""

    folder: Path
    sizes: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.sizes.values())


def cache_folder() -> Path:
    """Where downloads and compiled bundles are kept between builds."""
    if os.environ.get("GRADVIZ_CACHE"):
        return Path(os.environ["GRADVIZ_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gradviz"


def build_site(folder: str | os.PathLike, *, force: bool = False) -> SiteBuild:
    """Write the static site into ``folder`` (refused when it holds files gradviz did not write,
    unless ``force``)."""
    cache = cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    with locked(cache):  # builds at the same time take turns: the second finds what the first fetched and compiled
        downloads = {name: fetched(pin, cache) for name, pin in PINS.items()}
        runtime = unpacked(downloads["pyodide"], cache)
        viz = unpacked(downloads["@viz-js/viz"], cache)
        packages, stdlib = bundle(runtime, viz, [downloads[p.name] for p in PINS.values() if p.index == "pypi"], cache)
    files: dict[str, bytes] = {name: (_HERE / name).read_bytes() for name in _PAGE_FILES}
    for name, kind in _RUNTIME:
        data = stdlib.read_bytes() if name == "python_stdlib.zip" else (runtime / name).read_bytes()
        files[f"runtime/{_site_name(name, kind)}"] = _carried(name, data, kind, cache)
    files["runtime/viz-global.js"] = (viz / "dist" / "viz-global.js").read_bytes()
    files["runtime/site-packages.zip.js"] = _carried("site-packages.zip", packages.read_bytes(), "gzip", cache)
    files["VERSIONS.json"] = (json.dumps({
        "vendored": {name: {"index": pin.index, "version": pin.version, "sha256": pin.sha256}
                     for name, pin in PINS.items()},
        "site-packages.zip": hashlib.sha256(packages.read_bytes()).hexdigest()}, indent=2) + "\n").encode()
    out = OutputFolder.of(folder, force=force)
    out.write_all(files)
    return SiteBuild(out.folder, {name: len(data) for name, data in files.items()})


def _site_name(name: str, kind: str) -> str:
    return {"script": name, "classic": "pyodide.asm.js"}.get(kind, f"{name}.js")


def _carried(name: str, data: bytes, kind: str, cache: Path) -> bytes:
    """``data`` as the site carries it: a script as it is, the runtime's ES module as a classic
    script, JSON as a script that registers it, other bytes gzipped, as base64 in a script (kept
    in ``cache`` by the checksum of ``data``). zlib's default level: its best (9) makes the runtime's
    files 1 % smaller in four times the time (5 s instead of 1.4 s, again after each change to gradviz)."""
    if kind == "script":
        return data
    if kind == "classic":  # an ES module cannot load from file://; the runtime is one function
        text = data.decode("utf-8")
        if "export default _createPyodideModule;" not in text:
            raise GradvizError("the vendored pyodide.asm.mjs has an unexpected form")
        text = text.replace("import.meta.url", "_gradvizAsmURL")
        text = text.replace("export default _createPyodideModule;", "globalThis._createPyodideModule=_createPyodideModule;")
        return ("var _gradvizAsmURL=document.currentScript.src;\n" + text).encode("utf-8")
    if kind == "json":
        return f"gradvizAssets.json({json.dumps(name)}, {data.decode('utf-8')});\n".encode("utf-8")
    kept = cache / f"carried-{hashlib.sha256(name.encode() + data).hexdigest()[:16]}.js"
    if not kept.exists():
        write_atomic(kept, (f"gradvizAssets.bytes({json.dumps(name)}, \"gzip\", \""
                            + base64.b64encode(gzip.compress(data, 6, mtime=0)).decode("ascii") + "\");\n").encode("ascii"))
    return kept.read_bytes()


def fetched(pin: Pin, cache: Path) -> Path:
    """The pinned file from the cache, or downloaded into it with its package index's own client;
    refused when its SHA-256 differs from the pin."""
    path = cache / pin.filename
    if not path.exists():
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            if pin.index == "npm":
                command = ["npm", "pack", "--silent", f"{pin.name}@{pin.version}", "--pack-destination", tmp]
            else:
                command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                           "--python-version", RUNTIME_PYTHON, f"{pin.name}=={pin.version}", "-d", tmp]
            run_command(command, f"download {pin.name} {pin.version}")
            got = Path(tmp) / pin.filename
            if not got.exists():
                raise GradvizError(f"downloading {pin.name} {pin.version} gave no {pin.filename}")
            _check(got, pin)
            os.replace(got, path)
    _check(path, pin)
    return path


def _check(path: Path, pin: Pin) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != pin.sha256:
        raise GradvizError(f"{path} has SHA-256 {digest}, not the pinned {pin.sha256} of {pin.name} {pin.version}: "
                           "delete it and build again")


def unpacked(tarball: Path, cache: Path) -> Path:
    """The npm tarball's ``package`` folder, unpacked once into the cache."""
    target = cache / tarball.name.removesuffix(".tgz")
    if not (target / "package.json").exists():
        with tempfile.TemporaryDirectory(dir=cache) as tmp, tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
            shutil.rmtree(target, ignore_errors=True)
            os.replace(Path(tmp) / "package", target)
    return target


def gradviz_files() -> dict[str, bytes]:
    """The installed package's files (modules and package data) by their names in its wheel, as
    the browser's gradviz has them: with the figures' glyph widths, without the site builder's files."""
    files = {}
    for path in sorted(_PACKAGE.rglob("*")):
        inside = path.relative_to(_PACKAGE).parts
        if path.is_file() and "__pycache__" not in inside and path.suffix != ".pyc" \
                and inside[:2] != ("outputs", "site"):  # the builder's own files stay out
            files[(Path("gradviz") / path.relative_to(_PACKAGE)).as_posix()] = path.read_bytes()
    files["gradviz/render/glyph_fillers.json"] = _glyph_fillers()
    return files


def zipped(files: dict[str, bytes]) -> bytes:
    """``files`` (name → bytes) as one zip, the same bytes for the same files."""
    with tempfile.SpooledTemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
        buffer.seek(0)
        return buffer.read()


@lru_cache(maxsize=1)
def _glyph_fillers() -> bytes:
    """``render/glyph_fillers.json`` of the site's gradviz: for each character of DejaVu Sans (the
    figures' font) beyond ASCII, up to the Arrows-to-Misc-Symbols blocks, the one or two ASCII
    letters whose widths add up closest to its own (read from matplotlib's copy of the font)."""
    try:
        import matplotlib
        import numpy as np
        from fontTools.ttLib import TTFont
    except ImportError:
        raise GradvizError("gradviz site reads the figures' font from matplotlib: pip install matplotlib") from None
    font = TTFont(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    cmap, metrics, unit = font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm
    width = {chr(code): metrics[glyph][0] / unit for code, glyph in cmap.items()}
    letters = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c in width]
    sums = sorted({width[a] + width[b]: a + b for a in letters for b in letters}.items()
                  | {width[a]: a for a in letters}.items())
    chars = [char for char in width if 127 < ord(char) < 0x2C00]
    wides = np.array([width[char] for char in chars])
    nearest = np.abs(np.array([w for w, _ in sums])[None, :] - wides[:, None]).argmin(axis=1)  # the first closest
    fillers = {char: sums[k][1] if width[char] > 0 else "" for char, k in zip(chars, nearest)}
    return json.dumps(fillers, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def bundle(runtime: Path, viz: Path, wheels: list[Path], cache: Path) -> tuple[Path, Path]:
    """One zip of site-packages (the wheels and gradviz) and the runtime's standard library, their
    imported modules compiled by the vendored runtime (cached by the checksum of all that goes in)."""
    ours = zipped(gradviz_files())
    key = hashlib.sha256(ours + (_HERE / "compile.mjs").read_bytes()
                         + "".join(PINS[p].sha256 for p in PINS).encode()).hexdigest()[:16]
    target, stdlib = cache / f"site-packages-{key}.zip", cache / f"python_stdlib-{key}.zip"
    if target.exists() and stdlib.exists():
        return target, stdlib
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise GradvizError("gradviz site needs Node.js (18 or later) to compile the page's Python: "
                           "apt-get install nodejs (or see nodejs.org)")
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        own = Path(tmp) / "gradviz.zip"
        own.write_bytes(ours)
        out, out_stdlib = Path(tmp) / "site-packages.zip", Path(tmp) / "python_stdlib.zip"
        run_command([node, str(_HERE / "compile.mjs"), str(runtime), str(viz / "dist" / "viz.js"), str(out),
                     str(out_stdlib), *map(str, wheels), str(own)], "compile the page's Python")
        os.replace(out_stdlib, stdlib)
        os.replace(out, target)
    for old in [*cache.glob("site-packages-*.zip"), *cache.glob("python_stdlib-*.zip"), *cache.glob("carried-*.js")]:
        with suppress(FileNotFoundError):  # another build may remove it first
            if old not in (target, stdlib) and time.time() - old.stat().st_mtime > 3600:  # another gradviz's
                old.unlink()
    return target, stdlib


def run_command(command: list[str], what: str, cwd: Path | None = None) -> None:
    """Run ``command`` (in ``cwd``) to ``what`` it says, or a ``GradvizError`` with its last lines."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=_SECONDS, check=False, cwd=cwd)
    except FileNotFoundError:
        raise GradvizError(f"cannot {what}: {command[0]} is not installed") from None
    except subprocess.TimeoutExpired:
        raise GradvizError(f"cannot {what}: it took over {_SECONDS} s") from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        detail = " / ".join(line[:300] for line in lines[-6:])
        raise GradvizError(f"cannot {what} ({' '.join(command[:3])} … exited {done.returncode}): {detail}")
