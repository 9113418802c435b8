"""Nearest-neighbour search over unit vectors (cosine = dot product), fast enough for 100k+ entries.

A brute-force scan of 100k x 384 float32 reads ~150 MB per query. `ClusteredIndex` instead groups the
vectors into k-means clusters (an "inverted file"): a query ranks the cluster centroids, then scans only
the vectors of the `probes` nearest clusters. Near-duplicates - what a cache hit needs - sit in the same
or a neighbouring cluster, so recall at cache-hit similarities stays ~1 (bench/cache_lookup.py measures
it against brute force).

Below `train_size` vectors the index is one cluster, i.e. exact. It re-clusters each time it has grown
4x since the last clustering, so clusters stay near sqrt(n) vectors; that one call pays for it (~0.5 s
at 64k vectors).
"""

from __future__ import annotations

import math

import numpy as np

KMEANS_ITERATIONS = 10
KMEANS_SAMPLE_PER_CLUSTER = 64


class _Cluster:
    """Vectors of one cluster in a growable array, with the key of each row."""

    def __init__(self, dim: int, capacity: int = 8):
        self.vectors = np.empty((capacity, dim), dtype=np.float32)
        self.keys: list[str] = []

    @classmethod
    def of(cls, vectors: np.ndarray, keys: list[str]) -> "_Cluster":
        cluster = cls(vectors.shape[1], capacity=max(8, 2 * len(keys)))
        cluster.vectors[: len(keys)] = vectors
        cluster.keys = keys
        return cluster

    def append(self, vector: np.ndarray, key: str) -> int:
        row = len(self.keys)
        if row == len(self.vectors):
            grown = np.empty((2 * len(self.vectors), self.vectors.shape[1]), dtype=np.float32)
            grown[:row] = self.vectors[:row]
            self.vectors = grown
        self.vectors[row] = vector
        self.keys.append(key)
        return row

    def remove_row(self, row: int) -> str | None:
        """Remove a row by moving the last row into it; returns the key of the moved row, if any."""
        last = len(self.keys) - 1
        moved = None
        if row != last:
            self.vectors[row] = self.vectors[last]
            self.keys[row] = self.keys[last]
            moved = self.keys[row]
        self.keys.pop()
        return moved

    def scores(self, query: np.ndarray) -> np.ndarray:
        return self.vectors[: len(self.keys)] @ query


