"""Train the routers' heads on the train split and write router/weights/<kind>.json.

    python -m router.train                 # both kinds
    python -m router.train --kind features

Deterministic: fixed folds and seeds. The feature router's weights come back byte for byte; the
embedding router's move in the 5th-6th digit, because MiniLM's CPU arithmetic depends on how texts
are batched (and so on --embedding-cache, which only re-embeds texts it has not seen)."""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from tqdm import tqdm

from router.dataset import DATASET_PATH, LabeledRequest, load_requests
from router.features import FEATURE_DIRECTIONS, FEATURE_NAMES, feature_matrix, last_user_text
from router.routers import ROUTER_REGISTRY, WEIGHTS_DIR, default_weights_path

SEED = 7
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
TREE_GRID = [{"max_depth": d, "max_iter": 300} for d in (3, 4)]
TREE_LEARNING_RATE = 0.1
CV_FOLDS = 5
EMBED_CHUNK = 64


def standardizer(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0  # a constant feature carries nothing; avoid dividing by zero
    return mean, scale


def embed_with_progress(requests: list[LabeledRequest], desc: str, cache_path: Path | None = None) -> np.ndarray:
    """Embeddings of each request's last user turn. With `cache_path`, vectors computed before are
    reused (keyed by the text's hash), which makes retraining after a data change quick."""
    from common.embedding import shared_embedder

    texts = [last_user_text(r.messages) for r in requests]
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    cache = dict(np.load(cache_path)) if cache_path and cache_path.exists() else {}
    missing = sorted({i for i, k in enumerate(keys) if k not in cache}, key=lambda i: len(texts[i]))
    if missing:
        embedder = shared_embedder()
        # Shortest first, so each batch pads to similar lengths.
        for start in tqdm(range(0, len(missing), EMBED_CHUNK), desc=desc, unit="batch"):
            batch = missing[start : start + EMBED_CHUNK]
            for i, vector in zip(batch, embedder.embed([texts[i] for i in batch])):
                cache[keys[i]] = vector
        if cache_path:
            np.savez(cache_path, **cache)
    return np.array([cache[k] for k in keys], dtype=np.float64)


def cross_validated_auc(make_model, inputs: np.ndarray, labels: np.ndarray) -> float:
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=SEED).split(inputs, labels)
    aucs = []
    for train_idx, valid_idx in folds:
        model = make_model().fit(inputs[train_idx], labels[train_idx])
        aucs.append(roc_auc_score(labels[valid_idx], model.decision_function(inputs[valid_idx])))
    return float(np.mean(aucs))


def choose(grid: list[dict], make_model, inputs: np.ndarray, labels: np.ndarray, desc: str) -> tuple[dict, float]:
    """The hyper-parameters with the best mean cross-validated AUC on the train split."""
    scored = [(cross_validated_auc(lambda: make_model(**params), inputs, labels), i) for i, params in enumerate(tqdm(grid, desc=desc))]
    best_auc, best = max(scored)
    return grid[best], best_auc


def _round(values) -> list[float]:
    """Seven significant digits: exact enough, and the JSON stays small and diffable."""
    return [float(f"{v:.7g}") for v in np.ravel(values)]


def make_trees(max_depth: int, max_iter: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_depth=max_depth,
        max_iter=max_iter,
        learning_rate=TREE_LEARNING_RATE,
        monotonic_cst=FEATURE_DIRECTIONS,
        early_stopping=False,
        random_state=SEED,
    )


def export_trees(model: HistGradientBoostingClassifier, max_depth: int) -> dict:
    """The fitted trees as arrays TreeEnsemble reads. scikit-learn keeps internal nodes' values
    unshrunk and leaves' shrunk; internal ones are shrunk here so that a path's value changes add
    up to its leaf (for per-feature contributions)."""
    trees = []
    for (predictor,) in model._predictors:  # one predictor per iteration for binary classification
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        value = np.where(leaf, nodes["value"], nodes["value"] * TREE_LEARNING_RATE)
        trees.append(
            {
                "feature": [int(f) if not is_leaf else 0 for f, is_leaf in zip(nodes["feature_idx"], leaf)],
                # Thresholds keep full precision: rounding could move one across a feature value.
                "threshold": [float(t) for t in np.where(leaf, 0.0, nodes["num_threshold"])],
                "left": [int(n) if not is_leaf else -1 for n, is_leaf in zip(nodes["left"], leaf)],
                "right": [int(n) if not is_leaf else -1 for n, is_leaf in zip(nodes["right"], leaf)],
                "value": _round(value),
            }
        )
    return {"baseline": _round(model._baseline_prediction)[0], "max_depth": max_depth, "trees": trees}


