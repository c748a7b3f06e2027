"""Reader and writer of SemHiTok token files (`.sht`, Spec/tokens.md), NumPy only.

```python
from semhitok_tokens import TokenFile, open_shards

with TokenFile("train-0000.sht") as f:
    print(f.header.vocabulary_size, len(f), f.has_index, f.torn_tail)
    for record in f:                 # Record(key, tokens: uint32 [H, W])
        ids = record.tokens
    last = f[-1]                     # random access through the index
shards = open_shards("train-*.sht")  # several files as one sequence
```
"""

from .crc32c import crc32c
from .errors import RecordIndexError, TokenFileError
from .header import TokenHeader
from .record import Record, encode_record
from .shards import TokenShards, open_shards
from .tokenfile import TokenFile, TornTail
from .writer import write_tokens

__version__ = "1.0.0"

__all__ = [
    "Record",
    "RecordIndexError",
    "TokenFile",
    "TokenFileError",
    "TokenHeader",
    "TokenShards",
    "TornTail",
    "crc32c",
    "encode_record",
    "open_shards",
    "write_tokens",
]
