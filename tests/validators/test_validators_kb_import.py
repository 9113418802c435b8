import csv
import sqlite3

import pytest

from validators.build_kb import build_knowledge_base, main
from validators.kb import KnowledgeBase
from validators.sources import FactFileError, read_fact_file



def test_jsonl_facts_and_aliases_are_imported(tmp_path, write_jsonl):
    facts = write_jsonl(tmp_path / "facts.jsonl", [
        {"subject": "Mount Everest", "relation": "height", "value": 8849, "unit": "m", "source": "survey 2020",
         "aliases": ["Everest", "Sagarmatha"], "kind": "mountain"},
        {"subject": "Mount Everest", "aliases": ["Chomolungma"]},
        {"relation": "currency", "value": "Testmark", "aliases": ["TMK", "test marks"]},
    ])
    output = tmp_path / "kb.sqlite"
    build_knowledge_base(output, [facts], sources=())
    kb = KnowledgeBase(output)
    everest = kb.resolve("sagarmatha")
    assert everest is not None and everest.name == "Mount Everest" and everest.kind == "mountain"
    assert kb.resolve("Chomolungma") == everest
    [height] = kb.facts(everest, "height")
    assert (height.number, height.unit, height.source) == (8849.0, "m", "survey 2020")
    assert kb.canonical_values("currency", "test mark") == {"Testmark"}


def test_csv_facts_with_units_converted(tmp_path):
    path = tmp_path / "facts.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subject", "relation", "value", "unit", "source", "aliases"])
        writer.writerow(["Testland", "area", "100", "sq mi", "atlas", "TL|Republic of Testland"])
        writer.writerow(["Testland", "capital", "Alpha City", "", "atlas", ""])
    output = tmp_path / "kb.sqlite"
    build_knowledge_base(output, [path], sources=())
    kb = KnowledgeBase(output)
    testland = kb.resolve("Republic of Testland")
    assert kb.resolve("TL") == testland
    [area] = kb.facts(testland, "area")
    assert area.unit == "km²" and area.number == pytest.approx(258.9988)
    assert [fact.value for fact in kb.facts(testland, "capital")] == ["Alpha City"]


def test_short_codes_match_only_as_written(testland_kb):
    kb = KnowledgeBase(testland_kb)
    assert kb.resolve("TL") is not None
    assert kb.resolve("tl") is None


def test_replace_drops_facts_from_earlier_files(tmp_path, write_jsonl):
    first = write_jsonl(tmp_path / "a.jsonl", [{"subject": "Testland", "relation": "capital", "value": "Old Town"}])
    second = write_jsonl(tmp_path / "b.jsonl", [{"subject": "Testland", "relation": "capital", "value": "New Town",
                                                 "replace": True}])
    output = tmp_path / "kb.sqlite"
    build_knowledge_base(output, [first, second], sources=())
    kb = KnowledgeBase(output)
    assert [f.value for f in kb.facts(kb.resolve("Testland"), "capital")] == ["New Town"]


def test_bad_rows_are_rejected_with_file_line_and_reason(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([
        '{"subject": "Testland", "relation": "capital", "value": "Alpha City"}',
        '{"subject": "Testland", "relation": "population", "value": "lots"}',
        '{"subject": "Testland", "relation": "capital"}',
        '{"subject": "Testland", "relation": "area", "value": 10, "unit": "kg"}',
        'not json',
        '{"subject": "Testland", "relation": "capital", "value": "X", "colour": "red"}',
    ]) + "\n")
    with pytest.raises(FactFileError) as caught:
        read_fact_file(path)
    problems = caught.value.problems
    assert [problem.split(":")[1] for problem in problems] == ["2", "3", "4", "5", "6"]
    assert "population needs a number" in problems[0]
    assert "missing value" in problems[1]
    assert "area is measured in km²" in problems[2]
    assert "not valid JSON" in problems[3]
    assert "colour" in problems[4]


def test_bad_csv_row_names_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("subject,relation,value\nTestland,capital,Alpha City\n,capital,Nowhere\n")
    with pytest.raises(FactFileError) as caught:
        read_fact_file(path)
    assert caught.value.problems[0].startswith(f"{path}:3:")


