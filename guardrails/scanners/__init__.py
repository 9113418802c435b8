"""Scanners and their registry: name -> class. A new scanner subclasses `Scanner` and adds itself here."""

from guardrails.scanners.base import Finding, Scanner, ScannerOptions, resolve_overlaps
from guardrails.scanners.pii import PiiScanner
from guardrails.scanners.secrets import SecretsScanner
from guardrails.scanners.toxicity import ToxicityScanner

SCANNERS: dict[str, type[Scanner]] = {cls.name: cls for cls in (PiiScanner, SecretsScanner, ToxicityScanner)}

__all__ = ["SCANNERS", "Finding", "PiiScanner", "Scanner", "ScannerOptions", "SecretsScanner", "ToxicityScanner",
           "resolve_overlaps"]
