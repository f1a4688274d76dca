"""``gradviz site DIR --notebooks``: a JupyterLite site, notebooks in the browser with gradviz ready.

JupyterLite (``jupyterlite-core`` with ``jupyterlite-pyodide-kernel``, the pinned versions of the
``lite`` extra) runs Jupyter's own pages in the browser and Python in a web worker through Pyodide.
The site carries everything the kernel loads, so it works offline from any static web server:

- the Pyodide runtime (the same pinned npm ``pyodide`` as ``gradviz site``), whose lock file lists
  only its installer, ``micropip``, which the site carries too (no content delivery network);
- the wheels the kernel installs with ``piplite`` from the site's own index: IPython and what it
  needs (the versions Pyodide's own lock file names), and gradviz with its pure-Python dependencies
  (the ``PINS`` of ``gradviz site``); installing from PyPI is switched off;
- gradviz's wheel, made from the installed package as the formula site's copy is (with the
  figures' glyph widths) and Graphviz compiled to WebAssembly (``@viz-js/viz``'s ES module) inside
  it, which ``gradviz.browser_setup()`` starts in the kernel;
- a sample notebook, ``gradviz.ipynb``, with the lecture's example.

The modules the formula page imports (of the standard library, sympy, mpmath, networkx, graphviz
and gradviz) come compiled to bytecode, from the formula page's bundle (``site.bundle``, compiled by
the vendored runtime under Node.js and kept in the cache): the first figure comes about 9 s sooner.

JupyterLite loads its files with ``fetch`` and a service worker, which browsers refuse to
``file://`` pages: the site needs a web server (any static host; ``python -m http.server`` locally).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Sequence

from ..errors import GradvizError
from .folder import OutputFolder, locked
from .site import PINS, Pin, SiteBuild, bundle, cache_folder, fetched, gradviz_files, run_command, unpacked, zipped

__all__ = ["build_notebook_site", "KERNEL_PINS", "JUPYTERLITE", "VIZ_MODULE", "SAMPLE", "APPS"]

_HERE = Path(__file__).resolve().parent / "site"
KERNEL_PINS = {pin.name: pin for pin in (
    # the runtime's installer: the one package of the site's Pyodide lock file
    Pin("pypi", "micropip", "0.11.1", "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3"),
    # gradviz's dependency besides the formula site's wheels (its command line's)
    Pin("pypi", "click", "8.3.1", "981153a64e25f12d547d3426c367a4857371575ee7ad18df2a6183ab0545b2a6"),
    # the kernel's Python: IPython and what it needs under Pyodide, as Pyodide 314.0.8's lock file has them
    Pin("pypi", "comm", "0.2.3", "c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417"),
    Pin("pypi", "ipython", "9.12.0", "0f2701e8ee86e117e37f50563205d36feaa259d2e08d4a6bc6b6d74b18ce128d"),
    Pin("pypi", "ipython_pygments_lexers", "1.1.1", "a9462224a505ade19a605f71f8fa63c2048833ce50abc86768a0d81d876dc81c"),
    Pin("pypi", "decorator", "5.2.1", "d316bb415a2d9e2d2b3abcc4084c6502fc09240e292cd76a76afc106a1c8e04a"),
    Pin("pypi", "jedi", "0.19.2", "a8ef22bde8490f57fe5c7681a3c83cb58874daf72b4784de3cce5b6ef6edb5b9", "py2.py3"),
    Pin("pypi", "parso", "0.8.6", "2c549f800b70a5c4952197248825584cb00f033b29c692671d3bf08bf380baff", "py2.py3"),
    Pin("pypi", "matplotlib_inline", "0.2.1", "d56ce5156ba6085e00a9d54fead6ed29a9c47e215cd1bba2e976ef39f5710a76"),
    Pin("pypi", "prompt_toolkit", "3.0.52", "9aac639a3bbd33284347de5ad8d68ecc044b91a762dc39b7c21095fcd6a19955"),
    Pin("pypi", "wcwidth", "0.6.0", "1a3a1e510b553315f8e146c54764f4fb6264ffad731b3d78088cdb1478ffbdad"),
    Pin("pypi", "pygments", "2.20.0", "81a9e26dd42fd28a23a2d169d86d7ac03b46e2f8b59ed4698fb4785f946d0176"),
    Pin("pypi", "stack_data", "0.6.3", "d5558e0c25a4cb0853cddad3d77da9891a08cb85dd9f9f91b9f8cd66e511e695"),
    Pin("pypi", "executing", "2.2.1", "760643d3452b4d777d295bb167ccc74c64a81df23fb5e08eff250c425a4b2017", "py2.py3"),
    Pin("pypi", "asttokens", "3.0.1", "15a3ebc0f43c2d0a50eeafea25e19046c68398e487b9f1f5b517f7c0f40f976a"),
    Pin("pypi", "pure_eval", "0.2.3", "1db8e35b67b3d218d818ae653e27f06c3aa420901fa7b081ca98cbedc874e0d0"),
    Pin("pypi", "traitlets", "5.14.3", "b74e89e397b1ed28cc831db7aea759ba6640cb3de13090ca145426688ff1ac4f"),
)}
#: the Python packages that build the site, at the versions it was made with (the ``lite`` extra)
JUPYTERLITE = {"jupyterlite-core": "0.8.6", "jupyterlite-pyodide-kernel": "0.8.6"}
_KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"  # the kernel's pages, installed by its Python package
APPS = ("lab", "notebooks", "tree", "repl")  # JupyterLab, Notebook (its pages and file list) and the REPL
VIZ_MODULE = "viz.mjs"  # in the site's wheel beside gradviz/__init__.py: Graphviz as WebAssembly, an ES module
SAMPLE = "gradviz.ipynb"  # the sample notebook, in the site's file list
_RUNTIME = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")  # what the kernel loads, with python_stdlib.zip
_SETTINGS = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
    "appName": "gradviz notebooks",
    "litePluginSettings": {f"{_KERNEL_EXTENSION}:kernel": {"disablePyPIFallback": True}}}}


def build_notebook_site(folder: str | os.PathLike, *, contents: Sequence[str | os.PathLike] = (),
                        force: bool = False) -> SiteBuild:
    """Write the JupyterLite site into ``folder`` (refused when it holds files gradviz did not
    write, unless ``force``), its file list the sample notebook and ``contents`` (folders, whose
    whole tree is listed, or files: a course's notebooks)."""
    missing = [str(path) for path in contents if not Path(path).exists()]
    if missing:
        raise GradvizError(f"no such file or folder to put in the notebook site: {', '.join(missing)}")
    extension = _kernel_extension()
    cache = cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    with locked(cache):  # builds at the same time take turns: the second finds what the first fetched and compiled
        runtime = unpacked(fetched(PINS["pyodide"], cache), cache)
        viz = unpacked(fetched(PINS["@viz-js/viz"], cache), cache)
        ours = [fetched(pin, cache) for pin in PINS.values() if pin.index == "pypi"]
        kernel = [fetched(pin, cache) for pin in KERNEL_PINS.values() if pin.name != "micropip"]
        micropip = fetched(KERNEL_PINS["micropip"], cache)
        packages, stdlib = bundle(runtime, viz, ours, cache)  # the formula page's, its imported modules compiled
    with tempfile.TemporaryDirectory(prefix="gradviz-lite-") as tmp:
        lite, built = Path(tmp) / "lite", Path(tmp) / "site"
        pyodide = lite / "static" / "pyodide"  # where the kernel's build step looks for a vendored Pyodide
        pyodide.mkdir(parents=True)
        for name in _RUNTIME:
            shutil.copyfile(runtime / name, pyodide / name)
        (pyodide / "python_stdlib.zip").write_bytes(_deflated(stdlib))
        shutil.copyfile(micropip, pyodide / micropip.name)
        (pyodide / "pyodide-lock.json").write_text(_lock(runtime, micropip), encoding="utf-8")
        index = lite / "pypi"  # piplite's index: the kernel's and gradviz's wheels
        index.mkdir()
        with zipfile.ZipFile(packages) as compiled:
            for wheel in kernel:
                shutil.copyfile(wheel, index / wheel.name)
            for wheel in ours:
                with zipfile.ZipFile(wheel) as archive:
                    files = {item: archive.read(item) for item in archive.namelist() if not item.endswith("/")}
                (index / wheel.name).write_bytes(_wheel_of(_bytecode(files, compiled)))
            name, data = _wheel((viz / "dist" / "viz.js").read_bytes(), compiled)
        (index / name).write_bytes(data)
        (lite / "files").mkdir()
        shutil.copyfile(_HERE / SAMPLE, lite / "files" / SAMPLE)
        (lite / "jupyter-lite.json").write_text(json.dumps(_SETTINGS, indent=2), encoding="utf-8")
        extensions = lite / "extensions"
        shutil.copytree(extension, extensions / _KERNEL_EXTENSION)
        run_command([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite),
                     "--output-dir", str(built), "--ignore-sys-prefix", "--no-sourcemaps",
                     "--no-unused-shared-packages", f"--FederatedExtensionAddon.extra_labextensions_path={extensions}",
                     *(f"--apps={app}" for app in APPS),
                     *(f"--contents={Path(path).resolve()}" for path in [lite / "files", *contents])],
                    "build the JupyterLite site", cwd=Path(tmp))  # its task database lands there
        files = {path.relative_to(built).as_posix(): path.read_bytes()
                 for path in sorted(built.rglob("*")) if path.is_file()}
    files["VERSIONS.json"] = (json.dumps({
        "built with": JUPYTERLITE,
        "vendored": {pin.name: {"index": pin.index, "version": pin.version, "sha256": pin.sha256}
                     for pin in (*PINS.values(), *KERNEL_PINS.values())},
        name: hashlib.sha256(data).hexdigest()}, indent=2) + "\n").encode()
    out = OutputFolder.of(folder, force=force)
    out.write_all(files)
    return SiteBuild(out.folder, {name: len(data) for name, data in files.items()})


