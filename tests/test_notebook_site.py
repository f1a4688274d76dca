"""The notebook site (``gradviz site DIR --notebooks``): JupyterLite with gradviz ready, built from the
pinned downloads in the user cache (as ``gradviz site``), served over http from this machine and opened
in headless Chromium whose every connection to another host goes to a closed port. The kernel runs a
figure without any setup (the browser waits for Graphviz to start) and then the sample notebook's code;
each figure shown inline carries the texts (with their fonts, sizes and colours) of ``gradviz render``'s
frame of the same formula and values, and a picture of the same size within 3 %.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement

from gradviz.cli import cli
from gradviz.outputs.lite import SAMPLE, VIZ_MODULE, _wheel, build_notebook_site
from tools import browser

SEED = ("(θ1θ2x − y)²", "θ1=2,θ2=-1,x=3,y=1")
BCE = ("L = −(y log(σ(w x + b)) + (1 − y) log(1 − σ(w x + b)))", "w=0.5,x=2,b=-1,y=1")
#: the first cell, with no setup; then the sample notebook's cells
FIRST = ('%pip install gradviz\nimport gradviz\n'
         'gradviz.parse("(θ1θ2x − y)²").backward({"θ1": 2, "θ2": -1, "x": 3, "y": 1})')
#: the inline figures in order: (formula and values, the frame of gradviz render's manifest)
FIGURES = [(SEED, "gradients"), (SEED, "gradients"), (SEED, "backward"), (BCE, "gradients")]
COURSE_NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
_POSITION = ("x", "y", "transform", "id", "class")
_SVG, _XML = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/XML/1998/namespace}"
TEXTS = """
return [...document.querySelectorAll('.jp-OutputArea-output')].filter(o => o.querySelector('svg g.node')).map(o => {
  const svg = o.querySelector('svg'), box = svg.viewBox.baseVal;
  return {size: [box.width, box.height], texts: [...svg.querySelectorAll('text')].map(t =>
    [Object.fromEntries([...t.attributes].filter(a => !arguments[0].includes(a.name)).map(a => [a.name, a.value])),
     t.textContent])};
});
"""


@pytest.mark.slow  # reads the figures' font for the glyph widths
def test_the_wheel_installs_under_pyodide_with_its_pure_python_dependencies() -> None:
    """The site's gradviz wheel: Graphviz's module and the glyph widths inside, every file in its
    RECORD, and under emscripten it requires only what the site's index carries."""
    name, data = _wheel(b"export function instance() {}\n")
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        names = set(wheel.namelist())
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(f"{info}/METADATA").decode()
        record = wheel.read(f"{info}/RECORD").decode()
    assert name == f"{info.removesuffix('.dist-info')}-py3-none-any.whl"
    assert {f"gradviz/{VIZ_MODULE}", "gradviz/render/glyph_fillers.json", "gradviz/notebook.py"} <= names
    assert {line.split(",")[0] for line in record.splitlines()} == names
    environment = {"sys_platform": "emscripten", "platform_system": "Emscripten", "python_version": "3.14",
                   "python_full_version": "3.14.2", "extra": ""}
    required = {Requirement(line.split(":", 1)[1].strip()) for line in metadata.splitlines()
                if line.startswith("Requires-Dist:")}
    needed = {r.name.lower() for r in required if r.marker is None or r.marker.evaluate(environment)}
    assert needed == {"sympy", "mpmath", "networkx", "graphviz", "click"}
    assert {"pygraphviz", "matplotlib", "numpy", "pillow", "python-pptx"} <= {r.name.lower() for r in required}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site with a course's folder of notebooks besides the sample, built from an empty working
    folder, which it leaves empty."""
    folder = tmp_path_factory.mktemp("lite")
    (folder / "course" / "week1").mkdir(parents=True)
    (folder / "course" / "week1" / "chain rule.ipynb").write_text(json.dumps(COURSE_NOTEBOOK), encoding="utf-8")
    (folder / "here").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder / "here")
        built = build_notebook_site(folder / "public", contents=[folder / "course"]).folder
    assert not list((folder / "here").iterdir())
    return built


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[tuple[str, list[str]]]:
    """The site on http://127.0.0.1 (its address) and the paths it was asked for."""
    asked: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            asked.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_the_site_names_only_its_own_files(site: Path) -> None:
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True and kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert all(url.startswith("./") for url in kernel["pipliteUrls"])
    lock = json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert list(lock["packages"]) == ["micropip"]
    assert (site / "static" / "pyodide" / lock["packages"]["micropip"]["file_name"]).exists()
    wheels = [release["url"] for url in kernel["pipliteUrls"]
              for package in json.loads((site / url.split("?")[0]).read_text()).values()
              for files in package["releases"].values() for release in files]
    folders = {url.split("?")[0].rsplit("/", 1)[0] for url in kernel["pipliteUrls"]}
    assert any("gradviz-" in w for w in wheels) and all(not w.startswith(("http:", "https:", "//")) for w in wheels)
    assert all(any((site / folder / w).exists() for folder in folders) for w in wheels), wheels
    assert json.loads((site / "files" / SAMPLE).read_text())["cells"]
    listed = json.loads((site / "api" / "contents" / "all.json").read_text())["content"]
    assert {item["name"] for item in listed} == {SAMPLE, "week1"}
    assert json.loads((site / "files" / "week1" / "chain rule.ipynb").read_text()) == COURSE_NOTEBOOK


