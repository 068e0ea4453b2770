r"""The one way ascend-tui reads and writes user files.

Reading takes only regular files, up to a size, as UTF-8 text (a UTF-8 byte-order mark is
accepted, other encodings are named), and measures how deep TOML text nests before any parser
sees it: parsers recurse once per level, and a compiled one can overflow its stack where Python
could not catch it. Every input the tool reads from a user goes through `read_text` or
`read_toml`; nothing is unpickled.

TOML is read by rtoml, a compiled reader about five times as fast as the standard library's on
large designs (benchmarks/bench_files.py) and exact: the same values, types and key order (tests
compare them). It reads TOML 1.1, a superset of the 1.0 the standard library of Python 3.11
reads (escapes such as `\e`, a comma or line break before an inline table's `}`). Text it
refuses goes to the standard library's reader, whose messages carry the line and column, and
which also reads the few TOML 1.0 numbers rtoml refuses (an integer past 64 bits, a float that
overflows to infinity).

Writing is atomic: the text goes to a temporary file beside the target, is flushed to disk and
renamed over the target, and the folder is flushed too, so that a crash or a full disk leaves
either the old file or the new one. The target keeps its permissions (a new file gets the
user's umask), a symbolic link is followed to the file it names, and anything that is not a
regular file (a folder, a named pipe, a device) is refused.

Failures are DesignErrors that name the file and say what to do.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import secrets
import stat
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import rtoml

from ascend_tui.model.problems import DesignError, Problem

MiB = 2**20
# A design of a million distinct cabinets is about 200 MB of TOML; nothing the tool writes is
# larger than it reads.
MAX_DESIGN_BYTES = 256 * MiB
# Designs nest a handful of levels (cluster > supernodes > cabinets > parts > figure); 64 leaves
# room for deeper formats and stays far below where Python's parser (about 300 levels) or a
# compiled one fails.
MAX_DEPTH = 64
NAME_MAX = 255  # bytes in one file name on the common file systems, when the folder will not say

PathLike = str | os.PathLike[str]


# --- reading ---------------------------------------------------------------------------------


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n / MiB:,.1f} MB" if n >= MiB else f"{n:,} bytes"


def file_problem(path: PathLike, what: str = "design file") -> str | None:
    """Why `path` cannot be read as a `what` (missing, a folder, a FIFO...), or None."""
    if "\0" in os.fspath(path):  # the operating system would refuse it with a ValueError
        return "no such file (a file name cannot hold a NUL character)"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except NotADirectoryError:
        return "no such file (a part of the path is a file, not a folder)"
    except OSError as error:
        return f"cannot read the {what}: {error.strerror or error}"
    if not stat.S_ISREG(mode):
        return f"this is {_kind(mode)}, not a {what}; give the path of a file"
    return None


def _read_bytes(path: PathLike, what: str, max_bytes: int, head: bool = False) -> bytes:
    """A regular file's bytes, at most `max_bytes` of them: the whole file (refused if larger),
    or with `head` its first `max_bytes`."""
    source = os.fspath(path)

    def fail(message: str) -> DesignError:
        return DesignError([Problem("", message)], source)

    why = file_problem(path, what)
    if why:
        raise fail(why)
    too_big = f"the {what} is {{}}, more than the {_size(max_bytes)} ascend-tui reads; is it the right file?"
    try:
        # Non-blocking, so that a file swapped for a FIFO after the check cannot hang the open;
        # the descriptor is checked again below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise fail(f"cannot read the {what}: {error.strerror or error}") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise fail(f"this is {_kind(info.st_mode)}, not a {what}; give the path of a file")
        if info.st_size > max_bytes and not head:
            raise fail(too_big.format(_size(info.st_size)))
        try:
            data = f.read(max_bytes + 1)
        except OSError as error:
            raise fail(f"cannot read the {what}: {error.strerror or error}") from None
    if len(data) > max_bytes:  # it grew after the check, or only its head is wanted
        if head:
            return data[:max_bytes]
        raise fail(too_big.format(f"over {_size(max_bytes)}"))
    return data


def decode(data: bytes, source: str | None = None, what: str = "design file") -> str:
    """UTF-8 text from bytes; a UTF-8 byte-order mark is dropped, UTF-16 and UTF-32 are named."""
    if data.startswith(codecs.BOM_UTF8):
        return decode(data[len(codecs.BOM_UTF8) :], source, what)
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16: it starts with the UTF-16 LE mark
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if data.startswith(bom):
            message = (
                f"the {what} is {encoding} text (it starts with a {encoding} byte-order mark); "
                "save it as UTF-8"
            )
            raise DesignError([Problem("", message)], source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        message = (
            f"not a text file in UTF-8: byte 0x{data[error.start]:02x} in column {column} cannot be "
            f"read; save the {what} as UTF-8 text"
        )
        raise DesignError([Problem("", message, line=line)], source) from None


def read_bytes(path: PathLike, what: str = "design file", max_bytes: int = MAX_DESIGN_BYTES) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; DesignError says why not."""
    return _read_bytes(path, what, max_bytes)