def _kernel_extension() -> Path:
    """The installed Pyodide kernel's pages, or a ``GradvizError`` that says what to install."""
    for package, version in JUPYTERLITE.items():
        try:
            found = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found = None
        if found != version:
            raise GradvizError(f"gradviz site --notebooks builds with {package} {version}, "
                               f"{'not ' + found if found else 'which is not installed'}: pip install 'gradviz[lite]'")
    from jupyter_core.paths import jupyter_path  # installed with jupyterlite-core

    for root in jupyter_path("labextensions"):
        if (Path(root) / _KERNEL_EXTENSION / "package.json").exists():
            return Path(root) / _KERNEL_EXTENSION
    raise GradvizError(f"jupyterlite-pyodide-kernel is installed without its pages ({_KERNEL_EXTENSION}): "
                       "pip install --force-reinstall 'gradviz[lite]'")


def _lock(runtime: Path, micropip: Path) -> str:
    """The runtime's lock file with its installer as the only package, the site's copy of it:
    every other package the kernel installs comes from the site's piplite index."""
    lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    pin = KERNEL_PINS["micropip"]
    if lock["packages"].get("micropip", {}).get("version") != pin.version:
        raise GradvizError(f"Pyodide {PINS['pyodide'].version} does not name micropip {pin.version}: update the pins")
    lock["packages"] = {"micropip": lock["packages"]["micropip"] | {"file_name": micropip.name, "sha256": pin.sha256}}
    return json.dumps(lock, indent=1)


