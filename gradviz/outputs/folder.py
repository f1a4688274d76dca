"""Safe output folders: every file lands inside the folder the user named, is written whole
(a temporary file, then a rename), and never replaces a file gradviz did not create there.

gradviz remembers what it wrote in a small record, ``.gradviz`` (one relative file name a line,
sub-folders' files included), in the folder. **One run, one folder's worth of truth**: the
first write of an ``OutputFolder`` (a command's run) removes every file the record names that
this run does not write, so two runs never mix; later writes of the same ``OutputFolder`` add
to its run. A file that exists and is not in the record is refused unless ``force``, and is
never removed. The record is read, checked and rewritten under a lock on the folder
(``flock``), so commands writing into one folder at once take turns and never lose a record;
a record larger than any run writes (``MAX_RECORD_BYTES``) is refused unread.

Names are relative paths without ``..``; a symbolic link anywhere inside the folder on the way
to a file (or a sub-folder) is refused, wherever it points. The folder the user named may
itself be a symbolic link: it is followed. In a ``batch`` every file of the folder and its
sub-folders is checked before the first one is written.

A single file the user names (``gradviz gif -o x.gif``) is written by ``write_file`` with no
record beside it: an existing file is replaced only when its first bytes carry gradviz's mark.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator, Mapping

from ..errors import GradvizError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["OutputFolder", "locked", "write_atomic", "write_file", "RECORD", "MAX_RECORD_BYTES", "MARK_BYTES"]

RECORD = ".gradviz"  # the files gradviz created in a folder, one relative name a line
MAX_RECORD_BYTES = 1_000_000  # a run writes at most a few thousand files of short names: about 100 kB
MARK_BYTES = 4096  # how much of an existing single file is read to find gradviz's mark


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise GradvizError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a written file is an ordinary one
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise GradvizError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    return path


def write_file(path: str | os.PathLike, data: bytes, *, ours: Callable[[bytes], bool], force: bool = False) -> Path:
    """Write one file the user named, leaving nothing else behind (no record). An existing file
    is replaced only when ``ours`` finds gradviz's mark in its first ``MARK_BYTES`` (or ``force``);
    a symbolic link, a folder or a device of that name is refused."""
    if str(path) == "":
        raise GradvizError("the output file name is empty: name a file")
    target = Path(path)
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise GradvizError(f"cannot write {target}: {exc.strerror or exc}") from None
    if mode is not None:
        if stat.S_ISLNK(mode):
            raise GradvizError(f"refusing to write {target}: it is a symbolic link; remove it or name another file")
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
            raise GradvizError(f"refusing to write {target}: it is {kind}; name another file")
        if not force:
            try:
                with open(target, "rb") as fh:
                    head = fh.read(MARK_BYTES)
            except OSError as exc:
                raise GradvizError(f"cannot read {target}: {exc.strerror or exc}") from None
            if not ours(head) and target.name not in _listed(target.parent / RECORD):
                raise GradvizError(f"{target} exists and gradviz did not create it; use --force to overwrite, "
                                   "or name another file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GradvizError(f"cannot create the folder {target.parent}: {exc.strerror or exc}") from None
    return write_atomic(target, data)


def _listed(record: Path) -> set[str]:
    """The names an earlier gradviz's record beside a single file lists (it kept one there), or none."""
    try:
        return _read_record(record, record)
    except GradvizError:
        return set()


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while files are written (and delivered right after), so
    that a command stopped by them leaves either all of a batch's files or none."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """The folder locked against other gradviz processes (``flock`` on the folder itself: no
    lock file is left behind); waiting for the lock can be interrupted."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise GradvizError(f"cannot open the folder {folder}: {exc.strerror or exc}") from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:  # a file system without locks: written as before, unguarded
                pass
        yield
    finally:
        os.close(fd)  # closing releases the lock


