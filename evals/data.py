"""Evaluation sets: a folder with one JSONL file per task (see data/README.md for fields and sources).

`dev` (evals/data/dev/) is built by `python -m evals.build_data` and may be looked at and tuned on.
`test` (evals/data/test/) is written by someone who has not seen the dev items or this code's prompts;
until then `--set test` fails and says so. Any other value is a folder path in the same format."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DATA_DIR = Path(__file__).parent / "data"
NAMED_SETS = {"dev": DATA_DIR / "dev", "test": DATA_DIR / "test"}


class DataError(ValueError):
    """A set folder or one of its rows is missing or malformed; the message names the file and line."""


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Where the item comes from, e.g. 'bigbench/qa_wikidata'.")


class TextItem(_Item):
    """A passage to score by perplexity."""

    text: str = Field(min_length=1)


class QAItem(_Item):
    """A question with its acceptable short answers (EM/F1 take the best-matching one)."""

    question: str = Field(min_length=1)
    answers: list[str] = Field(min_length=1)


class TranslationItem(_Item):
    """A text to translate, with reference translations. `context` (optional) precedes the request: the
    worked examples an in-context translation task (conlang_translation) needs."""

    text: str = Field(min_length=1)
    references: list[str] = Field(min_length=1)
    source_language: str
    target_language: str
    context: str | None = None


class SummaryItem(_Item):
    """A document with reference summaries."""

    document: str = Field(min_length=1)
    references: list[str] = Field(min_length=1)


def resolve_set(name: str) -> Path:
    """`dev`, `test` or a folder path → the folder. Raises DataError when it does not exist."""
    folder = NAMED_SETS.get(name, Path(name))
    if not folder.is_dir():
        if name == "test":
            raise DataError(f"the test set has not been written yet: {folder} does not exist "
                            "(see evals/data/README.md for its format; it must be written by someone who has not "
                            "seen the dev set)")
        raise DataError(f"--set {name!r}: no such folder {folder}")
    return folder


def load_items(path: Path, model: type[BaseModel], limit: int | None = None) -> list[BaseModel]:
    """The first `limit` rows of a JSONL file, validated. Raises DataError naming file, line and field."""
    items, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = model.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as error:
            raise DataError(f"{path}:{number}: {error}") from None
        if item.id in seen:
            raise DataError(f"{path}:{number}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
        if limit is not None and len(items) >= limit:
            break
    return items
