"""Writes golden/images/jpeg/damaged/: JPEG files with damaged entropy-coded data, the RGB
pixels Pillow gives for each it decodes, and in refused/ the files Pillow raises on.

Sources: small files written by Pillow (libjpeg-turbo) through make_jpeg_fixtures.py's
helpers (baseline 4:2:0 and 4:4:4, greyscale, restart intervals, progressive with and
without restarts), two of its crafted files (arithmetic-coded, lossless) and four more
arithmetic-coded files from its encoder (sequential and progressive, with and without
restarts, of noise so that their data is long). Each source is damaged in the classes
Spec/jpeg.md section 4.7 describes: the file cut inside a scan
(with and without an EOI marker after the cut), a marker written into the data (EOI, RSTn),
bytes of the data changed at random (bad Huffman codes, runs past the block, large
values), restart markers dropped, swapped, repeated or renumbered, bytes inserted before a
marker, and progressive scans dropped or cut; a file of one scan over every component
gets that scan repeated (libjpeg expects EOI after it: Pillow raises) and, separately,
the repeated scan's header cut by the file's end (every row is out by then: Pillow returns
the image; Spec/jpeg.md sections 2.3 and 4.7 item 5); arithmetic-coded sources also get bytes
changed in their later scans, where libjpeg's bad-code rule (a run past the band, a
magnitude of 2^15 or more) skips the rest of a restart interval. Since random damage
seldom makes a magnitude of 2^15, `bad_code_files` has the encoder write each kind of bad
code on purpose (DC and AC magnitudes, runs past the band, in sequential, progressive
first and refinement scans), with and without restarts. Positions and values come from
`numpy.random.default_rng(SEED + source index)`, so a rerun reproduces the folder byte for
byte.

Expected values as in make_jpeg_fixtures.py: Pillow's decode followed by convert("RGB"), in
`expected.shw`; a file is written to refused/ when Pillow raises instead.

Regenerate from the repository root (needs numpy, Pillow and ../shared/testdata):

    python3 tools/make_jpeg_damage_fixtures.py
"""
import argparse
import io
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_jpeg_fixtures as jpeg  # noqa: E402
from semhitok_image_fixtures import pillow_refuses, write_fixture_folder  # noqa: E402

SEED = 0x44414D47


def sources():
    """(label, bytes) of the undamaged files."""
    small, large = jpeg.photo(24, 16), jpeg.photo(32, 24)
    golden = os.path.join(jpeg.ROOT, "golden", "images", "jpeg")
    return [
        ("baseline420", jpeg.pillow_jpeg(small, quality=75)),
        ("baseline444", jpeg.pillow_jpeg(small, quality=90, subsampling=0)),
        ("grey", jpeg.pillow_jpeg(small.convert("L"), quality=75)),
        ("restart", jpeg.pillow_jpeg(large, quality=75, restart_marker_blocks=1)),
        ("progressive", jpeg.pillow_jpeg(small, quality=75, progressive=True)),
        ("progressive_restart", jpeg.pillow_jpeg(large, quality=75, progressive=True, restart_marker_blocks=1)),
        ("arithmetic", open(os.path.join(golden, "craft_arithmetic_progressive_restart.jpg"), "rb").read()),
        ("lossless", open(os.path.join(golden, "craft_lossless_grey_restart.jpg"), "rb").read()),
        ("arith_sequential", jpeg.craft_jpeg(jpeg.noise(48, 32), [(2, 2), (1, 1), (1, 1)], jpeg.interleaved(3), sof=0xC9)),
        ("arith_sequential_restart", jpeg.craft_jpeg(jpeg.noise(40, 24), [(1, 1)] * 3, jpeg.interleaved(3), sof=0xC9,
                                                     restart_interval=2, quant_scale=0.25)),
        ("arith_progressive", jpeg.craft_jpeg(jpeg.noise(48, 32), [(2, 1), (1, 1), (1, 1)], jpeg.script(jpeg.SUCCESSIVE),
                                              sof=0xCA, quant_scale=0.25)),
        ("arith_grey_restart", jpeg.craft_jpeg(jpeg.noise(40, 24).convert("L"), [(1, 1)], jpeg.script(jpeg.GREY_SUCCESSIVE),
                                               sof=0xCA, colour="grey", restart_interval=1)),
    ]


def scans(data):
    """(header start, data start, data end) of each scan: its SOS marker, the first byte of
    its entropy-coded data, and the marker that ends that data (RSTn and FF 00 are part of
    it)."""
    found, position = [], 2
    while position < len(data) - 1:
        marker = data[position + 1]
        if marker == 0xD9:
            break
        length = data[position + 2] << 8 | data[position + 3]
        if marker != 0xDA:
            position += 2 + length
            continue
        start = position + 2 + length
        end = start
        while not (data[end] == 0xFF and data[end + 1] not in (0x00, 0xFF) and not 0xD0 <= data[end + 1] <= 0xD7):
            end += 1
        found.append((position, start, end))
        position = end
    return found


