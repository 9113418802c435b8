"""Fact-checking library: checks a model's answer against a knowledge base of known facts (no Ray).

    from validators import FactChecker, FactCheckerConfig
    result = FactChecker(FactCheckerConfig()).check("The capital of France is Paris.")
    result.verdict, result.score, result.claims
"""

from validators.checker import ClaimResult, FactChecker, ValidationResult
from validators.config import FactCheckerConfig, Tolerance

__all__ = ["ClaimResult", "FactChecker", "FactCheckerConfig", "Tolerance", "ValidationResult"]
