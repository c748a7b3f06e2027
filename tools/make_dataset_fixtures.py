"""Writes golden/datasets/: tar archives made by Python's `tarfile`, and what they hold.

- `ustar.tar`, `gnu.tar`, `pax.tar`: the same members in each of tarfile's three formats
  (a path of 130 bytes: the ustar prefix; a path of 300 bytes and a non-ASCII one: GNU
  long names or pax records), a directory, a symbolic link and an empty file.
- `base256.tar`: `gnu.tar`'s first member with its size written in GNU base-256.
- `webdataset.tar`: a webdataset shard: samples of several members (`.jpg`, `.png`,
  `.json`, `.txt`, `.seg.png`), a sample with no image, a member without a dot, one whose
  name starts with a dot, a sample in a subfolder.
- `expected.json`: for each archive, the members as `tarfile` reads them (path, size, kind,
  SHA-256 of the data), and for the shard, the samples as webdataset groups them (its
  `base_plus_ext` rule: the key is the path up to the first dot of the file name) with the
  name of each sample's first image member.

    python3 tools/make_dataset_fixtures.py [--out DIR]

Needs Pillow. The output is deterministic (fixed times, owners and modes).
"""
import argparse
import hashlib
import io
import json
import os
import re
import tarfile

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "ppm", "pgm", "pnm"}
# webdataset.tariterators.base_plus_ext's pattern.
BASE_RE = re.compile(r"^((?:.*/|)[^.]+)[.]([^/]*)$")


def image_bytes(colour, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format=fmt)
    return buffer.getvalue()


def add(tar: tarfile.TarFile, name: str, data: bytes | None = None, kind: bytes = tarfile.REGTYPE,
        link: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.mtime, info.uid, info.gid, info.uname, info.gname = 1_700_000_000, 1000, 1000, "user", "user"
    info.type = kind
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    info.linkname = link
    info.size = len(data) if data is not None else 0
    tar.addfile(info, io.BytesIO(data) if data is not None else None)


def general_members():
    prefix_path = "folder-" + "p" * 60 + "/" + "n" * 64 + ".png"                 # 130 bytes
    long_path = "deep/" + "/".join(["segment-" + "x" * 40] * 6) + "/image.jpg"  # over 255 bytes
    return [
        ("dir", None, tarfile.DIRTYPE, ""),
        ("dir/a.png", image_bytes((200, 10, 10), "PNG"), tarfile.REGTYPE, ""),
        (prefix_path, image_bytes((10, 200, 10), "PNG"), tarfile.REGTYPE, ""),
        (long_path, image_bytes((10, 10, 200), "JPEG"), tarfile.REGTYPE, ""),
        ("caf\u00e9/\u00fcber \u732b.png", image_bytes((90, 90, 90), "PNG"), tarfile.REGTYPE, ""),
        ("link.png", None, tarfile.SYMTYPE, "dir/a.png"),
        ("empty.txt", b"", tarfile.REGTYPE, ""),
    ]


def write_archive(path: str, fmt: int, members) -> None:
    with tarfile.open(path, "w", format=fmt, encoding="utf-8") as tar:
        for name, data, kind, link in members:
            add(tar, name, data, kind, link)


def listing(path: str) -> list[dict]:
    result = []
    with tarfile.open(path, "r", encoding="utf-8") as tar:
        for member in tar:
            data = tar.extractfile(member).read() if member.isfile() else b""
            kind = "file" if member.isfile() else "directory" if member.isdir() else "other"
            result.append({"path": member.name, "size": member.size, "kind": kind,
                           "sha256": hashlib.sha256(data).hexdigest()})
    return result


def webdataset_samples(path: str) -> list[dict]:
    """Consecutive members with the same key form a sample (webdataset's group_by_keys);
    the sample's image is its first member whose extension's last part is an image one."""
    samples, key, image = [], None, None
    with tarfile.open(path, "r") as tar:
        for member in tar:
            if not member.isfile():
                continue
            match = BASE_RE.match(member.name)
            if not match:
                continue
            member_key, extension = match.group(1), match.group(2)
            if member_key != key:
                if image is not None:
                    samples.append({"key": key, "image": image})
                key, image = member_key, None
            if image is None and extension.split(".")[-1].lower() in IMAGE_EXTENSIONS:
                image = member.name
    if image is not None:
        samples.append({"key": key, "image": image})
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "golden", "datasets"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    expected = {}
    for name, fmt in (("ustar.tar", tarfile.USTAR_FORMAT), ("gnu.tar", tarfile.GNU_FORMAT),
                      ("pax.tar", tarfile.PAX_FORMAT)):
        members = general_members()
        if fmt == tarfile.USTAR_FORMAT:
            # ustar holds at most 100 + 155 bytes of path, and only ASCII is portable.
            members = [m for m in members if len(m[0].encode()) <= 255 and m[0].isascii()]
        write_archive(os.path.join(args.out, name), fmt, members)
        expected[name] = listing(os.path.join(args.out, name))

    # The first member of gnu.tar is the directory; its second header (dir/a.png) gets a
    # base-256 size: 0x80 then the size big-endian in the 11 other bytes.
    data = bytearray(open(os.path.join(args.out, "gnu.tar"), "rb").read())
    header = 512
    size = int(data[header + 124:header + 136].rstrip(b"\0 ").decode(), 8)
    data[header + 124:header + 136] = bytes([0x80]) + size.to_bytes(11, "big")
    data[header + 148:header + 156] = b" " * 8
    data[header + 148:header + 156] = b"%06o\0 " % sum(data[header:header + 512])
    with open(os.path.join(args.out, "base256.tar"), "wb") as file:
        file.write(data)
    expected["base256.tar"] = listing(os.path.join(args.out, "base256.tar"))

    shard = [
        ("000000.jpg", image_bytes((255, 0, 0), "JPEG")), ("000000.json", b'{"caption": "red"}'),
        ("000001.txt", b"green"), ("000001.png", image_bytes((0, 255, 0), "PNG")),
        ("000002.json", b'{"caption": "no image"}'),
        ("000003.input.JPG", image_bytes((0, 0, 255), "JPEG")), ("000003.seg.png", image_bytes((9, 9, 9), "PNG")),
        ("README", b"no dot: belongs to no sample"), (".hidden.png", image_bytes((1, 2, 3), "PNG")),
        ("sub/000004.ppm", image_bytes((7, 8, 9), "PPM")),
    ]
    path = os.path.join(args.out, "webdataset.tar")
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, content in shard:
            add(tar, name, content)
    expected["webdataset.tar"] = listing(path)
    expected["webdataset.tar samples"] = webdataset_samples(path)
    with open(os.path.join(args.out, "expected.json"), "w") as file:
        json.dump(expected, file, indent=1, ensure_ascii=False, sort_keys=True)
        file.write("\n")


if __name__ == "__main__":
    main()
