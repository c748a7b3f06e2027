"""Tests of the NumPy quantization arithmetic against a plain scalar reading of
Spec/quantization.md, and of the committed golden cases in golden/quantization/
(Spec/conformance.md section 2).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import semhitok_formats as sf
import semhitok_quantization as sq

TOOLS = Path(__file__).resolve().parent
GOLDEN_QUANTIZATION = TOOLS.parent / "golden" / "quantization"
F32 = np.float32
EPS_BITS = 0x2B8CBCCC


# ---------------------------------------------------------------------------------------
# The scalar reference: numpy float32 scalars, one rounded operation at a time


def scalar_sum(terms) -> np.float32:
    total = F32(0.0)
    for term in terms:
        total = total + term
    return total


def scalar_sumsq(x) -> np.float32:
    return scalar_sum(F32(v) * F32(v) for v in x)


def scalar_dot(x, y) -> np.float32:
    return scalar_sum(F32(a) * F32(b) for a, b in zip(x, y))


def scalar_sqdist(x, y) -> np.float32:
    def squares():
        for a, b in zip(x, y):
            difference = F32(a) - F32(b)
            yield difference * difference
    return scalar_sum(squares())


def scalar_normalize(x) -> list[np.float32]:
    norm = np.sqrt(scalar_sumsq(x))
    denominator = norm if norm > F32(1e-12) else F32(1e-12)
    return [F32(v) / denominator for v in x]


def scalar_search(query, rows, metric: str):
    """quantization.md section 2, literally: the loop with a strict comparison."""
    if metric == "cosine":
        query = scalar_normalize(query)
        scores = [scalar_dot(query, row) for row in rows]
        better = lambda a, b: a > b  # noqa: E731
    else:
        scores = [scalar_sqdist(query, row) for row in rows]
        better = lambda a, b: a < b  # noqa: E731
    best = 0
    for t in range(1, len(rows)):
        if better(scores[t], scores[best]):
            best = t
    return best, scores[best], (query if metric == "cosine" else None)


def bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32).view(np.uint32)


def assert_matches_scalar(features, rows_of, metric, indices, scores, normalized):
    """Compares vectorised results with the scalar reference, row by row, bit for bit."""
    with np.errstate(all="ignore"):
        for n, query in enumerate(features):
            index, score, query_normalized = scalar_search(query, rows_of(n), metric)
            assert indices[n] == index, n
            assert bits(scores[n]) == bits(score), n
            if metric == "cosine":
                assert bits(normalized[n]).tolist() == bits(query_normalized).tolist(), n


# ---------------------------------------------------------------------------------------
# The NumPy arithmetic against the scalar reference


def random_case(rng, dim: int, count: int, metric: str):
    """Queries and rows mixing random values, magnitudes, duplicates and ulp-close rows."""
    rows = rng.standard_normal((count, dim), dtype=np.float32)
    if metric == "cosine":
        rows = np.array([scalar_normalize(row) for row in rows], dtype=np.float32)
    if count > 2:
        rows[count - 1] = rows[0]
        rows[1] = np.nextafter(rows[0], F32(0))
    scales = [1.0, 1e-40, 1e-30, 1e-20, 1e-13, 1e18, 1e20, 0.0]
    queries = [rng.standard_normal(dim, dtype=np.float32) * F32(scale) for scale in scales]
    queries.append(rows[0] * F32(3.0))
    queries.append(np.full(dim, -0.0, np.float32))
    return np.array(queries, dtype=np.float32), rows


@pytest.mark.parametrize("metric", sq.METRICS)
@pytest.mark.parametrize("dim, count", [(1, 1), (1, 4), (3, 5), (8, 8), (32, 17)])
def test_semantic_lookup_matches_scalar_reference(metric, dim, count):
    rng = np.random.default_rng([dim, count, len(metric)])
    features, codebook = random_case(rng, dim, count, metric)
    indices, scores, normalized = sq.semantic_lookup(features, codebook, metric)
    assert indices.dtype == np.int32 and scores.dtype == np.float32
    assert_matches_scalar(features, lambda n: codebook, metric, indices, scores, normalized)


@pytest.mark.parametrize("metric", sq.METRICS)
def test_pixel_lookup_matches_scalar_reference(metric):
    rng = np.random.default_rng(7)
    semantic_count, m, dim = 5, 8, 8
    codebook = np.stack([random_case(rng, dim, m, metric)[1] for _ in range(semantic_count)])
    features = random_case(rng, dim, m, metric)[0]
    semantic = rng.integers(0, semantic_count, len(features))
    indices, scores, normalized, tokens = sq.pixel_lookup(features, codebook, semantic, metric)
    assert_matches_scalar(features, lambda n: codebook[semantic[n]], metric, indices, scores, normalized)
    assert tokens.tolist() == (semantic * m + indices).tolist()


def test_eps_is_the_float32_nearest_to_1e_12():
    assert int(sq.EPS.view(np.uint32)) == EPS_BITS
    assert float(sq.EPS) == 9.999999960041972e-13


def test_sum_of_negative_zeros_is_positive_zero():
    assert bits(sq.sumsq(np.array([[-0.0, -0.0]], np.float32)))[0] == 0
    assert bits(sq.dot(np.array([[-0.0]], np.float32), np.array([[1.0]], np.float32)))[0] == 0


def test_spec_consequences():
    codebook = np.eye(4, dtype=np.float32)
    zero = np.zeros((1, 4), np.float32)
    indices, scores, normalized = sq.semantic_lookup(zero, codebook, "cosine")
    assert indices[0] == 0 and scores[0] == 0 and not normalized.any()
    overflow = np.array([[0.0, 0.0, 2e19, 0.0]], np.float32)
    assert sq.semantic_lookup(overflow, codebook, "cosine")[0][0] == 0
    subnormal = np.array([[0.0, 0.0, 1e-40, 0.0]], np.float32)
    assert sq.semantic_lookup(subnormal, codebook, "cosine")[0][0] == 2
    far = np.full((1, 4), 1e20, np.float32)
    indices, scores, _ = sq.semantic_lookup(far, codebook, "euclidean")
    assert indices[0] == 0 and scores[0] == np.inf


@pytest.mark.parametrize("edit, name", [
    (lambda f, c: f.__setitem__((2, 1), np.nan), "non_finite_feature"),
    (lambda f, c: f.__setitem__((2, 1), -np.inf), "non_finite_feature"),
    (lambda f, c: c.__setitem__((1, 1), np.inf), "non_finite_codebook"),
    (lambda f, c: c.__setitem__((1, 1), np.float32(1.0000001)), "codebook_not_normalized"),
])
def test_rejected_inputs(edit, name):
    features = np.ones((3, 4), np.float32)
    codebook = np.eye(4, dtype=np.float32)
    edit(features, codebook)
    with pytest.raises(sq.QuantizationError) as caught:
        sq.semantic_lookup(features, codebook, "cosine")
    assert caught.value.name == name
    assert caught.value.row == (2 if name == "non_finite_feature" else None)


def test_semantic_index_out_of_range_and_exact_unit_elements():
    codebook = np.stack([np.eye(4, dtype=np.float32), -np.eye(4, dtype=np.float32)])
    features = np.ones((3, 4), np.float32)
    assert sq.pixel_lookup(features, codebook, [0, 1, 1], "cosine")[3].tolist() == [0, 4, 4]
    for bad, first in (([0, 2, 0], 1), ([-1, 0, 0], 0), ([0, 1, -1], 2), ([0, 7, -3], 1)):
        with pytest.raises(sq.QuantizationError) as caught:
            sq.pixel_lookup(features, codebook, bad, "cosine")
        assert caught.value.name == "semantic_index_out_of_range"
        assert caught.value.row == first


# ---------------------------------------------------------------------------------------
# The committed golden cases


GOLDEN_CASES = sorted(GOLDEN_QUANTIZATION.glob("*.shw"))
PAPER_CASES = {"semantic_cosine_paper.shw", "pixel_cosine_paper.shw"}
ERROR_NAMES = {"non_finite_feature", "non_finite_codebook", "codebook_not_normalized",
               "semantic_index_out_of_range"}
ROW_ERRORS = {"non_finite_feature", "semantic_index_out_of_range"}  # those that name a row


def test_golden_cases_are_present():
    names = {path.name for path in GOLDEN_CASES}
    assert len(names) == 13 and PAPER_CASES <= names


def check_layout(config: dict, tensors: dict) -> None:
    """The keys, types and shapes of Spec/conformance.md sections 1 and 2."""
    assert config["case.kind"] in ("semantic_lookup", "pixel_lookup")
    assert config["case.version"] == 1
    assert isinstance(config["case.description"], str) and config["case.description"]
    assert config["case.generator"] == "python3 tools/make_quantization_golden.py"
    assert config["metric"] in sq.METRICS
    pixel = config["case.kind"] == "pixel_lookup"
    codebook, features = tensors["codebook"], tensors["features"]
    assert codebook.dtype == np.float32 and codebook.ndim == (3 if pixel else 2)
    assert features.dtype == np.float32 and features.shape[1] == codebook.shape[-1]
    count = len(features)
    assert ("semantic_indices" in tensors) == pixel
    if pixel:
        assert tensors["semantic_indices"].dtype == np.int32
        assert tensors["semantic_indices"].shape == (count,)
    expected = {name for name in tensors if name.startswith("expected.")}
    if "expected.error" in config:
        assert config["expected.error"] in ERROR_NAMES and not expected
        assert ("expected.error_row" in config) == (config["expected.error"] in ROW_ERRORS)
        return
    wanted = {"expected.indices", "expected.scores"}
    wanted |= {"expected.normalized"} if config["metric"] == "cosine" else set()
    wanted |= {"expected.tokens"} if pixel else set()
    assert expected == wanted
    for name in expected:
        dtype = np.float32 if name in ("expected.scores", "expected.normalized") else np.int32
        assert tensors[name].dtype == dtype
        shape = features.shape if name == "expected.normalized" else (count,)
        assert tensors[name].shape == shape


def run_lookup(config: dict, tensors: dict):
    metric = config["metric"]
    if config["case.kind"] == "semantic_lookup":
        return (*sq.semantic_lookup(tensors["features"], tensors["codebook"], metric), None)
    return sq.pixel_lookup(tensors["features"], tensors["codebook"], tensors["semantic_indices"], metric)


@pytest.mark.parametrize("path", GOLDEN_CASES, ids=lambda path: path.stem)
def test_golden_case(path):
    config, tensors = sf.read_weights(path)
    check_layout(config, tensors)
    if "expected.error" in config:
        with pytest.raises(sq.QuantizationError) as caught:
            run_lookup(config, tensors)
        assert caught.value.name == config["expected.error"]
        assert caught.value.row == config.get("expected.error_row")
        return
    indices, scores, normalized, tokens = run_lookup(config, tensors)
    assert indices.tolist() == tensors["expected.indices"].tolist()
    assert bits(scores).tolist() == bits(tensors["expected.scores"]).tolist()
    if normalized is not None:
        assert bits(normalized).tolist() == bits(tensors["expected.normalized"]).tolist()
    if tokens is not None:
        assert tokens.tolist() == tensors["expected.tokens"].tolist()
    if path.name not in PAPER_CASES:
        codebook = tensors["codebook"]
        semantic = tensors.get("semantic_indices")
        rows_of = (lambda n: codebook) if semantic is None else (lambda n: codebook[semantic[n]])
        assert_matches_scalar(tensors["features"], rows_of, config["metric"],
                              tensors["expected.indices"], tensors["expected.scores"],
                              tensors.get("expected.normalized"))


def test_near_tie_cases_record_differing_picks():
    for name in ("semantic_cosine_near_ties", "semantic_euclidean", "pixel_cosine_ties",
                 "pixel_euclidean"):
        _, tensors = sf.read_weights(GOLDEN_QUANTIZATION / f"{name}.shw")
        expanded = tensors["info.expanded_indices"]
        assert expanded.dtype == np.int32
        assert (expanded != tensors["expected.indices"]).sum() >= 3, name


def test_generator_reproduces_committed_bytes(tmp_path):
    pytest.importorskip("torch")
    subprocess.run([sys.executable, str(TOOLS / "make_quantization_golden.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    produced = sorted(path.name for path in tmp_path.glob("*.shw"))
    assert produced == [path.name for path in GOLDEN_CASES]
    for path in GOLDEN_CASES:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
