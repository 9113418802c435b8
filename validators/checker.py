"""The fact checker: answer text -> claims -> a verdict per claim -> a verdict for the answer."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from validators.build_kb import ensure_default_kb
from validators.config import FactCheckerConfig
from validators.extraction import ClaimExtractor
from validators.kb import KnowledgeBase
from validators.normalize import normalize_value
from validators.verification import Verdict, Verifier


class ClaimResult(BaseModel):
    text: str = Field(description="The clause of the answer the claim was read from.")
    verdict: Verdict
    # The reason is part of the HTTP shape: the evidence alone shows a population's dated KB figure, not the
    # projection to today it was compared with (new-user trial: "the evidence argues the other way").
    reason: str = Field("", description="Why this verdict, in words: what the claim was compared with, and for "
                                        "dated quantities the KB figure, its date, the trend and the projection.")
    evidence: dict | None = Field(description="The KB fact behind the verdict: subject, relation, value, unit, "
                                              "source, as_of.")
    # For debugging and logs; left out of model_dump(), so the HTTP shape is {text, verdict, reason, evidence}.
    subject: str | None = Field(None, exclude=True, description="The subject as the answer named it.")
    relation: str = Field("", exclude=True)
    claimed_value: str = Field("", exclude=True)


class ValidationResult(BaseModel):
    verdict: Verdict = Field(description="contradicted if any claim is; supported if at least one claim is "
                                         "supported and none contradicted; otherwise unverified.")
    score: float = Field(ge=0.0, le=1.0, description="Share of the answer's claims the KB supports (0 when the "
                                                     "answer makes no claim the checker can read).")
    claims: list[ClaimResult]

    def contradicted_claims(self) -> list[ClaimResult]:
        return [claim for claim in self.claims if claim.verdict == "contradicted"]

    def supported_claims(self) -> list[ClaimResult]:
        return [claim for claim in self.claims if claim.verdict == "supported"]


def aggregate(claims: list[ClaimResult]) -> ValidationResult:
    verdicts = [claim.verdict for claim in claims]
    if "contradicted" in verdicts:
        verdict = "contradicted"
    elif "supported" in verdicts:
        verdict = "supported"
    else:
        verdict = "unverified"
    score = verdicts.count("supported") / len(verdicts) if verdicts else 0.0
    return ValidationResult(verdict=verdict, score=score, claims=claims)


class FactChecker:
    def __init__(self, config: FactCheckerConfig | None = None):
        self.config = config or FactCheckerConfig()
        if self.config.kb_path is None:
            kb_path = ensure_default_kb()
        else:
            kb_path = Path(self.config.kb_path)
            if not kb_path.is_file():
                raise FileNotFoundError(f"kb_path: no knowledge base at {kb_path} "
                                        "(build one with `python -m validators.build_kb --output PATH`)")
        self.kb = KnowledgeBase(kb_path)
        self.extractor = ClaimExtractor(self.kb)
        self.verifier = Verifier(self.kb, self.config)

    def check(self, text: str, question: str | None = None) -> ValidationResult:
        claims, seen = [], set()
        for claim in self.extractor.extract(text[: self.config.max_answer_chars], question):
            verification = self.verifier.verify(claim)
            subject = claim.subject.text if claim.subject else None
            # The same claim read twice (bare answer and full sentence), or in two spellings the KB matches
            # to one fact ("the Swiss franc (CHF)"), is listed once.
            value = (verification.evidence.value if verification.verdict == "supported" and verification.evidence
                     else claim.value)
            key = (subject and normalize_value(subject), claim.relation, normalize_value(str(value)), claim.negated,
                   verification.verdict)  # "not Auckland, and neither is Wellington": two claims, not one
            if key in seen:
                continue
            seen.add(key)
            claims.append(ClaimResult(
                text=claim.text, verdict=verification.verdict,
                evidence=verification.evidence.as_evidence() if verification.evidence else None,
                subject=subject, relation=claim.relation, claimed_value=claim.value, reason=verification.reason))
        return aggregate(claims)