def fit_feature_router(train_requests: list[LabeledRequest], labels: np.ndarray) -> tuple[dict, dict]:
    features = feature_matrix(r.messages for r in train_requests)
    params, cv_auc = choose(TREE_GRID, make_trees, features, labels, f"[features] choosing trees by {CV_FOLDS}-fold CV")
    model = make_trees(**params).fit(features, labels)
    weights = {"format": "gradient-boosted trees over router.features; score = sigmoid(baseline + sum of leaf values)"}
    weights |= export_trees(model, params["max_depth"])
    return weights, {**params, "learning_rate": TREE_LEARNING_RATE, "cv_auc": round(cv_auc, 4)}


def fit_embedding_router(train_requests: list[LabeledRequest], labels: np.ndarray, embedding_cache: Path | None) -> tuple[dict, dict]:
    features = feature_matrix(r.messages for r in train_requests)
    mean, scale = standardizer(features)
    embeddings = embed_with_progress(train_requests, "[embedding] embedding the train split", embedding_cache)
    inputs = np.hstack([(features - mean) / scale, embeddings])
    make_head = lambda C: LogisticRegression(C=C, max_iter=5000)  # noqa: E731
    params, cv_auc = choose([{"C": c} for c in C_GRID], make_head, inputs, labels, f"[embedding] choosing C by {CV_FOLDS}-fold CV")
    model = make_head(**params).fit(inputs, labels)
    coef = model.coef_[0]
    weights = {
        "format": "logistic regression over [standardised router.features, MiniLM embedding]; score = sigmoid(logit)",
        "embedding_model": "all-MiniLM-L6-v2 (common.embedding.shared_embedder) of the last user turn",
        "feature_mean": _round(mean),
        "feature_scale": _round(scale),
        "feature_coef": _round(coef[: len(FEATURE_NAMES)]),
        "embedding_coef": _round(coef[len(FEATURE_NAMES) :]),
        "intercept": _round(model.intercept_)[0],
    }
    return weights, {**params, "cv_auc": round(cv_auc, 4)}


def write_weights(path: Path, weights: dict) -> None:
    """One key per line and one tree per line: compact, yet a diff shows what changed."""
    lines = []
    for key, value in weights.items():
        if key == "trees":
            body = ",\n".join("  " + json.dumps(tree, separators=(",", ":")) for tree in value)
            lines.append(f'"trees": [\n{body}\n]')
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}")
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")


def train(kind: str, embedding_cache: Path | None = None) -> dict:
    started = time.perf_counter()
    train_requests = load_requests("train")
    heldout_requests = load_requests("heldout")
    labels = np.array([r.needs_large for r in train_requests])
    print(f"[{kind}] {len(train_requests)} train / {len(heldout_requests)} held-out requests")
    if kind == "features":
        head, training = fit_feature_router(train_requests, labels)
    else:
        head, training = fit_embedding_router(train_requests, labels, embedding_cache)
    weights = {"kind": kind, "feature_names": FEATURE_NAMES, **head}

    # Held-out scores come from the router class reading these very (rounded) weights, so
    # calibration sees exactly what serving will produce.
    router = ROUTER_REGISTRY[kind](dict(weights))
    heldout_scores = []
    for start in tqdm(range(0, len(heldout_requests), EMBED_CHUNK), desc=f"[{kind}] scoring held-out split", unit="batch"):
        batch = heldout_requests[start : start + EMBED_CHUNK]
        heldout_scores += router.score_batch([r.messages for r in batch])
    heldout_auc = roc_auc_score([r.needs_large for r in heldout_requests], heldout_scores)
    weights["heldout_ids"] = [r.id for r in heldout_requests]
    weights["heldout_scores"] = _round(heldout_scores)
    weights["training"] = {
        "dataset_sha256": hashlib.sha256(DATASET_PATH.read_bytes()).hexdigest(),
        "n_train": len(train_requests),
        "n_heldout": len(heldout_requests),
        **training,
        "heldout_auc": round(float(heldout_auc), 4),
        "seed": SEED,
    }
    WEIGHTS_DIR.mkdir(exist_ok=True)
    path = default_weights_path(kind)
    write_weights(path, weights)
    print(f"[{kind}] {training} heldout_auc={heldout_auc:.4f} -> {path} ({time.perf_counter() - started:.1f}s)")
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the complexity routers' heads.")
    parser.add_argument("--kind", choices=[*sorted(ROUTER_REGISTRY), "all"], default="all")
    parser.add_argument(
        "--embedding-cache", type=Path, help="an .npz file to reuse embeddings across runs (e.g. /tmp/router_embeddings.npz)"
    )
    args = parser.parse_args()
    for kind in sorted(ROUTER_REGISTRY) if args.kind == "all" else [args.kind]:
        train(kind, args.embedding_cache)


if __name__ == "__main__":
    main()
