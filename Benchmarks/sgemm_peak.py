"""The machine's practical float32 peak, as `run` uses it for "fraction of peak": the best
GFLOP/s NumPy's OpenBLAS sgemm reaches on a 2048 x 2048 x 2048 product over a few runs,
on as many threads as OPENBLAS_NUM_THREADS allows (set it before this starts). Prints the
GFLOP/s alone."""
import time

import numpy as np


def main():
    size, runs = 2048, 8
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (size, size)).astype(np.float32)
    b = rng.uniform(-1, 1, (size, size)).astype(np.float32)
    out = np.empty((size, size), np.float32)
    np.matmul(a, b, out=out)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    print(2 * size**3 / best / 1e9)


if __name__ == "__main__":
    main()
