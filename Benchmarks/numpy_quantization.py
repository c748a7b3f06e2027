"""The work of SemHiTokBenchmarks done the usual way, with NumPy's BLAS: normalise, one
float32 matrix product, argmax. Prints `name<TAB>median seconds<TAB>runs` like the Swift
side, on data of the same shapes (the timing does not depend on the values)."""
import time

import numpy as np


def median(runs, body):
    body()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2]


def normalise(x):
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), np.float32(1e-12))


def main():
    rng = np.random.default_rng(42)
    codes, dimension, tokens = 24_576, 32, 729
    codebook = normalise(rng.uniform(-1, 1, (codes, dimension)).astype(np.float32))
    features = rng.uniform(-1, 1, (tokens, dimension)).astype(np.float32)
    runs = 15
    print(f"semantic_lookup_729x24576x32\t{median(runs, lambda: np.argmax(normalise(features) @ codebook.T, axis=1))}\t{runs}")

    sub_codebook, pixel_dimension = 8, 8
    pixel_codebook = normalise(rng.uniform(-1, 1, (codes, sub_codebook, pixel_dimension)).astype(np.float32))
    pixel_features = rng.uniform(-1, 1, (tokens, pixel_dimension)).astype(np.float32)
    indices = rng.integers(0, codes, tokens)

    def pixel_lookup():
        scores = np.einsum("nmd,nd->nm", pixel_codebook[indices], normalise(pixel_features))
        return np.argmax(scores, axis=1)

    runs = 51
    print(f"pixel_lookup_729x8x8\t{median(runs, pixel_lookup)}\t{runs}")


if __name__ == "__main__":
    main()
