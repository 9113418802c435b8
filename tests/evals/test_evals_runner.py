"""evals.runner end to end against a fake OpenAI server (tests/evals/fake_openai.py through
httpx.MockTransport): every metric, the routing curve and the results folder have known values."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path

import pytest

from evals.config import EvalConfig, PoolPrices
from evals.data import DataError, NAMED_SETS, QAItem, SummaryItem, TextItem, TranslationItem, load_items, resolve_set
from evals.runner import run_eval
from evals.tasks import QA_SYSTEM
from tests.evals.fake_openai import FakeDeployment, FakePool

QA = [("q1", "What is the capital of France?", ["Paris"]), ("q2", "What is the chemical symbol of Gold?", ["Au"]),
      ("q3", "Fill in the blank: The sport played by Babe Ruth is ___.", ["baseball"]),
      ("q4", "What is the capital of Peru?", ["Lima"])]
TRANSLATION = ("t1", "Alla vägar bär till Rom.", "Alle Wege führen nach Rom.")
SUMMARY = ("s1", "The council approved the new park on Monday after a long debate about costs.",
           "Council approves new park.")
PASSAGES = [("p1", "one two three four five"), ("p2", "six seven eight")]


def write_set(folder: Path) -> Path:
    folder.mkdir(parents=True)
    lines = {
        "qa.jsonl": [{"id": i, "source": "kb/x" if i != "q3" else "bigbench/qa_wikidata", "question": q, "answers": a}
                     for i, q, a in QA],
        "translation.jsonl": [{"id": TRANSLATION[0], "source": "bigbench/proverbs", "text": TRANSLATION[1],
                               "references": [TRANSLATION[2]], "source_language": "Swedish", "target_language": "German"}],
        "summarization.jsonl": [{"id": SUMMARY[0], "source": "bigbench/gem/xsum", "document": SUMMARY[1],
                                 "references": [SUMMARY[2]]}],
        "perplexity.jsonl": [{"id": i, "source": "test", "text": t} for i, t in PASSAGES],
    }
    for name, rows in lines.items():
        (folder / name).write_text("".join(json.dumps(row) + "\n" for row in rows))
    return folder


def translation_prompt() -> str:
    return f"Translate this Swedish text into German. Reply with the translation only.\n\n{TRANSLATION[1]}"


def summary_prompt() -> str:
    return f"Summarize the following news article in one sentence.\n\n{SUMMARY[1]}"


def deployment(weak_knows: set[str]) -> FakeDeployment:
    """The large pool answers everything right; the small one only the QA ids in `weak_knows` (and echoes a
    wrong translation and summary). Router scores: q1 0.9, q2 0.7, q3 0.3, q4 0.1, translation 0.6, summary 0.2."""
    right = {q: a[0] for _, q, a in QA} | {translation_prompt(): TRANSLATION[2], summary_prompt(): SUMMARY[2]}
    weak = {q: a[0] for i, q, a in QA if i in weak_knows}
    scores = dict(zip([q for _, q, _ in QA], (0.9, 0.7, 0.3, 0.1))) | {translation_prompt(): 0.6, summary_prompt(): 0.2}
    return FakeDeployment(
        pools={"small": FakePool(token_logprob=math.log(0.25), answers=weak),
               "large": FakePool(token_logprob=math.log(0.5), answers=right,
                                 pricing={"input_per_million": 1.0, "output_per_million": 2.0})},
        scores=scores, threshold=0.5)


def run(config: EvalConfig, out: Path, fake: FakeDeployment) -> dict:
    return asyncio.run(run_eval(config, out, transport=fake.transport()))


@pytest.fixture
def set_folder(tmp_path) -> Path:
    return write_set(tmp_path / "set")


def test_a_run_scores_every_task_and_the_routing_curve(tmp_path, set_folder):
    fake = deployment(weak_knows={"q3", "q4"})
    config = EvalConfig(url="http://fake", api_key="key-a", set=str(set_folder), bootstrap_samples=50,
                        prices={"small": PoolPrices(input_per_million=0.1, output_per_million=0.2)}, prices_file=None)
    out = tmp_path / "out"
    results = run(config, out, fake)
    metrics = results["metrics"]

    # Perplexity: every scored token has p = 1/4 (small) or 1/2 (large).
    assert metrics["perplexity/small/ppl"]["value"] == pytest.approx(4.0)
    assert metrics["perplexity/large/ppl"]["value"] == pytest.approx(2.0)
    assert metrics["perplexity/large/tokens"]["value"] == (5 - 1) + (3 - 1)  # first token of each text unscored
    # QA: the large pool is always right, the small one on 2 of 4; split by source family.
    assert metrics["qa/large/exact_match"]["value"] == 1.0
    assert metrics["qa/small/exact_match"]["value"] == 0.5
    assert metrics["qa/small/exact_match"]["method"] == "wilson" and metrics["qa/small/exact_match"]["n"] == 4
    assert metrics["qa/small/f1[bigbench]"]["value"] == 1.0 and metrics["qa/small/f1[kb]"]["value"] == pytest.approx(1 / 3)
    assert metrics["translation/large/chrf"]["value"] == pytest.approx(100.0)
    assert metrics["translation/small/bleu"]["value"] < 10
    assert metrics["summarization/large/rougeL"]["value"] == pytest.approx(1.0)

    # Routing over the 6 generative prompts: the strong pool gains on q1, q2 (scores 0.9, 0.7), the
    # translation (0.6) and the summary (0.2). The deployed threshold 0.5 sends q1, q2 and the translation large.
    curve = results["routing"]["all"]
    assert curve["n"] == 6
    c = results["routing"]["translation"]["weak_quality"]  # sentence chrF of the weak pool's wrong answer
    assert 0 <= c < 0.5
    # Gains (strong - weak) by descending score: q1 1, q2 1, translation 1 - c, q3 0, summary 1, q4 0.
    assert curve["gap"] == pytest.approx((4 - c) / 6)
    pgr = [x / (4 - c) for x in (0, 1, 2, 3 - c, 3 - c, 4 - c, 4 - c)]
    assert [p["pgr"] for p in curve["points"]] == pytest.approx(pgr)
    assert curve["apgr"] == pytest.approx(sum((a + b) / 2 for a, b in zip(pgr, pgr[1:])) / 6)
    assert curve["cpt50"] == pytest.approx(2 / 6)
    assert curve["cpt80"] == pytest.approx(3 / 6 if (3 - c) / (4 - c) >= 0.8 else 5 / 6)
    assert curve["current"]["strong_share"] == pytest.approx(3 / 6)
    assert curve["current"]["pgr"] == pytest.approx((3 - c) / (4 - c))

    # Prices: --price for small, /v1/models `pricing` for large; costs come from real usage counts.
    assert results["run"]["prices"]["small"]["source"] == "--price"
    assert results["run"]["prices"]["large"]["source"] == "GET /v1/models"
    assert results["run"]["versions"] == {"small": "small-model-v1", "large": "large-model-v1"}
    assert results["run"]["router_threshold"] == 0.5

    # The requests: greedy, no cache, the tenant's key, QA with its system prompt.
    chats = [r for r in fake.requests if r["path"] == "/v1/chat/completions"]
    assert len(chats) == 2 * 6
    assert all(r["body"]["temperature"] == 0.0 and r["headers"]["cache-control"] == "no-cache"
               and r["headers"]["authorization"] == "Bearer key-a" for r in chats)
    assert {r["body"]["messages"][0]["content"] for r in chats if len(r["body"]["messages"]) == 2} == {QA_SYSTEM}
    scoring = [r["body"] for r in fake.requests if r["path"] == "/v1/completions"]
    assert all(b["echo"] is True and b["logprobs"] == 1 and b["max_tokens"] == 1 for b in scoring)

    # The results folder.
    assert (out / "routing.png").stat().st_size > 10_000
    report = (out / "report.md").read_text()
    for text in ("Perplexity", "exact_match", "chrf", "rougeL", "APGR", "(deployed)", "routing.png"):
        assert text in report
    answers = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    assert len([a for a in answers if a["task"] != "perplexity"]) == 12
    # All-weak and all-strong ends of the cost curve: the answers' real token counts at the pools' prices.
    for end, pool, (input_price, output_price) in ((0, "small", (0.1, 0.2)), (-1, "large", (1.0, 2.0))):
        calls = [a for a in answers if a["pool"] == pool and a["task"] != "perplexity"]
        expected = sum(a["prompt_tokens"] * input_price + a["completion_tokens"] * output_price for a in calls) / 1e6
        assert curve["points"][end]["cost_per_1k"] == pytest.approx(expected / len(calls) * 1000)


def test_equal_pools_report_a_zero_gap_and_still_plot_cost(tmp_path, set_folder):
    fake = deployment(weak_knows={"q1", "q2", "q3", "q4"})
    fake.pools["small"].answers = dict(fake.pools["large"].answers)
    config = EvalConfig(url="http://fake", set=str(set_folder), tasks=["qa"], bootstrap_samples=0, prices_file=None,
                        prices={"small": PoolPrices(input_per_million=0.1, output_per_million=0.2)})
    results = run(config, tmp_path / "out", fake)
    curve = results["routing"]["all"]
    assert curve["gap"] == 0 and curve["apgr"] is None
    assert curve["points"][0]["cost_per_1k"] < curve["points"][-1]["cost_per_1k"]
    assert "gap 0" in (tmp_path / "out" / "report.md").read_text()
    assert (tmp_path / "out" / "routing.png").exists()
    assert "routing/all/apgr" not in results["metrics"]


def test_a_server_without_prompt_logprobs_skips_perplexity_only(tmp_path, set_folder):
    fake = deployment(weak_knows=set())
    fake.echo_supported = False
    config = EvalConfig(url="http://fake", set=str(set_folder), tasks=["perplexity", "qa"], bootstrap_samples=0,
                        prices_file=None, prices={"small": PoolPrices(input_per_million=0.1, output_per_million=0.2)})
    results = run(config, tmp_path / "out", fake)
    assert not any(key.startswith("perplexity/") for key in results["metrics"])
    assert "qa/large/f1" in results["metrics"]
    assert any("perplexity unavailable" in note and "echo" in note for note in results["notes"])
    # one probe per pool, not one failed request per passage
    assert len([r for r in fake.requests if r["path"] == "/v1/completions"]) == 2


def test_limit_takes_the_first_items(tmp_path, set_folder):
    config = EvalConfig(url="http://fake", set=str(set_folder), tasks=["qa"], limit=2, bootstrap_samples=0,
                        prices_file=None, prices={"small": PoolPrices(input_per_million=0.1, output_per_million=0.2)})
    results = run(config, tmp_path / "out", deployment(weak_knows=set()))
    assert results["run"]["items"] == {"qa": 2} and results["metrics"]["qa/large/f1"]["n"] == 2


def test_missing_prices_name_the_pool(tmp_path, set_folder):
    config = EvalConfig(url="http://fake", set=str(set_folder), tasks=["qa"], prices_file=None)
    with pytest.raises(ValueError, match="'small'"):
        run(config, tmp_path / "out", deployment(weak_knows=set()))


def test_config_names_the_bad_field():
    with pytest.raises(ValueError, match="unknown task"):
        EvalConfig(tasks=["bleu"])
    with pytest.raises(ValueError, match="treshold"):
        EvalConfig(treshold=0.5)
    with pytest.raises(ValueError, match="different pools"):
        EvalConfig(weak="small", strong="small")


def test_sets_and_rows_are_checked(tmp_path):
    if not NAMED_SETS["test"].exists():
        with pytest.raises(DataError, match="test set has not been written"):
            resolve_set("test")
    bad = tmp_path / "qa.jsonl"
    bad.write_text('{"id": "a", "source": "x", "question": "Q?", "answers": ["A"]}\n{"id": "b", "source": "x", "question": "Q?"}\n')
    with pytest.raises(DataError, match=r"(?s)qa.jsonl:2.*answers"):
        load_items(bad, QAItem)


def test_the_dev_set_is_well_formed_and_small():
    folder = resolve_set("dev")
    counts = {name: len(load_items(folder / name, model)) for name, model in [
        ("perplexity.jsonl", TextItem), ("qa.jsonl", QAItem), ("translation.jsonl", TranslationItem),
        ("summarization.jsonl", SummaryItem)]}
    assert all(count >= 30 for count in counts.values()) and sum(counts.values()) <= 400
    sources = {item.source.split("/")[0] for item in load_items(folder / "qa.jsonl", QAItem)}
    assert sources == {"kb", "bigbench"}
