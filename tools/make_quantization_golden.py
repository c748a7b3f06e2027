"""Writes the quantization golden cases of golden/quantization/ (Spec/conformance.md section 2).

Each case is a weight container holding a codebook, queries and the indices, scores and
normalised queries that the exact arithmetic of Spec/quantization.md gives, computed by
semhitok_quantization (NumPy float32, one element-wise operation at a time). The output
is deterministic: every case draws from its own seeded generator.

Usage: python3 tools/make_quantization_golden.py [--out DIR]   (default: golden/quantization)
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

import semhitok_quantization as sq
from semhitok_formats import write_weights

GENERATOR = "python3 tools/make_quantization_golden.py"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "golden" / "quantization"
BASE_SEED = 0x5E3417  # each case seeds default_rng([BASE_SEED, its number])
# A row whose best and second-best canonical scores differ by more than this (relative)
# is far from a tie, so any reasonable float32 computation must pick the same index.
TORCH_CHECK_GAP = 1e-3
MIN_DIFFERING_ROWS = 3


@dataclass
class Case:
    """One golden case: inputs, and the error it must raise if it is an error case."""

    name: str
    kind: str  # "semantic_lookup" or "pixel_lookup"
    metric: str
    description: str
    codebook: np.ndarray
    features: np.ndarray
    semantic_indices: np.ndarray | None = None
    error: str | None = None
    error_row: int | None = None
    # Rows whose winning index the construction fixes, checked against the computation.
    intended: dict[int, int] = field(default_factory=dict)
    # Whether to record (and require) rows where a BLAS-style computation picks otherwise.
    near_ties: bool = False


class Queries:
    """Collects query rows (and their semantic indices) with the winner each is built for."""

    def __init__(self):
        self.rows: list[np.ndarray] = []
        self.semantic: list[int] = []
        self.intended: dict[int, int] = {}

    def add(self, row, semantic_index: int = 0, intended: int | None = None) -> None:
        if intended is not None:
            self.intended[len(self.rows)] = intended
        self.rows.append(np.asarray(row, dtype=np.float32))
        self.semantic.append(semantic_index)

    def features(self) -> np.ndarray:
        return np.stack(self.rows).astype(np.float32)

    def semantic_indices(self) -> np.ndarray:
        return np.array(self.semantic, dtype=np.int32)


# ---------------------------------------------------------------------------------------
# Building blocks


def normal(rng, shape, scale=1.0) -> np.ndarray:
    """Float32 normal samples times `scale` (the product rounded to float32)."""
    return rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)


def unit_rows(rng, shape) -> np.ndarray:
    """Random rows normalised with the canonical normalize, as a cosine codebook is stored."""
    return sq.normalize(normal(rng, shape))


def nudge(values: np.ndarray, ulps: np.ndarray) -> np.ndarray:
    """`values` moved by `ulps` float32 steps each (positive: up, negative: down)."""
    result = values.copy()
    for step in range(int(np.abs(ulps).max(initial=0))):
        result = np.where(ulps > step, np.nextafter(result, np.float32(np.inf)), result)
        result = np.where(ulps < -step, np.nextafter(result, np.float32(-np.inf)), result)
    return result.astype(np.float32)


def float64_dot_picks(normalized: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosine winners when each dot product is computed in float64 (the float32 products
    are exact there) and rounded once to float32: what a more accurate BLAS picks.

    The float64 sum is sequential, so the result does not depend on the machine.
    """
    queries = normalized.astype(np.float64)[:, None, :]
    codes = rows.astype(np.float64)
    total = np.zeros(np.broadcast_shapes(queries.shape, codes.shape)[:-1])
    for k in range(queries.shape[-1]):
        total = total + queries[..., k] * codes[..., k]
    return np.argmax(total.astype(np.float32), axis=1).astype(np.int32)


