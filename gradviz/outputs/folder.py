"""Safe output folders: every file lands inside the folder the user named, is written whole
(a temporary file, then a rename), and never replaces a file gradviz did not create there.

gradviz remembers what it wrote in a small record, ``.gradviz`` (one file name a line), in
the folder; a file that exists and is not in the record is refused unless ``force``. Names
are relative paths without ``..``; a path whose resolved location leaves the folder (a
symbolic link inside it pointing elsewhere) is refused.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Mapping

from ..errors import GradvizError

__all__ = ["OutputFolder", "write_atomic", "RECORD"]

RECORD = ".gradviz"  # the files gradviz created in a folder, one relative name a line


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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


class OutputFolder:
    """A folder gradviz writes into (created when missing); ``force`` allows overwriting
    files gradviz did not create."""

    def __init__(self, folder: str | os.PathLike, *, force: bool = False):
        self.folder = Path(folder)
        self.force = force
        if self.folder.exists() and not self.folder.is_dir():
            raise GradvizError(f"the output folder {self.folder} is a file; name a folder")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GradvizError(f"cannot create the output folder {self.folder}: {exc.strerror}") from None
        self.root = self.folder.resolve()
        self.created = self._read_record()

    def _read_record(self) -> set[str]:
        record = self.root / RECORD
        if record.is_symlink() or (record.exists() and not record.is_file()):
            raise GradvizError(f"{self.folder / RECORD} is not gradviz's record file; remove it or choose another folder")
        try:
            return {line for line in record.read_text(encoding="utf-8").splitlines() if line}
        except FileNotFoundError:
            return set()
        except (OSError, UnicodeDecodeError):
            raise GradvizError(f"cannot read {self.folder / RECORD}; remove it or choose another folder") from None

    def path(self, name: str) -> Path:
        """The location of file ``name`` inside the folder, or a ``GradvizError`` if it would
        leave the folder (absolute, ``..``, a symbolic link) or is not a plain file name."""
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if (not parts or PurePosixPath(name).is_absolute() or os.path.isabs(name) or ".." in parts
                or name == RECORD or any(p in ("", ".") for p in parts) or "\x00" in name):
            raise GradvizError(f"refusing to write {name!r}: not a file name inside {self.folder}")
        target = self.root.joinpath(*parts)
        if target.is_symlink() or not target.resolve().is_relative_to(self.root):
            raise GradvizError(f"refusing to write {name!r}: it leads outside {self.folder} (a symbolic link)")
        if target.exists() and not target.is_file():
            raise GradvizError(f"refusing to write {name!r}: a folder of that name exists in {self.folder}")
        return target

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
        """Write every file (all checked before the first is written); their paths, in order."""
        paths = self.check(list(files))
        for p in paths:
            p.parent.mkdir(parents=True, exist_ok=True)
        self._remember(files)  # recorded first: a file left behind by a crash is still ours
        return [write_atomic(p, data) for p, data in zip(paths, files.values())]

    def write(self, name: str, data: bytes) -> Path:
        """Write one file."""
        return self.write_all({name: data})[0]

    def _remember(self, names: Mapping[str, bytes]) -> None:
        new = set(names) - self.created
        if new:
            self.created |= new
            write_atomic(self.root / RECORD, ("\n".join(sorted(self.created)) + "\n").encode("utf-8"))
