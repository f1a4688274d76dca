"""Make each example notebook from its script: ``NN_name.py`` → ``NN_name.ipynb``.

The scripts are in percent format: ``# %%`` starts a code cell, ``# %% [markdown]`` a
Markdown cell (its lines without the leading ``# ``); what comes before the first marker is
the script's own preamble and stays out of the notebook. Notebooks are written without
outputs, with fixed cell ids, so the same script always gives the same file.

    python examples/make_notebooks.py           # rewrite the notebooks
    python examples/make_notebooks.py --check   # exit 1 when a notebook is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def scripts() -> list[Path]:
    """The example scripts, in order."""
    return sorted(HERE.glob("[0-9][0-9]_*.py"))


def notebook(script: Path) -> nbformat.NotebookNode:
    """The notebook made from ``script``."""
    cells: list[tuple[str, list[str]]] = []
    for line in script.read_text(encoding="utf-8").splitlines():
        if line.startswith("# %%"):
            cells.append(("markdown" if "[markdown]" in line else "code", []))
        elif cells:
            cells[-1][1].append(line)
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for index, (kind, lines) in enumerate(cells):
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in text.splitlines())
            cell = nbformat.v4.new_markdown_cell(text)
        else:
            cell = nbformat.v4.new_code_cell(text)
        cell["id"] = f"{script.stem}-{index}"
        nb.cells.append(cell)
    return nb


def text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def main(argv: list[str]) -> int:
    stale = []
    for script in scripts():
        target = script.with_suffix(".ipynb")
        wanted = text(notebook(script))
        if target.exists() and target.read_text(encoding="utf-8") == wanted:
            continue
        stale.append(target.name)
        if "--check" not in argv:
            target.write_text(wanted, encoding="utf-8")
    if stale:
        print(("out of date: " if "--check" in argv else "wrote: ") + ", ".join(stale))
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
