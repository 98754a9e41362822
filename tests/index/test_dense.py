"""FAISS search checked against brute-force numpy on the same vectors."""

from __future__ import annotations

import numpy as np

from index import dense


def _unit(rows: int, dim: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_flat_equals_brute_force_with_ids_and_filters() -> None:
    vectors = _unit(500, 48, 1)
    row_ids = np.arange(1000, 1500)
    index = dense.new_index("flat", 48)
    dense.add(index, row_ids, vectors)
    for query in _unit(20, 48, 2):
        scores = vectors @ query
        expected = row_ids[np.argsort(-scores)[:10]]
        got = dense.search(index, query, 10)
        assert [r for r, _ in got] == list(expected)
        assert np.allclose([s for _, s in got], np.sort(scores)[::-1][:10], atol=1e-5)
        allowed = row_ids[::7]
        masked = np.where(np.isin(row_ids, allowed), scores, -np.inf)
        assert [r for r, _ in dense.search(index, query, 5, allowed)] == list(row_ids[np.argsort(-masked)[:5]])


def test_a_loaded_flat_index_searches_exactly_as_the_one_saved(tmp_path) -> None:
    vectors = _unit(400, 32, 7)
    row_ids = np.arange(3, 1203, 3)
    index = dense.new_index("flat", 32)
    dense.add(index, row_ids, vectors)
    dense.save(index, tmp_path / "d.faiss")
    loaded = dense.load(tmp_path / "d.faiss")  # memory-mapped
    assert loaded.ntotal == 400
    for query in _unit(10, 32, 8):
        assert dense.search(loaded, query, 400) == dense.search(index, query, 400)
        assert dense.search(loaded, query, 9, row_ids[::5]) == dense.search(index, query, 9, row_ids[::5])


def test_flat_remove_and_replace_by_id() -> None:
    vectors = _unit(50, 16, 3)
    index = dense.new_index("flat", 16)
    dense.add(index, range(50), vectors)
    assert dense.remove(index, [3, 4, 5]) == 3 and index.ntotal == 47
    dense.add(index, [3], vectors[3:4])
    hits = dense.search(index, vectors[3], 1)
    assert hits[0][0] == 3 and abs(hits[0][1] - 1.0) < 1e-5
    assert all(r not in (4, 5) for r, _ in dense.search(index, vectors[4], 50))


def test_hnsw_recall_against_brute_force_and_round_trip(tmp_path) -> None:
    vectors = _unit(2000, 32, 4)
    index = dense.new_index("hnsw", 32)
    dense.add(index, range(2000), vectors)
    dense.save(index, tmp_path / "d.faiss")
    loaded = dense.load(tmp_path / "d.faiss")
    found = 0
    for query in _unit(30, 32, 5):
        truth = set(np.argsort(-(vectors @ query))[:10].tolist())
        found += len(truth & {r for r, _ in dense.search(loaded, query, 10)})
    assert found / 300 >= 0.9


def test_hnsw_filter_returns_only_allowed_ids() -> None:
    vectors = _unit(300, 16, 6)
    index = dense.new_index("hnsw", 16)
    dense.add(index, range(300), vectors)
    allowed = np.arange(0, 300, 10)
    hits = dense.search(index, vectors[5], 5, allowed)
    assert len(hits) == 5 and all(r % 10 == 0 for r, _ in hits)
    assert dense.search(index, vectors[5], 5, np.array([], dtype=np.int64)) == []


def test_all_scores_equal_brute_force_for_every_allowed_id_that_has_a_vector(tmp_path) -> None:
    vectors = _unit(300, 24, 11)
    row_ids = np.arange(5, 905, 3)
    index = dense.new_index("flat", 24)
    dense.add(index, row_ids, vectors)
    dense.remove(index, row_ids[:4].tolist())  # ids no longer in order after a re-add
    dense.add(index, row_ids[:4], vectors[:4])
    dense.save(index, tmp_path / "d.faiss")
    loaded = dense.load(tmp_path / "d.faiss")
    expected = dict(zip(row_ids.tolist(), vectors, strict=True))
    for query in _unit(5, 24, 12):
        ids, scores = dense.all_scores(loaded, query)
        assert sorted(ids.tolist()) == sorted(expected)
        assert np.allclose(scores, [expected[i] @ query for i in ids.tolist()], atol=1e-5)
        allowed = np.asarray([*row_ids[::9].tolist(), 1, 4000, row_ids[2]], dtype=np.int64)  # two ids without vectors
        ids, scores = dense.all_scores(loaded, query, allowed)
        assert sorted(ids.tolist()) == sorted(set(row_ids[::9].tolist()) | {int(row_ids[2])})
        assert np.allclose(scores, [expected[i] @ query for i in ids.tolist()], atol=1e-5)
        assert len(dense.all_scores(loaded, query, np.zeros(0, dtype=np.int64))[0]) == 0


def test_all_scores_of_an_hnsw_index_are_its_search() -> None:
    vectors = _unit(200, 16, 13)
    index = dense.new_index("hnsw", 16)
    dense.add(index, range(200), vectors)
    query = _unit(1, 16, 14)[0]
    ids, scores = dense.all_scores(index, query)
    assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == dict(dense.search(index, query, 200))
