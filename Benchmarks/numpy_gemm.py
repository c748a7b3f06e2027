"""The work of GemmBenchmarks done with NumPy's BLAS: `x @ W.T + b` in float32 on the same
shapes, timed the same way (best of several runs after a warm-up). Prints
`name<TAB>best seconds<TAB>runs`; the thread count is OpenBLAS's, set by the caller through
OPENBLAS_NUM_THREADS."""
import sys
import time

import numpy as np

SHAPES = [(768, 768), (768, 3072), (3072, 768), (1024, 4096), (1152, 4304), (4304, 1152)]


def best(runs, body):
    body()
    shortest = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        body()
        shortest = min(shortest, time.perf_counter() - start)
    return shortest


def main():
    token_counts = [int(a) for a in sys.argv[1:]] or [256, 729, 1024]
    rng = np.random.default_rng(42)
    for inputs, outputs in SHAPES:
        weight = rng.uniform(-1, 1, (outputs, inputs)).astype(np.float32)
        bias = rng.uniform(-1, 1, outputs).astype(np.float32)
        for rows in token_counts:
            x = rng.uniform(-1, 1, (rows, inputs)).astype(np.float32)
            runs = max(3, int(3e9 / (2 * rows * inputs * outputs)))
            print(f"gemm_{rows}x{inputs}x{outputs}\t{best(runs, lambda: x @ weight.T + bias)}\t{runs}")


if __name__ == "__main__":
    main()
