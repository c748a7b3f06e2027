"""The one exception of the package, `TokenFileError`, and the record problems it reports.

Every `kind` is the Spec's name for the violation (Spec/tokens.md sections 2 and 4) and
every message is worded as the Swift reader's (`Sources/SemHiTokFormats/TokenFileError.swift`
and `TokenRecord.swift`), so that a file refused by one is refused by the other with the
same text.

File kinds: "truncated header", "not a token file", "unsupported version",
"header checksum mismatch", "invalid header", "corrupt record" (the Spec's *corrupt
record k*; k is in `record`), "torn tail", "record index out of range",
"header mismatch" (shards with different headers), "invalid record" (the writer).

Record problems (the `problem` of a corrupt record or torn tail): "incomplete record",
"bad record tag", "invalid record header", "record checksum mismatch", "invalid key",
"token out of range", "wrong length" (a record that does not fill its slot in the index),
"invalid index" (an "SHTI" tag where a scan expects a record, with no valid index).
"""

from __future__ import annotations

import os

__all__ = ["TokenFileError", "RecordIndexError"]


class TokenFileError(ValueError):
    """A token file that cannot be read, written or combined.

    `str(error)` is `"{path}: {detail}"`, the text the Swift command line prints.
    Attributes: `path` (the file, as given), `kind` (the Spec's name, see the module
    docstring), `detail` (the message after the path), `record` (the record number of a
    corrupt record or of an index out of range, else None) and `problem` (the kind of
    record problem of a corrupt record or torn tail, else None).
    """

    def __init__(self, path, kind: str, detail: str, *, record: int | None = None,
                 problem: str | None = None):
        self.path = os.fspath(path)
        self.kind = kind
        self.detail = detail
        self.record = record
        self.problem = problem
        super().__init__(f"{self.path}: {detail}")

    def __reduce__(self):
        # Pickled by its attributes, so that it crosses to and from worker processes.
        return _restore, (type(self), self.path, self.kind, self.detail, self.record, self.problem)


def _restore(cls, path, kind, detail, record, problem) -> TokenFileError:
    """The error of class `cls` (TokenFileError or a subclass) with these attributes."""
    error = cls.__new__(cls)
    TokenFileError.__init__(error, path, kind, detail, record=record, problem=problem)
    return error


class RecordIndexError(TokenFileError, IndexError):
    """A record number outside the file or shards (kind "record index out of range"); also
    an `IndexError`, so that sequence protocols stop on it."""

    def __init__(self, path, index: int, count: int, holder: str = "the file has"):
        super().__init__(path, "record index out of range", f"no record {index}: {holder} {count}",
                         record=index)


class RecordProblem(Exception):
    """Why the bytes at some offset are not a valid record (Spec/tokens.md section 2.4):
    `kind` is the Spec's name and `str()` the Swift reader's wording."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message)

    @classmethod
    def incomplete(cls, needed: int, available: int) -> RecordProblem:
        return cls("incomplete record", f"incomplete record: it needs {needed} bytes, {available} remain")

    @classmethod
    def invalid_header(cls, detail: str) -> RecordProblem:
        return cls("invalid record header", f"invalid record header: {detail}")
