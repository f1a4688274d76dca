"""Graphviz backends: DOT text in, bytes out. The only module that touches Graphviz itself.

``pygraphviz`` (>= 2.0.4, whose wheels bundle Graphviz) renders in-process and is the
default; the system ``dot`` program is used when asked for or when pygraphviz is missing.
Both read the same DOT and take the same layout engine names (``dot`` to lay out,
``nop2`` to render with every position pinned). In a browser (Pyodide, where
``sys.platform == "emscripten"``) the only backend is ``wasm``: Graphviz compiled to
WebAssembly (``@viz-js/viz``), whose instance the page puts on ``globalThis`` under
``WASM_GLOBAL`` before Python runs; it writes SVG, DOT and JSON (no PNG or PDF), and its run
cannot be stopped from Python (the page's own thread runs it).

pygraphviz runs in a forked child process (where ``fork`` exists), so that Graphviz's C code,
which Python cannot interrupt, is bounded: the child is killed after ``GRAPHVIZ_SECONDS``
(a clean ``GradvizError`` with advice), on Ctrl-C (the ``KeyboardInterrupt`` reaches the
caller at once) and when it would use more than ``GRAPHVIZ_MEMORY`` bytes of memory; a
crash of Graphviz becomes an error instead of ending Python. The ``dot`` program gets the
same time limit.

The bundled fontconfig of some pygraphviz wheels prints ``Fontconfig warning: … reset-dirs``
on Debian-like systems. Around every in-process call file descriptor 2 is redirected to a
temporary file; afterwards that warning is dropped and anything else is written to
``sys.stderr`` again (or put into the error message when Graphviz failed).
"""

from __future__ import annotations

import atexit
import io
import json
import os
import pickle
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..errors import GradvizError

__all__ = ["Backend", "get_backend", "browser_svg", "FORMATS", "RENDERERS", "INSTALL_HINT", "GRAPHVIZ_SECONDS",
           "GRAPHVIZ_MEMORY", "TOO_SLOW_ADVICE", "GraphvizTooSlow", "IN_BROWSER", "WASM_GLOBAL"]

from .choices import FORMATS, RENDERERS

INSTALL_HINT = ("install pygraphviz (pip install pygraphviz, whose wheels bundle Graphviz) "
                "or the Graphviz programs (apt-get install graphviz, brew install graphviz)")
_OUTPUT = {"svg": "svg", "png": "png", "pdf": "pdf", "json": "json0", "dot": "dot"}  # json: positions only
_NOISE = re.compile(r"^Fontconfig warning: .*reset-dirs.*$"  # bundled fontconfig vs Debian's config
                    r"|^Warning: graph has \d+ nodes\.\.\.layout may take a long time\.$")  # pygraphviz
_STDERR_LOCK = threading.Lock()
GRAPHVIZ_SECONDS = 30.0  # wall-clock limit of one Graphviz run (a figure's layouts share it: ``fitting``)
GRAPHVIZ_MEMORY = 1 << 30  # bytes Graphviz may allocate beyond what Python already holds
TOO_SLOW_ADVICE = ("draw a smaller formula, only the final frame (--frames final of gradviz render or gradviz net) "
                   "or the neuron view of a "
                   "network (gradviz net --view neurons), or print the numbers with gradviz grad")
IN_BROWSER = sys.platform == "emscripten"  # Pyodide: no processes, no pygraphviz; Graphviz is WebAssembly
WASM_GLOBAL = "gradvizViz"  # the page's ``await Viz.instance()``, on globalThis
#: beside this module in the site's copy of gradviz (``gradviz site`` writes it): for each character
#: beyond ASCII, letters as wide in DejaVu Sans; Graphviz without its font libraries knows only ASCII
#: widths and guesses a third of an em per UTF-8 byte, so labels are measured with these stand-ins
#: and each SVG text is placed where the stand-ins put it
GLYPH_FILLERS = Path(__file__).with_name("glyph_fillers.json")
_TEXT_TAG = re.compile(r"<text [^>]*>")
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]|&#(\d+);|&#x([0-9a-fA-F]+);")
_WASM_FORMATS = ("svg", "json", "dot")
TOO_SLOW = f"Graphviz ran past its limit of {GRAPHVIZ_SECONDS:.0f} s for a figure and was stopped: {TOO_SLOW_ADVICE}"


class GraphvizTooSlow(GradvizError):
    """Graphviz ran past its time limit (``TOO_SLOW``) and was stopped."""


