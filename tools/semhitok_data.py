"""Training images for the SemHiTok trainer: folders and webdataset-style `.tar` shards.

A source is a list of *units*: an image file of a folder (found recursively, in sorted
order) is a unit of one sample; a `.tar` shard is a unit of all its samples, read with
`tarfile`'s streaming mode (members grouped by key as webdataset does: the key is the
member's path up to the first dot of its file name; the sample's image is the member with
extension .jpg, .jpeg, .png or .webp; other members are ignored).

`SampleStream` yields the samples epoch after epoch. Each epoch visits the units in an order
drawn from (seed, epoch), and a shard's samples in stored order, so the sample at
(epoch, position) is a function of the seed alone: a run resumes exactly by skipping to its
saved position, and every rank of a distributed run sees the same stream (each keeps its own
slice of every global batch). Augmentation draws from a generator seeded by (seed, epoch,
position), so it needs no state of its own either.
"""

from __future__ import annotations

import io
import os
import tarfile

import numpy as np

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


def _is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_EXTENSIONS)


def find_units(paths) -> list[str]:
    """Every image file under the given folders (recursively) and every `.tar` shard given
    or found in them, sorted within each path."""
    units = []
    for path in paths:
        path = os.fspath(path)
        if os.path.isfile(path):
            units.append(path)
            continue
        if not os.path.isdir(path):
            raise FileNotFoundError(f"{path}: no such file or folder")
        found = []
        for root, folders, files in os.walk(path):
            folders.sort()
            found.extend(os.path.join(root, name) for name in files
                         if _is_image(name) or name.endswith(".tar"))
        units.extend(sorted(found))
    if not units:
        raise ValueError(f"no images or .tar shards in {', '.join(map(os.fspath, paths))}")
    return units


def tar_samples(path: str):
    """Yields (key, image bytes) for each sample of a webdataset-style shard, streaming."""
    key, image = None, None
    with tarfile.open(path, "r|*") as tar:
        for member in tar:
            if not member.isfile():
                continue
            folder, name = os.path.split(member.name)
            member_key = os.path.join(folder, name.split(".", 1)[0])
            if member_key != key:
                if image is not None:
                    yield key, image
                key, image = member_key, None
            if _is_image(name) and image is None:
                image = tar.extractfile(member).read()
    if image is not None:
        yield key, image


def _read_file(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def unit_samples(unit: str):
    """Yields (name, read) for each sample of a unit, `read()` giving its image bytes. A
    file is read only when asked, so skipping samples (on resume, or another rank's) costs
    nothing; a shard streams past them anyway."""
    if unit.endswith(".tar"):
        for key, data in tar_samples(unit):
            yield f"{unit}:{key}", (lambda data=data: data)
    else:
        yield unit, (lambda: _read_file(unit))


def decode(data: bytes) -> np.ndarray:
    """Image bytes as RGB u8 [H, W, 3], converted as the model's preprocessing does."""
    from PIL import Image

    from semhitok_reference import rgb_array

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return rgb_array(image)


class SampleStream:
    """An endless stream of samples, epoch after epoch, from a saved position.

    `position()` is the (epoch, index within the epoch) of the next sample: saving it and
    passing it back as `start` continues the same sequence.
    """

    def __init__(self, units: list[str], seed: int, shuffle: bool = True, start=(0, 0)):
        self.units, self.seed, self.shuffle = list(units), seed, shuffle
        self.epoch, self.index = start
        self._samples = self._epoch_samples(self.epoch)
        for _ in range(self.index):              # skip what the saved run already used
            next(self._samples)

    def _epoch_samples(self, epoch: int):
        order = np.arange(len(self.units))
        if self.shuffle:
            order = np.random.default_rng([self.seed, epoch]).permutation(len(self.units))
        count = 0
        for u in order:
            for sample in unit_samples(self.units[u]):
                count += 1
                yield sample
        if count == 0:
            raise ValueError("the training data holds no image")

    def position(self) -> tuple[int, int]:
        return self.epoch, self.index

    def __iter__(self):
        return self

    def __next__(self):
        """(epoch, index, name, read) of the next sample; `read()` gives its bytes."""
        while True:
            try:
                name, read = next(self._samples)
            except StopIteration:
                self.epoch, self.index = self.epoch + 1, 0
                self._samples = self._epoch_samples(self.epoch)
                continue
            item = (self.epoch, self.index, name, read)
            self.index += 1
            return item


def random_resized_crop(image: np.ndarray, rng: np.random.Generator, scale=(0.35, 1.0),
                        ratio=(3 / 4, 4 / 3), flip: bool = True) -> np.ndarray:
    """A random crop of `scale` of the area and aspect ratio in `ratio` (log-uniform), as
    torchvision's RandomResizedCrop draws it (the whole image after 10 failed draws), then a
    horizontal flip with probability 1/2. The resize is left to the model's preprocessing,
    so the crop is resampled once, by the processor the model uses."""
    height, width = image.shape[:2]
    area = height * width
    box = (0, 0, height, width)
    for _ in range(10):
        target = area * rng.uniform(*scale)
        aspect = np.exp(rng.uniform(np.log(ratio[0]), np.log(ratio[1])))
        w = int(round(np.sqrt(target * aspect)))
        h = int(round(np.sqrt(target / aspect)))
        if 0 < w <= width and 0 < h <= height:
            top = int(rng.integers(0, height - h + 1))
            left = int(rng.integers(0, width - w + 1))
            box = (top, left, h, w)
            break
    top, left, h, w = box
    crop = image[top:top + h, left:left + w]
    if flip and rng.random() < 0.5:
        crop = crop[:, ::-1]
    return np.ascontiguousarray(crop)


def permute_channels(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The image's R, G and B in one of their six orders, drawn from `rng`: a dataset whose
    colour photographs lean to one hue (red fundus photographs, brown stains) then teaches
    no hue to the decoder, which would otherwise tint everything it reconstructs."""
    return np.ascontiguousarray(image[:, :, rng.permutation(3)])


def sample_rng(seed: int, epoch: int, index: int) -> np.random.Generator:
    """The augmentation generator of one sample: a function of its place in the stream."""
    return np.random.default_rng([seed, epoch, index])
