"""PII by Microsoft Presidio's pattern recognizers, without an NLP model.

Presidio's `AnalyzerEngine` normally loads a spaCy pipeline (`en_core_web_lg`) for NER and for the context
words that raise scores. Here it runs on Presidio's own `NoOpNlpEngine` (no model, no tokens), so only the
self-contained recognizers work: regex + checksum (cards: Luhn; IBAN: mod-97; SSN: invalid-range rules)
and `phonenumbers` for phones. Names (PERSON) are not detected: the only spaCy pipelines on PyPI are
third-party re-uploads of spaCy's models, and NER costs more than this scanner's few-ms budget.
Street addresses are a small pattern recognizer of ours (US-style "221 Baker Street").

Two recognizers are adapted, for reasons of running on every request:
- e-mail: Presidio validates the domain with `tldextract`, whose default fetches the Public Suffix List
  over the network on first use; ours reads the list bundled in tldextract's wheel only.
- phone: Presidio runs `phonenumbers.PhoneNumberMatcher` over the whole text once per region (~0.5 ms
  per region per 100 words); ours runs it only on digit runs that could be a phone number.
"""

from __future__ import annotations

import logging
import re
from typing import ClassVar

import phonenumbers
import tldextract
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    CryptoRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    MacAddressRecognizer,
    PhoneRecognizer,
    NhsRecognizer,
    UsSsnRecognizer,
)
from pydantic import Field

from guardrails.scanners.base import Finding, Scanner, ScannerOptions, resolve_overlaps

# Offline: the suffix list snapshot inside the tldextract wheel; never an HTTP fetch.
_OFFLINE_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    def validate_result(self, pattern_text: str) -> bool:
        return _OFFLINE_TLD(pattern_text).fqdn != ""


# A run of digits with the separators phone numbers use; the matcher decides what is a phone number.
# Not glued to a code by a hyphen or letter ("INV-2024-000318", "A-2024-558812").
_PHONE_CANDIDATE = re.compile(r"(?<![\w-])(?:\+|\()?\d[\d \t().\-/]{5,24}\d\b")
# Digit runs that are something else, rejected before the (costly) matcher: dates, dotted quads, versions.
_NOT_PHONE = re.compile(r"\d{4}-\d\d-\d\d|\d\d?[./]\d\d?[./]\d{2,4}|\d{1,3}(?:\.\d{1,3}){3}\b|\d+(?:\.\d+){3,}")
# Words just before a number that say it is not a phone number.
_NOT_PHONE_BEFORE = re.compile(r"(?i)(?:isbn(?:-1[03])?|issn|version|v|order|invoice|sku|serial|ticket)[\s:#.-]*$")
_PHONE_CONTEXT = 2  # characters each side, so the matcher sees the boundary around a candidate
# Shortest national numbers in the default regions have 7 digits; E.164 allows at most 15 (so a 16-digit
# card number is never tried as a phone).
_MIN_DIGITS, _MAX_DIGITS = 7, 15


class CandidatePhoneRecognizer(PhoneRecognizer):
    """Presidio's PhoneRecognizer, run on the digit runs of the text instead of the whole text."""

    def analyze(self, text, entities, nlp_artifacts=None):
        results: list[RecognizerResult] = []
        for candidate in _PHONE_CANDIDATE.finditer(text):
            if not _MIN_DIGITS <= sum(ch.isdigit() for ch in candidate.group()) <= _MAX_DIGITS:
                continue
            if _NOT_PHONE.fullmatch(candidate.group()) or _NOT_PHONE_BEFORE.search(text, max(0, candidate.start() - 12),
                                                                                      candidate.start()):
                continue
            lo = max(0, candidate.start() - _PHONE_CONTEXT)
            window = text[lo:candidate.end() + _PHONE_CONTEXT]
            for region in self.supported_regions:
                matches = list(phonenumbers.PhoneNumberMatcher(window, region, leniency=self.leniency))
                results.extend(RecognizerResult(
                    entity_type=self.supported_entities[0], start=lo + match.start, end=lo + match.end,
                    score=self.SCORE,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
                ) for match in matches)
                if matches:  # the first region that reads it as a phone number is enough
                    break
        return self.remove_duplicates(results)


_STREET_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
                  r"Terrace|Parkway|Pkwy|Highway|Hwy|Square|Sq)")