def cli_frame(formula: str, values: str, kind: str, folder: Path) -> str:
    """``gradviz render``'s last frame of ``kind``, or its first backward step's (``backward``)."""
    run = CliRunner().invoke(cli, ["render", formula, "--at", values, "-o", str(folder)], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    frames = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["frames"]
    chosen = [f for f in frames if f["kind"] == kind]
    return (folder / chosen[0 if kind == "backward" else -1]["file"]).read_text(encoding="utf-8")


def svg_texts(svg: str) -> dict:
    """What ``TEXTS`` reads from the page, read from an SVG file."""
    root = ET.fromstring(svg.encode("utf-8"))
    _, _, width, height = map(float, root.get("viewBox").split())
    texts = [[{k.replace(_XML, "xml:"): v for k, v in t.attrib.items() if k not in _POSITION}, "".join(t.itertext())]
             for t in root.iter(f"{_SVG}text")]
    return {"size": [width, height], "texts": texts}


@pytest.mark.slow
def test_figures_show_inline_as_the_cli_draws_them_with_no_other_host(served, tmp_path: Path, site: Path) -> None:
    address, asked = served
    sample = json.loads((site / "files" / SAMPLE).read_text(encoding="utf-8"))
    cells = [FIRST] + ["".join(cell["source"]) for cell in sample["cells"] if cell["cell_type"] == "code"]
    query = urllib.parse.urlencode([("kernel", "python"), *(("code", c) for c in cells), ("execute", "1")],
                                   quote_via=urllib.parse.quote)
    with socket.socket() as closed:  # bound, never listening: a connection to it is refused at once
        closed.bind(("127.0.0.1", 0))
        # every host but this machine goes through a "proxy" that refuses: networking to other hosts is off
        with browser(1300, 1000, (f"--proxy-server=http://127.0.0.1:{closed.getsockname()[1]}",)) as driver:
            driver.get(f"{address}/repl/index.html?{query}")
            deadline, shown = time.monotonic() + 180, []
            while len(shown) < len(FIGURES) and time.monotonic() < deadline:
                time.sleep(0.5)
                shown = driver.execute_script(TEXTS, list(_POSITION))
            outputs = driver.execute_script("return JSON.stringify([...document.querySelectorAll("
                                            "'.jp-OutputArea-output')].map(o => o.innerText.slice(0, 400)))")
    assert len(shown) == len(FIGURES), outputs
    for k, (((formula, values), kind), ours) in enumerate(zip(FIGURES, shown)):
        theirs = svg_texts(cli_frame(formula, values, kind, tmp_path / str(k)))
        assert ours["texts"] == theirs["texts"], (k, formula, kind)
        (w1, h1), (w2, h2) = ours["size"], theirs["size"]
        assert abs(w1 / w2 - 1) < 0.03 and abs(h1 / h2 - 1) < 0.03, (k, ours["size"], theirs["size"])
    assert "/static/pyodide/pyodide.asm.wasm" in asked and any(p.startswith("/pypi/gradviz-") for p in asked)
