"""examples/: every notebook runs headlessly through a real kernel, every script runs, and the
notebooks are the committed output-free renderings of their scripts."""

from __future__ import annotations

import base64
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

if not all(importlib.util.find_spec(name) for name in ("nbformat", "nbclient", "ipykernel")):
    pytest.skip("the examples' notebooks run with nbformat, nbclient and ipykernel (the test extra)",
                allow_module_level=True)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("[0-9][0-9]_*.py"))
NOTEBOOKS = sorted(EXAMPLES.glob("[0-9][0-9]_*.ipynb"))
KERNEL = "gradviz-examples"
TIMEOUT = 120  # seconds a cell may take; each notebook needs a few seconds in all


def _maker():
    spec = importlib.util.spec_from_file_location("make_notebooks", EXAMPLES / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def kernels(tmp_path_factory) -> str:
    """A kernelspec that runs this interpreter (the repository's .venv in CI)."""
    folder = tmp_path_factory.mktemp("kernels")
    spec = folder / KERNEL
    spec.mkdir()
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"}))
    return str(folder)


@pytest.fixture(scope="module")
def executed(kernels):
    """Each notebook after running all cells, by file name (run once per test session)."""
    import nbclient
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    done = {}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        client = nbclient.NotebookClient(nb, km=manager, timeout=TIMEOUT,
                                         resources={"metadata": {"path": str(EXAMPLES)}})
        client.execute()  # raises CellExecutionError on the first failing cell
        done[path.name] = nb
    return done


def _outputs(nb):
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def test_there_are_three_examples_each_a_script_and_a_notebook():
    assert len(SCRIPTS) >= 3
    assert [p.stem for p in SCRIPTS] == [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path):
    import nbformat  # here: importing it takes seconds (its JSON schema's grammars), which collection would pay

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)


def test_notebooks_are_made_from_their_scripts():
    maker = _maker()
    for script in SCRIPTS:
        wanted = maker.text(maker.notebook(script))
        assert script.with_suffix(".ipynb").read_text(encoding="utf-8") == wanted, (
            f"{script.name} changed: run python examples/make_notebooks.py")


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_notebook_runs_without_errors_or_warnings(executed, name):
    outputs = _outputs(executed[name])
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert any("image/png" in o.get("data", {}) for o in outputs)


@pytest.mark.slow
def test_lecture_notebook_shows_graph_stepper_and_typeset_derivation(executed):
    outputs = _outputs(executed["01_lecture_backprop.ipynb"])
    data = [o.get("data", {}) for o in outputs if o.output_type == "display_data"]
    pngs = [base64.b64decode(d["image/png"]) for d in data if "image/png" in d]
    assert pngs and all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)
    assert any(d.get("image/svg+xml", "").lstrip().startswith("<?xml") for d in data)
    assert any("Computational graph of L" in d.get("text/plain", "") for d in data)
    assert any("application/vnd.jupyter.widget-view+json" in d for d in data)  # the slider stepper
    markdown = next(d["text/markdown"] for d in data if "text/markdown" in d)
    assert r"\partial \theta_{1}" in markdown and "$" in markdown
    assert any(d.get("text/latex", "").startswith(r"\begin{align*}") for d in data)


@pytest.mark.slow
@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_script_runs(path, tmp_path):
    done = subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip()