STREET_ADDRESS_PATTERN = (
    r"\b\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-z]+\s+){1,3}" + _STREET_SUFFIX + r"\b\.?(?:\s+[NS][EW]\b)?"
    r"(?:,?\s+(?:Apt|Suite|Unit)\.?\s*#?\w{1,6})?"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}(?:,\s*[A-Z]{2})?(?:\s+\d{5}(?:-\d{4})?)?)?"
)


def street_address_recognizer() -> PatternRecognizer:
    # Case matters here (capitalised street and city names), so not Presidio's default IGNORECASE.
    return PatternRecognizer(supported_entity="STREET_ADDRESS", name="StreetAddressRecognizer",
                             patterns=[Pattern("US street address", STREET_ADDRESS_PATTERN, 0.5)],
                             global_regex_flags=re.MULTILINE)


# kind -> recognizer factory (a registry: adding a kind is one line).
RECOGNIZERS = {
    "EMAIL_ADDRESS": OfflineEmailRecognizer,
    "PHONE_NUMBER": CandidatePhoneRecognizer,
    "CREDIT_CARD": CreditCardRecognizer,
    "IBAN_CODE": IbanRecognizer,
    "IP_ADDRESS": IpRecognizer,
    "US_SSN": UsSsnRecognizer,
    "CRYPTO": CryptoRecognizer,
    "UK_NHS": NhsRecognizer,
    "MAC_ADDRESS": MacAddressRecognizer,
    "STREET_ADDRESS": street_address_recognizer,
}


# "version 4.2.1.7" is a version, not an IP address.
_VERSION_BEFORE = re.compile(r"(?i)(?:version|release|build|v)\s*$")


class PiiOptions(ScannerOptions):
    phone_regions: list[str] = Field(
        default=["US", "GB", "DE", "FR", "IN"],
        min_length=1,
        description="Regions whose national formats count as phone numbers (ISO 3166 codes); numbers written "
                    "with a leading +country code are found whatever the list. Each region costs ~0.1 ms.",
    )


class PiiScanner(Scanner):
    """Presidio pattern recognizers on a model-free engine. Scores: Presidio's (1.0 for a validated email,
    card, IBAN; 0.6 IP; 0.5 SSN and street address; 0.4 phone; 0.05 for SSN-like bare digit runs)."""

    name = "pii"
    kinds = tuple(RECOGNIZERS)
    default_kinds = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "US_SSN",
                     "CRYPTO", "STREET_ADDRESS")  # UK_NHS off: 1 in 11 ten-digit phone numbers passes its checksum
    default_threshold = 0.3  # keeps phones (0.4), drops Presidio's "very weak" SSN patterns (0.05)
    # The longest prefix before a PII pattern matches: an e-mail of RFC 5321 lengths (local part <= 64,
    # '@', first domain label <= 63, '.', 2-letter TLD = 131) plus a margin for look-around. Every other PII
    # pattern is shorter in full: IBAN with spaces <= 42, card with separators <= 23, IPv6 <= 49, phone <= 32,
    # street address with city, state and ZIP ~ 120 for three-word names.
    hold_back_chars: ClassVar[int] = 136
    Options = PiiOptions

    def __init__(self, kinds=None, options: PiiOptions | None = None):
        super().__init__(kinds, options)
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)  # it logs each engine build at INFO
        registry = RecognizerRegistry(supported_languages=["en"])
        for kind in self.active_kinds:
            if kind == "PHONE_NUMBER":
                registry.add_recognizer(CandidatePhoneRecognizer(supported_regions=tuple(self.options.phone_regions)))
            else:
                registry.add_recognizer(RECOGNIZERS[kind]())
        self.engine = AnalyzerEngine(
            registry=registry,
            nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}]),
            supported_languages=["en"],
        )
        self.recognizers = self.engine.registry.get_recognizers(language="en", entities=list(self.active_kinds))

    def scan(self, text: str) -> list[Finding]:
        # The recognizers of the engine's registry, called directly: `AnalyzerEngine.analyze` adds ~1.5 ms per
        # 100 words of context enhancement (a deepcopy of the results), which finds no context words without
        # NLP artifacts anyway.
        findings = []
        for recognizer in self.recognizers:
            for r in recognizer.analyze(text, recognizer.supported_entities, None):
                if r.entity_type == "IP_ADDRESS" and _VERSION_BEFORE.search(text, max(0, r.start - 16), r.start):
                    continue
                findings.append(Finding(self.name, r.entity_type, r.start, r.end, float(r.score)))
        return resolve_overlaps(findings)
