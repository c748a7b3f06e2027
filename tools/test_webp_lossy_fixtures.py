"""pytest: the lossy WebP fixture generator (tools/make_webp_lossy_fixtures.py).

- A rerun reproduces golden/images/webp-lossy byte for byte.
- The files written through libwebp's advanced API carry the settings their names claim
  (loop filter type, level and sharpness, segmentation, number of token partitions), read
  back from each frame header with the boolean decoder of RFC 6386 section 7.3, so that
  the fixtures test what they claim.

Skipped without ../shared/testdata, which the generator reads.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_webp_lossy_fixtures as fixtures  # noqa: E402
from semhitok_image_fixtures import assert_rerun_reproduces  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.isdir(fixtures.TESTDATA),
                                reason="../shared/testdata is absent (it exists on developer machines and in CI only)")


class BoolDecoder:
    """The boolean decoder of RFC 6386 section 7.3."""

    def __init__(self, data):
        self.data, self.position = data, 2
        self.value = (data[0] << 8) | data[1]
        self.range, self.bit_count = 255, 0

    def bit(self, probability):
        split = 1 + (((self.range - 1) * probability) >> 8)
        big_split = split << 8
        if self.value >= big_split:
            result, self.range, self.value = 1, self.range - split, self.value - big_split
        else:
            result, self.range = 0, split
        while self.range < 128:
            self.value <<= 1
            self.range <<= 1
            self.bit_count += 1
            if self.bit_count == 8:
                self.bit_count = 0
                self.value |= self.data[self.position] if self.position < len(self.data) else 0
                self.position += 1
        return result

    def literal(self, count):
        value = 0
        for _ in range(count):
            value = (value << 1) | self.bit(128)
        return value


def frame_settings(data):
    """The header fields of a simple-format file's key frame up to the partition count
    (RFC 6386 section 19.2)."""
    frame = fixtures.vp8_payload(data)
    first = (frame[0] | frame[1] << 8 | frame[2] << 16) >> 5
    decoder = BoolDecoder(frame[10:10 + first])
    decoder.literal(2)
    settings = {"segmentation": decoder.bit(128)}
    if settings["segmentation"]:
        update_map, update_data = decoder.bit(128), decoder.bit(128)
        if update_data:
            decoder.bit(128)
            for bits in [7] * 4 + [6] * 4:
                if decoder.bit(128):
                    decoder.literal(bits + 1)
        if update_map:
            for _ in range(3):
                if decoder.bit(128):
                    decoder.literal(8)
    settings["simple"] = decoder.bit(128)
    settings["level"] = decoder.literal(6)
    settings["sharpness"] = decoder.literal(3)
    if decoder.bit(128) and decoder.bit(128):
        for _ in range(8):
            if decoder.bit(128):
                decoder.literal(7)
    settings["partitions"] = 1 << decoder.literal(2)
    return settings


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    assert_rerun_reproduces(fixtures, fixtures.GOLDEN, tmp_path, monkeypatch)


def test_libwebp_files_carry_their_settings():
    files = dict(fixtures.libwebp_fixtures())
    settings = {name: frame_settings(data) for name, data in files.items()}
    assert settings["libwebp_simple_filter.webp"]["simple"] == 1
    assert settings["libwebp_simple_filter_100_sharpness_2.webp"]["simple"] == 1
    assert settings["libwebp_simple_filter_100_sharpness_2.webp"]["sharpness"] == 2
    assert settings["libwebp_simple_filter_segments_partitions.webp"]["partitions"] == 4
    assert settings["libwebp_filter_0.webp"]["level"] == 0
    assert settings["libwebp_filter_100_q20.webp"]["level"] > 0
    assert settings["libwebp_segments_1.webp"]["segmentation"] == 0
    assert settings["libwebp_segments_2.webp"]["segmentation"] == 1
    for count in (2, 4, 8):
        assert settings[f"libwebp_partitions_{count}.webp"]["partitions"] == count
    assert settings["libwebp_partitions_8_low_memory_m6.webp"]["partitions"] == 8
    for sharpness in range(8):
        assert settings[f"libwebp_sharpness_{sharpness}.webp"]["sharpness"] == sharpness
        assert settings[f"libwebp_sharpness_{sharpness}.webp"]["simple"] == 0
    assert all(value["partitions"] == 1 for name, value in settings.items() if "partitions" not in name)
