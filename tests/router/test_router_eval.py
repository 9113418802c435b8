"""router.eval: test-set reading, Wilson intervals and the calibration report."""

import json

import pytest

from router.eval import calibration_report, read_set, wilson


def test_read_set_accepts_prompt_or_messages_and_names_a_bad_line(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"prompt": "hi", "label": "small", "kind": "clear"}) + "\n"
                    + json.dumps({"messages": [{"role": "user", "content": "47 x 86?"}], "label": "large",
                                  "kind": "borderline"}) + "\n")
    requests = read_set(path)
    assert [(r.label, r.kind, r.messages[-1]["content"]) for r in requests] == [
        ("small", "clear", "hi"), ("large", "borderline", "47 x 86?")]
    path.write_text(json.dumps({"prompt": "hi", "label": "medium"}) + "\n")
    with pytest.raises(ValueError, match=":1:"):
        read_set(path)


def test_wilson_interval_contains_the_share_and_narrows_with_n():
    small, large = wilson(9, 10), wilson(90, 100)
    low_small, high_small = map(float, small.split("[")[1].split("]")[0].split(", "))
    low_large, high_large = map(float, large.split("[")[1].split("]")[0].split(", "))
    assert low_small < 0.9 < high_small and high_large - low_large < high_small - low_small
    assert wilson(0, 0) == "n/a (n=0)"


def test_calibration_report_counts_every_score_once():
    import re

    scores = [0.02, 0.31, 0.47, 0.49, 0.5, 0.52, 0.74, 0.97, 1.0]
    labels = [0, 0, 0, 1, 1, 0, 1, 1, 1]
    lines = calibration_report(scores, labels, threshold=0.5)
    counted = 0
    for line in lines:
        if match := re.match(r"\s+\[[\d.]+, [\d.]+\) small\s+(\d+) large\s+(\d+)", line):
            counted += int(match.group(1)) + int(match.group(2))
        elif match := re.match(r"\s+score [<>]=? [\d.]+: (\d+)", line):
            counted += int(match.group(1))
    assert counted == len(scores)
    assert any("<- threshold" in line and line.strip().startswith("[0.50") for line in lines)
    reliability = [re.search(r"\((\d+)/(\d+)\)", line) for line in lines if line.startswith("  [") and "mean score" in line]
    assert sum(int(m.group(2)) for m in reliability) == len(scores)
    assert sum(int(m.group(1)) for m in reliability) == sum(labels)
