"""The slow hostile probes: each a real ``gradviz`` process (120 s limit) given input that used to
run for minutes or take gigabytes; records its wall-clock time, the peak memory of its process
tree (its own and Graphviz's worker's resident memory, sampled every 20 ms from /proc), its exit
status and the first line of its standard error, and checks that it ended cleanly (a result or
one ``Error:`` line, ``Interrupted.`` after Ctrl-C) within 30 s and 1 GB. The fast versions are
in ``tests/test_hostile_processes.py``. Linux only (/proc). Run alone, on a quiet machine:
``python bench/hostile.py [bench/HOSTILE.md|-] [KIND,…]`` (several minutes; KIND: only the probes
of those kinds, e.g. ``CSV,numbers``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS, CLEAN_SECONDS, CLEAN_MB = 120, 30, 1024
AT = "θ1=2,θ2=-1,x=3,y=1"


def fan(statements: int) -> str:
    """Two inputs feed every operation: ``a1 = x*y; a2 = a1*x + y; …``."""
    return "; ".join(["a1 = x*y"] + [f"a{k} = a{k - 1}*x + y" for k in range(2, statements + 1)])


def nested(levels: int, calls: int = 2, body: str = "x*x + x") -> str:
    """``f1(x) = body; f2(x) = f1(f1(x)); …``: each definition applies the one before ``calls`` times, nested."""
    defs = [f"f1(x) = {body}"] + [f"f{k}(x) = " + f"f{k - 1}(" * calls + "x" + ")" * calls for k in range(2, levels + 1)]
    return "; ".join(defs + [f"L = f{levels}(x)"])


def api(code: str) -> list[str]:
    """A probe of the Python API: ``code`` run in a fresh interpreter, a ``GradvizError`` printed as
    the command line prints it (any other exception is a traceback: not clean)."""
    return ["python:", f"import gradviz, gradviz.nn as nn, math\ntry:\n    {code}\nexcept gradviz.GradvizError as e:\n"
            "    import sys; print('Error:', str(e).splitlines()[0], file=sys.stderr); sys.exit(1)"]


def chained(statements: int, step: str) -> str:
    """``a1 = x; a2 = step(a1); …``: each statement uses the previous one as ``step`` says."""
    return "; ".join(["a1 = x"] + [f"a{k} = " + step.replace("p", f"a{k - 1}") for k in range(2, statements + 1)])


SOFTMAX_AT = ",".join(f"z{k}={k % 7 / 7}" for k in range(1, 401))
#: name, kind, arguments ({d}: the probe's folder), seconds before SIGINT (or None; negative: before one
#: of the command's worker processes is killed)
PROBES: list[tuple[str, str, list[str], float | None]] = [
    ("fan of 299 nodes, every frame", "huge graph", ["render", "@{d}/fan149.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o"],
     None),
    ("fan of 299 nodes, --frames final png", "huge graph",
     ["render", "@{d}/fan149.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o", "--frames", "final", "--format", "png"], None),
    ("fan of 299 nodes, slides", "huge graph", ["slides", "@{d}/fan149.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o"],
     None),
    ("fan of 299 nodes, html", "huge graph", ["html", "@{d}/fan149.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o"], None),
    ("fan of 299 nodes, gif", "huge graph", ["gif", "@{d}/fan149.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o.gif"], None),
    ("fan of 597 nodes, --frames final", "huge graph",
     ["render", "@{d}/fan298.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o", "--frames", "final"], None),
    ("fan of 71 nodes (within the budget), every frame png", "huge graph",
     ["render", "@{d}/fan35.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o", "--format", "png"], None),
    ("fan of 71 nodes (within the budget), every frame svg", "huge graph",
     ["render", "@{d}/fan35.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o"], None),
    ("sum of 300 inputs, --frames final", "huge graph",
     ["render", "@{d}/sum300.txt", "-o", "{d}/o", "--frames", "final"], None),
    ("x²²²²² --exact", "exact tower", ["grad", "x²²²²²²²²²²²²²²²²²²²²²²²²", "--at", "x=3", "--exact"], None),
    ("2^2^2^2^2 --exact", "exact tower", ["grad", "2^2^2^2^2*x", "--at", "x=2", "--exact"], None),
    ("x^1000000000 --exact", "exact tower", ["grad", "x^1000000000", "--at", "x=2", "--exact"], None),
    ("--at x=1e99999999", "exact tower", ["grad", "x^2", "--at", "x=1e99999999", "--exact"], None),
    ("38 statements, each using the last thrice", "symbolic blow-up",
     ["grad", chained(38, "p*p + p"), "--at", "x=0.5"], None),
    ("x^x chain of 38", "symbolic blow-up", ["grad", chained(38, "p^p")], None),
    ("net 10000-1000-1000-1000-10 --loss ce", "huge net", ["net", "10000-1000-1000-1000-10", "--loss", "ce",
                                                           "-o", "{d}/o"], None),
    ("net 300-300-10 --loss ce", "huge net", ["net", "300-300-10", "--loss", "ce", "-o", "{d}/o"], None),
    ("net 100-100-10 --loss ce --view ops", "huge net", ["net", "100-100-10", "--loss", "ce", "--view", "ops",
                                                         "-o", "{d}/o"], None),
    ("net 999999999999-1", "huge net", ["net", "999999999999-1", "-o", "{d}/o"], None),
    ("train 2-300-300-1 --steps 20", "long training", ["train", "2-300-300-1", "--steps", "20", "-o", "{d}/o"], None),
    ("train 2-4-1 --steps 16000 (within the budget)", "long training",
     ["train", "2-4-1", "--steps", "16000", "-o", "{d}/o"], None),
    ("descend --steps 1000000", "long training",
     ["descend", "(θ1θ2x − y)²", "--at", AT, "--wrt", "θ1,θ2", "--steps", "1000000", "--lr", "0.001", "-o", "{d}/o"],
     None),
    ("descend --steps 40000 (within the budget)", "long training",
     ["descend", "(θ1θ2x − y)²", "--at", AT, "--wrt", "θ1,θ2", "--steps", "40000", "--lr", "0.001", "-o", "{d}/o"],
     None),
    ("train on a CSV of 200,000 rows", "big CSV", ["train", "2-4-1", "--data", "{d}/rows.csv", "-o", "{d}/o"], None),
    ("Ctrl-C 3 s into a render (51-node fan: 10 s of looks tried)", "SIGINT",
     ["render", "@{d}/fan25.txt", "--at", "x=0.5,y=0.1", "-o", "{d}/o"], 3.0),
    ("Ctrl-C 3 s into train --steps 16000", "SIGINT", ["train", "2-4-1", "--steps", "16000", "-o", "{d}/o"], 3.0),
    ("--dpi 2400 on the lecture example", "huge --dpi",
     ["render", "(θ1θ2x − y)²", "--at", AT, "-o", "{d}/o", "--format", "png", "--dpi", "2400"], None),
    ("--dpi 600 on the lecture example", "huge --dpi",
     ["render", "(θ1θ2x − y)²", "--at", AT, "-o", "{d}/o", "--format", "png", "--dpi", "600", "--frames", "final"],
     None),
    ("1 MB formula (x + x + …)", "1 MB formula", ["grad", "@{d}/formula.txt"], None),
    ("1 MB formula from standard input", "1 MB formula", ["grad", "-"], None),
    # issue 26: costs estimated before the work
    ("18 definitions, each applying the last thrice, grad", "nested definitions", ["grad", "@{d}/nest3.txt"], None),
    ("22 definitions, each applying the last twice, render", "nested definitions",
     ["render", "@{d}/nest2.txt", "-o", "{d}/o"], None),
    ("22 definitions, each applying the last twice, params", "nested definitions", ["params", "@{d}/nest2.txt"], None),
    ("12 definitions (4,096 applications, within the budget), grad", "nested definitions",
     ["grad", "@{d}/nest12.txt", "--at", "x=0.1"], None),
    ("1 MB formula of one word (θθθ…)", "1 MB formula", ["params", "@{d}/word.txt"], None),
    ("1 MB formula of one word (xyxy…), grad", "1 MB formula", ["grad", "@{d}/word2.txt"], None),
    ("grad --check on a 200-deep tanh chain", "sympy recursion",
     ["grad", "tanh(" * 200 + "x*y" + ")" * 200, "--at", "x=0.3,y=0.5", "--check"], None),
    ("grad --check on softmax_1 of 400 logits", "sympy recursion", ["grad", "@{d}/softmax400.txt", "--at",
                                                                     SOFTMAX_AT, "--check"], None),
    ("grad on softmax_2 of 600 logits", "sympy recursion", ["grad", "@{d}/softmax600.txt"], None),
    ("grad --check on a 60-step sigmoid chain of statements", "sympy recursion",
     ["grad", chained(60, "σ(p) * p"), "--at", "x=0.5", "--check"], None),
    ("nn.mlp((800, 800, 3))", "API network size", api("nn.mlp((800, 800, 3))"), None),
    ("nn.fit((2, 500, 500, 1), XOR)", "API network size", api("nn.fit((2, 500, 500, 1), nn.XOR_DATA)"), None),
    # numbers checked where they enter
    ("descend --lr nan", "numbers", ["descend", "x^2", "--at", "x=1", "--wrt", "x", "--lr", "nan"], None),
    ("train --lr inf", "numbers", ["train", "2-2-1", "--lr", "inf", "-o", "{d}/o"], None),
    ("train --dropout nan", "numbers", ["train", "2-2-1", "--dropout", "nan", "-o", "{d}/o"], None),
    ("train --l1 -inf", "numbers", ["train", "2-2-1", "--l1", "-inf", "-o", "{d}/o"], None),
    ("train --patience 2.5 --val 0.25", "numbers", ["train", "2-2-1", "--val", "0.25", "--patience", "2.5",
                                                     "-o", "{d}/o"], None),
    ("train --val 0.9 (no training point left)", "numbers", ["train", "2-2-1", "--val", "0.9", "-o", "{d}/o"], None),
    ("train --grid momentum=inf", "numbers", ["train", "2-2-1", "--grid", "momentum=0.5,inf", "-o", "{d}/o"], None),
    ("train --grid hidden=1e400", "numbers", ["train", "2-2-1", "--grid", "hidden=2,1e400", "-o", "{d}/o"], None),
    ("train --grid l2=-0.5", "numbers", ["train", "2-2-1", "--grid", "l2=0,-0.5", "-o", "{d}/o"], None),
    ("nn.fit(lr=nan)", "numbers", api("nn.fit((2, 2, 1), nn.XOR_DATA, lr=math.nan, steps=5)"), None),
    ("nn.grid_search({'momentum': [2]})", "numbers", api("nn.grid_search((2, 2, 1), nn.XOR_DATA, {'momentum': [2]})"),
     None),
    # CSV data
    ("CSV with -infinity", "CSV", ["train", "2-2-1", "--data", "{d}/neginf.csv", "-o", "{d}/o"], None),
    ("CSV with NaN", "CSV", ["train", "2-2-1", "--data", "{d}/nan.csv", "-o", "{d}/o"], None),
    ("CSV with 1e309", "CSV", ["train", "2-2-1", "--data", "{d}/overflow.csv", "-o", "{d}/o"], None),
    ("CSV with 1e300 (the plots cannot span it)", "CSV", ["train", "2-2-1", "--data", "{d}/huge.csv", "-o", "{d}/o"],
     None),
    ("CSV with a 300,000-character field", "CSV", ["train", "2-2-1", "--data", "{d}/wide.csv", "-o", "{d}/o"], None),
    ("CSV in UTF-16", "CSV", ["train", "2-2-1", "--data", "{d}/utf16.csv", "-o", "{d}/o"], None),
    ("CSV with a UTF-8 BOM (read, no row lost)", "CSV", ["train", "2-2-1", "--data", "{d}/bom.csv", "--steps", "50",
                                                         "-o", "{d}/o"], None),
    ("CSV with a NUL byte", "CSV", ["train", "2-2-1", "--data", "{d}/nul.csv", "-o", "{d}/o"], None),
    ("CSV rows of different lengths", "CSV", ["train", "2-2-1", "--data", "{d}/ragged.csv", "-o", "{d}/o"], None),
    ("--data a FIFO", "CSV", ["train", "2-2-1", "--data", "{d}/fifo", "-o", "{d}/o"], None),
    ("--data /dev/zero", "CSV", ["train", "2-2-1", "--data", "/dev/zero", "-o", "{d}/o"], None),
    ("--data a folder", "CSV", ["train", "2-2-1", "--data", "{d}", "-o", "{d}/o"], None),
    # the other internal errors
    ("descend on a flat loss (step(w)·step(v))", "exit 3", ["descend", "step(w)*step(v)", "--at", "w=2,v=3",
                                                             "--wrt", "w,v", "-o", "{d}/o"], None),
    ("grad --check at a Heaviside kink", "exit 3", ["grad", "step(x - y)*x", "--at", "x=1,y=1", "--check"], None),
    ("explore --at x=-1e308", "exit 3", ["explore", "x*y", "--at", "x=-1e308,y=0.5", "-o", "{d}/o"], None),
    ("-o through a loop of links", "exit 3", ["render", "x*y", "--at", "x=1,y=2", "-o", "{d}/loop/a"], None),
    ("-o '' (html)", "exit 3", ["html", "x*y", "--at", "x=1,y=2", "-o", ""], None),
    ("-o '' (render)", "exit 3", ["render", "x*y", "--at", "x=1,y=2", "-o", ""], None),
    # grid searches stopped
    ("Ctrl-C 4 s into a grid search", "SIGINT", ["train", "2-4-1", "--grid", "lr=0.01,0.1,0.5,1", "--grid",
                                                 "hidden=2,4", "--steps", "2000", "-o", "{d}/o"], 4.0),
    ("a grid worker killed 4 s in", "killed worker", ["train", "2-4-1", "--grid", "lr=0.01,0.1,0.5,1", "--grid",
                                                      "hidden=2,4", "--steps", "2000", "-o", "{d}/o"], -4.0),
]


def prepare(folder: Path) -> None:
    """The input files the probes read."""
    (folder / "fan149.txt").write_text(fan(149))
    (folder / "fan298.txt").write_text(fan(298))
    (folder / "fan35.txt").write_text(fan(35))
    (folder / "fan25.txt").write_text(fan(25))
    (folder / "sum300.txt").write_text(" + ".join(f"x{k}" for k in range(300)))
    (folder / "rows.csv").write_text("".join(f"{k % 7 / 7},{k % 5 / 5},{k % 2}\n" for k in range(200_000)))
    (folder / "formula.txt").write_text("x + " * 249_999 + "x")
    (folder / "nest3.txt").write_text(nested(18, calls=3, body="x + 1"))
    (folder / "nest2.txt").write_text(nested(22, body="x*x - x"))
    (folder / "nest12.txt").write_text(nested(12, body="0.5*x*x"))
    (folder / "word.txt").write_text("θ" * 499_000)  # two bytes each
    (folder / "word2.txt").write_text("xy" * 499_000)
    (folder / "softmax400.txt").write_text("softmax_1(" + ", ".join(f"z{k}" for k in range(1, 401)) + ")")
    (folder / "softmax600.txt").write_text("softmax_2(" + ", ".join(f"z{k}" for k in range(1, 601)) + ")")
    csv = {"neginf": "0,0,0\n0,1,1\n-infinity,0,1\n1,1,0\n", "nan": "0,0,0\n0,NaN,1\n1,0,1\n",
           "overflow": "0,0,0\n0,1,1\n1,0,1e309\n", "huge": "0,0,0\n1e300,1e300,1\n1,0,1\n",
           "wide": "0,0,0\n0," + "1" * 300_000 + ",1\n", "nul": "0,0,0\n0,\x001,1\n", "ragged": "0,0,0\n0,1\n1,0,1,1\n"}
    for name, text in csv.items():
        (folder / f"{name}.csv").write_text(text)
    (folder / "utf16.csv").write_text("x1,x2,y\n0,0,0\n0,1,1\n", encoding="utf-16")
    (folder / "bom.csv").write_bytes(b"\xef\xbb\xbf0,0,0\n0,1,1\n1,0,1\n1,1,0\n")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    out = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return out


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    family, total = {pid}, 0
    for _ in range(3):  # the command, Graphviz's worker, anything they start
        family |= {p for p, parent in parents.items() if parent in family}
    for p in family:
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) * 1024
        except (OSError, StopIteration):
            pass
    return total


def run(args: list[str], folder: Path, interrupt: float | None) -> tuple[int, float, float, str]:
    """Exit status, seconds, peak MB and the first line of standard error of one probe."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GRADVIZ_DEBUG", None)
    stdin = (folder / "formula.txt").open("rb") if args == ["grad", "-"] else subprocess.DEVNULL
    start = time.monotonic()
    command = (["-c", args[1]] if args[0] == "python:" else
               ["-c", "from gradviz.cli import main; main()", *(a.replace("{d}", str(folder)) for a in args)])
    process = subprocess.Popen([sys.executable, *command], stdin=stdin,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=folder)
    peak, signalled = 0, False
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        elapsed = time.monotonic() - start
        if interrupt is not None and not signalled and elapsed >= abs(interrupt):
            if interrupt > 0:
                process.send_signal(signal.SIGINT)
            else:  # one of its workers killed, as the out-of-memory killer would
                os.kill(max(children(process.pid)), signal.SIGKILL)
            signalled, start = True, time.monotonic()  # from here: how long it takes to stop
        if elapsed > LIMIT_SECONDS:
            process.kill()
        time.sleep(0.02)
    seconds = time.monotonic() - start
    err = process.stderr.read().decode("utf-8", "replace")
    if stdin is not subprocess.DEVNULL:
        stdin.close()
    return process.returncode, seconds, peak / 2**20, (err.splitlines() or [""])[0]