def restart_markers(data, start, end):
    """Offsets of the RSTn markers between `start` and `end`."""
    return [i for i in range(start, end - 1) if data[i] == 0xFF and 0xD0 <= data[i + 1] <= 0xD7]


def damage(data, rng):
    """(kind, bytes) of each damaged version of `data`."""
    found = scans(data)
    _, start, end = found[0]
    last_header, last_start, last_end = found[-1]
    cases = []
    cut = int(rng.integers(start + 1, end))
    cases.append(("cut", data[:cut]))
    cases.append(("cut_eoi", data[:cut] + b"\xff\xd9"))
    at = int(rng.integers(start + 1, end))
    cases.append(("eoi_inside", data[:at] + b"\xff\xd9" + data[at:]))
    at = int(rng.integers(start + 1, end))
    number = int(rng.integers(0, 8))
    cases.append((f"rst{number}_inside", data[:at] + bytes([0xFF, 0xD0 + number]) + data[at:]))
    for index in range(4):
        edited = bytearray(data)
        for _ in range(1 + index % 3):
            at = int(rng.integers(start, end))
            edited[at] = int(rng.integers(0, 256))
        cases.append((f"bytes{index}", bytes(edited)))
    cases.append(("padding_before_eoi", data[:-2] + bytes(rng.integers(0, 255, 5, dtype=np.uint8)) + data[-2:]))
    markers = restart_markers(data, start, end)
    if len(markers) >= 3:
        first, second = sorted(int(i) for i in rng.choice(len(markers), 2, replace=False))
        a, b = markers[first], markers[second]
        cases.append(("restart_dropped", data[:a] + data[a + 2:]))
        swapped = bytearray(data)
        swapped[a + 1], swapped[b + 1] = data[b + 1], data[a + 1]
        cases.append(("restarts_swapped", bytes(swapped)))
        cases.append(("restart_repeated", data[:a + 2] + data[a:]))
        for shift in (1, 2, 6):
            renumbered = bytearray(data)
            renumbered[a + 1] = 0xD0 + (data[a + 1] - 0xD0 + shift) % 8
            cases.append((f"restart_plus{shift}", bytes(renumbered)))
        cases.append(("padding_before_restart", data[:a] + bytes(rng.integers(0, 255, 3, dtype=np.uint8)) + data[a:]))
    if len(found) == 1:
        cases.append(("scan_repeated", data[:end] + data[found[0][0]:end] + data[end:]))
        cases.append(("scan_repeated_header_cut", data[:end] + data[found[0][0]:found[0][0] + 5]))
    if len(found) > 2:
        cases.append(("last_scan_dropped", data[:last_header] + data[last_end:]))
        cut = int(rng.integers(last_start + 1, last_end))
        cases.append(("last_scan_cut_eoi", data[:cut] + b"\xff\xd9"))
        middle_header, middle_start, middle_end = found[len(found) // 2]
        cut = int(rng.integers(middle_start + 1, middle_end))
        cases.append(("middle_scan_cut", data[:cut] + data[middle_end:]))
    return cases


def later_scan_damage(data, rng):
    """(kind, bytes) of arithmetic-coded `data` with bytes changed in its middle and last
    scans (the first is damaged by `damage`)."""
    found = scans(data)
    cases = []
    for label, (_, start, end) in (("middle", found[len(found) // 2]), ("last", found[-1])):
        for index in range(3):
            edited = bytearray(data)
            for _ in range(1 + index):
                at = int(rng.integers(start, end))
                edited[at] = int(rng.integers(0, 256))
            cases.append((f"{label}_scan_bytes{index}", bytes(edited)))
    return cases


class BadCodeScan(jpeg.ArithmeticScan):
    """The encoder's arithmetic scan, which at the block numbered `BLOCK` (from 1, in the
    scan numbered `SCAN`, from 1) codes the bad code `KIND` instead of the block, then
    codes nothing until the next restart: libjpeg's decoder reads nothing there either."""

    SCAN, BLOCK, KIND = 1, 1, "dc_magnitude"
    scans = 0

    def __init__(self, members, conditioning):
        super().__init__(members, conditioning)
        BadCodeScan.scans += 1
        self.blocks = 0
        self.skipping = False

    def restart(self, number):
        super().restart(number)
        self.skipping = False

    def bad_here(self):
        """Counts a block; whether it is the one to replace by the bad code."""
        self.blocks += 1
        return BadCodeScan.scans == self.SCAN and self.blocks == self.BLOCK

    def bad_code(self, slot, context=0):
        if self.KIND == "dc_magnitude":
            # Nonzero, positive, category above 1, then 15 doublings: m reaches 2^15.
            stats = self.dc_stats[slot]
            self.coder.encode(1, stats[context])
            self.coder.encode(0, stats[context + 1])
            self.coder.encode(1, stats[context + 2])
            self.category(0x8000, 1, stats, 20)
        elif self.KIND == "ac_magnitude":
            stats = self.ac_stats[slot]
            self.coder.encode(0, stats[0])
            self.coder.encode(1, stats[1])
            self.coder.encode(0, self.fixed)
            self.coder.encode(1, stats[2])
            self.coder.encode(1, stats[2])
            self.category(0x8000, 2, stats, 189)
        else:
            # A run of zero coefficients past the end of the band.
            stats = self.ac_stats[slot]
            self.coder.encode(0, stats[0])
            for k in range(1, 64):
                self.coder.encode(0, stats[3 * (k - 1) + 1])
        self.skipping = True

    def dc(self, position, value, slot):
        if self.skipping:
            return
        if self.KIND == "dc_magnitude" and self.bad_here():
            self.bad_code(slot, self.contexts[position])
            return
        super().dc(position, value, slot)

    def ac(self, values, start, end, slot):
        if self.skipping:
            return
        if self.KIND != "dc_magnitude" and self.bad_here():
            # The AC codes above assume the band starts at 1.
            assert start == 1
            self.bad_code(slot)
            return
        super().ac(values, start, end, slot)

    def ac_refinement(self, block, start, end, al, slot):
        if self.skipping:
            return
        if self.KIND == "run" and self.bad_here():
            # libjpeg's refinement model with no new coefficient and no end of band: a
            # correction bit 0 for each coefficient already nonzero, and the run of the
            # others carried past the band (the last must be zero before this scan).
            assert start == 1 and end == 63
            stats = self.ac_stats[slot]
            before = [0] + [abs(int(block[jpeg.NATURAL[k]])) >> (al + 1) for k in range(1, 64)]
            assert not before[63]
            known_end = max([k for k in range(1, 64) if before[k]], default=0)
            new_coefficient = True
            for k in range(1, 64):
                at = 3 * (k - 1)
                if new_coefficient and k > known_end:
                    self.coder.encode(0, stats[at])
                new_coefficient = bool(before[k])
                self.coder.encode(0, stats[at + 2] if before[k] else stats[at + 1])
            self.skipping = True
            return
        super().ac_refinement(block, start, end, al, slot)


def bad_code_files():
    """(kind, bytes) of arithmetic-coded files with a bad code written on purpose."""
    sequential = dict(sampling=[(1, 1)] * 3, scans=jpeg.interleaved(3), sof=0xC9)
    refinement = [((0, 1, 2), 0, 0, 0, 1), ((0,), 1, 63, 0, 1), ((1,), 1, 63, 0, 0), ((2,), 1, 63, 0, 0),
                  ((0, 1, 2), 0, 0, 1, 0), ((0,), 1, 63, 1, 0)]
    progressive = dict(sampling=[(2, 1), (1, 1), (1, 1)], scans=jpeg.script(refinement), sof=0xCA)
    cases = [
        ("sequential_dc_magnitude", sequential, 0, 1, 4, "dc_magnitude"),
        ("sequential_dc_magnitude_restart", sequential, 3, 1, 7, "dc_magnitude"),
        ("sequential_ac_magnitude_restart", sequential, 2, 1, 5, "ac_magnitude"),
        ("sequential_run_restart", sequential, 4, 1, 10, "run"),
        ("progressive_dc_magnitude_restart", progressive, 2, 1, 3, "dc_magnitude"),
        ("progressive_ac_first_run", progressive, 0, 2, 6, "run"),
        ("progressive_ac_first_magnitude_restart", progressive, 5, 3, 2, "ac_magnitude"),
        ("progressive_refinement_run_restart", progressive, 3, 6, 9, "run"),
    ]
    files = []
    original = jpeg.ArithmeticScan
    jpeg.ArithmeticScan = BadCodeScan
    try:
        for kind, layout, restart_interval, scan, block, code in cases:
            BadCodeScan.SCAN, BadCodeScan.BLOCK, BadCodeScan.KIND, BadCodeScan.scans = scan, block, code, 0
            files.append((f"bad_code_{kind}", jpeg.craft_jpeg(jpeg.noise(40, 24), layout["sampling"], layout["scans"],
                                                             sof=layout["sof"], restart_interval=restart_interval)))
    finally:
        jpeg.ArithmeticScan = original
    return files


def fixtures():
    """(accepted, refused): the (name, bytes) pairs Pillow decodes and those it raises on."""
    accepted, refused = [], []
    for index, (label, data) in enumerate(sources()):
        rng = np.random.default_rng(SEED + index)
        cases = damage(data, rng)
        if data[2:].find(b"\xff\xc9") >= 0 or data[2:].find(b"\xff\xca") >= 0:
            cases += later_scan_damage(data, rng)
        for kind, damaged in cases:
            name = f"{label}_{kind}.jpg"
            (refused if pillow_refuses(damaged) else accepted).append((name, damaged))
    for kind, damaged in bad_code_files():
        name = f"arith_{kind}.jpg"
        (refused if pillow_refuses(damaged) else accepted).append((name, damaged))
    return accepted, refused


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(jpeg.ROOT, "golden", "images", "jpeg", "damaged"))
    out = parser.parse_args().out
    accepted, refused = fixtures()
    write_fixture_folder(out, accepted, refused,
                         "Pillow's RGB pixels (decode, convert RGB) of each damaged JPEG in this folder, tensor named "
                         "by file; refused/ holds the files Pillow raises on")


if __name__ == "__main__":
    main()
