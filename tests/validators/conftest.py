import json
from pathlib import Path

import pytest

from validators import FactChecker, FactCheckerConfig
from validators.build_kb import build_knowledge_base

# A small KB with numbers chosen for exact tolerance edges; no imported sources, so it builds in ms.
TESTLAND_FACTS = [
    {"subject": "Testland", "relation": "capital", "value": "Alpha City", "kind": "country",
     "aliases": ["Republic of Testland", "TL"]},
    {"subject": "Testland", "relation": "population", "value": 1_000_000, "unit": "people", "kind": "country"},
    {"subject": "Testland", "relation": "area", "value": 50_000, "unit": "km²", "kind": "country"},
    {"subject": "Testland", "relation": "language", "value": "Testish", "kind": "country"},
    {"subject": "Testland", "relation": "language", "value": "Examplese", "kind": "country"},
    {"subject": "Otherland", "relation": "capital", "value": "Beta Town", "kind": "country"},
    {"subject": "Otherland", "relation": "language", "value": "Otherish", "kind": "country"},
]


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def write_jsonl():
    return _write_jsonl


@pytest.fixture(scope="session")
def testland_kb(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("testland")
    facts = _write_jsonl(directory / "testland.jsonl", TESTLAND_FACTS)
    output = directory / "kb.sqlite"
    build_knowledge_base(output, [facts], sources=())
    return output


@pytest.fixture(scope="session")
def testland_checker(testland_kb) -> FactChecker:
    return FactChecker(FactCheckerConfig(kb_path=testland_kb))


@pytest.fixture(scope="session")
def checker() -> FactChecker:
    """The default checker: the KB imported from countryinfo and periodictable (built on first use)."""
    return FactChecker(FactCheckerConfig())


@pytest.fixture(scope="session")
def read(checker):
    """read(text, question=None, fields=("subject", "relation", "verdict")) -> (the answer's verdict, one tuple of
    `fields` per claim, sorted), checked by the default checker. Sorted so a test does not depend on claim order."""
    def _read(text, question=None, fields=("subject", "relation", "verdict")):
        result = checker.check(text, question)
        return result.verdict, sorted(tuple(getattr(claim, field) for field in fields) for claim in result.claims)
    return _read
