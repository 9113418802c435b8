"""Train the routers' heads on the train split and write router/weights/<kind>.json.

    python -m router.train                 # both kinds
    python -m router.train --kind features

Deterministic: fixed folds and seeds, so rerunning reproduces the shipped weights (the embedding
model's CPU arithmetic aside, which moves scores in the last digits at most)."""

from __future__ import annotations

import argparse
import hashlib
import json
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from tqdm import tqdm

from router.embedding import EMBEDDING_DIM
from router.dataset import DATASET_PATH, LabeledRequest, load_requests
from router.features import FEATURE_NAMES, feature_matrix, last_user_text
from router.routers import ROUTER_REGISTRY, WEIGHTS_DIR, default_weights_path

SEED = 7
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
CV_FOLDS = 5
EMBED_CHUNK = 64


def standardizer(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0  # a constant feature carries nothing; avoid dividing by zero
    return mean, scale


def embed_with_progress(requests: list[LabeledRequest], desc: str) -> np.ndarray:
    from router.embedding import shared_embedder

    embedder = shared_embedder()
    texts = [last_user_text(r.messages) for r in requests]
    # Shortest first, so each batch pads to similar lengths; then back to the original order.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    embeddings = np.zeros((len(texts), EMBEDDING_DIM))
    for start in tqdm(range(0, len(order), EMBED_CHUNK), desc=desc, unit="batch"):
        batch = order[start : start + EMBED_CHUNK]
        embeddings[batch] = embedder.embed([texts[i] for i in batch])
    return embeddings


def choose_c(inputs: np.ndarray, labels: np.ndarray, desc: str) -> tuple[float, float]:
    """The regularisation strength with the best mean cross-validated AUC on the train split."""
    folds = list(StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=SEED).split(inputs, labels))
    best_c, best_auc = C_GRID[0], -1.0
    for c in tqdm(C_GRID, desc=desc, unit="C"):
        aucs = []
        for train_idx, valid_idx in folds:
            model = LogisticRegression(C=c, max_iter=5000).fit(inputs[train_idx], labels[train_idx])
            aucs.append(roc_auc_score(labels[valid_idx], model.decision_function(inputs[valid_idx])))
        if np.mean(aucs) > best_auc:
            best_c, best_auc = c, float(np.mean(aucs))
    return best_c, best_auc


def _round(values) -> list[float]:
    """Seven significant digits: exact enough, and the JSON stays small and diffable."""
    return [float(f"{v:.7g}") for v in np.ravel(values)]


def train(kind: str) -> dict:
    started = time.perf_counter()
    train_requests = load_requests("train")
    heldout_requests = load_requests("heldout")
    labels = np.array([r.needs_large for r in train_requests])
    print(f"[{kind}] {len(train_requests)} train / {len(heldout_requests)} held-out requests")

    features = feature_matrix(r.messages for r in train_requests)
    mean, scale = standardizer(features)
    inputs = (features - mean) / scale
    if kind == "embedding":
        inputs = np.hstack([inputs, embed_with_progress(train_requests, "embedding train split")])

    c, cv_auc = choose_c(inputs, labels, f"[{kind}] choosing C by {CV_FOLDS}-fold CV")
    model = LogisticRegression(C=c, max_iter=5000).fit(inputs, labels)
    coef = model.coef_[0]
    n_features = len(FEATURE_NAMES)
    weights = {
        "kind": kind,
        "format": "logistic regression over standardised features (+ embedding); score = sigmoid(logit)",
        "feature_names": FEATURE_NAMES,
        "feature_mean": _round(mean),
        "feature_scale": _round(scale),
        "feature_coef": _round(coef[:n_features]),
        "intercept": _round(model.intercept_)[0],
    }
    if kind == "embedding":
        weights["embedding_model"] = "all-MiniLM-L6-v2 (router.embedding.shared_embedder), last user turn"
        weights["embedding_coef"] = _round(coef[n_features:])

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
        "C": c,
        "cv_auc": round(cv_auc, 4),
        "heldout_auc": round(float(heldout_auc), 4),
        "seed": SEED,
    }
    WEIGHTS_DIR.mkdir(exist_ok=True)
    path = default_weights_path(kind)
    path.write_text(json.dumps(weights, indent=1) + "\n")
    print(f"[{kind}] C={c} cv_auc={cv_auc:.4f} heldout_auc={heldout_auc:.4f} -> {path} ({time.perf_counter() - started:.1f}s)")
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the complexity routers' heads.")
    parser.add_argument("--kind", choices=[*sorted(ROUTER_REGISTRY), "all"], default="all")
    args = parser.parse_args()
    for kind in sorted(ROUTER_REGISTRY) if args.kind == "all" else [args.kind]:
        train(kind)


if __name__ == "__main__":
    main()