def test_cli_writes_nothing_when_a_file_has_bad_rows(tmp_path, write_jsonl, capsys):
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"subject": "Testland", "relation": "population", "value": "many"}])
    output = tmp_path / "kb.sqlite"
    assert main(["--facts", str(bad), "--output", str(output), "--no-countryinfo", "--no-periodictable"]) == 1
    assert not output.exists()
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_cli_reports_progress_and_builds(tmp_path, write_jsonl, capsys):
    good = write_jsonl(tmp_path / "good.jsonl", [{"subject": "Testland", "relation": "capital", "value": "Alpha"}])
    output = tmp_path / "kb.sqlite"
    assert main(["--facts", str(good), "--output", str(output), "--no-countryinfo"]) == 0
    out = capsys.readouterr().out
    assert "periodictable:" in out and "good.jsonl: 1 facts" in out
    with sqlite3.connect(output) as connection:
        assert connection.execute("SELECT count(*) FROM facts WHERE relation = 'symbol'").fetchone()[0] == 118


def test_default_sources_import_countries_and_elements(checker):
    kb = checker.kb
    france, gold = kb.resolve("France"), kb.resolve("Au")
    assert [f.value for f in kb.facts(france, "capital")] == ["Paris"]
    assert {f.value for f in kb.facts(france, "currency")} == {"Euro"}
    assert kb.facts(france, "population")[0].number > 60_000_000
    assert gold.name == "Gold" and kb.facts(gold, "atomic_number")[0].number == 79
    assert kb.resolve("USA") == kb.resolve("United States of America") == kb.resolve("America")


def test_default_kb_is_built_when_missing_and_rebuilt_when_stale(tmp_path):
    from validators.build_kb import ensure_default_kb

    path = tmp_path / "kb.sqlite"
    ensure_default_kb(path)
    assert KnowledgeBase(path).resolve("Japan") is not None
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = 'old' WHERE key = 'fingerprint'")
        connection.execute("DELETE FROM facts")
    ensure_default_kb(path)
    assert len(KnowledgeBase(path)) > 2000


@pytest.mark.parametrize("answer", ["Austria's currency is the schilling.", "Belgium uses the Belgian franc.",
                                    "Latvia's currency is the lats.", "Lithuanians pay in litai.",
                                    "Croatia uses the kuna.", "Slovenia's currency is the tolar.",
                                    "In Italy they do their shopping in lire."])
def test_every_euro_predecessor_is_read_and_contradicted_by_the_euro(checker, answer):
    assert checker.check(answer).verdict == "contradicted"


def test_lire_is_also_the_turkish_lira(checker):
    assert checker.check("In Turkey they do their shopping in lire.").verdict == "supported"


# currencies changed recently (euro adoptions, new notes) are in the default KB; withdrawn ones are known
@pytest.mark.parametrize("text", ["Croatia uses the euro.", "Bulgaria adopted the euro.",
                                  "Zimbabwe's currency is the ZiG.", "Sierra Leone's currency is the leone."])
def test_recent_currency_changes_are_in_the_kb(checker, text):
    assert checker.check(text).verdict == "supported"


def test_a_withdrawn_currency_is_known_and_contradicted(checker):
    assert checker.check("Croatia still uses the kuna.").verdict == "contradicted"
    assert checker.check("Italy uses the lira.").verdict == "contradicted"


# KB aliases: common nouns never name a country
@pytest.mark.parametrize("noun", ["island", "nation", "country", "kingdom", "republic", "state"])
def test_common_nouns_never_name_a_country(checker, noun):
    assert checker.kb.resolve(noun) is None
    result = checker.check(f"The {noun} uses the euro.")
    assert all(c.subject is None or c.subject.lower() != noun for c in result.claims)
    assert result.verdict != "contradicted"


# dated KB facts: Rwanda's Swahili (official since 2017)
def test_rwanda_swahili_is_a_dated_fact(checker):
    facts = [f for f in checker.kb.facts(checker.kb.resolve("Rwanda"), "language") if f.value == "Swahili"]
    assert facts and facts[0].as_of and facts[0].as_of.startswith("2017")
    result = checker.check("Rwanda's official languages are Kinyarwanda, English, French and Swahili.")
    assert result.verdict == "supported"


# Bulgaria: euro since 2026-01-01 (Council Decision (EU) 2025/1407); "lev" is a word, not a currency code
def test_bulgaria_uses_the_euro_and_the_lev_is_read_as_a_word(checker):
    facts = checker.kb.facts(checker.kb.resolve("Bulgaria"), "currency")
    assert [(f.value, f.as_of[:10]) for f in facts] == [("Euro", "2026-01-01")]
    assert "lev" in checker.kb.word_spellings("currency") and "bgn" not in checker.kb.word_spellings("currency")
    assert checker.check("Bulgaria's currency is the lev.").verdict == "contradicted"
    assert checker.check("In Bulgaria you pay in leva.").verdict == "contradicted"
    assert checker.check("Bulgaria uses the euro.").verdict == "supported"
