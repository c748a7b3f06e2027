"""The exact float32 quantization arithmetic of Spec/quantization.md, in NumPy.

Each reduction is a Python loop over the vector's elements `k`, and each step is one
element-wise float32 operation over all rows and codes at once: NumPy rounds every
element-wise multiply, add, subtract, divide and square root separately to float32, so
this reproduces the sequential definition exactly. (`np.dot`, `np.matmul` and `np.sum`
reorder or block the reduction and must not be used here.)
"""

from __future__ import annotations

import numpy as np

# The float32 nearest to 1e-12 (quantization.md section 1).
EPS = np.float32(1e-12)

METRICS = ("cosine", "euclidean")


class QuantizationError(ValueError):
    """An input that quantization.md section 4 rejects.

    `name` is the error's name in Spec/conformance.md section 2 (for example
    "non_finite_feature"); `row` is the query row the error names, for
    `non_finite_feature` and `semantic_index_out_of_range` (None otherwise).
    """

    def __init__(self, name: str, message: str, row: int | None = None):
        self.name = name
        self.row = row
        super().__init__(f"{name}: {message}")


def sumsq(x: np.ndarray) -> np.ndarray:
    """sumsq over the last axis: sequential sum of fl(x_k * x_k) (quantization.md section 1)."""
    return _reduce(x.shape[-1], lambda k: x[..., k] * x[..., k], x.shape[:-1])


def dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dot over the last axis of broadcastable x and y (quantization.md section 1)."""
    shape = np.broadcast_shapes(x.shape, y.shape)[:-1]
    return _reduce(x.shape[-1], lambda k: x[..., k] * y[..., k], shape)


def sqdist(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """sqdist over the last axis of broadcastable x and y (quantization.md section 1)."""
    shape = np.broadcast_shapes(x.shape, y.shape)[:-1]

    def term(k):
        difference = x[..., k] - y[..., k]
        return difference * difference

    return _reduce(x.shape[-1], term, shape)


def _reduce(length: int, term, shape) -> np.ndarray:
    """Sequential float32 sum of term(0) ... term(length - 1), each broadcast to `shape`."""
    total = np.zeros(shape, np.float32)
    with np.errstate(over="ignore", under="ignore"):
        for k in range(length):
            # The sum starts at +0, so +0 + (-0) makes an all -0 sum +0, as the Spec says.
            total = total + term(k)
    return total


def normalize(x: np.ndarray) -> np.ndarray:
    """normalize over the last axis: x / max(sqrt(sumsq(x)), EPS) (quantization.md section 1)."""
    with np.errstate(over="ignore", under="ignore"):
        denominator = np.maximum(np.sqrt(sumsq(x)), EPS)
        return x / denominator[..., None]


def scores(features: np.ndarray, rows: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The score of every query against every row (quantization.md section 2).

    `features` is [N, D]; `rows` is [n, D] (one list shared by all queries) or [N, n, D]
    (one list per query). Returns the [N, n] scores and, for cosine, the normalised
    queries [N, D] (None for euclidean).
    """
    if metric == "cosine":
        normalized = normalize(features)
        return dot(normalized[:, None, :], rows), normalized
    if metric == "euclidean":
        return sqdist(features[:, None, :], rows), None
    raise ValueError(f"unknown metric {metric!r}")


def winners(all_scores: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """The winning index and score of each row of [N, n] scores (quantization.md section 2).

    np.argmax and np.argmin return the first best element, which is the lowest index among
    equal scores, as the Spec's strict-comparison loop does; scores are never NaN here.
    """
    best = np.argmax(all_scores, axis=1) if metric == "cosine" else np.argmin(all_scores, axis=1)
    return best.astype(np.int32), np.take_along_axis(all_scores, best[:, None], axis=1)[:, 0]


def check_inputs(features: np.ndarray, codebook: np.ndarray, metric: str) -> None:
    """Rejects what quantization.md section 4 rejects, apart from semantic indices."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    if features.dtype != np.float32 or codebook.dtype != np.float32:
        raise TypeError("features and codebook must be float32")
    if features.ndim != 2 or features.shape[1] == 0 or codebook.shape[-1] != features.shape[1] \
            or 0 in codebook.shape:
        raise ValueError(f"dimension mismatch: features {features.shape}, codebook {codebook.shape}")
    # The order of quantization.md section 4: the codebook, then the features.
    if not np.isfinite(codebook).all():
        raise QuantizationError("non_finite_codebook", "the codebook holds NaN or infinity")
    if metric == "cosine" and (np.abs(codebook) > 1).any():
        raise QuantizationError("codebook_not_normalized", "a codebook element exceeds 1 in magnitude")
    bad_rows = np.flatnonzero(~np.isfinite(features).all(axis=1))
    if bad_rows.size:
        row = int(bad_rows[0])
        element = int(np.flatnonzero(~np.isfinite(features[row]))[0])
        raise QuantizationError("non_finite_feature",
                                f"feature row {row}, element {element} is {features[row, element]}",
                                row=row)


def semantic_lookup(features: np.ndarray, codebook: np.ndarray, metric: str):
    """The semantic lookup of quantization.md section 3 over codebook [K, D].

    Returns (indices i32 [N], scores f32 [N], normalised features or None).
    """
    check_inputs(features, codebook, metric)
    all_scores, normalized = scores(features, codebook, metric)
    indices, best = winners(all_scores, metric)
    return indices, best, normalized


def pixel_lookup(features: np.ndarray, codebook: np.ndarray, semantic_indices: np.ndarray,
                 metric: str):
    """The pixel lookup of quantization.md section 3 over codebook [K, m, d].

    Returns (pixel indices j i32 [N], scores f32 [N], normalised features or None,
    tokens i * m + j i32 [N]).
    """
    check_inputs(features, codebook, metric)
    semantic_count, m = codebook.shape[:2]
    semantic_indices = np.asarray(semantic_indices, dtype=np.int64)
    if semantic_indices.shape != (features.shape[0],):
        raise ValueError("one semantic index per feature row is needed")
    outside = np.flatnonzero((semantic_indices < 0) | (semantic_indices >= semantic_count))
    if outside.size:
        row = int(outside[0])
        raise QuantizationError("semantic_index_out_of_range",
                                f"row {row} has semantic index {semantic_indices[row]}, K = {semantic_count}",
                                row=row)
    all_scores, normalized = scores(features, codebook[semantic_indices], metric)
    indices, best = winners(all_scores, metric)
    tokens = (semantic_indices * m + indices).astype(np.int32)
    return indices, best, normalized, tokens
