import io
import json

import pytest

from guardrails import eval as guard_eval

ROWS = [
    {"text": "Mail bob.smith@example.com today.", "findings": [{"kind": "EMAIL_ADDRESS", "text": "bob.smith@example.com"}],
     "tag": "pii"},
    {"text": "Call (415) 555-2671 now.", "findings": [{"kind": "PHONE_NUMBER", "text": "(415) 555-2671"}], "tag": "pii"},
    {"text": "ISBN 978-0-306-40615-7 is the second edition.", "findings": [], "tag": "lookalike"},
    {"text": "Card 4111 1111 1111 1112 was mistyped.", "findings": [], "tag": "lookalike"},
    {"text": "Release v1.2.3 is out.", "findings": [{"kind": "EMAIL_ADDRESS", "text": "v1.2.3"}], "tag": "pii"},
]


def test_eval_scores_a_tiny_inline_set(tmp_path):
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    out = io.StringIO()
    scores = guard_eval.report(guard_eval.load(path), out=out)
    assert scores.expected["EMAIL_ADDRESS"] == 2 and scores.found["EMAIL_ADDRESS"] == 1  # the deliberate miss
    assert scores.found["PHONE_NUMBER"] == 1 and scores.lookalike_clean == scores.lookalike_texts == 2
    text = out.getvalue()
    assert "5 texts" in text and "EMAIL_ADDRESS" in text and "p50" in text and "look-alike precision" in text


def test_substring_missing_from_text_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "abc", "findings": [{"kind": "X", "text": "zzz"}]}) + "\n")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        guard_eval.load(path)


def test_missing_test_set_is_explained(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(guard_eval.SETS, "test", tmp_path / "test.jsonl")
    assert guard_eval.main(["--set", "test"]) == 2
    assert "does not exist yet" in capsys.readouterr().err


@pytest.mark.parametrize("successes, n, low, high", [(0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (5, 10, 0.2366, 0.7634)])
def test_wilson_interval(successes, n, low, high):
    lo, hi = guard_eval.wilson(successes, n)
    assert lo == pytest.approx(low, abs=1e-3) and hi == pytest.approx(high, abs=1e-3)


def test_dev_set_is_well_formed():
    examples = guard_eval.load(guard_eval.SETS["dev"])
    assert len(examples) >= 120
    assert sum(e.tag == "lookalike" for e in examples) >= 30
