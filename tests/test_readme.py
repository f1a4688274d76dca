"""The README's Python examples (every ```python block with ``>>>``) run as doctests, in
order and sharing their names, as a reader would type them."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = [m.group(1) for m in re.finditer(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
          if ">>>" in m.group(1)]


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 3


def test_readme_examples_run():
    names: dict = {}
    failed = []
    for index, block in enumerate(BLOCKS, start=1):
        test = doctest.DocTestParser().get_doctest(block, names, f"README block {index}", str(README), 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test, clear_globs=False)
        names.update(test.globs)  # get_doctest works on a copy
        if runner.summarize(verbose=False).failed:
            failed.append(index)
    assert not failed, f"README blocks {failed} fail (see the output above)"


def test_every_op_has_its_row_in_the_syntax_page():
    from gradviz.ir.ops import OPS

    page = README.parent / "docs" / "syntax.md"
    table = page.read_text(encoding="utf-8").split("## Operations", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    listed = {key.strip("` ") for row in rows for key in row.split("|")[1].split(",")}
    assert listed == set(OPS), set(OPS) ^ listed