class ClusteredIndex:
    """Approximate maximum-inner-product search with add and remove by key."""

    def __init__(self, dim: int, probes: int = 8, train_size: int = 4096, seed: int = 0):
        self.dim = dim
        self.probes = probes
        self.train_size = train_size
        self._rng = np.random.default_rng(seed)
        self._centroids: np.ndarray | None = None
        self._clusters = [_Cluster(dim)]
        self._location: dict[str, tuple[int, int]] = {}  # key → (cluster, row)
        self._next_training = train_size

    def __len__(self) -> int:
        return len(self._location)

    def __contains__(self, key: str) -> bool:
        return key in self._location

    def add(self, key: str, vector: np.ndarray) -> None:
        """Add or replace the vector of `key` (expected unit-normalised, length `dim`)."""
        vector = np.asarray(vector, dtype=np.float32).reshape(self.dim)
        self.remove(key)
        cluster = 0 if self._centroids is None else int(np.argmax(self._centroids @ vector))
        self._location[key] = (cluster, self._clusters[cluster].append(vector, key))
        if len(self._location) >= self._next_training:
            self._recluster()

    def remove(self, key: str) -> bool:
        location = self._location.pop(key, None)
        if location is None:
            return False
        cluster, row = location
        moved = self._clusters[cluster].remove_row(row)
        if moved is not None:
            self._location[moved] = (cluster, row)
        return True

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The k keys with the highest dot product with `query`, best first."""
        if not self._location:
            return []
        query = np.asarray(query, dtype=np.float32).reshape(self.dim)
        if self._centroids is None:
            probed = [0]
        else:
            centroid_scores = self._centroids @ query
            probes = min(self.probes, len(centroid_scores))
            probed = np.argpartition(-centroid_scores, probes - 1)[:probes]
        keys: list[str] = []
        scores: list[np.ndarray] = []
        for cluster_no in probed:
            cluster = self._clusters[int(cluster_no)]
            if cluster.keys:
                keys.extend(cluster.keys)
                scores.append(cluster.scores(query))
        if not keys:
            return []
        all_scores = np.concatenate(scores)
        top = min(k, len(all_scores))
        best = np.argpartition(-all_scores, top - 1)[:top]
        best = best[np.argsort(-all_scores[best])]
        return [(keys[i], float(all_scores[i])) for i in best]

    def _recluster(self) -> None:
        keys = list(self._location)
        vectors = np.stack([self._vector_of(key) for key in keys])
        n_clusters = max(16, int(math.sqrt(len(keys))))
        self._centroids = self._kmeans(vectors, n_clusters)
        assignment = self._nearest_centroid(vectors)
        order = np.argsort(assignment, kind="stable")
        bounds = np.searchsorted(assignment[order], np.arange(n_clusters + 1))
        self._clusters, self._location = [], {}
        for cluster_no in range(n_clusters):
            rows = order[bounds[cluster_no] : bounds[cluster_no + 1]]
            cluster_keys = [keys[i] for i in rows]
            self._clusters.append(_Cluster.of(vectors[rows], cluster_keys))
            self._location.update((key, (cluster_no, row)) for row, key in enumerate(cluster_keys))
        self._next_training = 4 * len(keys)

    def _vector_of(self, key: str) -> np.ndarray:
        cluster, row = self._location[key]
        return self._clusters[cluster].vectors[row]

    def _nearest_centroid(self, vectors: np.ndarray, chunk: int = 16384) -> np.ndarray:
        return np.concatenate(
            [np.argmax(vectors[i : i + chunk] @ self._centroids.T, axis=1) for i in range(0, len(vectors), chunk)]
        )

    def _kmeans(self, vectors: np.ndarray, n_clusters: int) -> np.ndarray:
        """Spherical k-means on a sample: centroids are re-normalised means."""
        sample_size = min(len(vectors), n_clusters * KMEANS_SAMPLE_PER_CLUSTER)
        sample = vectors[self._rng.choice(len(vectors), sample_size, replace=False)]
        centroids = sample[self._rng.choice(sample_size, n_clusters, replace=False)].copy()
        for _ in range(KMEANS_ITERATIONS):
            assignment = np.argmax(sample @ centroids.T, axis=1)
            order = np.argsort(assignment, kind="stable")
            counts = np.bincount(assignment, minlength=n_clusters)
            sums = np.zeros_like(centroids)
            present = counts > 0  # sum each cluster's rows in one pass over the sorted sample
            sums[present] = np.add.reduceat(sample[order], np.concatenate([[0], np.cumsum(counts)[:-1]])[present])
            empty = ~present  # re-seed empty clusters with random sample points
            sums[empty] = sample[self._rng.choice(sample_size, int(empty.sum()), replace=False)]
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            centroids = (sums / np.maximum(norms, 1e-12)).astype(np.float32)
        return centroids


class PartitionedIndex:
    """One `ClusteredIndex` per semantic partition (tenant + model + sampling + earlier turns)."""

    def __init__(self, probes: int = 8):
        self.probes = probes
        self._indexes: dict[str, ClusteredIndex] = {}
        self._partition_of: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._partition_of)

    def __contains__(self, key: str) -> bool:
        return key in self._partition_of

    def add(self, partition: str, key: str, vector: np.ndarray) -> None:
        self.remove(key)
        index = self._indexes.get(partition)
        if index is None:
            index = self._indexes[partition] = ClusteredIndex(len(vector), probes=self.probes)
        index.add(key, vector)
        self._partition_of[key] = partition

    def remove(self, key: str) -> bool:
        partition = self._partition_of.pop(key, None)
        if partition is None:
            return False
        index = self._indexes[partition]
        index.remove(key)
        if not len(index):
            del self._indexes[partition]
        return True

    def search(self, partition: str, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        index = self._indexes.get(partition)
        return index.search(query, k) if index is not None else []

    def clear(self) -> None:
        self._indexes.clear()
        self._partition_of.clear()