def _wheel(viz_module: bytes, compiled: zipfile.ZipFile | None = None) -> tuple[str, bytes]:
    """gradviz's wheel for the kernel: its file name and bytes; the installed package's files and
    metadata (whose browser dependencies are the pure-Python ones), with Graphviz as WebAssembly
    and the modules ``compiled`` holds as bytecode."""
    try:
        distribution = importlib.metadata.distribution("gradviz")
    except importlib.metadata.PackageNotFoundError:
        raise GradvizError("gradviz site --notebooks makes gradviz's wheel from the installed package: "
                           "pip install gradviz (or pip install -e . in its repository)") from None
    metadata = distribution.read_text("METADATA") or distribution.read_text("PKG-INFO")  # dist-info or egg-info
    if not metadata:
        raise GradvizError("the installed gradviz has no metadata (METADATA or PKG-INFO): pip install it again")
    info = f"gradviz-{distribution.version}.dist-info"
    files = _bytecode(gradviz_files(), compiled) | {
        f"gradviz/{VIZ_MODULE}": viz_module, f"{info}/METADATA": metadata.encode("utf-8"),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: gradviz site\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/RECORD": b""}
    return f"gradviz-{distribution.version}-py3-none-any.whl", _wheel_of(files)


def _bytecode(files: dict[str, bytes], compiled: zipfile.ZipFile | None) -> dict[str, bytes]:
    """A wheel's ``files`` with each module that ``compiled`` holds as bytecode (the formula page's
    bundle: the modules it imports, compiled by the vendored runtime) as that bytecode instead."""
    held = set(compiled.namelist()) if compiled is not None else set()
    out = {}
    for name, data in files.items():
        if name.endswith(".py") and name + "c" in held and name not in held:
            out[name + "c"] = compiled.read(name + "c")
        else:
            out[name] = data
    return out


def _deflated(archive: Path) -> bytes:
    """The zip ``archive`` (the bundle's standard library, stored) with every file deflated."""
    with zipfile.ZipFile(archive) as source:
        return zipped({item.filename: source.read(item) for item in source.infolist() if not item.is_dir()})


def _wheel_of(files: dict[str, bytes]) -> bytes:
    """``files`` zipped as a wheel, its RECORD (the one file named ``*.dist-info/RECORD``) written anew."""
    record_name = next(name for name in files if name.endswith(".dist-info/RECORD"))
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files.items() if name != record_name]
    return zipped(files | {record_name: ("\n".join(record + [f"{record_name},,"]) + "\n").encode("utf-8")})


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