def expanded_form_picks(features: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Euclidean winners by the expanded form fl(fl(||z||^2 + ||e||^2) - fl(2 z.e)) in
    float32, each of the three reductions the canonical sequential one.

    It is what BLAS-based tokenizers compute; only the formula differs from sqdist, so
    the result does not depend on the machine.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        distances = (sq.sumsq(features)[:, None] + sq.sumsq(rows)) \
            - np.float32(2) * sq.dot(features[:, None, :], rows)
    return np.argmin(distances, axis=1).astype(np.int32)


def alternative_picks(case: Case, rows: np.ndarray) -> np.ndarray:
    """The index the machine-independent BLAS-style computation picks for every query."""
    if case.metric == "cosine":
        return float64_dot_picks(sq.normalize(case.features), rows)
    return expanded_form_picks(case.features, rows)


def matmul_products(queries: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """[N, n] dot products by np.matmul in float32: this machine's BLAS."""
    if rows.ndim == 3:
        return np.matmul(rows, queries[:, :, None])[..., 0]
    return queries @ rows.T


def matmul_picks(case: Case, rows: np.ndarray) -> np.ndarray:
    """The index a BLAS-based tokenizer picks on this machine: reported, never stored,
    because it depends on the BLAS library, the CPU and the thread count."""
    with np.errstate(over="ignore", invalid="ignore"):
        if case.metric == "cosine":
            return np.argmax(matmul_products(sq.normalize(case.features), rows), axis=1)
        norms = np.square(case.features).sum(axis=1)[:, None] + np.square(rows).sum(axis=-1)
        return np.argmin(norms - np.float32(2) * matmul_products(case.features, rows), axis=1)


def rows_per_query(case: Case) -> np.ndarray:
    """The codebook rows each query searches: [K, D] shared, or [N, m, d] per query."""
    return case.codebook if case.kind == "semantic_lookup" else case.codebook[case.semantic_indices]


def find_near_tie(rng, make, metric: str, want_difference: bool, attempts: int = 20000):
    """Draws clusters from `make(rng)` -> (query, rows) until the canonical winner among the
    rows differs from the BLAS-style one (or, if not `want_difference`, takes the first)."""
    for _ in range(attempts):
        query, rows = make(rng)
        if not want_difference:
            return query, rows
        features = query[None, :]
        canonical, _ = sq.winners(sq.scores(features, rows, metric)[0], metric)
        if metric == "cosine":
            other = float64_dot_picks(sq.normalize(features), rows)
        else:
            other = expanded_form_picks(features, rows)
        if canonical[0] != other[0]:
            return query, rows
    raise RuntimeError(f"no {metric} near tie found in {attempts} attempts")


def cosine_cluster(dim: int, count: int):
    """A maker of `count` unit rows a few ulps apart and a query along them."""
    def make(rng):
        base = unit_rows(rng, (1, dim))[0]
        rows = np.repeat(base[None, :], count, axis=0)
        rows[1:] = nudge(rows[1:], rng.integers(-2, 3, size=(count - 1, dim)))
        rows = rows[rng.permutation(count)]
        query = (base + normal(rng, dim, 1e-4)) * np.float32(rng.uniform(0.5, 4.0))
        return query.astype(np.float32), rows
    return make


def euclidean_cluster(dim: int, count: int):
    """A maker of `count` rows within about 1e-3 of a query of magnitude about 4, where the
    expanded form's cancellation error exceeds the differences between the distances."""
    def make(rng):
        query = normal(rng, dim, 4.0)
        return query, (query + normal(rng, (count, dim), 1e-3)).astype(np.float32)
    return make


def magnitude_queries(rng, dim: int) -> list[tuple[str, np.ndarray]]:
    """Queries at the edges of float32 (quantization.md section 5), with their labels."""
    def signed(scale):
        return normal(rng, dim, scale)

    smallest = np.float32(2.0**-149)
    mixed = signed(1.0)
    mixed[::2] = signed(1e-40)[::2]
    one_huge = signed(1e-3)
    one_huge[0] = np.float32(3e18)
    return [
        ("zero", np.zeros(dim, np.float32)),
        ("negative zero", np.full(dim, -0.0, np.float32)),
        ("tiny 1e-30", signed(1e-30)),
        ("squares subnormal 1e-20", signed(1e-20)),
        ("norm just below EPS", signed(1e-13)),
        ("norm just above EPS", signed(3e-13)),
        ("subnormal 1e-40", signed(1e-40)),
        ("smallest subnormal", rng.integers(-1, 2, dim).astype(np.float32) * smallest),
        ("mixed subnormal and normal", mixed),
        ("large 1e18", signed(1e18)),
        ("sum of squares overflows 1e20", signed(1e20)),
        ("one huge element", one_huge),
    ]


# ---------------------------------------------------------------------------------------
# The cases: each function builds one case of Spec/conformance.md section 2 from its own
# generator; the case's description says what it exercises.


def semantic_cosine_paper(rng) -> Case:
    codebook = unit_rows(rng, (24576, 32))
    return Case("semantic_cosine_paper", "semantic_lookup", "cosine",
                "paper-size semantic cosine lookup: K = 24576, D = 32, 729 random queries",
                codebook, normal(rng, (729, 32)))


def semantic_cosine_ties(rng) -> Case:
    codebook = unit_rows(rng, (64, 32))
    codebook[40] = codebook[5]
    codebook[11] = codebook[63] = codebook[10]
    codebook[33] = codebook[0]
    # Rows 20 and 21 differ (two elements swapped) but score exactly alike against a
    # query whose first two elements are equal: the same two products, added in the
    # other order, and float32 addition is commutative.
    codebook[21] = codebook[20][[1, 0] + list(range(2, 32))]
    queries = Queries()
    queries.add(np.float32(2.5) * codebook[5], intended=5)
    queries.add(np.float32(0.1) * codebook[40], intended=5)
    queries.add(np.float32(7.0) * codebook[10], intended=10)
    queries.add(codebook[63], intended=10)
    queries.add(np.float32(3.0) * codebook[0], intended=0)
    queries.add(np.float32(1e-3) * codebook[33], intended=0)
    queries.add(codebook[20] + codebook[21], intended=20)
    queries.add(np.zeros(32, np.float32), intended=0)
    for row in normal(rng, (8, 32)):
        queries.add(row)
    return Case("semantic_cosine_ties", "semantic_lookup", "cosine",
                "exact cosine ties (duplicate rows 5/40, 10/11/63, 0/33; equal scores of "
                "distinct rows 20/21; a zero query): the lowest index wins",
                codebook, queries.features(), intended=queries.intended)


def semantic_cosine_near_ties(rng) -> Case:
    clusters, size, filler = 12, 4, 16
    codebook = unit_rows(rng, (clusters * size + filler, 32))
    positions = rng.permutation(len(codebook))
    queries = Queries()
    make = cosine_cluster(32, size)
    for cluster in range(clusters):
        query, rows = find_near_tie(rng, make, "cosine", want_difference=cluster < 9)
        codebook[np.sort(positions[cluster * size:(cluster + 1) * size])] = rows
        queries.add(query)
    return Case("semantic_cosine_near_ties", "semantic_lookup", "cosine",
                "cosine near ties: clusters of rows a few ulps apart, where a dot product "
                "summed otherwise picks another row (info.expanded_indices)",
                codebook, queries.features(), near_ties=True)


def semantic_cosine_magnitudes(rng) -> Case:
    codebook = unit_rows(rng, (16, 32))
    codebook[3] = 0.0
    codebook[7] = 0.0
    codebook[7, 0] = 1.0
    codebook[12] = 0.0
    codebook[12, 5] = -1.0
    queries = Queries()
    for label, row in magnitude_queries(rng, 32):
        intended = {"zero": 0, "negative zero": 0, "sum of squares overflows 1e20": 0,
                    "one huge element": 7}.get(label)
        queries.add(row, intended=intended)
    return Case("semantic_cosine_magnitudes", "semantic_lookup", "cosine",
                "cosine queries at the edges of float32: zero, -0, tiny, subnormal, norm "
                "around EPS, large, overflowing sum of squares, one huge element",
                codebook, queries.features(), intended=queries.intended)


def semantic_euclidean(rng) -> Case:
    clusters, size, dim = 12, 4, 32
    codebook = normal(rng, (320, dim))
    codebook[200] = codebook[17]
    codebook[150] = codebook[0]
    codebook[90] = codebook[299] = codebook[31]
    taken = {0, 17, 31, 90, 150, 200, 299}
    free = np.array([row for row in rng.permutation(len(codebook)) if row not in taken])
    queries = Queries()
    for row in normal(rng, (24, dim)):
        queries.add(row)
    queries.add(codebook[17] + normal(rng, dim, 1e-2), intended=17)
    queries.add(codebook[200], intended=17)
    queries.add(codebook[150] + normal(rng, dim, 1e-2), intended=0)
    queries.add(codebook[299] + normal(rng, dim, 1e-2), intended=31)
    make = euclidean_cluster(dim, size)
    for cluster in range(clusters):
        query, rows = find_near_tie(rng, make, "euclidean", want_difference=cluster < 9)
        codebook[np.sort(free[cluster * size:(cluster + 1) * size])] = rows
        queries.add(query)
    queries.add(normal(rng, dim, 1e20), intended=0)
    queries.add(np.zeros(dim, np.float32))
    queries.add(normal(rng, dim, 1e-40))
    queries.add(normal(rng, dim, 1e18))
    return Case("semantic_euclidean", "semantic_lookup", "euclidean",
                "euclidean lookup, K = 320, D = 32: random queries, duplicate rows, near ties "
                "where the expanded form picks otherwise, all distances +inf, zero, "
                "subnormal and large queries", codebook, queries.features(),
                intended=queries.intended, near_ties=True)


def pixel_cosine_paper(rng) -> Case:
    semantic_count, count = 2048, 729
    semantic = rng.integers(0, semantic_count, count).astype(np.int32)
    semantic[rng.choice(count, 2, replace=False)] = [0, semantic_count - 1]
    return Case("pixel_cosine_paper", "pixel_lookup", "cosine",
                "paper-size pixel cosine lookup: K = 2048, m = 8, d = 8, 729 random queries",
                unit_rows(rng, (semantic_count, 8, 8)), normal(rng, (count, 8)),
                semantic_indices=semantic)


def pixel_cosine_ties(rng) -> Case:
    m, dim = 8, 8
    codebook = unit_rows(rng, (16, m, dim))
    codebook[2, 6] = codebook[2, 3]
    codebook[5, 4] = codebook[5, 0]
    codebook[7, 2] = codebook[7, 7] = codebook[7, 1]
    codebook[9, 5] = codebook[9, 2][[1, 0] + list(range(2, dim))]
    queries = Queries()
    queries.add(np.float32(2.0) * codebook[2, 6], 2, intended=3)
    queries.add(codebook[5, 4], 5, intended=0)
    queries.add(np.float32(0.5) * codebook[7, 7], 7, intended=1)
    queries.add(codebook[9, 2] + codebook[9, 5], 9, intended=2)
    make = cosine_cluster(dim, 4)
    for semantic in range(10, 16):
        query, rows = find_near_tie(rng, make, "cosine", want_difference=semantic < 14)
        codebook[semantic, np.sort(rng.choice(m, 4, replace=False))] = rows
        queries.add(query, semantic)
    for label, row in magnitude_queries(rng, dim):
        intended = {"zero": 0, "negative zero": 0, "sum of squares overflows 1e20": 0}.get(label)
        queries.add(row, int(rng.integers(0, 16)), intended=intended)
    for row in normal(rng, (8, dim)):
        queries.add(row, int(rng.integers(0, 16)))
    return Case("pixel_cosine_ties", "pixel_lookup", "cosine",
                "pixel cosine lookup, K = 16, m = 8, d = 8: exact ties, near ties "
                "(info.expanded_indices), queries at the edges of float32, random queries",
                codebook, queries.features(), semantic_indices=queries.semantic_indices(),
                intended=queries.intended, near_ties=True)


def pixel_euclidean(rng) -> Case:
    m, dim = 8, 8
    codebook = normal(rng, (16, m, dim))
    codebook[3, 5] = codebook[3, 1]
    codebook[6, 7] = codebook[6, 0]
    queries = Queries()
    queries.add(codebook[3, 5] + normal(rng, dim, 1e-2), 3, intended=1)
    queries.add(codebook[6, 7], 6, intended=0)
    make = euclidean_cluster(dim, 4)
    for semantic in range(10, 16):
        query, rows = find_near_tie(rng, make, "euclidean", want_difference=semantic < 14)
        codebook[semantic, np.sort(rng.choice(m, 4, replace=False))] = rows
        queries.add(query, semantic)
    queries.add(normal(rng, dim, 1e20), 4, intended=0)
    queries.add(np.full(dim, 3e38, np.float32), 8, intended=0)
    queries.add(np.zeros(dim, np.float32), 0)
    queries.add(normal(rng, dim, 1e-40), 1)
    queries.add(normal(rng, dim, 1e18), 2)
    for row in normal(rng, (8, dim)):
        queries.add(row, int(rng.integers(0, 16)))
    return Case("pixel_euclidean", "pixel_lookup", "euclidean",
                "pixel euclidean lookup, K = 16, m = 8, d = 8: ties, near ties where the "
                "expanded form picks otherwise, all distances +inf, zero, subnormal, large "
                "and random queries", codebook, queries.features(),
                semantic_indices=queries.semantic_indices(), intended=queries.intended,
                near_ties=True)


def error_nan_feature(rng) -> Case:
    features = normal(rng, (5, 32))
    features[3, 7] = np.nan
    return Case("error_nan_feature", "semantic_lookup", "cosine",
                "a NaN in feature row 3 must be rejected", unit_rows(rng, (8, 32)), features,
                error="non_finite_feature", error_row=3)


def error_inf_feature(rng) -> Case:
    features = normal(rng, (4, 8))
    features[0, 2] = np.inf
    return Case("error_inf_feature", "pixel_lookup", "euclidean",
                "a +inf in feature row 0 of a pixel lookup must be rejected",
                normal(rng, (4, 8, 8)), features,
                semantic_indices=np.array([0, 1, 2, 3], np.int32),
                error="non_finite_feature", error_row=0)


def error_nonfinite_codebook(rng) -> Case:
    codebook = normal(rng, (8, 32))
    codebook[5, 3] = np.nan
    # Euclidean, so that no cosine normalisation check could claim the NaN first.
    return Case("error_nonfinite_codebook", "semantic_lookup", "euclidean",
                "a NaN in the codebook must be rejected", codebook, normal(rng, (4, 32)),
                error="non_finite_codebook")


def error_codebook_not_normalized(rng) -> Case:
    codebook = unit_rows(rng, (8, 32))
    codebook[2, 10] = 1.5
    return Case("error_codebook_not_normalized", "semantic_lookup", "cosine",
                "a cosine codebook element of magnitude above 1 must be rejected",
                codebook, normal(rng, (4, 32)), error="codebook_not_normalized")


def error_semantic_index_out_of_range(rng) -> Case:
    return Case("error_semantic_index_out_of_range", "pixel_lookup", "cosine",
                "semantic indices K (row 2) and -1 (row 3) given to the pixel lookup must be "
                "rejected, naming row 2, the first",
                unit_rows(rng, (4, 8, 8)), normal(rng, (4, 8)),
                semantic_indices=np.array([0, 3, 4, -1], np.int32),
                error="semantic_index_out_of_range", error_row=2)


CASES = [
    semantic_cosine_paper, semantic_cosine_ties, semantic_cosine_near_ties,
    semantic_cosine_magnitudes, semantic_euclidean, pixel_cosine_paper, pixel_cosine_ties,
    pixel_euclidean, error_nan_feature, error_inf_feature, error_nonfinite_codebook,
    error_codebook_not_normalized, error_semantic_index_out_of_range,
]


# ---------------------------------------------------------------------------------------
# Expected outputs and checks


def lookup(case: Case):
    """The canonical lookup: (indices, scores, normalised or None, tokens or None)."""
    if case.kind == "semantic_lookup":
        return (*sq.semantic_lookup(case.features, case.codebook, case.metric), None)
    return sq.pixel_lookup(case.features, case.codebook, case.semantic_indices, case.metric)


def check_error(case: Case) -> None:
    """Fails unless the canonical lookup raises exactly the case's error."""
    try:
        lookup(case)
    except sq.QuantizationError as error:
        if error.name != case.error or error.row != case.error_row:
            raise AssertionError(f"{case.name}: raised {error.name} row {error.row}") from error
        return
    raise AssertionError(f"{case.name}: the lookup did not fail")


def torch_picks(case: Case, rows: np.ndarray) -> np.ndarray:
    """The winners PyTorch's own float32 computation picks."""
    features = torch.from_numpy(case.features)
    codes = torch.from_numpy(np.ascontiguousarray(rows))
    if case.metric == "cosine":
        queries = torch.nn.functional.normalize(features, dim=1, eps=1e-12)
        if codes.ndim == 3:
            return torch.bmm(codes, queries[:, :, None])[..., 0].argmax(dim=1).numpy()
        return (queries @ codes.T).argmax(dim=1).numpy()
    # Direct differences: the matrix-product form torch.cdist uses by default cancels
    # catastrophically when a query lies close to its codes, clear winner or not.
    mode = "donot_use_mm_for_euclid_dist"
    if codes.ndim == 3:
        return torch.cdist(features[:, None, :], codes, compute_mode=mode)[:, 0, :].argmin(dim=1).numpy()
    return torch.cdist(features, codes, compute_mode=mode).argmin(dim=1).numpy()


def clear_winner_rows(all_scores: np.ndarray, metric: str) -> np.ndarray:
    """Rows whose best and second-best finite scores differ by more than TORCH_CHECK_GAP."""
    ordered = np.sort(all_scores.astype(np.float64), axis=1)
    if metric == "cosine":
        best, second = ordered[:, -1], ordered[:, -2]
    else:
        best, second = ordered[:, 0], ordered[:, 1]
    scale = np.maximum(np.abs(best), np.abs(second))
    finite = np.isfinite(best) & np.isfinite(second) & (scale > 0)
    with np.errstate(invalid="ignore"):
        gap = np.abs(best - second) / np.where(finite, scale, 1.0)
    return np.flatnonzero(finite & (gap > TORCH_CHECK_GAP))


def check_against_torch(case: Case, indices: np.ndarray) -> int:
    """Fails loudly if PyTorch disagrees on a row with a clear winner; returns how many
    rows were compared."""
    rows = rows_per_query(case)
    all_scores, _ = sq.scores(case.features, rows, case.metric)
    checked = clear_winner_rows(all_scores, case.metric)
    picks = torch_picks(case, rows)
    disagree = checked[picks[checked] != indices[checked]]
    if disagree.size:
        raise AssertionError(f"{case.name}: PyTorch picks otherwise on rows with a clear "
                             f"winner: {disagree.tolist()}")
    return checked.size


def case_contents(case: Case) -> tuple[dict, dict, str]:
    """The configuration and tensors of the case file, and a one-line summary."""
    config = {"case.kind": case.kind, "case.version": 1, "case.description": case.description,
              "case.generator": GENERATOR, "metric": case.metric}
    tensors = {"codebook": case.codebook, "features": case.features}
    if case.semantic_indices is not None:
        tensors["semantic_indices"] = case.semantic_indices.astype(np.int32)
    if case.error is not None:
        check_error(case)
        config["expected.error"] = case.error
        if case.error_row is not None:
            config["expected.error_row"] = case.error_row
        return config, tensors, f"error {case.error}"

    indices, best, normalized, tokens = lookup(case)
    for row, wanted in case.intended.items():
        if indices[row] != wanted:
            raise AssertionError(f"{case.name}: row {row} was built for index {wanted}, "
                                 f"the lookup gives {indices[row]}")
    tensors["expected.indices"] = indices
    tensors["expected.scores"] = best
    if normalized is not None:
        tensors["expected.normalized"] = normalized
    if tokens is not None:
        tensors["expected.tokens"] = tokens
    summary = f"{len(indices)} queries, {check_against_torch(case, indices)} checked against PyTorch"
    if case.near_ties:
        rows = rows_per_query(case)
        expanded = alternative_picks(case, rows)
        differing = int((expanded != indices).sum())
        if differing < MIN_DIFFERING_ROWS:
            raise AssertionError(f"{case.name}: only {differing} rows differ from the "
                                 "BLAS-style computation")
        tensors["info.expanded_indices"] = expanded
        matmul_differing = int((matmul_picks(case, rows) != indices).sum())
        summary += (f", {differing} differ from info.expanded_indices, "
                    f"{matmul_differing} from np.matmul on this machine")
    return config, tensors, summary


def require_ieee_subnormals() -> None:
    """Fails if float32 arithmetic flushes subnormals to zero, which the Spec forbids
    (a library loaded into the process can switch the CPU to flush-to-zero)."""
    smallest = np.array([2.0**-149], dtype=np.float32)
    if (smallest * np.float32(2))[0] != np.float32(2.0**-148) or (smallest + smallest)[0] == 0:
        raise RuntimeError("float32 subnormals are flushed to zero in this process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    require_ieee_subnormals()
    for number, make_case in enumerate(CASES):
        case = make_case(np.random.default_rng([BASE_SEED, number]))
        config, tensors, summary = case_contents(case)
        path = out / f"{case.name}.shw"
        write_weights(path, config, tensors)
        print(f"{path.name}: {path.stat().st_size} bytes, {summary}")


if __name__ == "__main__":
    main()