def read_text(path: PathLike, what: str = "design file", max_bytes: int = MAX_DESIGN_BYTES) -> str:
    """The text of a regular file of at most `max_bytes`, as UTF-8; DesignError says why not."""
    return decode(_read_bytes(path, what, max_bytes), os.fspath(path), what)


def read_head(path: PathLike, max_bytes: int, what: str = "design file") -> str:
    """The first `max_bytes` of a regular file as text (a character cut at the end is dropped),
    for a look at its first lines without reading all of a large file."""
    data = _read_bytes(path, what, max_bytes, head=True)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode("utf-8", "ignore")


def read_toml(
    path: PathLike, what: str = "design file", max_bytes: int = MAX_DESIGN_BYTES, max_depth: int = MAX_DEPTH
) -> dict[str, Any]:
    """A TOML file's data, checked for size, encoding and depth before it is parsed."""
    return parse_toml(read_text(path, what, max_bytes), os.fspath(path), max_depth)


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    message = str(error)
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if not m:
        end = re.search(r"\s*\(at end of document\)", message)
        if end is None:
            return Problem("", f"TOML syntax error: {message}")
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        return Problem("end of file", f"TOML syntax error: {message[: end.start()]}", line=max(line, 1))
    what = message[: m.start()].strip()
    return Problem(f"column {m.group(2)}", f"TOML syntax error: {what}", line=int(m.group(1)))


def loads(text: str) -> dict[str, Any]:
    """TOML text's data (see the module's note on the reader); tomllib.TOMLDecodeError, with the
    line and column, for text that is not TOML. Only for text whose depth is known to be safe."""
    try:
        data: dict[str, Any] = rtoml.loads(text)
        return data
    except ValueError:  # rtoml.TomlParsingError: the standard library says where, or reads it
        return tomllib.loads(text)


