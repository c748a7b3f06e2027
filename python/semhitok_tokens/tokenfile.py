"""A token file opened for random access (Spec/tokens.md section 2.2)."""

from __future__ import annotations

import mmap
import operator
import os
from collections.abc import Sequence
from typing import NamedTuple

from .errors import RecordIndexError, RecordProblem, TokenFileError
from .header import HEADER_LENGTH, TokenHeader
from .index import TAG as INDEX_TAG
from .index import read_index
from .record import FIXED_LENGTH, decode_record, record_size

__all__ = ["TokenFile", "TornTail"]


class TornTail(NamedTuple):
    """Bytes at the end of a file without a valid index that do not form a valid record:
    what an interrupted writer leaves (section 2.3). `offset` and `length` in bytes, to
    the end of the file; `kind` the record problem's name (for example "incomplete
    record") and `reason` its full text."""

    offset: int
    length: int
    kind: str
    reason: str

    def __str__(self) -> str:
        return f"torn tail: {self.length} bytes at offset {self.offset} ({self.reason})"


class TokenFile(Sequence):
    """A token file, memory-mapped: its header, and record k on demand.

    Opening checks the header (section 2.1) and finds the records through the index or,
    when the file has no valid index, by one scan that checks every record (section 2.3);
    a torn tail is then reported in `torn_tail` and every record before it stays readable.
    `f[k]` (negative k counts from the end; a slice gives a list) parses record k and
    checks it (section 2.4): a damaged record raises `TokenFileError` of kind "corrupt
    record" and leaves the others readable. Iteration yields every record in order.

    Records hold copies of their tokens, so they stay valid after `close()`. A TokenFile
    pickles as its path (it is opened again when unpickled, for example in a data loader's
    worker process).
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        with open(self.path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            self.header = TokenHeader.parse(self.path, file.read(HEADER_LENGTH), size)
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            index = read_index(self._map, size)
            if index is not None:
                self._offsets, self._records_end = index
                self.has_index = True
                self.torn_tail = None
            else:
                self.has_index = False
                self._offsets, self._records_end, self.torn_tail = self._scan(size)
        except BaseException:
            self._map.close()
            raise

    def _scan(self, size: int) -> tuple[list[int], int, TornTail | None]:
        """The offsets of the records found by scanning from offset 64, the offset after the
        last of them, and the torn tail (section 2.3)."""
        offsets = []
        position = HEADER_LENGTH
        while position < size:
            try:
                fixed = self._map[position:position + FIXED_LENGTH]
                if fixed[:4] == INDEX_TAG:
                    # A valid index here would have been found from the end of the file.
                    raise RecordProblem("invalid index", "an index block that is not valid "
                                                         "(an interrupted or damaged index)")
                end = position + min(record_size(fixed, size - position), size - position)
                _, length = decode_record(self._map[position:end], self.header.vocabulary_size,
                                          self.header.pixel_codebook_size)
            except RecordProblem as problem:
                return offsets, position, TornTail(position, size - position, problem.kind, str(problem))
            offsets.append(position)
            position += length
        return offsets, position, None

    def __len__(self) -> int:
        """The number of readable records."""
        return len(self._offsets)

    def __getitem__(self, index):
        """Record `index` (an int, negative from the end), or a list of records for a slice."""
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        index = operator.index(index)
        count = len(self._offsets)
        k = index + count if index < 0 else index
        if not 0 <= k < count:
            raise RecordIndexError(self.path, index, count)
        if self._map.closed:
            raise ValueError(f"{self.path}: the token file is closed")
        start = int(self._offsets[k])
        end = int(self._offsets[k + 1]) if k + 1 < count else self._records_end
        try:
            record, size = decode_record(self._map[start:end], self.header.vocabulary_size,
                                         self.header.pixel_codebook_size)
            if size != end - start:
                raise RecordProblem("wrong length", f"the record is {size} bytes but the index "
                                                    f"gives it {end - start}")
        except RecordProblem as problem:
            raise TokenFileError(self.path, "corrupt record", f"record {k} at offset {start}: {problem}",
                                 record=k, problem=problem.kind) from None
        return record

    def __iter__(self):
        for k in range(len(self)):
            yield self[k]

    def verify(self) -> None:
        """Reads every record and raises what `semhitok inspect` reports: the first corrupt
        record, else the torn tail (kind "torn tail"); returns None for an intact file."""
        for _ in self:
            pass
        if self.torn_tail is not None:
            raise TokenFileError(self.path, "torn tail", str(self.torn_tail), problem=self.torn_tail.kind)

    def close(self) -> None:
        """Unmaps the file; records read before stay valid."""
        self._map.close()

    @property
    def closed(self) -> bool:
        return self._map.closed

    def __enter__(self) -> TokenFile:
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def __reduce__(self):
        return type(self), (self.path,)

    def __repr__(self) -> str:
        state = "indexed" if self.has_index else "no index"
        tail = f", {self.torn_tail}" if self.torn_tail else ""
        return f"TokenFile({self.path!r}, {len(self)} records, {state}{tail})"