@dataclass(frozen=True)
class Backend:
    """A way to run Graphviz: ``run(source, prog, fmt)`` returns the output bytes."""

    name: str
    dot_path: str | None = None  # the system program, for the ``dot`` backend

    def run(self, source: str, prog: str, fmt: str, dpi: int | None = None,
            timeout: float = GRAPHVIZ_SECONDS) -> bytes:
        """Lay out ``source`` with engine ``prog`` (``dot``, ``nop``, ``nop2``) and render as ``fmt``,
        stopped with a ``GradvizError`` after ``timeout`` seconds."""
        if fmt not in _OUTPUT:
            raise GradvizError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if self.name == "wasm":
            data = _run_wasm(source, prog, fmt, dpi)
        elif self.name == "pygraphviz":
            data = _run_pygraphviz(source, prog, fmt, dpi, timeout)
        else:
            data = _run_program(self.dot_path or "dot", source, prog, fmt, dpi, timeout)
        return browser_svg(data) if fmt == "svg" else pdf_dated(data) if fmt == "pdf" else data


def get_backend(renderer: str = "auto") -> Backend:
    """The backend for ``renderer`` (``auto``, ``pygraphviz`` or ``dot``), or a ``GradvizError``
    that says what to install; in a browser every choice is the WebAssembly Graphviz."""
    if renderer not in RENDERERS:
        raise GradvizError(f"unknown renderer {renderer!r}; choose one of {', '.join(RENDERERS)}")
    if IN_BROWSER:
        return Backend("wasm")
    if renderer in ("auto", "pygraphviz"):
        try:
            import pygraphviz  # noqa: F401
        except ImportError:
            if renderer == "pygraphviz":
                raise GradvizError("the pygraphviz renderer is not available: pip install pygraphviz") from None
        else:
            return Backend("pygraphviz")
    path = shutil.which("dot")
    if path is None:
        if renderer == "dot":
            raise GradvizError("the dot renderer needs the Graphviz program 'dot' on PATH: "
                               "apt-get install graphviz (or brew install graphviz), "
                               "or use --renderer pygraphviz after pip install pygraphviz")
        raise GradvizError(f"rendering needs Graphviz: {INSTALL_HINT}")
    return Backend("dot", path)


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})(Z|[+-]\d\d'\d\d')?\)")


def pdf_dated(pdf: bytes) -> bytes:
    """``pdf`` with its dates set to ``SOURCE_DATE_EPOCH`` (1970-01-01 when unset), so that the
    same figure is the same bytes; every date keeps its length, so the PDF's offsets hold."""
    try:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode("ascii")
    except (ValueError, OverflowError, OSError):
        raise GradvizError(f"SOURCE_DATE_EPOCH must be seconds since 1970, not {os.environ['SOURCE_DATE_EPOCH']!r}"
                           ) from None
    if len(stamp) != 14:
        raise GradvizError(f"SOURCE_DATE_EPOCH {epoch} is not a date a PDF can hold (years 1000 to 9999)")

    def dated(match: re.Match) -> bytes:
        zone = match.group(3) or b""
        return b"/" + match.group(1) + b" (D:" + stamp + (b"+00'00'" if len(zone) == 7 else zone) + b")"
    return _PDF_DATE.sub(dated, pdf)


SCRIPT_SIZE = 0.7  # a sub- or superscript's size, as a share of its text's (TeX's 7 pt over 10 pt)


def browser_svg(svg: bytes) -> bytes:
    """Graphviz's SVG with sub- and superscripts that browsers draw: Graphviz writes them as
    ``<text baseline-shift="sub">`` at full size, which Chromium shifts a whole line down and
    Firefox ignores; here each is moved by its ``y`` and drawn at 70 % size instead."""
    if b"baseline-shift" not in svg:
        return svg
    return _SHIFTED.sub(_unshifted, svg.decode("utf-8")).encode("utf-8")


def _unshifted(match: re.Match) -> str:
    tag = match.group(0)
    size = float(_ATTRIBUTE["font-size"].search(tag).group(1)) if _ATTRIBUTE["font-size"].search(tag) else 14.0
    y = float(_ATTRIBUTE["y"].search(tag).group(1))
    shift = 0.25 * size if 'baseline-shift="sub"' in tag else -0.4 * size
    tag = _ATTRIBUTE["y"].sub(f' y="{y + shift:.2f}"', tag, count=1)
    tag = _ATTRIBUTE["font-size"].sub(f' font-size="{SCRIPT_SIZE * size:.2f}"', tag, count=1)
    return re.sub(r' baseline-shift="[^"]*"', "", tag)


_SHIFTED = re.compile(r'<text [^>]*baseline-shift="[^"]*"[^>]*>')
_ATTRIBUTE = {"y": re.compile(r' y="(-?[\d.]+)"'), "font-size": re.compile(r' font-size="([\d.]+)"')}


