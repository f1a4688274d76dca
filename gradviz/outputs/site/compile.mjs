// Build step of `gradviz site`, run by Node with the vendored Pyodide: unpack the wheels into
// Pyodide's own file system, run the page's Python once (rendering through the vendored
// WebAssembly Graphviz), compile every module that run imported to CPython 3.14 bytecode
// (sourceless .pyc), keep the others as source, drop test folders, and write one zip; and the
// runtime's standard library (shipped as source) again with its imported modules compiled.
// Usage: node compile.mjs PYODIDE_DIR VIZ_JS OUT_ZIP OUT_STDLIB_ZIP WHEEL_OR_ZIP...
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, vizJs, outZip, outStdlib, ...archives] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const { instance } = await import(pathToFileURL(vizJs).href);
globalThis.gradvizViz = await instance();
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
const root = "/build/site-packages";
py.FS.mkdirTree(root);
for (const file of archives) {
  py.unpackArchive(new Uint8Array(fs.readFileSync(file)), "zip", { extractDir: root });
}
py.globals.set("ROOT", root);
py.runPython(`
import os, py_compile, shutil, sys, zipfile
for folder, subfolders, _ in os.walk(ROOT):
    for name in [s for s in subfolders if s in ("tests", "testing", "benchmarks", "__pycache__")]:
        shutil.rmtree(os.path.join(folder, name))
        subfolders.remove(name)
sys.path.insert(0, ROOT)
from gradviz.outputs.browser import explorer_page, frames_page
for formula, values in (("(θ1θ2x − y)²", {"θ1": "2", "θ2": "-1", "x": "3", "y": "1"}),
                        ("-(y log(σ(w x + b)) + (1 − y) log(1 − σ(w x + b)))", {"w": "0.5", "x": "2", "b": "-1", "y": "1"}),
                        ("tanh(relu(a) * exp(c) / sqrt(d^2 + 1))", {"a": "1", "c": "0.5", "d": "2"}),
                        (r"\\frac{1}{2}\\sum_{i=1}^{3} (w x_i - y_i)^2 + max(0, |w|)", {"w": "0.5", "x1": "1", "x2": "2",
                         "x3": "3", "y1": "1", "y2": "1", "y3": "2"}),
                        ("(x", None)):
    page = frames_page(formula, values)
    assert "frames" in page or formula == "(x", page
    if values:
        explorer_page(formula, values)
        explorer_page(formula, values, "grads")
used = {os.path.realpath(m.__file__) for m in list(sys.modules.values())
        if getattr(m, "__file__", None) and m.__file__.startswith(ROOT)}
for source in sorted(used):
    if source.endswith(".py"):
        py_compile.compile(source, source + "c", doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        os.remove(source)
for folder, _, files in os.walk(ROOT):
    for name in files:
        os.utime(os.path.join(folder, name), (315532800, 315532800))  # 1980: the same zip from the same inputs
with zipfile.ZipFile("/build/site-packages.zip", "w", zipfile.ZIP_STORED) as out:  # gzipped whole by the site
    for folder, subfolders, files in sorted(os.walk(ROOT)):
        subfolders.sort()
        for name in sorted(files):
            full = os.path.join(folder, name)
            out.write(full, os.path.relpath(full, ROOT))
print(len(used), "modules compiled")

STDLIB = next(p for p in sys.path if p.endswith(".zip"))  # the runtime's standard library, as source
imported = {m.__file__[len(STDLIB) + 1:] for m in list(sys.modules.values())
            if (getattr(m, "__file__", None) or "").startswith(STDLIB + "/") and m.__file__.endswith(".py")}
os.makedirs("/build/stdlib", exist_ok=True)
with zipfile.ZipFile(STDLIB) as source, zipfile.ZipFile("/build/stdlib.zip", "w", zipfile.ZIP_STORED) as out:
    for item in source.infolist():
        data = source.read(item)
        if item.filename in imported:
            path = os.path.join("/build/stdlib", item.filename.replace("/", "_"))
            with open(path, "wb") as fh:
                fh.write(data)
            py_compile.compile(path, path + "c", dfile=f"{STDLIB}/{item.filename}", doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            with open(path + "c", "rb") as fh:
                data = fh.read()
            item = zipfile.ZipInfo(item.filename + "c", item.date_time)
        out.writestr(item, data, zipfile.ZIP_STORED)
print(len(imported), "standard library modules compiled")
`);
fs.writeFileSync(outZip, py.FS.readFile("/build/site-packages.zip"));
fs.writeFileSync(outStdlib, py.FS.readFile("/build/stdlib.zip"));
