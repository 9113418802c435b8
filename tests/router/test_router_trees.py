"""The tree export and the pure-numpy evaluator reproduce scikit-learn's predictions exactly."""

import math

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from router import load_router
from router.features import FEATURE_NAMES, extract_features
from router.routers import TreeEnsemble
from router.train import TREE_LEARNING_RATE, export_trees


def test_exported_trees_match_sklearn_decision_function():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(400, 5))
    labels = (inputs[:, 0] + inputs[:, 1] * inputs[:, 2] > 0).astype(int)
    model = HistGradientBoostingClassifier(max_depth=3, max_iter=40, learning_rate=TREE_LEARNING_RATE, random_state=0)
    model.fit(inputs, labels)
    spec = export_trees(model, max_depth=3)
    trees = TreeEnsemble(spec)
    ours = [spec["baseline"] + trees.leaf_sum(x) for x in inputs[:50]]
    assert ours == pytest.approx(model.decision_function(inputs[:50]), abs=1e-5)


def test_feature_contributions_add_up_to_the_logit():
    router = load_router("features")
    messages = [{"role": "user", "content": "Write a Go function that parses RFC 3339 timestamps, with table-driven tests."}]
    features = extract_features(messages)
    contributions = router.feature_contributions(np.array([features[n] for n in FEATURE_NAMES]))
    score = router.score(messages)
    assert router.baseline + contributions.sum() == pytest.approx(math.log(score / (1 - score)), abs=1e-6)