def _run_wasm(source: str, prog: str, fmt: str, dpi: int | None) -> bytes:
    """Graphviz as WebAssembly through Pyodide's ``js`` module: ``viz.render(dot, options)``."""
    import js  # Pyodide's view of globalThis
    from pyodide.ffi import to_js

    viz = getattr(js, WASM_GLOBAL, None)
    if viz is None:
        raise GradvizError(f"the page has not loaded Graphviz: globalThis.{WASM_GLOBAL} must hold "
                           "await Viz.instance() (@viz-js/viz) before gradviz renders")
    if fmt not in _WASM_FORMATS:
        raise GradvizError(f"the browser's Graphviz writes {', '.join(_WASM_FORMATS)}, not {fmt}")
    options = to_js({"format": _OUTPUT[fmt], "engine": prog} | ({"graphAttributes": {"dpi": str(dpi)}} if dpi else {}),
                    dict_converter=js.Object.fromEntries)

    def render(text: str) -> str:
        result = viz.render(text, options)
        if result.status != "success" or not result.output:
            messages = "; ".join(str(error.message).strip() for error in result.errors)
            raise GradvizError(f"Graphviz (WebAssembly) could not render the figure: {messages or 'no output'}")
        return str(result.output)

    measured = _BEYOND_ASCII.sub(_stand_in, source)
    if prog == "nop" or measured == source:  # the measuring run (``layout._measure``) gives sizes only
        return render(measured).encode("utf-8")
    if fmt != "svg":
        return render(source).encode("utf-8")
    # each text where Graphviz places it for the stand-ins (its x from their true widths), with its own characters
    drawn, placed = render(source), _TEXT_TAG.findall(render(measured))
    if len(_TEXT_TAG.findall(drawn)) != len(placed):
        return drawn.encode("utf-8")
    tags = iter(placed)
    return _TEXT_TAG.sub(lambda _: next(tags), drawn).encode("utf-8")


@lru_cache(maxsize=1)
def _fillers() -> dict[str, str]:
    return json.loads(GLYPH_FILLERS.read_text(encoding="utf-8")) if GLYPH_FILLERS.exists() else {}


def _stand_in(match: re.Match) -> str:
    """ASCII letters as wide as the character (raw or a numeric entity) ``match`` holds."""
    number = match.group(1) or match.group(2)
    code = ord(match.group(0)) if number is None else int(number, 10 if match.group(1) else 16)
    return _fillers().get(chr(code), match.group(0)) if 127 < code <= sys.maxunicode else match.group(0)


def _run_pygraphviz(source: str, prog: str, fmt: str, dpi: int | None, timeout: float) -> bytes:
    data, messages, error = (_Worker.call((source, prog, fmt, dpi), timeout) if hasattr(os, "fork")
                             else _draw(source, prog, fmt, dpi))
    messages = _without_noise(messages)
    if error is not None or not data:
        detail = messages.strip() or error or "no output"
        raise GradvizError(f"Graphviz (pygraphviz) could not render the figure: {detail}")
    if messages:
        sys.stderr.write(messages)
    return data


def _draw(source: str, prog: str, fmt: str, dpi: int | None) -> tuple[bytes, str, str | None]:
    """The figure's bytes, what Graphviz said on standard error, and its error (or None)."""
    import pygraphviz

    data, error = b"", None
    with _captured_stderr() as captured, redirect_stderr(io.StringIO()) as python_stderr:
        try:
            graph = pygraphviz.AGraph(string=source)
            if dpi is not None:
                graph.graph_attr["dpi"] = str(dpi)
            data = graph.draw(format=_OUTPUT[fmt], prog=prog)  # bytes; never draw("file")
        except (ValueError, TypeError, KeyError) as exc:
            error = str(exc)
    return data, captured[0] + python_stderr.getvalue(), error