def parse_toml(text: str, source: str | None = None, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """TOML text's data; DesignError for text that nests deeper than `max_depth` (found before
    parsing) or is not TOML (with the line and column)."""
    line = too_deep(text, max_depth)
    if line is not None:
        message = (
            f"nested more than {max_depth} levels deep (arrays, inline tables and dotted keys); "
            "no design needs that many"
        )
        raise DesignError([Problem("", message, line=line)], source)
    try:
        return loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DesignError([_syntax_problem(error, text)], source) from None
    except ValueError:  # Python refuses to read a whole number of more than 4,300 digits
        long = max(re.finditer(r"[0-9_]{4000,}", text), key=lambda m: len(m.group()), default=None)
        digits = len(long.group().replace("_", "")) if long else 0
        line = text.count("\n", 0, long.start()) + 1 if long else None
        message = f"TOML syntax error: a number of {digits:,} digits is too long to read"
        raise DesignError([Problem("", message, line=line)], source) from None


# --- how deep TOML text nests, without parsing it -------------------------------------------

# Strings (four kinds) and comments, leftmost first, so that quotes inside comments and `#`
# inside strings are taken as TOML takes them.
_STRINGS_AND_COMMENTS = re.compile(
    r'"""(?:[^"\\]|\\.|"{1,2}(?!"))*"{3,5}'
    r"|'''(?:[^']|'{1,2}(?!'))*'{3,5}"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*",
    re.S,
)
_TOKENS = re.compile(r"\n|[\[\]{},=.]|[^\s\[\]{},=.]+")
# A value array or inline table with nothing nested in it, closed on the same line.
_FLAT_CONTAINER = re.compile(r"=[ \t]*[\[{][^\[\]{}\n]*[\]}]")
_OPENS_CONTAINER = re.compile(r"=[ \t]*[\[{]")


def _skeleton(text: str) -> str:
    """The text with every string replaced by `S` (keeping its line breaks) and comments dropped."""

    def blank(m: re.Match[str]) -> str:
        return "" if m.group().startswith("#") else "S" + "\n" * m.group().count("\n")

    return _STRINGS_AND_COMMENTS.sub(blank, text)


def too_deep(text: str, max_depth: int = MAX_DEPTH) -> int | None:
    """The line where TOML text first nests deeper than `max_depth` containers (tables, arrays,
    inline tables, and the tables dotted keys make), or None. It never parses: strings and
    comments are blanked out, and the rest is counted."""
    # Fast path, for files without nested inline values (every design the tool writes): the
    # depth is then at most 2 + a header's dots + 2 + the dots of one line, as the document, a
    # [[header]], a key, one flat value and the dotted keys inside it add up.
    dots = (max_depth - 2) // 2
    if dots >= 1:
        skeleton = _STRINGS_AND_COMMENTS.sub("S", text)
        nested = _OPENS_CONTAINER.search(_FLAT_CONTAINER.sub("=V", skeleton))
        if not nested and not re.search(rf"\.(?:[^.\n]*\.){{{dots - 1}}}", skeleton):
            return None
    return _deepest(_skeleton(text), max_depth)


def _deepest(skeleton: str, max_depth: int) -> int | None:
    """The exact count, token by token, over text whose strings and comments are blanked. The
    document is level 1; a key `a.b.c` in a table at level d makes tables at d+1 and d+2, and
    its value, if an array or inline table, is at d+3."""
    line = 1
    table = 1  # level of the current [table] or [[array of tables]] element
    stack: list[tuple[str, int]] = []  # open `[` and `{` of values, with their levels
    state = "statement"  # statement, header, key, inline-key or value
    pending = 0  # the level an array or inline table opened next would have
    segments = 0
    array_of_tables = False
    for m in _TOKENS.finditer(skeleton):
        token = m.group()
        if token == "\n":
            line += 1
            if not stack:
                state = "statement"
            continue
        if state == "statement" and token == "[":
            state, segments = "header", 1
            array_of_tables = skeleton.startswith("[", m.end())
            continue
        if state == "header":
            if token == ".":
                segments += 1
            elif token == "]":
                table = 1 + segments + (1 if array_of_tables else 0)
                if table > max_depth:
                    return line
                state, array_of_tables = "value", False  # only a comment may follow
            continue
        if state in ("statement", "inline-key"):
            if token == "}" and stack and stack[-1][0] == "{":
                stack.pop()
                state = "value"
            elif token not in "[]{},=.":
                state, segments = "key", 1
            continue
        if state == "key":
            if token == ".":
                segments += 1
            elif token == "=":
                pending = (stack[-1][1] if stack else table) + segments
                if pending - 1 > max_depth:  # the tables the dotted key makes
                    return line
                state = "value"
            continue
        if token in "[{":
            if pending > max_depth:
                return line
            stack.append((token, pending))
            state = "inline-key" if token == "{" else "value"
            pending += 1
        elif token in "]}":
            if stack and stack[-1][0] == ("[" if token == "]" else "{"):
                stack.pop()
            if stack and stack[-1][0] == "[":
                pending = stack[-1][1] + 1
        elif token == ",":
            if stack and stack[-1][0] == "{":
                state = "inline-key"
            elif stack:
                pending = stack[-1][1] + 1
    return None


# --- writing ---------------------------------------------------------------------------------


def _temporary_name(name: str, directory: Path) -> str:
    """A hidden, unique name beside `name` that fits the folder's limit on name length, however
    long `name` is (a 250-character name plus a suffix would not)."""
    try:
        limit = os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        limit = NAME_MAX
    token = secrets.token_hex(4)
    room = min(limit, NAME_MAX) - len(f"..{token}.tmp")
    stem = name.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f".{stem}.{token}.tmp"


def _fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a folder that cannot be opened (Windows, some mounts): the rename stands
    try:
        with contextlib.suppress(OSError):  # some file systems cannot flush a folder; the rename stands
            os.fsync(fd)
    finally:
        os.close(fd)


def write_text(path: PathLike, text: str, what: str = "design", max_bytes: int = MAX_DESIGN_BYTES) -> Path:
    """Write `text` to `path` atomically and return the file written (a symbolic link's target).
    DesignError, naming the file, if it cannot be written; the old file is then untouched."""
    return write_bytes(path, text.encode("utf-8"), what, max_bytes)


def write_bytes(path: PathLike, data: bytes, what: str = "design", max_bytes: int = MAX_DESIGN_BYTES) -> Path:
    """Write `data` to `path` atomically, as write_text does."""
    if len(data) > max_bytes:
        message = f"the {what} would be {_size(len(data))}, more than the {_size(max_bytes)} ascend-tui reads"
        raise DesignError([Problem("", message)], os.fspath(path))
    return write_through(path, lambda f: f.write(data), what)


def write_chunks(
    path: PathLike, chunks: Iterable[str], what: str = "design", max_bytes: int = MAX_DESIGN_BYTES
) -> Path:
    """Write text made of `chunks` to `path` atomically, as write_text does, without holding the
    whole text (a million cabinets are 240 MB of it): each chunk is encoded and written as it
    comes. Past `max_bytes` the writing stops and the old file stays."""
    source = os.fspath(path)

    def put(f: IO[bytes]) -> None:
        written = 0
        for chunk in chunks:
            data = chunk.encode("utf-8")
            written += len(data)
            if written > max_bytes:
                message = f"the {what} would be more than the {_size(max_bytes)} ascend-tui reads"
                raise DesignError([Problem("", message)], source)
            f.write(data)

    return write_through(path, put, what)


def write_through(path: PathLike, put: Callable[[IO[bytes]], object], what: str) -> Path:
    """Write a file through `put`, which writes into a temporary file beside `path`, then flush it
    to disk and rename it over `path` (see the module's note); whatever `put` raises leaves the old
    file as it was."""
    source = os.fspath(path)

    def fail(message: str) -> DesignError:
        return DesignError([Problem("", message)], source)

    if "\0" in source:
        raise fail(f"cannot save the {what}: a file name cannot hold a NUL character")
    target = Path(os.path.realpath(path))  # saving through a symbolic link writes the file it names
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise fail(f"cannot save the {what}: {error.strerror or error}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise fail(f"this is {_kind(info.st_mode)}, not a file; save the {what} under another name")
    directory = target.parent
    if not directory.is_dir():
        raise fail(f"cannot save the {what}: there is no folder {directory}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        while True:
            temporary = directory / _temporary_name(target.name, directory)
            try:
                # A new file gets 0o666 less the umask, as any program's would; a replaced one
                # gets its old mode exactly (fchmod is not masked).
                fd = os.open(temporary, flags, 0o600 if info else 0o666)
                break
            except FileExistsError:
                continue
        try:
            with os.fdopen(fd, "wb") as f:
                if info is not None and hasattr(os, "fchmod"):
                    os.fchmod(f.fileno(), stat.S_IMODE(info.st_mode))
                put(f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        raise fail(f"cannot save the {what}: {error.strerror or error}") from None
    _fsync_directory(directory)
    return target
