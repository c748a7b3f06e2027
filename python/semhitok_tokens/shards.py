"""Several token files read as one sequence of records, for datasets written in shards."""

from __future__ import annotations

import bisect
import glob
import operator
import os
from collections.abc import Sequence

from .errors import RecordIndexError, TokenFileError
from .tokenfile import TokenFile, TornTail

__all__ = ["TokenShards", "open_shards"]


class TokenShards(Sequence):
    """The records of several token files, concatenated in the order the paths are given.

    Every file must have the same header (model fingerprint, K, m and native grid): a file
    whose header differs from the first's raises `TokenFileError` of kind "header
    mismatch". `len`, `s[k]` (negative from the end; a slice gives a list), iteration and
    `verify()` behave as a `TokenFile`'s over the concatenation; `files` holds the open
    files and `locate(k)` says which one holds record k.
    """

    def __init__(self, paths):
        paths = [os.fspath(path) for path in paths]
        if not paths:
            raise ValueError("no token files given")
        self.files: list[TokenFile] = []
        try:
            for path in paths:
                file = TokenFile(path)
                self.files.append(file)
                first = self.files[0]
                if file.header != first.header:
                    raise TokenFileError(path, "header mismatch",
                                         f"header mismatch: the file's header ({file.header.describe()}) "
                                         f"differs from that of {first.path} ({first.header.describe()})")
        except BaseException:
            self.close()
            raise
        self.header = self.files[0].header
        # starts[n]: the number of records before file n; the last entry is the total.
        self._starts = [0]
        for file in self.files:
            self._starts.append(self._starts[-1] + len(file))

    @property
    def paths(self) -> list[str]:
        """The files' paths, in order."""
        return [file.path for file in self.files]

    @property
    def torn_tails(self) -> list[tuple[str, TornTail]]:
        """(path, TornTail) of every file with a torn tail, in order."""
        return [(file.path, file.torn_tail) for file in self.files if file.torn_tail is not None]

    def __len__(self) -> int:
        return self._starts[-1]

    def locate(self, index: int) -> tuple[TokenFile, int]:
        """The file that holds record `index` of the concatenation and the record's number
        in that file."""
        index = operator.index(index)
        count = len(self)
        k = index + count if index < 0 else index
        if not 0 <= k < count:
            name = self.paths[0] if len(self.files) == 1 else f"{self.paths[0]} ... {self.paths[-1]}"
            raise RecordIndexError(name, index, count, holder="the shards have")
        n = bisect.bisect_right(self._starts, k) - 1
        return self.files[n], k - self._starts[n]

    def __getitem__(self, index):
        """Record `index` of the concatenation, or a list of records for a slice."""
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        file, k = self.locate(index)
        return file[k]

    def __iter__(self):
        for file in self.files:
            yield from file

    def verify(self) -> None:
        """`TokenFile.verify` on every file, in order."""
        for file in self.files:
            file.verify()

    def close(self) -> None:
        """Closes every file."""
        for file in self.files:
            file.close()

    def __enter__(self) -> TokenShards:
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def __reduce__(self):
        return type(self), (self.paths,)

    def __repr__(self) -> str:
        return f"TokenShards({len(self.files)} files, {len(self)} records)"


def open_shards(sources) -> TokenShards:
    """Opens token files as one `TokenShards`. `sources` is a path or glob pattern, or a
    list of them; each pattern is replaced by its matches in sorted order (a pattern that
    matches nothing raises FileNotFoundError), and other paths are kept as given."""
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    paths = []
    for source in map(os.fspath, sources):
        if any(character in source for character in "*?["):
            matches = sorted(glob.glob(source))
            if not matches:
                raise FileNotFoundError(f"{source}: no file matches")
            paths += matches
        else:
            paths.append(source)
    return TokenShards(paths)
