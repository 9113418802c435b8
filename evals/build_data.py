"""Builds the dev set (evals/data/dev/*.jsonl) from the knowledge base and BIG-bench task files.

    pip download --no-deps --no-binary :all: bigbench==1.0.0 -d /tmp/bb      # 358 MB sdist, never installed
    python -m evals.build_data --bigbench-sdist /tmp/bb/bigbench-1.0.0.tar.gz

Reads only the task JSONs it needs straight from the tarball. Seeded: the same inputs give the same files.
BIG-bench items that appear in the router's training data (router/data/prompts.jsonl) are left out, so the
routing curve does not score the router on prompts it was trained on. Sources and licenses: data/README.md."""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import tarfile
from pathlib import Path

from validators.build_kb import ensure_default_kb
from validators.kb import KnowledgeBase

SEED = 2024
TASKS_ROOT = "bigbench-1.0.0/bigbench/benchmark_tasks/"
DEV_DIR = Path(__file__).parent / "data" / "dev"
ROUTER_PROMPTS = Path(__file__).resolve().parents[1] / "router" / "data" / "prompts.jsonl"
CONLANGS = ("adna", "atikampe", "gornam", "holuan", "mkafala", "unapuri", "vaomi")
SIZES = {"perplexity": 40, "qa_kb": 60, "qa_bigbench": 60, "proverbs": 30, "conlang": 30, "summarization": 40}


def item_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:12]


def read_tasks(sdist: Path, names: set[str]) -> dict[str, dict]:
    """Task path under benchmark_tasks (e.g. "gem/xsum") → parsed task.json."""
    tasks = {}
    with tarfile.open(sdist, "r:gz") as tar:
        for member in tar:
            name = member.name[len(TASKS_ROOT):].removesuffix("/task.json")
            if member.name.startswith(TASKS_ROOT) and member.name.endswith("/task.json") and name in names:
                tasks[name] = json.load(tar.extractfile(member))
    missing = names - set(tasks)
    if missing:
        raise SystemExit(f"not in {sdist}: {sorted(missing)}")
    return tasks


def router_texts() -> str:
    """Every router training prompt, lower-cased and joined: a BIG-bench input found in it is excluded."""
    return "\n".join(json.loads(line)["prompt"].lower() for line in ROUTER_PROMPTS.read_text().split("\n") if line.strip())


def kb_questions(rng: random.Random, count: int) -> list[dict]:
    """Short-answer questions from the project's knowledge base (validators.kb), answers with the KB's
    other spellings of the value (currency "Euro" ← "euro", ...)."""
    kb = KnowledgeBase(ensure_default_kb())
    entities = sorted(kb.entities.values(), key=lambda e: e.name)
    templates = {
        "capital": ("country", "What is the capital of {}?"),
        "currency": ("country", "What is the official currency of {}?"),
        "symbol": ("element", "What is the chemical symbol of {}?"),
        "atomic_number": ("element", "What is the atomic number of {}?"),
    }
    share = {"capital": 0.35, "currency": 0.25, "symbol": 0.25, "atomic_number": 0.15}
    rows = []
    for relation, (kind, template) in templates.items():
        candidates = [e for e in entities if e.kind == kind and len(kb.facts(e, relation)) == 1]
        for entity in rng.sample(candidates, round(count * share[relation])):
            fact = kb.facts(entity, relation)[0]
            value = str(int(fact.number)) if relation == "atomic_number" else fact.value
            spellings = [s for s, values in kb.value_spellings(relation).items() if values == {value} and s != value.lower()]
            question = template.format(entity.name)
            rows.append({"id": item_id("kb", question), "source": f"kb/{relation}", "question": question,
                         "answers": [value, *sorted(spellings)]})
    return rows


def wikidata_questions(task: dict, rng: random.Random, count: int, seen: str) -> list[dict]:
    # The router's prompts rephrase the input ("... is what?"): match the input without its final "is".
    candidates = [e for e in task["examples"] if re.sub(r"\s+is$", "", e["input"].lower().strip()) not in seen]
    rows = []
    for example in rng.sample(candidates, count):
        targets = example["target"] if isinstance(example["target"], list) else [example["target"]]
        question = f"Fill in the blank: {example['input'].strip()} ___."
        rows.append({"id": item_id("qa_wikidata", example["input"]), "source": "bigbench/qa_wikidata",
                     "question": question, "answers": targets})
    return rows


