"""CRC-32C against its check value and its bitwise definition (Spec/weights.md section 1)."""

import numpy as np

from semhitok_tokens import crc32c
from semhitok_tokens.crc32c import crc32c_numpy


def crc32c_bitwise(data: bytes, crc: int = 0) -> int:
    """CRC-32C one bit at a time: the definition, to check the table-driven version."""
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def test_check_value():
    for function in (crc32c, crc32c_numpy):
        assert function(b"123456789") == 0xE3069283
        assert function(b"") == 0


def test_matches_the_bitwise_definition():
    data = np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    # Every short length, and lengths around the 2,048-byte chunks (a last chunk of 1 to 3
    # bytes is merged with the one before).
    for length in list(range(40)) + [63, 64, 65, 255, 2047, 2048, 2049, 2051, 2052, 4099, 5000]:
        assert crc32c_numpy(data[:length]) == crc32c_bitwise(data[:length]), length
        assert crc32c(memoryview(data)[:length]) == crc32c_bitwise(data[:length]), length


def test_continues_a_previous_crc():
    data = bytes(range(256)) * 30
    for split in (0, 1, 3, 100, 2050, len(data) - 2):
        first = crc32c_numpy(data[:split])
        assert first == crc32c_bitwise(data[:split])
        assert crc32c_numpy(data[split:], first) == crc32c_bitwise(data), split
        assert crc32c(data[split:], crc32c(data[:split])) == crc32c(data)
