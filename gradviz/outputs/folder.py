"""Safe output folders: every file lands inside the folder the user named, is written whole
(a temporary file, then a rename), and never replaces a file gradviz did not create there.

gradviz remembers what it wrote in a small record, ``.gradviz`` (one file name a line), in
the folder; a file that exists and is not in the record is refused unless ``force``. Names
are relative paths without ``..``; a symbolic link anywhere inside the folder on the way to a
file (or a sub-folder) is refused, wherever it points. The folder the user named may itself be
a symbolic link: it is followed. In a ``batch`` every file of the folder and its sub-folders is
checked before the first one is written.
"""

from __future__ import annotations

import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping

from ..errors import GradvizError

__all__ = ["OutputFolder", "write_atomic", "RECORD"]

RECORD = ".gradviz"  # the files gradviz created in a folder, one relative name a line


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


def _named(folder: str | os.PathLike) -> Path:
    """The folder a name names; an empty name (which would be the current folder) is refused."""
    if not os.fspath(folder).strip():
        raise GradvizError("the output folder's name is empty; name a folder, e.g. -o out/")
    return Path(folder)


def _resolved(folder: Path) -> Path:
    """Where ``folder`` leads, its links followed; a loop of links is refused."""
    try:
        return folder.resolve()
    except (RuntimeError, OSError) as exc:  # RuntimeError: Python 3.11's "Symlink loop"
        raise GradvizError(f"cannot use {folder} as the output folder: {exc}; name another folder") from None


class OutputFolder:
    """A folder gradviz writes into (created when the first file is written); ``force`` allows
    overwriting files gradviz did not create."""

    def __init__(self, folder: str | os.PathLike, *, force: bool = False,
                 _inside: "tuple[Path, OutputFolder] | None" = None):
        self.folder = _named(folder)
        self.force = force
        if self.folder.exists() and not self.folder.is_dir():
            raise GradvizError(f"the output folder {self.folder} is a file; name a folder")
        # the named folder itself is followed when it is a link; a sub-folder is checked by ``sub``
        self.root = _inside[0] if _inside else _resolved(self.folder)
        self._top: OutputFolder = _inside[1] if _inside else self  # the folder whose batch this one is in
        self._batch: list | None = None
        self.created = self._read_record()

    @classmethod
    def of(cls, folder: "str | os.PathLike | OutputFolder", *, force: bool = False) -> "OutputFolder":
        """``folder`` itself when it is an ``OutputFolder`` (its batch and ``force`` kept), else a new one."""
        return folder if isinstance(folder, OutputFolder) else cls(folder, force=force)

    def _read_record(self) -> set[str]:
        record = self.root / RECORD
        if record.is_symlink() or (record.exists() and not record.is_file()):
            raise GradvizError(f"{self.folder / RECORD} is not gradviz's record file; remove it or choose another folder")
        try:
            return {line for line in record.read_text(encoding="utf-8").splitlines() if line}
        except (FileNotFoundError, NotADirectoryError):
            return set()
        except (OSError, UnicodeDecodeError):
            raise GradvizError(f"cannot read {self.folder / RECORD}; remove it or choose another folder") from None

    def _inside(self, name: str) -> Path:
        """``name`` inside the folder, refused when it is not a relative name or passes a link."""
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if (not parts or PurePosixPath(name).is_absolute() or os.path.isabs(name) or ".." in parts
                or name == RECORD or any(p in ("", ".") for p in parts) or "\x00" in name):
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
            raise GradvizError(f"refusing to write {name!r}: a folder of that name exists in {self.folder}")
        return target

    def sub(self, name: str) -> "OutputFolder":
        """The sub-folder ``name`` (created when written), in this folder's batch; refused when
        it is a symbolic link or a file."""
        target = self._inside(name)
        if target.exists() and not target.is_dir():
            raise GradvizError(f"refusing to write into {self.folder / name}: it is a file, not a folder")
        return OutputFolder(self.folder / name, force=self.force, _inside=(target, self._top))

    @contextmanager
    def batch(self) -> Iterator["OutputFolder"]:
        """Within it, ``write_all`` here and in sub-folders only checks and collects; everything is
        written at the end, when no check refused anything (nested batches join the outer one)."""
        top = self._top
        if top._batch is not None:
            yield self
            return
        top._batch = pending = []
        try:
            yield self
        finally:
            top._batch = None
        with _uninterrupted():
            for folder, files, paths in pending:
                folder._write(files, paths)

    def check(self, names: list[str] | tuple[str, ...]) -> list[Path]:
        """The paths of ``names``, after checking that each may be written (nothing is written)."""
        paths = [self.path(name) for name in names]
        foreign = [name for name, p in zip(names, paths) if p.exists() and name not in self.created]
        if foreign and not self.force:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise GradvizError(f"{self.folder} already has {shown}, which gradviz did not create; "
                               "use --force to overwrite, or choose another folder")
        return paths

    def write_all(self, files: Mapping[str, bytes]) -> list[Path]:
        """Write every file (all checked before the first is written; in a batch, at its end);
        their paths, in order."""
        paths = self.check(list(files))
        if self._top._batch is not None:
            self._top._batch.append((self, dict(files), paths))
            return paths
        return self._write(files, paths)

    def write(self, name: str, data: bytes) -> Path:
        """Write one file."""
        return self.write_all({name: data})[0]

    def _write(self, files: Mapping[str, bytes], paths: list[Path]) -> list[Path]:
        with _uninterrupted():
            return self._write_now(files, paths)

    def _write_now(self, files: Mapping[str, bytes], paths: list[Path]) -> list[Path]:
        try:
            for p in paths:
                p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GradvizError(f"cannot create the output folder {self.folder}: {exc.strerror or exc}") from None
        self._remember(files)  # recorded first: a file left behind by a crash is still ours
        return [write_atomic(p, data) for p, data in zip(paths, files.values())]

    def _remember(self, names: Mapping[str, bytes]) -> None:
        new = set(names) - self.created
        if new:
            self.created |= new
            write_atomic(self.root / RECORD, ("\n".join(sorted(self.created)) + "\n").encode("utf-8"))