def proverbs(task: dict, rng: random.Random, count: int) -> list[dict]:
    rows = []
    for example in rng.sample(task["examples"], count):
        references = [option for option, score in example["target_scores"].items() if score >= 1]
        rows.append({"id": item_id("proverb", example["input"]), "source": "bigbench/swedish_to_german_proverbs",
                     "text": example["input"], "references": references, "source_language": "Swedish",
                     "target_language": "German"})
    return rows


def conlang(tasks: dict[str, dict], rng: random.Random, count: int) -> list[dict]:
    pool = []
    for name in CONLANGS:
        for direction in ("from", "to"):
            task = tasks[f"conlang_translation/{name}_{direction}"]
            languages = (name.title(), "English") if direction == "from" else ("English", name.title())
            for example in task["examples"]:
                pool.append({"id": item_id("conlang", name, direction, example["input"]),
                             "source": f"bigbench/conlang_translation/{name}_{direction}", "text": example["input"],
                             "references": [example["target"]], "source_language": languages[0],
                             "target_language": languages[1], "context": task["task_prefix"].strip()})
    return rng.sample(pool, count)


def repair(text: str) -> str:
    """Undo the UTF-8-read-as-Latin-1 pairs some XSum articles carry ("Â£300" → "£300", "Ã¶" → "ö")."""
    def decode(match: re.Match) -> str:
        try:
            return match.group().encode("latin-1").decode("utf-8")
        except UnicodeError:
            return match.group()

    return re.sub(r"[\u00c2\u00c3][\u0080-\u00bf]", decode, " ".join(text.split()))


def first_words(text: str, limit: int) -> str:
    """The leading sentences of `text` that fit in `limit` words (at least one sentence)."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    kept = []
    for sentence in sentences:
        if kept and len(" ".join(kept + [sentence]).split()) > limit:
            break
        kept.append(sentence)
    return " ".join(kept)


def xsum_sets(task: dict, rng: random.Random, summaries: int, passages: int) -> tuple[list[dict], list[dict]]:
    """Short articles (≤ 220 words, so a CPU deployment reads them quickly) for summarisation; the first
    sentences of other articles as perplexity passages."""
    examples = [{**e, "input": repair(e["input"]), "target": repair(e["target"])} for e in task["examples"]]
    rng.shuffle(examples)
    short = [e for e in examples if len(e["input"].split()) <= 220][:summaries]
    used = {id(e) for e in short}
    summary_rows = [{"id": item_id("xsum", e["input"]), "source": "bigbench/gem/xsum",
                     "document": e["input"], "references": [e["target"].strip()]} for e in short]
    passage_rows = [{"id": item_id("xsum-passage", e["input"]), "source": "bigbench/gem/xsum",
                     "text": first_words(e["input"], 90)} for e in examples if id(e) not in used][:passages]
    return summary_rows, passage_rows


def write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"{path}: {len(rows)} items")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.build_data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--bigbench-sdist", type=Path, default=Path("/tmp/bb/bigbench-1.0.0.tar.gz"))
    parser.add_argument("--output", type=Path, default=DEV_DIR)
    args = parser.parse_args(argv)
    names = {"gem/xsum", "qa_wikidata", "swedish_to_german_proverbs",
             *(f"conlang_translation/{n}_{d}" for n in CONLANGS for d in ("from", "to"))}
    tasks = read_tasks(args.bigbench_sdist, names)
    rng = random.Random(SEED)
    qa = kb_questions(rng, SIZES["qa_kb"]) + wikidata_questions(tasks["qa_wikidata"], rng, SIZES["qa_bigbench"], router_texts())
    rng.shuffle(qa)  # --limit N takes the first N: a mix of both sources
    translation = proverbs(tasks["swedish_to_german_proverbs"], rng, SIZES["proverbs"]) + conlang(tasks, rng, SIZES["conlang"])
    rng.shuffle(translation)
    summaries, passages = xsum_sets(tasks["gem/xsum"], rng, SIZES["summarization"], SIZES["perplexity"])
    write(args.output / "perplexity.jsonl", passages)
    write(args.output / "qa.jsonl", qa)
    write(args.output / "translation.jsonl", translation)
    write(args.output / "summarization.jsonl", summaries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
