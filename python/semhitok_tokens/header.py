"""The 64-byte file header (Spec/tokens.md section 1.1) and its checks (section 2.1)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .crc32c import crc32c
from .errors import TokenFileError

__all__ = ["TokenHeader", "MAGIC", "FORMAT_VERSION", "HEADER_LENGTH"]

MAGIC = b"\x89SHT\r\n\x1a\n"
FORMAT_VERSION = 1
HEADER_LENGTH = 64
_MAX_VOCABULARY = 2**31 - 1


@dataclass(frozen=True)
class TokenHeader:
    """Which model made the tokens, and the shape of its vocabulary and grid.

    `model_fingerprint`: the 32-byte SHA-256 of the model's weight header
    (Spec/weights.md section 6); `semantic_codebook_size` K; `pixel_codebook_size` m;
    `grid_height`, `grid_width`: the model's native grid (a record's grid may differ).
    """

    model_fingerprint: bytes
    semantic_codebook_size: int
    pixel_codebook_size: int
    grid_height: int
    grid_width: int

    @property
    def vocabulary_size(self) -> int:
        """K * m: every token id is below it."""
        return self.semantic_codebook_size * self.pixel_codebook_size

    @property
    def fingerprint_hex(self) -> str:
        """The model fingerprint as 64 lowercase hex digits."""
        return self.model_fingerprint.hex()

    @property
    def grid(self) -> tuple[int, int]:
        """The native grid, (grid_height, grid_width)."""
        return self.grid_height, self.grid_width

    def describe(self) -> str:
        """The header in one line, as the Swift writer names headers in its errors."""
        return (f"model {self.fingerprint_hex}, K {self.semantic_codebook_size}, "
                f"m {self.pixel_codebook_size}, grid {self.grid_height} x {self.grid_width}")

    def problem(self) -> str | None:
        """Why these values are an *invalid header* (section 2.1), or None."""
        if not isinstance(self.model_fingerprint, bytes) or len(self.model_fingerprint) != 32:
            return "the model fingerprint must be 32 bytes"
        for name, value in (("K", self.semantic_codebook_size), ("m", self.pixel_codebook_size),
                            ("grid height", self.grid_height), ("grid width", self.grid_width)):
            if not 1 <= value <= 0xFFFFFFFF:
                return f"{name} is {value}, it must be 1 to 2^32 - 1"
        if self.vocabulary_size > _MAX_VOCABULARY:
            return "K * m is above 2^31 - 1"
        return None

    def encode(self) -> bytes:
        """The 64 header bytes; the values must be valid (see `problem`)."""
        body = self.model_fingerprint + struct.pack(
            "<IIII", self.semantic_codebook_size, self.pixel_codebook_size,
            self.grid_height, self.grid_width)
        return MAGIC + struct.pack("<II", FORMAT_VERSION, crc32c(body)) + body

    @classmethod
    def parse(cls, path, data: bytes, file_size: int) -> TokenHeader:
        """Checks and parses the header of the file at `path`, of `file_size` bytes, whose
        first bytes (64, or all of a shorter file) are `data`, in the order of section 2.1."""
        if file_size < HEADER_LENGTH:
            raise TokenFileError(path, "truncated header",
                                 f"truncated header: the file is {file_size} bytes, "
                                 f"a token file starts with {HEADER_LENGTH}")
        if data[:8] != MAGIC:
            raise TokenFileError(path, "not a token file", "not a SemHiTok token file (bad magic)")
        version, stored_crc = struct.unpack_from("<II", data, 8)
        if version != FORMAT_VERSION:
            raise TokenFileError(path, "unsupported version",
                                 f"unsupported token file version {version} "
                                 f"(this reader knows version {FORMAT_VERSION})")
        if crc32c(data[16:HEADER_LENGTH]) != stored_crc:
            raise TokenFileError(path, "header checksum mismatch", "header checksum mismatch")
        header = cls(bytes(data[16:48]), *struct.unpack_from("<IIII", data, 48))
        problem = header.problem()
        if problem:
            raise TokenFileError(path, "invalid header", f"invalid header: {problem}")
        return header