class OutputFolder:
    """A folder gradviz writes into (created when the first file is written): one run, whose
    first write replaces what earlier runs wrote there; ``force`` allows overwriting files
    gradviz did not create."""

    def __init__(self, folder: str | os.PathLike, *, force: bool = False, replace: bool = True,
                 _inside: "tuple[Path, OutputFolder, str] | None" = None):
        if not str(folder).strip():
            raise GradvizError("the output folder's name is empty: name a folder (-o out)")
        self.folder = Path(folder)
        self.force = force
        self.replace = replace  # False: add to what earlier runs wrote (the gallery's --dot-only)
        try:
            if self.folder.exists() and not self.folder.is_dir():
                raise GradvizError(f"the output folder {self.folder} is a file; name a folder")
            # the named folder itself is followed when it is a link; a sub-folder is checked by ``sub``
            self.root = _inside[0] if _inside else self.folder.resolve(strict=False)
        except (OSError, RuntimeError) as exc:  # a loop of symbolic links, a name too long
            reason = getattr(exc, "strerror", None) or "a loop of symbolic links"
            raise GradvizError(f"cannot use the output folder {self.folder}: {reason}") from None
        self._top: OutputFolder = _inside[1] if _inside else self  # the folder whose run and batch this one is in
        self._prefix = _inside[2] if _inside else ""  # this folder's name inside the top one ("answer-key/")
        self._batch: list | None = None
        self._run: set[str] = set()  # on the top folder: every name (relative to it) this run wrote
        if not _inside:
            self._read_record()  # a record that is not gradviz's is refused before any work (read again to write)

    @classmethod
    def of(cls, folder: "str | os.PathLike | OutputFolder", *, force: bool = False) -> "OutputFolder":
        """``folder`` itself when it is an ``OutputFolder`` (its run, batch and ``force`` kept), else a new one."""
        return folder if isinstance(folder, OutputFolder) else cls(folder, force=force)

    def _inside(self, name: str) -> Path:
        """``name`` inside the folder, refused when it is not a relative name or passes a link."""
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if (not parts or PurePosixPath(name).is_absolute() or os.path.isabs(name) or ".." in parts
                or parts[-1] == RECORD or any(p in ("", ".") for p in parts) or "\x00" in name):
            raise GradvizError(f"refusing to write {name!r}: not a file name inside {self.folder}")
        for k in range(1, len(parts) + 1):
            if self.root.joinpath(*parts[:k]).is_symlink():
                raise GradvizError(f"refusing to write {name!r}: {self.folder.joinpath(*parts[:k])} is a symbolic "
                                   "link, and gradviz writes only inside the output folder; remove the link")
        return self.root.joinpath(*parts)

    def path(self, name: str) -> Path:
        """The location of file ``name`` inside the folder, or a ``GradvizError`` if it would
        leave the folder (absolute, ``..``, a symbolic link) or is not a plain file name."""
        target = self._inside(name)
        if target.exists() and not target.is_file():
            kind = "a folder" if target.is_dir() else "a file that is not a regular one (a device, FIFO or socket)"
            raise GradvizError(f"refusing to write {name!r}: {kind} of that name exists in {self.folder}")
        return target

    def sub(self, name: str) -> "OutputFolder":
        """The sub-folder ``name`` (created when written), in this folder's run and batch (the top
        folder's record lists its files); refused when it is a symbolic link or a file."""
        target = self._inside(name)
        if target.exists() and not target.is_dir():
            raise GradvizError(f"refusing to write into {self.folder / name}: it is a file, not a folder")
        prefix = self._prefix + "/".join(PurePosixPath(name.replace("\\", "/")).parts) + "/"
        return OutputFolder(self.folder / name, force=self.force, _inside=(target, self._top, prefix))

    @contextmanager
    def batch(self) -> Iterator["OutputFolder"]:
        """Within it, ``write_all`` here and in sub-folders only checks and collects; every file is
        checked again and written at the end, when nothing was refused (nested batches join the
        outer one)."""
        top = self._top
        if top._batch is not None:
            yield self
            return
        top._batch = pending = []
        try:
            yield self
        finally:
            top._batch = None
        if pending:
            top._write({name: data for files in pending for name, data in files.items()})

    def write_all(self, files: Mapping[str, bytes]) -> list[Path]:
        """Write every file (all checked before the first is written; in a batch, at its end);
        their paths, in order."""
        paths = [self.path(name) for name in files]
        named = {self._prefix + name: data for name, data in files.items()}
        if self._top._batch is not None:
            self._top._refuse_foreign(named, paths)  # early, before the batch's other work; again when written
            self._top._batch.append(named)
        else:
            self._top._write(named)
        return paths

    def write(self, name: str, data: bytes) -> Path:
        """Write one file."""
        return self.write_all({name: data})[0]

    def _write(self, files: Mapping[str, bytes]) -> None:
        """On the top folder: under its lock, check ``files`` against the record, write them and
        remove what earlier runs wrote that this run does not."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GradvizError(f"cannot create the output folder {self.folder}: {exc.strerror or exc}") from None
        with locked(self.root), _uninterrupted():
            paths = [self.path(name) for name in files]  # again: the folder may have changed meanwhile
            earlier, legacy = self._refuse_foreign(files, paths)
            try:
                for p in paths:
                    p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise GradvizError(f"cannot create the output folder {p.parent}: {exc.strerror or exc}") from None
            run = self._run | set(files)
            self._store(earlier | run)  # recorded first: a file left behind by a crash is still ours
            for p, data in zip(paths, files.values()):
                write_atomic(p, data)
            self._run = run
            if self.replace:
                self._remove(earlier - run)
                for record in legacy:
                    record.unlink(missing_ok=True)
                self._store(run)

    def _refuse_foreign(self, files: Mapping[str, bytes], paths: list[Path]) -> tuple[set[str], dict[Path, set[str]]]:
        """On the top folder: refuse (unless ``force``) files that exist and gradviz did not write; the
        names the record (and earlier sub-folder records) lists, and those records. The files are looked
        at before the record is read: a file another run writes is in its record before it exists."""
        present = [name for name, p in zip(files, paths) if p.exists()]
        legacy = self._legacy_records(files)
        earlier = self._read_record() | {n for names in legacy.values() for n in names}
        foreign = [name for name in present if name not in earlier | self._run]
        if foreign and not self.force:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise GradvizError(f"{self.folder} already has {shown}, which gradviz did not create; "
                               "use --force to overwrite, or choose another folder")
        return earlier, legacy

    def _read_record(self) -> set[str]:
        return _read_record(self.root / RECORD, self.folder / RECORD)

    def _legacy_records(self, files: Mapping[str, bytes]) -> dict[Path, set[str]]:
        """Records an earlier gradviz kept in the sub-folders this run writes into (now the top
        folder's record lists them): their names, relative to the top folder."""
        found = {}
        for prefix in {name.rsplit("/", 1)[0] + "/" for name in files if "/" in name}:
            record = self.root / prefix / RECORD
            if record.is_file() and not record.is_symlink():
                found[record] = {prefix + name for name in _read_record(record, self.folder / prefix / RECORD)}
        return found

    def _store(self, names: set[str]) -> None:
        write_atomic(self.root / RECORD, "".join(f"{name}\n" for name in sorted(names)).encode("utf-8"))

    def _remove(self, names: set[str]) -> None:
        """Remove the files gradviz wrote that the record names (never a link, never a folder), and
        the sub-folders they leave empty."""
        for name in sorted(names):
            try:
                path = self._inside(name)
            except GradvizError:  # not a name gradviz writes: nothing to remove
                continue
            if path.is_symlink() or not path.is_file():
                continue
            path.unlink(missing_ok=True)
            parent = path.parent
            while parent != self.root:
                try:
                    parent.rmdir()  # only when empty
                except OSError:
                    break
                parent = parent.parent


def _read_record(record: Path, shown: Path) -> set[str]:
    """The names a record lists; one that is not a regular file or is larger than any run writes is refused
    unread."""
    try:
        info = os.lstat(record)
    except (FileNotFoundError, NotADirectoryError):
        return set()
    except OSError as exc:
        raise GradvizError(f"cannot read {shown}: {exc.strerror or exc}; remove it or choose another folder") from None
    if not stat.S_ISREG(info.st_mode):
        raise GradvizError(f"{shown} is not gradviz's record file; remove it or choose another folder")
    if info.st_size > MAX_RECORD_BYTES:
        raise GradvizError(f"{shown} holds {info.st_size:,} bytes, more than gradviz's record of a run ever does "
                           f"(at most {MAX_RECORD_BYTES:,}); it is not gradviz's: remove it or choose another folder")
    try:
        with open(record, "rb") as fh:
            data = fh.read(MAX_RECORD_BYTES + 1)
        if len(data) > MAX_RECORD_BYTES:
            raise GradvizError(f"{shown} is larger than gradviz's record of a run ever is; remove it or choose "
                               "another folder")
        return {line for line in data.decode("utf-8").splitlines() if line}
    except (OSError, UnicodeDecodeError):
        raise GradvizError(f"cannot read {shown}; remove it or choose another folder") from None
