"""Writing token files (Spec/tokens.md section 4)."""

from __future__ import annotations

import contextlib
import os

from .errors import TokenFileError
from .header import HEADER_LENGTH, TokenHeader
from .index import encode_index
from .record import Record, encode_record

__all__ = ["atomic_file", "write_tokens"]


@contextlib.contextmanager
def atomic_file(path):
    """A binary file to write in place of `path`: it is created under a temporary name in
    the same folder and, when the block ends without an exception, flushed to disk and
    renamed to `path`; on an exception it is removed and `path` is left as it was."""
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    # os.open honours the umask, unlike tempfile's private 0600 files.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_tokens(path, header: TokenHeader, records, finish: bool = True) -> int:
    """Writes a token file: the header, each record as it comes, then the index block
    (sections 1 and 4); returns the number of records. The bytes depend only on `header`
    and the records, in order, so they equal the Swift writer's.

    `records` is an iterable of `Record`s or of (key, tokens) pairs, tokens an integer
    array [H, W] in [0, K * m). With `finish=False` the index is left out, as an
    interrupted writer leaves the file. The file is written under a temporary name in the
    same folder and renamed into place. An invalid header or record raises
    `TokenFileError` (kind "invalid header" or "invalid record") and writes nothing.
    """
    problem = header.problem()
    if problem:
        raise TokenFileError(path, "invalid header", f"invalid header: {problem}")
    offsets = []
    position = HEADER_LENGTH
    with atomic_file(path) as file:
        file.write(header.encode())
        for record in records:
            key, tokens = (record.key, record.tokens) if isinstance(record, Record) else record
            try:
                data = encode_record(key, tokens, header.vocabulary_size)
            except ValueError as error:
                raise TokenFileError(path, "invalid record", f"cannot write record: {error}") from None
            file.write(data)
            offsets.append(position)
            position += len(data)
        if finish:
            file.write(encode_index(offsets, position))
    return len(offsets)
