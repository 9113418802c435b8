"""RouterConfig validation and the effective threshold."""

import pytest
from pydantic import ValidationError

from router import DEFAULT_ROUTER_KIND, RouterConfig, calibrate_threshold, load_router


def test_threshold_and_large_fraction_together_is_an_error_naming_both():
    with pytest.raises(ValidationError) as error:
        RouterConfig(threshold=0.5, large_fraction=0.3)
    assert "threshold" in str(error.value) and "large_fraction" in str(error.value)


def test_neither_threshold_nor_large_fraction_is_an_error_naming_both():
    with pytest.raises(ValidationError) as error:
        RouterConfig(kind="features")
    assert "threshold" in str(error.value) and "large_fraction" in str(error.value)


def test_out_of_range_values_and_unknown_fields_are_rejected():
    with pytest.raises(ValidationError, match="large_fraction"):
        RouterConfig(large_fraction=1.2)
    with pytest.raises(ValidationError, match="kind"):
        RouterConfig(kind="bert", threshold=0.5)
    with pytest.raises(ValidationError, match="treshold"):
        RouterConfig(treshold=0.5)


def test_effective_threshold_is_given_or_calibrated():
    assert RouterConfig(kind="features", threshold=0.42).effective_threshold() == 0.42
    router = load_router("features")
    config = RouterConfig(kind="features", large_fraction=0.3)
    assert config.effective_threshold(router) == calibrate_threshold(router.heldout_scores, 0.3)


def test_default_kind_is_a_registered_router():
    assert RouterConfig(threshold=0.5).kind == DEFAULT_ROUTER_KIND
