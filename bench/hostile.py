"""The slow hostile probes: each a real ``gradviz`` process (120 s limit) given input that used to
run for minutes or take gigabytes; records its wall-clock time, the peak memory of its process
tree (its own and Graphviz's worker's resident memory, sampled every 20 ms from /proc), its exit
status and the first line of its standard error, and checks that it ended cleanly (a result or
one ``Error:`` line, ``Interrupted.`` after Ctrl-C) within 30 s and 1 GB. The fast versions are
in ``tests/test_hostile_processes.py``. Linux only (/proc). Run alone, on a quiet machine:
``python bench/hostile.py [bench/HOSTILE.md]`` (several minutes).
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


def chained(statements: int, step: str) -> str:
    """``a1 = x; a2 = step(a1); …``: each statement uses the previous one as ``step`` says."""
    return "; ".join(["a1 = x"] + [f"a{k} = " + step.replace("p", f"a{k - 1}") for k in range(2, statements + 1)])


#: name, kind, arguments ({d}: the probe's folder), seconds before SIGINT (or None)
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
    process = subprocess.Popen([sys.executable, "-c", "from gradviz.cli import main; main()",
                                *(a.replace("{d}", str(folder)) for a in args)], stdin=stdin,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=folder)
    peak, signalled = 0, False
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        elapsed = time.monotonic() - start
        if interrupt is not None and not signalled and elapsed >= interrupt:
            process.send_signal(signal.SIGINT)
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
    said = first.startswith("Interrupted.") and code == 130 if interrupt else code == 0 or (
        code in (1, 2) and first.startswith("Error:"))
    return said and seconds <= CLEAN_SECONDS and mb <= CLEAN_MB and "internal error" not in first


def main(out: str | None = None) -> int:
    rows = ["| probe | kind | exit | seconds | peak MB | first line of standard error | clean |",
            "|---|---|---|---|---|---|---|"]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        prepare(Path(tmp))
        for k, (name, kind, args, interrupt) in enumerate(PROBES):
            folder = Path(tmp) / f"p{k}"
            folder.mkdir()
            for source in Path(tmp).glob("*.*"):
                (folder / source.name).symlink_to(source)
            code, seconds, mb, first = run(args, folder, interrupt)
            ok = clean(code, seconds, mb, first, interrupt)
            failures += not ok
            shown = (first[:150] + "…" if len(first) > 150 else first).replace("|", "\\|")
            rows.append(f"| {name} | {kind} | {code} | {seconds:.1f}{' after SIGINT' if interrupt else ''} | "
                        f"{mb:.0f} | {shown} | {'yes' if ok else '**no**'} |")
            print(rows[-1], flush=True)
    table = "\n".join(rows) + "\n"
    if out:
        header = ("# Hostile probes (`python bench/hostile.py`)\n\nEach probe is a real `gradviz` process with a "
                  f"{LIMIT_SECONDS} s limit; peak MB is the resident memory of its process tree (the command and "
                  "Graphviz's worker), sampled every 20 ms. Clean: a result, or one `Error:` line (exit 1 or 2), or "
                  f"`Interrupted.` and exit 130 after Ctrl-C (then the seconds count from the signal), within "
                  f"{CLEAN_SECONDS} s and {CLEAN_MB} MB.\n\n")
        Path(out).write_text(header + table + f"\n{len(PROBES) - failures} of {len(PROBES)} clean.\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