def clean(code: int, seconds: float, mb: float, first: str, interrupt: float | None) -> bool:
    """A result or one ``Error:`` line (``Interrupted.`` and 130 after Ctrl-C), in time and memory."""
    said = first.startswith("Interrupted.") and code == 130 if interrupt and interrupt > 0 else code == 0 or (
        code in (1, 2) and first.startswith("Error:"))
    return said and seconds <= CLEAN_SECONDS and mb <= CLEAN_MB and "internal error" not in first


def _after(interrupt: float | None) -> str:
    return "" if interrupt is None else " after SIGINT" if interrupt > 0 else " after the kill"


def main(out: str | None = None, kinds: str = "") -> int:
    """Run the probes (those whose kind contains ``kinds``, if given) and write the table to ``out``."""
    rows = ["| probe | kind | exit | seconds | peak MB | first line of standard error | clean |",
            "|---|---|---|---|---|---|---|"]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        prepare(Path(tmp))
        for k, (name, kind, args, interrupt) in enumerate(PROBES):
            if kinds and not any(word in kind for word in kinds.split(",")):
                continue
            folder = Path(tmp) / f"p{k}"
            folder.mkdir()
            for source in Path(tmp).glob("*.*"):
                (folder / source.name).symlink_to(source)
            os.mkfifo(folder / "fifo")
            (folder / "loop").symlink_to(folder / "loop2")
            (folder / "loop2").symlink_to(folder / "loop")
            code, seconds, mb, first = run(args, folder, interrupt)
            ok = clean(code, seconds, mb, first, interrupt)
            failures += not ok
            shown = (first[:150] + "…" if len(first) > 150 else first).replace("|", "\\|")
            rows.append(f"| {name} | {kind} | {code} | {seconds:.1f}{_after(interrupt)} | "
                        f"{mb:.0f} | {shown} | {'yes' if ok else '**no**'} |")
            print(rows[-1], flush=True)
    table = "\n".join(rows) + "\n"
    if out:
        header = ("# Hostile probes (`python bench/hostile.py`)\n\nEach probe is a real `gradviz` process with a "
                  f"{LIMIT_SECONDS} s limit; peak MB is the resident memory of its process tree (the command and "
                  "Graphviz's worker), sampled every 20 ms. Clean: a result, or one `Error:` line (exit 1 or 2), or "
                  f"`Interrupted.` and exit 130 after Ctrl-C (then the seconds count from the signal), within "
                  f"{CLEAN_SECONDS} s and {CLEAN_MB} MB.\n\n")
        Path(out).write_text(header + table + f"\n{len(rows) - 2 - failures} of {len(rows) - 2} clean.\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None,
                  sys.argv[2] if len(sys.argv) > 2 else ""))
