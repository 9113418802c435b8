import numpy as np

from cache.vector_index import ClusteredIndex, PartitionedIndex


def unit_rows(rng, n, dim=64):
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def near_copy(rng, vector, noise=0.3):
    """A vector at cosine ~0.9 of `vector`: what a paraphrase looks like to the index."""
    noisy = vector + noise * rng.standard_normal(vector.shape).astype(np.float32) / np.sqrt(len(vector))
    return noisy / np.linalg.norm(noisy)


def test_small_index_is_exact():
    rng = np.random.default_rng(0)
    vectors = unit_rows(rng, 200)
    index = ClusteredIndex(dim=64, train_size=1000)
    for i, vector in enumerate(vectors):
        index.add(str(i), vector)
    query = unit_rows(rng, 1)[0]
    expected = np.argsort(-(vectors @ query))[:5]
    assert [key for key, _ in index.search(query, 5)] == [str(i) for i in expected]


def test_clustered_index_finds_near_duplicates_like_brute_force():
    rng = np.random.default_rng(1)
    # Clustered data, like sentence embeddings (topics), rather than uniform noise.
    centers = unit_rows(rng, 40)
    vectors = np.stack([near_copy(rng, centers[i % 40], noise=2.0) for i in range(5000)])
    index = ClusteredIndex(dim=64, probes=8, train_size=1024)
    for i, vector in enumerate(vectors):
        index.add(str(i), vector)
    assert index._centroids is not None  # it did cluster (at 1024 and 4096 vectors)

    found = 0
    targets = rng.choice(len(vectors), 200, replace=False)
    for target in targets:
        best_key, best_score = index.search(near_copy(rng, vectors[target]), 1)[0]
        found += best_key == str(target)
    assert found / len(targets) >= 0.98


def test_remove_and_replace():
    rng = np.random.default_rng(2)
    vectors = unit_rows(rng, 3000)
    index = ClusteredIndex(dim=64, train_size=500)
    for i, vector in enumerate(vectors):
        index.add(str(i), vector)
    assert index.remove("7") and not index.remove("7")
    assert "7" not in index and len(index) == 2999
    assert all(key != "7" for key, _ in index.search(vectors[7], 10))
    index.add("8", vectors[9])  # replace key 8's vector
    assert len(index) == 2999
    top_keys = [key for key, _ in index.search(vectors[9], 2)]
    assert set(top_keys) == {"8", "9"}


def test_partitions_are_separate():
    rng = np.random.default_rng(3)
    vector = unit_rows(rng, 1)[0]
    index = PartitionedIndex()
    index.add("tenant-a", "k1", vector)
    assert index.search("tenant-b", vector, 3) == []
    assert [key for key, _ in index.search("tenant-a", vector, 3)] == ["k1"]
    index.remove("k1")
    assert index.search("tenant-a", vector, 3) == [] and len(index) == 0
