"""Autosaves: the working design written to the user's data folder, to offer back after a crash.

Every running app autosaves to a slot of its own: one per design file, so that the work on a
file is found again when it is reopened, or one per instance for a design that has no file yet
(a preset, a recovered design), so that two apps never share one. A slot is a design file, a
small note of where the design came from, and a lock file that its app holds locked
(`fcntl.flock`) while it runs: another app never writes, moves or deletes a slot it cannot
lock. A slot whose lock is free but that still holds a design is an orphan: its app ended
without saving (a crash, a killed terminal), and the next app to start offers it back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ascend_tui.model import files, locations
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Design
from ascend_tui.model.presets import load_file
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import dumps_design

NOTE_BYTES = 64 * 1024
LEGACY = "autosave"  # the one shared slot of earlier versions: autosave.toml and autosave.json


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _lock(path: Path) -> int | None:
    """A descriptor holding an exclusive lock on `path` (created if need be), or None when
    another holder has it. The lock goes with the process: a crash releases it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        if not _try_lock(fd):
            os.close(fd)
            return None
        # The last holder deletes the lock file as it lets go: make sure the file locked is
        # still the one at `path`, or try again on the new one.
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


@dataclass(frozen=True)
class Note:
    """Where an autosaved design came from."""

    file: Path | None  # the design file it was editing, if any
    source: str  # in words: "preset gb200-nvl72", "/home/me/pod.toml", "a recovered design"
    saved_at: float

    def describe(self) -> str:
        """`/home/me/pod.toml` or `unsaved, from preset gb200-nvl72`."""
        return str(self.file) if self.file else f"unsaved, from {self.source}"


class Slot:
    """One autosave slot, locked by this process until it is released. Writes may come from a
    worker thread; an older design never overwrites a newer one, and nothing is written after
    the slot is released."""

    def __init__(self, folder: Path, key: str, lock_fd: int) -> None:
        self.folder, self.key = folder, key
        self.design_file = folder / f"{key}.toml"
        self.note_file = folder / f"{key}.json"
        self.lock_file = folder / f"{key}.lock"
        self._fd: int | None = lock_fd
        self._guard = threading.Lock()
        self.written = -1  # the version of the design last written (-1: none since the last clear)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def write(self, design: Design, file: Path | None, source: str, version: int) -> bool:
        """Autosave `design` (the session's `version` of it) atomically, unless a newer version
        is already written or the slot was released; True if it was written."""
        text = dumps_design(design)  # the slow part, outside the guard
        note = json.dumps({"file": str(file) if file else None, "source": source, "saved_at": time.time()})
        with self._guard:
            if self._fd is None or version <= self.written:
                return False
            files.write_text(self.design_file, text, "autosave")
            files.write_text(self.note_file, note, "autosave note", NOTE_BYTES)
            self.written = version
            return True

    def clear(self, upto: int | None = None) -> None:
        """Delete the autosave (after a save or when the design is clean again); with `upto`,
        only if what it holds is no newer than that version."""
        with self._guard:
            if self._fd is None or (upto is not None and self.written > upto):
                return
            self._delete()
            self.written = -1

    def _delete(self) -> None:
        for path in (self.design_file, self.note_file):
            path.unlink(missing_ok=True)

    def note(self) -> Note:
        """What the slot's note says (or as much as can be read of it)."""
        try:
            data = json.loads(files.read_text(self.note_file, "autosave note", NOTE_BYTES))
        except (DesignError, ValueError, RecursionError):
            data = {}
        data = data if isinstance(data, dict) else {}
        file, source = data.get("file"), data.get("source")
        try:
            saved_at = self.design_file.stat().st_mtime
        except OSError:
            saved_at = time.time()
        return Note(
            Path(file) if isinstance(file, str) and file else None,
            source if isinstance(source, str) else "an earlier session",
            saved_at,
        )

    def set_aside(self, folder: Path) -> Path:
        """Move the autosaved design to `folder` as a file of its own, named for its time and
        never over another file, and release the slot."""
        with self._guard:
            stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.design_file.stat().st_mtime))
            folder.mkdir(parents=True, exist_ok=True)
            n = 1
            while True:
                kept = folder / (f"recovered-{stamp}.toml" if n == 1 else f"recovered-{stamp}-{n}.toml")
                try:  # claim the name first, so that no other file is ever replaced
                    os.close(os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                    break
                except FileExistsError:
                    n += 1
            os.replace(self.design_file, kept)
            self.note_file.unlink(missing_ok=True)
        self.release(keep=True)
        return kept

    def release(self, keep: bool) -> None:
        """Let go of the slot: its autosave stays for the next start to offer (`keep`) or is
        deleted (a clean quit)."""
        with self._guard:
            if self._fd is None:
                return
            if not keep:
                self._delete()
            with contextlib.suppress(OSError):
                self.lock_file.unlink()  # while still locked; see _lock
            os.close(self._fd)
            self._fd = None


@dataclass
class Orphan:
    """An autosave whose app is gone, locked by this one while it is offered back: its design,
    or why it cannot be read."""

    slot: Slot
    note: Note
    design: Design | None
    problem: str = ""


class Autosave:
    """The autosave slots in a data folder (the user's, or one given for tests)."""

    def __init__(self, data: Path | None = None) -> None:
        self.data = data or locations.data_dir()
        self.folder = locations.autosave_dir(self.data)

    def _prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def claim(self, file: Path | None) -> Slot:
        """A slot for a design: the design file's own if it is free and holds nothing, else one
        for this instance alone."""
        self._prepare()
        if file is not None:
            digest = hashlib.sha256(os.fsencode(os.path.realpath(file))).hexdigest()[:16]
            key = f"file-{digest}"
            fd = _lock(self.folder / f"{key}.lock")
            if fd is not None:
                slot = Slot(self.folder, key, fd)
                if not slot.design_file.exists():
                    return slot
                slot.release(keep=True)  # an orphan the next start will offer: leave it be
        while True:
            key = f"new-{os.getpid()}-{secrets.token_hex(4)}"
            fd = _lock(self.folder / f"{key}.lock")
            if fd is not None:
                return Slot(self.folder, key, fd)

    def orphans(self, catalog: Catalog | None = None) -> list[Orphan]:
        """Every autosave whose app is gone, newest first, each locked for this app until it
        is restored, set aside or released."""
        if not self.folder.is_dir() and not (self.data / f"{LEGACY}.toml").is_file():
            return []
        self._prepare()
        self._adopt_legacy()
        found = []
        for design_file in self.folder.glob("*.toml"):
            fd = _lock(self.folder / f"{design_file.stem}.lock")
            if fd is None:
                continue  # its app is running
            slot = Slot(self.folder, design_file.stem, fd)
            if not slot.design_file.exists():  # cleared by its app just before it let go
                slot.release(keep=False)
                continue
            try:
                design = load_file(slot.design_file, catalog)  # with the designs it reuses
                found.append(Orphan(slot, slot.note(), design))
            except DesignError as error:
                found.append(Orphan(slot, slot.note(), None, str(error)))
        return sorted(found, key=lambda o: -o.note.saved_at)

    def _adopt_legacy(self) -> None:
        """Move an autosave left by an earlier version (one slot for all) into a slot of its own."""
        legacy = self.data / f"{LEGACY}.toml"
        if not legacy.is_file():
            return
        slot = self.claim(None)
        os.replace(legacy, slot.design_file)
        with contextlib.suppress(OSError):
            os.replace(self.data / f"{LEGACY}.json", slot.note_file)
        slot.release(keep=True)