class _Worker:
    """A forked child that runs pygraphviz calls one at a time (started at the first call, so
    Graphviz and its fonts load once); killed, and started anew at the next call, when a call
    runs past its time, when the caller is interrupted, and after ``RECYCLE`` calls (Graphviz
    keeps some memory)."""

    RECYCLE = 200
    _current: "_Worker | None" = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        import pygraphviz  # noqa: F401 - loaded before the fork: the child never imports

        requests_in, self.requests = os.pipe()
        self.answers, answers_out = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child (coverage does not follow it)
            try:
                os.close(self.requests)
                os.close(self.answers)
                _serve(requests_in, answers_out)
            finally:
                os._exit(0)
        os.close(requests_in)
        os.close(answers_out)
        self.calls = 0

    @classmethod
    def call(cls, request: tuple, timeout: float) -> tuple[bytes, str, str | None]:
        """``_draw(*request)`` in the worker, or a ``GradvizError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + max(timeout, 0.0)
        with cls._lock:
            worker = cls._current = cls._current or cls()
            try:
                _send(worker.requests, (request, timeout))
                answer = _receive(worker.answers, deadline)
                if answer is None:
                    raise GraphvizTooSlow(TOO_SLOW)
            except BaseException:  # too slow, interrupted (Ctrl-C), or the child died
                worker.stop()
                raise
            worker.calls += 1
            if worker.calls >= cls.RECYCLE:
                worker.stop()
        done, value = answer
        if not done:
            raise value
        return value

    @classmethod
    def forget(cls) -> None:
        """In a process forked from one that had a worker: leave that worker to its owner."""
        cls._lock = threading.Lock()
        worker, cls._current = cls._current, None
        if worker is not None:
            for fd in (worker.requests, worker.answers):
                os.close(fd)

    @classmethod
    def shutdown(cls) -> None:
        """At exit (after Ctrl-C too): the worker ends with its parent, not a moment later."""
        if cls._current is not None:
            cls._current.stop()

    def stop(self) -> None:
        """Kill the child and forget it."""
        type(self)._current = None
        for fd in (self.requests, self.answers):
            os.close(fd)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - already gone
            pass
        os.waitpid(self.pid, 0)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_Worker.forget)
atexit.register(_Worker.shutdown)


def _serve(requests: int, answers: int) -> None:  # pragma: no cover - runs in the child
    """The worker's loop: each request drawn, its answer sent back; ends when the parent does."""
    global _STDERR_LOCK
    _STDERR_LOCK = threading.Lock()  # the parent's may have been held by another thread at the fork
    for number in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C at a terminal ends the child too
        signal.signal(number, signal.SIG_DFL)
    _limit_memory(GRAPHVIZ_MEMORY)
    while True:
        try:
            request, timeout = _receive(requests, None)
        except GradvizError:  # the parent closed the pipe
            return
        signal.alarm(int(timeout) + 5)  # ends the child even when its parent is gone
        try:
            answer: tuple = (True, _draw(*request))
        except Exception as exc:  # raised again by the caller (a full disk while pygraphviz writes, say)
            answer = (False, exc if isinstance(exc, (OSError, GradvizError)) else GradvizError(str(exc)))
        signal.alarm(0)
        _send(answers, answer)


def _send(fd: int, message: object) -> None:
    data = pickle.dumps(message)
    data = len(data).to_bytes(8, "big") + data
    while data:
        data = data[os.write(fd, data):]


def _receive(fd: int, deadline: float | None) -> object:
    """The next message on ``fd``; None when ``deadline`` (``time.monotonic``) passes first."""
    parts = []
    for size in (8, None):
        need = int.from_bytes(b"".join(parts), "big") if size is None else size
        parts = []
        while need:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    return None
            chunk = os.read(fd, min(need, 1 << 20))
            if not chunk:
                raise GradvizError("Graphviz stopped without an answer (it may have crashed or run out of its "
                                   f"{GRAPHVIZ_MEMORY >> 20} MB of memory): {TOO_SLOW_ADVICE}")
            parts.append(chunk)
            need -= len(chunk)
    return pickle.loads(b"".join(parts))


def _limit_memory(extra: int) -> None:  # pragma: no cover - runs in the child
    """Cap this process's address space at what it holds now plus ``extra`` bytes (Linux)."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            held = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (held + extra, held + extra))
    except (ImportError, OSError, ValueError):  # not Linux: no cap
        pass


def _run_program(path: str, source: str, prog: str, fmt: str, dpi: int | None, timeout: float) -> bytes:
    args = [path, f"-K{prog}", f"-T{_OUTPUT[fmt]}"] + ([f"-Gdpi={dpi}"] if dpi is not None else [])
    try:
        done = subprocess.run(args, input=source.encode("utf-8"), capture_output=True, check=False,
                              timeout=max(timeout, 0.0))
    except OSError as exc:
        raise GradvizError(f"cannot run {path}: {exc.strerror}; {INSTALL_HINT}") from None
    except subprocess.TimeoutExpired:
        raise GraphvizTooSlow(TOO_SLOW) from None
    messages = _without_noise(done.stderr.decode("utf-8", "replace"))
    if done.returncode != 0 or not done.stdout:
        raise GradvizError(f"Graphviz ({path}) could not render the figure: "
                           f"{messages.strip() or f'exit status {done.returncode}'}")
    if messages:
        sys.stderr.write(messages)
    return done.stdout


@contextmanager
def _captured_stderr() -> Iterator[list[str]]:
    """Redirect file descriptor 2 for the duration; yields a list that then holds the text."""
    captured = [""]
    with _STDERR_LOCK, tempfile.TemporaryFile() as sink:
        try:
            sys.stderr.flush()
        except (AttributeError, ValueError):  # pragma: no cover - a closed or odd sys.stderr
            pass
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured[0] = sink.read().decode("utf-8", "replace")


def _without_noise(text: str) -> str:
    """The text without the harmless fontconfig warning lines."""
    lines = [line for line in text.splitlines(keepends=True) if not _NOISE.match(line.rstrip("\n"))]
    return "".join(lines)
