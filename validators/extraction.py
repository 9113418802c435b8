"""Claim extraction: answer text -> atomic claims (subject, relation, value).

Rule-based and fast (well under a millisecond a sentence). The answer is cut into sentences and then
clauses; in each clause a relation is recognised by its cue words ("capital", "population",
"spoken", "symbol"...), its value is read next to the cue (a number with its unit, or a name the KB
knows for that relation), and its subject is found, in this order, in
  1. a slot next to the cue: "capital of X", "X's capital", "spoken in X", "symbol for X";
  2. the clause's grammatical subject: "X has a population of ...", "In X, ...";
  3. the running topic for pronouns and bare phrases: "It has ...", "Its capital is ...", "The
     capital is ..." (the previous sentence's subject, or the question's at the start).
A subject that is named but unknown to the KB ("Atlantis") stays unknown: it is never replaced by
the running topic, so the claim ends up unverified rather than checked against the wrong entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from validators.kb import Entity, KnowledgeBase
from validators.lexicon import cue_alternatives
from validators.layout import (labelled_lines_to_sentences, list_items_to_sentences, respectively_to_sentences,
                               tables_to_sentences)
from validators.normalize import normalize_name, normalize_value, singular, strip_accents
from validators.numbers import WORD_VALUES, Quantity, find_quantities

# ---------------------------------------------------------------------------------------------------
# Tokens and gazetteers
# ---------------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"[^\W_]+(?:['’](?!s\b)[^\W_]+)*")  # "Sana'a" is one token; "Japan's" is "Japan" + "'s"


@dataclass(frozen=True)
class Token:
    text: str
    norm: str  # accent-free, lower case, no apostrophes: the form normalize_name produces
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), strip_accents(m.group()).lower().replace("'", "").replace("’", ""), m.start(), m.end())
            for m in _TOKEN.finditer(text)]


@dataclass(frozen=True)
class Mention:
    start: int  # character offsets in the clause
    end: int
    text: str
    payload: object  # what the gazetteer maps the phrase to


class Gazetteer:
    """Phrase lookup by token n-grams, longest match first: dictionary look-ups, no big regexes."""

    def __init__(self, phrases: dict[str, object], cased: dict[str, object] | None = None, plural: bool = False):
        self.phrases = phrases  # normalised phrase -> payload
        self.cased = cased or {}  # exact single token ("US", "Au") -> payload
        self.plural = plural  # match "euros" to "euro"
        self.max_tokens = max((len(p.split()) for p in phrases), default=1)

    def find(self, tokens: list[Token], text: str) -> list[Mention]:
        found, index = [], 0
        while index < len(tokens):
            for length in range(min(self.max_tokens, len(tokens) - index), 0, -1):
                window = tokens[index:index + length]
                key = " ".join(t.norm for t in window)
                payload = self.phrases.get(key)
                if payload is None and self.plural:
                    payload = self.phrases.get(" ".join(singular(t.norm) for t in window))
                if payload is None and length == 1:
                    payload = self.cased.get(window[0].text)
                if payload is not None:
                    found.append(Mention(window[0].start, window[-1].end, text[window[0].start:window[-1].end], payload))
                    index += length
                    break
            else:
                index += 1
        return found


# ---------------------------------------------------------------------------------------------------
# Cue words and patterns
# ---------------------------------------------------------------------------------------------------
_VERB = (r"is|are|was|were|has|have|had|uses?|used|covers?|covering|spans?|lies|sits|speaks?|spoken|boasts?|pays?|paid|"
         r"counts?|contains?|includes?|remains?|became|serves?|borders?|adopted|measures?|weighs?|occupies|"
         r"extends|stretches|totals?|reaches|exceeds|hosts?|houses?|stands|comes|ranks?|lives?|live|numbers|"
         r"would be|can be|(?<=it)'s|(?<=that)'s|(?<=there)'s|(?<=here)'s")
VERB_RE = re.compile(rf"\b(?:{_VERB})\b", re.IGNORECASE)
# "is not", "isn't", "never": the whole clause is denied. A bare "not X" / "rather than X" denies only X.
NEGATION_RE = re.compile(r"\b(?:(?:is|are|was|were|does|do|did|has|have)\s+not|never|no longer|neither)\b|n't\b", re.IGNORECASE)
# "isn't" -> "is not": the readers look for the verb as a word of its own.
_CONTRACTED_NOT = re.compile(r"\b(is|are|was|were|does|do|did|has|have)n['’]t\b", re.IGNORECASE)
_NUMBER_ITEM = re.compile(r"\b[a-z]{3,}\s+\d{1,3}\s*(?:[,;]|and\b)")  # "helium 2, neon 10": maybe a list
_SPACED_DASH = re.compile(r"\s[-–—]\s")  # "Peru - Lima", "Colombia – Bogotá": a list item's two sides
# Where a gapped pair may begin: ", Norway the krone", " and the United States about 9.8 million km²", ", lead
# Pb" (a comma inside a number, "643,801", has no space after it); each piece must then start with a subject.
_GAP_BREAK = re.compile(r"\s*(?:,\s+(?:and\s+)?|;\s*(?:and\s+)?|\s+and\s+)(?=[A-Za-z])")
# What may stand between a gapped pair's subject and its value: "Sweden, the krona", "Sweden's the krona".
_GAP_JOIN = re.compile(r"(?:['’]s)?\s*,?\s+(?=\S)")
# The noun a possessive first pair names, "Denmark's currency is ...", "Japan's official language is ...".
_GAP_OWNED = re.compile(r"['’]s\s+(?P<noun>(?:[a-z]+\s+){0,2}?[a-z]+)\s+")
# A clause that only denies the clause before it: "Many assume Istanbul is the capital, but it isn't."
_DENIAL = re.compile(r"^\s*(?:but\s+)?(?:(?:it|that|this|they)\s+(?:is|are|was|does|do)\s+not(?:\s+(?:true|so|the case|correct|right))?|"
                     r"(?:that|this)(?:['’]s|\s+is)\s+(?:(?:a\s+)?(?:myth|misconception|mistake)|wrong|false|incorrect))"
                     r"\s*[-–—.!,;:]*\s*$", re.IGNORECASE)
# A place name keeping its particles: "Rio de Janeiro", "Dar es Salaam".
_PARTICLE_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:(?:de|da|do|del|es|la)\s+)?[A-Z][\w'’.\-]*){0,3}"
# A clause that only names the right value after a denial: "Sydney is not the capital; Canberra is." / "it is Fe."
# "São Paulo took over in 1960" names the successor too; names keep their particles ("Rio de Janeiro").
_CORRECTION = re.compile(r"^\s*(?:but\s+|rather\s+|instead\s+)?(?:(?P<name>" + _PARTICLE_NAME + r")"
                         r"\s+(?:is|are|does|do|took\s+over|has\s+taken\s+over|replaced\s+it|succeeded\s+it)"
                         r"(?:\s+(?:as\s+(?:the\s+)?(?:capital|currency)|in\s+\d{4}|since\s+\d{4}|from\s+\d{4}|in\s+that\s+role))*"
                         r"|(?:(?:(?:since|from|in)\s+\d{4},?\s+)?(?:it|that)(?:\s+is|['’]s|\s+has\s+been|\s+is\s+now)|(?:that|this|the)\s+(?:honou?r|title|role|distinction)\s+(?:belongs|goes|falls)\s+to)"
                         r"\s+(?:actually\s+)?(?:the\s+)?(?P<value>[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3}))"
                         r"(?:\s+(?:instead|rather))?\s*[.!]?\s*$")
# "..., and neither is Melbourne" / "nor is Melbourne": another value denied for the claim before.
_NEITHER = re.compile(r"^\s*(?:and\s+)?(?:neither|nor)\s+(?:is|was|does|do)\s+(?:the\s+)?"
                      r"(?P<value>" + _PARTICLE_NAME + r")\s*[.!]?\s*$")
# "Silicon - Si on the periodic table - is ...", "Iron, Fe, is ...": a symbol set off after its element
_DASHED_SYMBOL = re.compile(r"\s*(?:[—–]|\s-|,)\s*([A-Z][a-z]?)(?:\s+(?:on|in)\s+the\s+periodic\s+table)?\s*(?:[—–,;)]|\s-\s)")
_ASIDE = re.compile(r",\s*(?:of course|naturally|obviously|as (?:you|we) (?:may |might )?(?:know|expect)|incidentally|"
                    r"by the way|interestingly(?: enough)?|in fact|as it happens)\s*(?=,)", re.IGNORECASE)
_SYMBOL_NAMES = re.compile(r"^\s*(?:the\s+(?:chemical\s+)?symbol\s+)?([A-Z][a-z]?)\s+(?:is|=|stands\s+for|represents|denotes)\s+"
                           r"(?:the\s+(?:chemical\s+)?(?:element\s+)?)?$")
# An aside whose history stays inside it: a bracket, or a relative clause ending the sentence
_HISTORY_ASIDE = re.compile(r"\([^()]*\)|,\s+(?:which|that)\s+(?:replaced|superseded|succeeded|took over from)\b[^,;()]*$")
# A clause about an element relation: only there is a lower-case "tin" the element (see _Clause._short_elements).
_ELEMENT_CUE = re.compile(r"\b(?:symbols?|atomic (?:number|mass|weight)|protons?)\b", re.IGNORECASE)
# Where a negation's scope ends: what follows a dash, colon, semicolon or "but"/"instead"/"rather" is a new
# clause, often the correction ("Neither Sydney nor Melbourne is the capital - the capital is Canberra").
_SCOPE_BREAK = re.compile(r"\s[-–—]\s|[–—]|[:;]\s|,?\s+(?:but|instead|rather|whereas|while)\b|"
                          # a consequence starts a new clause: "never adopted the euro, so you'll want forints"
                          r"(?:,|\band)\s+so\b|\b(?:therefore|hence|thus|consequently|which is why|that(?:['’]s| is) why)\b|"
                          r"\b(?:that|this|the)\s+(?:honou?r|title|role|distinction)\s+(?:belongs|goes|falls)\b", re.IGNORECASE)
_VALUE_NEGATOR = r"(?:\bnot|\brather than|\binstead of|\bunlike|\bnor)\s+(?:the\s+|an?\s+)?"
VALUE_NEGATION_RE = re.compile(_VALUE_NEGATOR + r"$", re.IGNORECASE)
# "not the euro (EUR": the code in brackets after a negated value is negated too
_NEGATED_BRACKET = re.compile(_VALUE_NEGATOR + r"[\w'’.\- ]{1,40}\(\s*$", re.IGNORECASE)
# Statements of a change: what it moved to is today's value, what it moved from is history (not read).
_CHANGE_STOP = r"(?:in|on|since|back|and|but|after|when|as|so|because|at|by|with|under|following)\b"
_CHANGE_NEW = (r"(?P<new>[\w'’.\-]+(?:\s+(?!" + _CHANGE_STOP + r")[\w'’.\-]+){0,2}?)"
               r"(?=\s+" + _CHANGE_STOP + r"|\s*[,;.!?—–()]|\s+[-–—]\s|\s*$)")
_CHANGE_OLD = r"(?P<old>[\w'’.\-]+(?:\s+[\w'’.\-]+){0,3}?)"
_CHANGE_FROM_TO = re.compile(  # "switched from the kuna to the euro", "moved its capital from Lagos to Abuja"
    r"\b(?:has\s+|had\s+|have\s+)?(?:switched|changed|moved|converted|went|transitioned|relocated|shifted)\s+"
    r"(?:(?:its|their)\s+(?P<noun>capital|currency)\s+)?from\s+(?:the\s+|its\s+)?" + _CHANGE_OLD +
    r"\s+to\s+(?:the\s+)?" + _CHANGE_NEW, re.IGNORECASE)
_CHANGE_TO = re.compile(  # "Croatia switched to the euro in 2023": a currency only ("moved to Lagos" is no capital)
    r"\b(?:has\s+|had\s+|have\s+)?(?:switched|changed|converted|transitioned|shifted)\s+(?:(?:its|their)\s+currency\s+)?"
    r"(?:over\s+)?to\s+(?:the\s+)?" + _CHANGE_NEW, re.IGNORECASE)
_CHANGE_WITH = re.compile(  # "replaced the litas with the euro", "swapped the koruna for the euro"
    r"\b(?:has\s+|had\s+|have\s+)?(?:replaced|substituted|swapped|traded|exchanged|ditched|dropped|abandoned|scrapped|"
    r"retired|gave\s+up|given\s+up)\s+(?:the\s+|its\s+(?:own\s+)?|their\s+(?:own\s+)?)?" + _CHANGE_OLD +
    r"\s+(?:with|for|in\s+favou?r\s+of)\s+(?:the\s+)?" + _CHANGE_NEW, re.IGNORECASE)
_CHANGE_DROPPED = re.compile(  # "gave up the sucre in 2000 and now uses ...": the old value alone
    r"\b(?:has\s+|had\s+|have\s+)?(?:gave\s+up|given\s+up|gives?\s+up|giving\s+up|dropped|ditched|abandoned|scrapped|"
    r"retired|phased\s+out|abolished|got\s+rid\s+of)\s+(?:the\s+|its\s+(?:own\s+)?|their\s+(?:own\s+)?)" +
    r"(?P<old>[\w'’.\-]+(?:\s+[\w'’.\-]+){0,2}?)(?=\s+" + _CHANGE_STOP + r"|\s*[,;.!?—–()]|\s*$)", re.IGNORECASE)
_CHANGE_BACK = re.compile(  # "went back to the name Astana", "reverted to Astana"
    r"\b(?:went|gone|goes|changed|switched)\s+back\s+to\s+|\b(?:reverted|returned)\s+to\s+")
_CHANGE_BACK_NAME = re.compile(r"(?:the\s+|its\s+)?(?:(?:old|former|original|earlier|previous)\s+)?(?:name\s+(?:of\s+)?)?"
                               + _CHANGE_NEW, re.IGNORECASE)
_RENAMED = re.compile(r"\b(?:was\s+|were\s+|has\s+been\s+|had\s+been\s+)?renamed\s+(?:(?:its|their)\s+capital\s+)?"
                      r"(?:from\s+" + _CHANGE_OLD + r"\s+)?(?:to\s+|as\s+)?" + _CHANGE_NEW, re.IGNORECASE)
# A currency named as the other side of a comparison or exchange rate is no claim about whose it is: "volatile
# against the dollar", "pegged to the US dollar", "compared with the euro", "35 per dollar", "worth about 0.9 euros".
_COMPARED_CURRENCY = re.compile(
    r"(?:\bagainst|\bpegged\s+(?:to|against|at)|\btied\s+to|\blinked\s+to|\bcompared\s+(?:with|to)|\bversus|\bvs\.?|"
    r"\brelative\s+to|(?<!rather\s)\bthan|\bexchange\s+rate\s+(?:to|against|with|for|of|into)|\bconverts?\s+(?:to|into)|"
    r"\bper|\bin\s+terms\s+of|\bworth\s+(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|almost\s+|over\s+|under\s+|"
    r"just\s+(?:over|under)\s+)?[\d.,]+)\s+(?:the\s+|a\s+|one\s+|1\s+|each\s+)?(?:U\.?S\.?\s+)?$", re.IGNORECASE)
# An appositive between dashes after a name reads like one between commas: "Kathmandu — the capital of Nepal — is ...".
_DASH_APPOSITIVE = re.compile(r"(?P<name>\b[A-Z][\w'’.\-]*(?:\s+(?:de\s+|of\s+)?[A-Z][\w'’.\-]*){0,3})\s+(?P<dash>[—–-])\s+"
                              r"(?P<inner>(?:the|a|an|its)\s+[^—–\-.;:!?()]{3,60}?)\s+(?P=dash)\s+(?=[a-z])")
# Words that make a set claim partial ("also spoken", "languages include"): a value missing from the KB
# is then unknown rather than false.
# Past facts ("Lagos was the capital until 1991") are not checked against present-day values.
HISTORICAL_RE = re.compile(r"\b(?:until|formerly|previously|former|used to|once(?!\s+again)|in the past|prior to|before \d{4}|"
                           r"had been|ancient|historically|was (?:called|named|known as)|between \d{4} and \d{4}|"
                           r"from \d{4} (?:to|until) \d{4}|replaced|replacing|superseded)\b", re.IGNORECASE)
HEDGE_RE = re.compile(r"\b(?:also|include|includes|including|among|such as|widely|some|many|minority|minorities|"
                      r"regional|indigenous|various|several|other|local languages?|dialects?|recogni[sz]ed|commonly|too|"
                      r"as well|additionally|besides|popular|understood)\b", re.IGNORECASE)
# A country's currency list is complete (ISO 4217 via GeoNames, dated changes in extra_facts), unlike its language
# list: another currency is wrong unless the clause says it is accepted besides ("dollars are also widely
# accepted"). "Many", "some", "popular" ("a popular destination") do not make "you'll be paying in euros" partial.
CURRENCY_HEDGE_RE = re.compile(r"\b(?:also|too|as well|widely|commonly|alongside|in addition|additionally|besides|"
                               r"accept\w*|include|includes|including|among|such as|other|tourist\w*|unofficial\w*|"
                               r"informal\w*|parallel|second)\b", re.IGNORECASE)
ANAPHOR_RE = re.compile(r"^(?:it|its|it's|they|their|there|here|this|that|these|those|the|this)"
                        r"(?:\s+(?:small|tiny|little|landlocked|island|coastal|alpine|mountainous|nordic|baltic|balkan|"
                        r"african|asian|european|caribbean|pacific|andean|former))*"
                        r"(?:\s+(?:country|nation|state|kingdom|republic|island|islands|archipelago|element|metal|"
                        r"gas|city-state|land|place|territory|one))?(?:['’]s)?$", re.IGNORECASE)
_LEADING_FILLER = re.compile(
    r"^\s*(?:(?:sure|yes|yeah|yep|nope|nah|certainly|of course|absolutely|great question|good question|well|okay|ok|"
    r"indeed|correct|right|actually|in fact|fun fact|note|answer|today|currently|now|still|also|additionally|"
    r"furthermore|moreover|however|overall|in summary|interestingly|notably|so|and|but)\b[\s,!:.-]*)+",
    re.IGNORECASE)

_NUMBER_WORD = r"(?:" + "|".join(sorted(WORD_VALUES, key=len, reverse=True)) + r")\b"
CUES = {
    "capital": re.compile(r"\b(?:capital(?:s|\s+city|\s+cities)?\b(?!\s+(?:punishment|gains?|letters?|markets?|investment|"
                          r"expenditure|flows?|goods|tax))|seat of (?:(?:the\s+)?(?:national\s+|federal\s+)?government|power)\b|"
                          r"(?:government|parliament|administration)(?:\s+and\s+(?:government|parliament|administration))?(?P<government_of>\s+of\s+(?:the\s+)?[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3})?"
                          r"\s+(?:sits?|(?:is|are) (?:based|seated|headquartered|located)|meets?|resides?|operates?)"
                          r"(?:\s+(?:in|at|from|out of)\b|(?=\s*(?:[.,;!?]|$)))|(?:governed|ruled|run|administered) from\b)",
                          re.IGNORECASE),
    "population": re.compile(r"\b(?:populat\w*|number of (?:people|inhabitants|residents|citizens)|inhabitants|inhabited|residents|people|citizens|persons|"
                             r"home to|live|lives|living|populous|headcount|"
                             r"(?:nation|country|land|state) of(?=\s+(?:about|around|roughly|some|over|nearly|almost|"
                             r"more than|close to|approximately|\d|" + _NUMBER_WORD + r")))\b", re.IGNORECASE),
    "area": re.compile(r"\b(?:area|covers?|covering|spans?|spanning|size|land ?mass|territory|"
                       r"square (?:kilomet(?:er|re)s|miles|km)|km²|km2|sq\.? ?(?:km|mi)|big|large)\b",
                       re.IGNORECASE),
    "atomic_number": re.compile(r"\b(?:atomic number|proton number|number of protons|protons?|"
                                r"element (?:number|no\.?)|element(?=\s+(?:\d|" + _NUMBER_WORD + r"))|"
                                r"(?:position|number|no\.|spot|slot|place|square|box|seat|rank)(?=\s+[\w-]+(?:\s+[\w-]+)?\s+(?:on|in|of) the periodic table)|"
                                r"(?<=\bis )number(?=\s+\d{1,3}\s*(?:[.,;!)]|$|and\b|while\b))|"  # "neon is number 10"
                                r"Z ?=)", re.IGNORECASE),
    "atomic_mass": re.compile(r"\b(?:atomic (?:mass|weight)|molar mass|relative atomic mass|mass|weight|weighs?)\b",
                              re.IGNORECASE),
    "currency": re.compile(r"\b(?:currenc(?:y|ies)|legal tender|monetary unit|money|us(?:e|es|ed|ing)|adopted|"
                           r"paid|pays?|paying|tender|prices?|priced|cash|banknotes?|bank ?notes?|coins?|coinage|"
                           r"shop(?:s|ping)?|buy(?:s|ing)?|spend(?:s|ing)?|spent|accepts?|accepted|takes?|"
                           r"runs on|in circulation|circulat\w*|exchange)\b", re.IGNORECASE),
    "language": re.compile(r"\b(?:languages?|spoken|speak\w*|tongue|lingua franca|official status)\b", re.IGNORECASE),
    "symbol": re.compile(r"\b(?:symbols?|abbreviat\w*|denoted|represented by|written as|shorthand|short form|"
                         r"written with|(?:goes|go|going|is known|known) by|(?:chemical|element(?:al)?) (?:code|letters?|sign))\b", re.IGNORECASE),
}
# Words WordNet gives for a relation ("mother tongue", "paper money", "dwellers"): one more alternative of its cue.
for _relation in ("currency", "language", "population"):
    _words = cue_alternatives(_relation)
    if _words:
        CUES[_relation] = re.compile(rf"{CUES[_relation].pattern}|\b(?:{_words})\b", re.IGNORECASE)
NUMERIC_RELATIONS = ("population", "area", "atomic_number", "atomic_mass")
# "uses the won", "pay with the krona", "paid in rand": a currency word that is also an everyday word is a
# currency right after a verb of paying or using.
_PAID_WITH = re.compile(r"\b(?:uses?|used|using|adopted|adopts|pays?|paid|paying|priced|accepts?|accepted|takes?|taking|"
                        r"runs on|spends?|spending|spent|shops?|shopping|buys?|buying|settles?|transacts?)\s+"
                        r"(?:for\s+(?:[\w'’]+\s+){1,3}?(?=(?:with|in|using)\s))?"  # "pay for groceries with the peso"
                        r"(?:(?:with|in|using)\s+)?(?:the\s+)?$", re.IGNORECASE)
# A clause that starts with its verb takes the subject of the clause before: "Portugal uses the euro and
# has about 10 million people".
_VERB_LED = r"(?:has|have|is|uses|lies|sits|covers|spans|borders|counts|boasts|hosts|remains|speaks|pays)\b"
# A count of people that is not a population: speakers, visitors, densities, yearly flows.
NOT_POPULATION_RE = re.compile(r"\b(?:speak|speaks|spoken|speakers|visit\w*|tourists|users?|used by|work\w*|die\w*|"
                               r"killed|born|worldwide|globally|around the world|each year|every year|annually|"
                               r"per|a year|density|employ\w*|diaspora|abroad|metro\w*|urban|city proper)\b", re.IGNORECASE)
UNIT_RELATION = {"people": "population", "km²": "area", "u": "atomic_mass", "protons": "atomic_number"}
# Where a slot for the subject follows a cue: "capital of X", "spoken in X", "symbol for X".
_SLOT_PREFIX = re.compile(r"^(?:\s+city)?(?:\s+and\s+(?:[\w-]+\s+){0,2}[\w-]+)?"  # "capital and largest city of"
                          r"(?:\s+(?:who\s+)?(?:live|lives|living|reside|resides|residing|spoken|used|found|located))?"
                          r"\s*(?:of|for|in|within|throughout|across|inside)\s+(?:the\s+)?", re.IGNORECASE)
_COPULA = r"(?:is|was|remains|has been|would be|will be|are|:|=|-|–|—)"
_PROPER_CHUNK = re.compile(
    r"(?:[A-Z][\w'’.\-]*|d['’]\w+)(?:\s+(?:(?:of|de|del|da|do|dos|des|du|el|al|es|la|le|the|and|y|et)\s+)?"
    r"(?:[A-Z][\w'’.\-]*|d['’]\w+))*")
_NOT_A_NAME = {"it", "its", "this", "that", "the", "a", "an", "there", "they", "he", "she", "we", "i", "you",
               "however", "yes", "no", "sure", "approximately", "about", "around", "roughly", "also", "both", "in",
               "as", "with", "for", "while", "today", "currently", "certainly", "located", "known", "home", "its",
               "people", "locals", "citizens", "residents", "inhabitants", "everyone", "most", "many", "visitors",
               "tourists", "here", "what", "which", "how", "where", "who", "when", "why", "not", "nope", "maybe",
               "partly", "well", "kind", "sort", "yep", "yeah",
               # pronouns, hedges and function words are never a value: "I'm not certain", "Unsure."
               "i'm", "i’m", "it's", "it’s", "that's", "that’s", "unsure", "uncertain", "perhaps", "possibly",
               "sorry", "honestly", "unfortunately", "i'd", "i’d", "i've", "i’ve", "i'll", "these", "those",
               "hmm", "unknown", "none", "nobody", "no one", "good", "great", "thanks", "hi", "hello"}
# An answer that declines to answer claims nothing: "I'm not certain, to be honest", "Unsure, sorry".
_DECLINE = re.compile(r"^\s*(?:(?:sorry|hmm+|honestly|to be honest|well)[\s,.!]*)*(?:i\s*(?:['’]m|am)\s+(?:not\s+(?:sure|certain|"
                      r"positive)|unsure|uncertain)|i\s+(?:do\s+not|don['’]t)\s+(?:know|remember|recall)|i\s+(?:can(?:not|['’]t)|"
                      r"couldn['’]t)\s+(?:say|tell|recall|remember)|(?:not|un)\s*sure|uncertain|no\s+idea|i\s+have\s+no\s+idea|"
                      r"no\s+clue|(?:i\s+)?can['’]t\s+say(?:\s+for\s+sure)?)\b", re.IGNORECASE)
# Place nouns that may stand between "is" and "in <region>": "Bhutan is a small country in South Asia".
_PLACE_NOUN = r"(?:country|nation|state|kingdom|republic|island|islands|archipelago|territory|city-state|monarchy|democracy|federation|land|microstate|enclave)"
# "Africa's most populous country", "Asia's second largest nation": a ranking within a group, so the possessor
# is the group the subject belongs to, not the owner of the relation.
_RANKED = re.compile(r"\b(?:most|least|largest|biggest|smallest|second|third|fourth|fifth|top|leading)\b", re.IGNORECASE)
_RANKED_MEMBER = re.compile(rf"[\w-]+\s+(?:{_PLACE_NOUN}|countries|nations|states|elements|metals|gases)\b", re.IGNORECASE)
# "Ethiopia, in East Africa, ...": the region in an appositive right after the subject.
_PLACED_APPOSITIVE = re.compile(r"^\s*[^,]+?,\s+(?:(?:located|situated|lying)\s+)?(?:in|on)\s+(?:the\s+)?"
                                r"(?:(?:central|north(?:ern)?|south(?:ern)?|east(?:ern)?|west(?:ern)?|"
                                r"north-?(?:east|west)(?:ern)?|south-?(?:east|west)(?:ern)?)\s+)?$", re.IGNORECASE)
_REGION_ADJECTIVES = {"europe": "european", "asia": "asian", "africa": "african", "america": "american",
                      "oceania": "oceanian", "middle east": "middle eastern", "caribbean": "caribbean"}
# Element symbols that are also English words; they name an element only next to a "symbol" cue.
_WORDLIKE_SYMBOLS = {"I", "In", "As", "Be", "He", "No", "At", "Am", "Pm", "Mt", "Co", "Ga", "Pa", "La", "Ho",
                     "Es", "Md", "Ne", "Sc", "Ca", "Re", "Ar", "Mo", "Nd", "Pr", "Ti", "Os", "Y", "U", "W",
                     "V", "K", "B", "C", "N", "O", "P", "S", "F", "H"}


# ---------------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    """Who a claim is about: a KB entity, or a name the KB does not know (entity None)."""

    text: str
    entity: Entity | None


@dataclass
class Claim:
    text: str  # the clause of the answer the claim comes from
    relation: str
    subject: Subject | None  # None: the answer never said whom it is about
    value: str  # the value as the answer wrote it
    quantity: Quantity | None = None  # numeric claims
    negated: bool = False
    partial: bool = False  # "also", "include": only says the value is among others
    strict_value: bool = True  # the value was read from a clear slot ("capital is X"), not guessed
    seat_only: bool = False  # a capital read from "the government sits in Y" alone: the seat may not be the capital


@dataclass
class _Candidate:
    relation: str
    value: str
    value_span: tuple[int, int]
    subject: Subject | None = None  # from a slot next to the cue
    quantity: Quantity | None = None
    strict_value: bool = True
    seat_only: bool = False  # see Claim.seat_only


@dataclass(frozen=True)
class _Nationals:
    subject: Subject  # the country whose people are counted
    end: int  # where the demonym ends


# What counts people before "N Canadians": "there are", "home to", "has", "a population of".
_COUNTS_PEOPLE = re.compile(r"\b(?:there\s+(?:are|were|live|reside)|home to|populat\w*|ha[sv]e?|counts?|numbers?|totals?)\b"
                            r"[^,;]{0,40}$", re.IGNORECASE)


@dataclass
class _Context:
    topic: Subject | None = None  # what "it" and "the country" refer to
    question_subject: Subject | None = None
    question_relation: str | None = None
    claims: list[Claim] = field(default_factory=list)
    recent: list[Entity] = field(default_factory=list)  # known subjects, latest last
    last_relation: str | None = None  # for an elided noun: "Turkey's currency is the lira and Egypt's is the pound"
    polar_claims: list[Claim] = field(default_factory=list)  # the claim a yes/no question asks about
    inverse: tuple[str, str] | None = None  # "Which country uses the yen?": ("country", "uses the yen")
    sentence_start: int = 0  # the index in `claims` of the current sentence's first claim

    def anaphor(self, phrase: str) -> Subject | None:
        """"it" is the running topic; "the country" / "this element" is the latest subject of that kind."""
        kind = ("country" if re.search(r"country|nation|kingdom|republic|state", phrase, re.I) else
                "element" if re.search(r"element|metal|gas", phrase, re.I) else None)
        if kind is None or (self.topic is not None and self.topic.entity is not None and self.topic.entity.kind == kind):
            return self.topic
        entity = next((e for e in reversed(self.recent) if e.kind == kind), None)
        return Subject(entity.name, entity) if entity else self.topic

    def remember(self, subject: Subject | None) -> None:
        if subject is not None and subject.entity is not None:
            self.recent.append(subject.entity)


# A people named by a plural that is not the adjective plus "s" ("Danish" -> "Danes"): English word formation.
_IRREGULAR_PEOPLES = {"danish": "danes", "finnish": "finns", "swedish": "swedes", "polish": "poles", "turkish": "turks",
                      "scottish": "scots", "spanish": "spaniards", "british": "britons", "icelandic": "icelanders",
                      "luxembourgish": "luxembourgers", "greek": "greeks", "lao": "laotians", "french": "frenchmen"}
# Adjectives used, with "the", for the whole people: "the Swiss", "the Dutch", "the Japanese".
_COLLECTIVE_PEOPLE = re.compile(r".*(?:ss|sh|ch|ese)$")


def _demonym_owner(demonym: str, owners: list[Entity]) -> list[Entity]:
    """The one country a demonym names: its only owner, else the one owner whose one-word name shares the
    demonym's first four letters while no other owner's name does ("norwegian": Norway, not Svalbard and Jan
    Mayen; "indian": India). [] when that does not decide ("dominican": Dominica or the Dominican Republic)."""
    if len(owners) == 1:
        return owners
    near = [owner for owner in owners if normalize_name(owner.name)[:4] == demonym[:4]]
    return near if len(near) == 1 and " " not in near[0].name else []


# More people nouns for an adjective than its regular plural: "Argentines" as well as "Argentineans".
_MORE_PEOPLES = {"argentinean": ("argentines", "argentinians"), "filipino": ("filipinas",),
                 "new zealand": ("new zealanders",), "thai": ("thais", "thai people")}


def _peoples(demonyms: dict[str, Entity]) -> dict[str, Entity]:
    """People nouns -> country: "danes", "filipinos" (plurals), "the swiss", "the japanese" (collectives),
    from each country's demonym adjective (normalised keys)."""
    peoples: dict[str, Entity] = {}
    for adjective, entity in demonyms.items():
        for noun in _MORE_PEOPLES.get(adjective, ()):
            peoples[noun] = entity
        if adjective in _IRREGULAR_PEOPLES:
            peoples[_IRREGULAR_PEOPLES[adjective]] = entity
        elif adjective.endswith(("o", "a", "i", "an", "er")):
            peoples[adjective + "s"] = entity  # "Filipinos", "Somalis", "Norwegians"
        if _COLLECTIVE_PEOPLE.match(adjective):
            peoples["the " + adjective] = entity
    return peoples


class ClaimExtractor:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        names: dict[str, Entity] = {}
        cased: dict[str, Entity] = {}
        for alias, case_sensitive in kb.alias_texts:
            entity = kb.resolve(alias)
            if entity is None:
                continue
            if case_sensitive:
                if alias not in _WORDLIKE_SYMBOLS:
                    cased[alias] = entity
            else:
                names[normalize_name(alias)] = entity
        self.subjects = Gazetteer(names, cased)
        self.values = {relation: Gazetteer({spelling: relation for spelling in kb.value_spellings(relation)},
                                           plural=True)
                       for relation in ("capital", "currency", "language", "region")}
        self.region_adjectives = Gazetteer(self._region_adjectives())
        # "Canadian" -> Canada, for "the Canadian capital"; a demonym shared by two countries names neither.
        demonyms: dict[str, set[str]] = {}
        for spelling, entity_names in kb.value_spellings("demonym").items():
            demonyms.setdefault(spelling, set()).update(entity_names)
        owners: dict[str, list[Entity]] = {}
        for entity in kb.entities.values():
            for fact in kb.facts(entity, "demonym"):
                owners.setdefault(normalize_name(fact.value), []).append(entity)
        self.demonyms = Gazetteer({name: found[0] for name, found in
                                   ((name, _demonym_owner(name, found)) for name, found in owners.items()) if found})
        self.peoples = _peoples(self.demonyms.phrases)
        self.symbols = {value for spelling, values in kb.value_spellings("symbol").items() for value in values}
        # ISO codes ("all" is the lek's ALL, "cup" Cuba's CUP) count only when written in capitals.
        self.currency_codes = {spelling for spelling, values in kb.value_spellings("currency").items()
                               if len(spelling) == 3 and all(normalize_value(v) != spelling for v in values)
                               and spelling not in kb.word_spellings("currency")}  # "lev" is a word, BGN the code
        # Currency words that are also everyday words ("real", "won", "mark") count only with "currency".
        self.risky_currency_words = {w for w in kb.value_spellings("currency") if len(w.split()) == 1 and
                                     w in {"real", "won", "mark", "sol", "rand", "dong", "kip", "lev", "leu", "pula",
                                           "tala", "som", "lek", "loti", "vatu", "kina", "dram", "lari", "pound",
                                           "franc", "krone", "krona", "dollar", "peso", "shilling"}}

    def _open_listed_languages(self, claims: list[Claim]) -> None:
        """A list of languages whose other members match the KB's list ("Kinyarwanda, English, French and
        Swahili") may name one the KB's (often incomplete, undated) list lacks: that one is then partial, so
        unverified rather than contradicted. A lone wrong language ("Brazilians speak Spanish") stays strict."""
        groups: dict[tuple[int, str], list[Claim]] = {}
        for claim in claims:
            if claim.relation == "language" and not claim.negated and claim.subject and claim.subject.entity:
                groups.setdefault((id(claim.subject.entity), claim.text), []).append(claim)
        for group in groups.values():
            if len(group) < 2:
                continue
            entity = group[0].subject.entity
            known = {normalize_value(f.value) for f in self.kb.facts(entity, "language")}
            listed = [bool(known & ({normalize_value(c.value)} | {normalize_value(v) for v in
                                     self.kb.canonical_values("language", c.value)})) for c in group]
            if sum(listed) >= max(2, len(group) - 1):  # all but one listed, and at least two
                for claim, ok in zip(group, listed):
                    claim.partial = claim.partial or not ok

    def _region_adjectives(self) -> dict[str, str]:
        """"south american" -> "South America", so "a South American country" names a region."""
        adjectives = {}
        for spelling, values in self.kb.value_spellings("region").items():
            for noun, adjective in _REGION_ADJECTIVES.items():
                if spelling == noun or spelling.endswith(" " + noun):
                    adjectives[spelling[: len(spelling) - len(noun)] + adjective] = sorted(values)[0]
        return adjectives

    # --- public --------------------------------------------------------------------------------------
    def extract(self, text: str, question: str | None = None) -> list[Claim]:
        context = _Context()
        if question:
            self._read_question(question, context)
        answer_to = 0  # the sentence that may answer the question bare ("Paris.")
        text = _ASIDE.sub("", _CONTRACTED_NOT.sub(r"\1 not", text))  # "its capital, of course, is Budapest"
        text = _DASH_APPOSITIVE.sub(r"\g<name>, \g<inner>, ", text)
        if "|" in text:
            text = tables_to_sentences(text)
        if ":" in text or "=" in text:
            text = labelled_lines_to_sentences(text)
        if ":" in text or "(" in text or "=" in text or _SPACED_DASH.search(text) or _NUMBER_ITEM.search(text):
            # "Nordic capitals: Oslo (Norway), ...", or the question's relation over "- Peru: Lima" lines
            text = list_items_to_sentences(text, context.question_relation, self._names_subject, self._value_relation)
        for index, sentence in enumerate(split_sentences(text)):
            if sentence.rstrip().endswith("?") and any(cue.search(sentence) for cue in CUES.values()):
                # The answer echoes a question and answers it: "The capital of Switzerland? That would be Bern."
                self._read_question(sentence, context)
                answer_to = index + 1
                continue
            if self._read_record(sentence, context):
                continue
            sentence = self._ungap(sentence)
            if "respectively" in sentence:
                sentence = respectively_to_sentences(sentence, self._names_subject, self._value_relation)
            if index == answer_to and context.polar_claims:
                self._answer_polar(sentence, context)
            if index == answer_to and context.inverse:
                self._answer_inverse(sentence, context)
            claims_before = context.sentence_start = len(context.claims)
            for piece in self._expand_relatives(sentence):
                previous = (len(context.claims), len(context.claims))  # the claims of the clause before
                for clause in split_clauses(piece):
                    before = len(context.claims)
                    if self._read_denial(clause, context, previous):
                        if _DENIAL.match(clause):
                            continue  # "..., but it isn't - Ankara is.": the correction is about the denied clause
                    else:
                        self._read_clause(clause, context)
                    previous = (before, len(context.claims))
            relation = context.question_relation
            cue = CUES.get(relation, _REGION_CUE)
            if index == answer_to and relation and not any(c.relation == relation for c in context.claims[claims_before:]):
                # The value may lead the sentence, before an aside: "Asia - it's landlocked ...", "Roughly 390,000 -
                # one of the least populous ...", "South America, between Argentina and Brazil; ..."
                before = len(context.claims)
                if not cue.search(sentence):
                    self._read_bare_answer(sentence, context)
                lead = _LEAD_BREAK.split(sentence, maxsplit=1)[0]
                if len(context.claims) == before and lead != sentence and not cue.search(lead):
                    self._read_bare_answer(lead, context)
        self._open_listed_languages(context.claims)
        return context.claims

    def _ungap(self, sentence: str) -> str:
        """A verb shared by a run of subject-value pairs is written out for each: "Sweden uses the krona,
        Norway the krone and Denmark the euro" -> "Sweden uses the krona; Norway uses the krone; Denmark uses
        the euro"; "Denmark's currency is the krone, Sweden's the krona" -> "...; Sweden's currency is the
        krona". The first pair must be "<subject> <verb> <value>" or "<subject>'s <noun> <verb> <value>"; every
        later one must start with a KB subject of the same kind ("the United States", a lower-case element
        "lead" in a list of elements) and have no verb of its own. Other sentences are returned as they are."""
        if "," not in sentence and " and " not in sentence and ";" not in sentence:
            return sentence
        text = _LEADING_FILLER.sub("", sentence).strip().rstrip(" .!")
        starts = {m.start for m in self.subjects.find(tokenize(text), text)}
        parts, begin = [], 0
        for cut in _GAP_BREAK.finditer(text):  # only where a subject follows: "Sweden, the krona" is one pair
            article = re.match(r"the\s+", text[cut.end():], re.IGNORECASE)
            name_at = cut.end() + (article.end() if article else 0)
            word = re.match(r"[a-z]+\b", text[name_at:])
            if name_at in starts or word and self.lowercase_element(word.group()) is not None:
                parts.append(text[begin:cut.start()])
                begin = cut.end()
        parts.append(text[begin:])
        if len(parts) < 2:
            return sentence
        first = parts[0]
        verb = VERB_RE.search(first)
        lead = self._gap_subject(first)
        if verb is None or lead is None:
            return sentence
        between = first[lead[0]:verb.start()]
        owned = _GAP_OWNED.fullmatch(between) if between.strip() else None
        if between.strip() and owned is None:
            return sentence  # "Nepal lies between China and India": the second name is no subject of its own
        rewritten = [first]
        for part in parts[1:]:
            found = self._gap_subject(part)
            if found is None or VERB_RE.search(part) or found[1] != lead[1]:
                return sentence
            join = _GAP_JOIN.match(part, found[0])
            if join is None:
                return sentence
            shared = f"'s {owned.group('noun')} {verb.group()}" if owned else f" {verb.group()}"
            name = part[:found[0]]
            rewritten.append(f"{name[:1].upper() + name[1:]}{shared} {part[join.end():].strip()}")
        return "; ".join(rewritten) + "."

    def _gap_subject(self, part: str) -> tuple[int, str] | None:
        """Where the KB subject that opens a gapped pair ends, and its kind ("country", "element"); None if
        the pair does not open with one. A leading "the" is part of the name; an element may be written in
        lower case ("lead Pb")."""
        article = re.match(r"the\s+", part, re.IGNORECASE)
        start = article.end() if article else 0
        mentions = [m for m in self.subjects.find(tokenize(part), part) if m.start == start]
        if mentions:
            mention = max(mentions, key=lambda m: m.end)
            return mention.end, mention.payload.kind
        word = re.match(r"[a-z]+\b", part[start:])
        element = self.lowercase_element(word.group()) if word else None
        return (start + word.end(), element.kind) if element is not None else None

    def _read_denial(self, text: str, context: _Context, previous: tuple[int, int]) -> bool:
        """A clause that only takes back or corrects the clause before it (same sentence): "..., but it
        isn't" negates that clause's claims; "...; Canberra is." / "...; it is Fe." after a denied name or symbol
        states the right value for the same subject and relation. True if the clause was one of these."""
        earlier = context.claims[previous[0]:previous[1]]
        if not earlier:
            return False
        if _DENIAL.match(text):
            for claim in earlier:
                claim.negated = not claim.negated
            return True
        denied = [c for c in earlier if c.negated and c.quantity is None and c.subject is not None]
        neither = _NEITHER.match(text)
        if neither and denied and neither.group("value").lower() not in _NOT_A_NAME:
            # "Sydney is not the capital, and neither is Melbourne": the same claim denied for another value
            claim = denied[-1]
            context.claims.append(Claim(text=text.strip(), relation=claim.relation, subject=claim.subject,
                                        value=neither.group("value").rstrip("."), negated=True, partial=claim.partial,
                                        strict_value=claim.strict_value))
            return True
        correction = _CORRECTION.match(text)
        if correction is None or not denied:
            return False
        value = (correction.group("name") or correction.group("value")).strip().rstrip(".")
        if value.lower() in _NOT_A_NAME:
            return False
        claim = denied[-1]
        context.claims.append(Claim(text=text.strip(), relation=claim.relation, subject=claim.subject, value=value,
                                    partial=claim.partial, strict_value=claim.strict_value))
        return True

    def lowercase_element(self, word: str) -> Entity | None:
        """The element a lower-case word names when the KB knows that name only capitalised ("tin", "lead":
        English words, so their aliases are case-sensitive); None otherwise. The callers decide where such a
        word counts as the element (a list of elements, a clause about an element relation)."""
        entity = self.kb.resolve(word.capitalize())
        return entity if entity is not None and entity.kind == "element" and entity.name == word.capitalize() else None

    def _value_relation(self, value: str, subject: str | None = None) -> str | None:
        """The one relation (capital, currency, language, region) `value` is a known value of, or None. Given an
        element as `subject` (a list item's other side), a symbol as written ("Fe") is its symbol and a whole
        number 1-118 its atomic number ("helium 2")."""
        if subject is not None and value.strip() and self._names_element(subject):
            if value.strip() in self.symbols:
                return "symbol"
            if re.fullmatch(r"\d{1,3}", value.strip()) and 1 <= int(value) <= 118:
                return "atomic_number"
        key = normalize_value(value)
        found = [relation for relation, gazetteer in self.values.items() if key in gazetteer.phrases]
        return found[0] if len(found) == 1 else None

    def _names_element(self, name: str) -> bool:
        entity = self.kb.resolve(name.strip()) or self.lowercase_element(name.strip())
        return entity is not None and entity.kind == "element"

    def _names_subject(self, name: str) -> bool | str:
        """Whether a list item's subject is a place or element the KB knows ("Peru", not "Note"); an element
        symbol ("Ne", also an English word or a pronoun: "He") is replaced by the element's name. In a list an
        element name that is also a word ("tin", "lead") is the element."""
        entity = self.kb.resolve(name)
        if entity is None and name.strip().islower():
            element = self.lowercase_element(name.strip())
            return element.name if element is not None else False
        if entity is None:
            return False
        return entity.name if name.strip() in self.symbols else True

    def _read_record(self, sentence: str, context: _Context) -> bool:
        """A terse element record, every cell typed: "Silver - Ag, number 47", "sulfur = S, 16", "Si | 14 |
        28.085", "Ca, 20, 40.08". A symbol cell is the symbol, a whole number the atomic number, a decimal the
        atomic mass; the element is the one the record names, else the question's. Reads it (True) or leaves it."""
        cells = [c.strip() for c in _RECORD_SPLIT.split(_LEADING_FILLER.sub("", sentence).strip().rstrip(".!"))]
        if len(cells) < 2 or len(cells) > 6 or any(not c for c in cells):
            return False
        named: list[Entity] = []
        symbols: list[str] = []
        values: list[tuple[str, str]] = []  # (relation, value text)
        odd_symbols: list[str] = []  # symbol-shaped cells that are no element's symbol
        for cell in cells:
            entity = self.kb.resolve(cell) if not cell.isdigit() else None
            number = _RECORD_NUMBER.fullmatch(cell)
            symbol = _RECORD_SYMBOL.fullmatch(cell)
            if symbol and symbol.group(1) in self.symbols and (symbol.group(1) != cell or entity is None
                                                               or entity.kind == "element"):
                symbols.append(symbol.group(1))
            elif entity is not None and entity.kind == "element" and cell[0].isalpha() and len(cell) > 2:
                named.append(entity)
            elif number:
                values.append(("atomic_mass" if "." in number.group("value") else "atomic_number", number.group("value")))
            elif symbol and entity is None and not odd_symbols:
                odd_symbols.append(symbol.group(1))  # "Sodium: So, atomic number 11": a wrong symbol, still a symbol
            else:
                return False
        if odd_symbols:
            if len(named) != 1:
                return False  # only a record that names its element says whose symbol the odd cell is
            symbols += odd_symbols
        if len(set(named)) > 1 or not (values or symbols):
            return False
        question = context.question_subject
        if named:
            subject = named[0]
        elif question is not None and question.entity is not None and question.entity.kind == "element":
            subject = question.entity
        elif len(symbols) == 1 and values:
            subject, symbols = self.kb.resolve(symbols[0]), []  # the record names its element by the symbol
        else:
            return False
        if subject is None:
            return False
        values += [("symbol", symbol) for symbol in symbols]
        if not values:
            return False
        before = len(context.claims)
        for relation, value in values:
            self._read_clause(f"The {_RELATION_NOUNS[relation]} of {subject.name} is {value}.", context)
        for claim in context.claims[before:]:
            claim.text = sentence.strip()
        context.topic = Subject(subject.name, subject)
        context.remember(context.topic)
        return True

    # --- question --------------------------------------------------------------------------------
    def _read_question(self, question: str, context: _Context) -> None:
        asked = [s for s in split_sentences(question) if s.rstrip().endswith("?")]
        inverse = _INVERSE_QUESTION.match(asked[-1]) if asked else None
        if inverse and any(cue.search(inverse.group("rest")) for cue in CUES.values()):
            # "Which country uses the yen?": the answer names the subject; the rest of the question is the claim
            context.inverse = (inverse.group("kind").lower(), ("'s " if inverse.group("owner") else " ")
                               + inverse.group("rest").strip())
            return
        polar = self._polar_claims(question)
        if polar:
            # "Is Turkey's capital Istanbul?", "Does India use the taka?": the question states a claim that
            # "Yes"/"No" affirms or denies, and names the subject and relation a fragment answer ("No, it's
            # the rupee.") is about.
            context.polar_claims = polar
            context.question_relation = polar[0].relation
            context.question_subject = context.topic = polar[0].subject
            context.remember(polar[0].subject)
            return
        clause = _Clause(question, self)
        for relation, cue in CUES.items():
            match = cue.search(question)
            if match and relation not in ("currency", "population", "area") or (
                    match and relation == "currency" and re.search(r"currenc|money|cash|\bpa(?:y|id|ying)\b|spend|shop|buy|tender|banknote|coins", question, re.I)) or (
                    match and relation in ("population", "area") and re.search(
                        r"how many|populat|how (?:big|large)|area|size|inhabitants", question, re.I)):
                context.question_relation = relation
                slot = self._slot_after(clause, match.end(), context)
                context.question_subject = slot or clause.first_subject_mention() or clause.grammatical_subject(context)
                break
        else:
            context.question_subject = clause.first_subject_mention()
            counted = re.search(r"\b(?i:how many)\s+([A-Z][\w'’-]+s)\b", question)
            nationals = counted and self.demonyms.phrases.get(singular(normalize_name(counted.group(1))))
            if _REGION_QUESTION.search(question):  # "Which continent is Mongolia in?", "Where's Uruguay?"
                context.question_relation = "region"
            elif nationals:  # "How many Canadians are there?"
                context.question_relation = "population"
                context.question_subject = Subject(nationals.name, nationals)
        context.topic = context.question_subject
        context.remember(context.question_subject)

    def _polar_claims(self, question: str) -> list[Claim]:
        """The claims of a yes/no question read as the statement it asks about: "Is the capital of Australia
        Sydney?" -> "the capital of Australia is Sydney"; "Does India use the taka?" -> "India use the taka".
        The auxiliary is put back after each word in turn (the subject's end is not known); the first
        statement whose every claim has a KB subject wins. [] for other questions, negative ones ("Isn't
        ..."), alternatives ("... or ...") and questions with more than one claim."""
        asked = [s for s in split_sentences(question) if s.rstrip().endswith("?")]
        match = _POLAR_QUESTION.match(asked[-1]) if asked else None
        if match is None or _POLAR_SKIP.search(match.group("rest")):
            return []
        aux, rest = match.group("aux").lower(), match.group("rest")
        true_that = re.match(r"it\s+(?:true|right|correct)\s+(?:that\s+)?", rest, re.IGNORECASE)
        if aux in ("do", "does", "did") or true_that:
            statements = [rest[true_that.end():] if true_that else rest]
        else:
            words = list(re.finditer(r"\S+", rest))
            statements = [f"{rest[:w.end()]} {aux} {rest[w.end():].lstrip()}" for w in words[:-1]
                          if not re.fullmatch(r"(?:the|a|an|of|in|for|to|on|its|their|and|which|what)", w.group(), re.I)]
        for statement in statements:
            trial = _Context()
            self._read_clause(statement.rstrip("?!. ") + ".", trial)
            claims = trial.claims
            if claims and all(c.subject is not None and c.subject.entity is not None for c in claims) and \
                    len({(c.relation, c.subject.entity) for c in claims}) == 1:
                for claim in claims:
                    claim.partial = claim.partial or claim.relation == "language"  # "Is X spoken in Y?": among others
                return claims[:1]
        return []

    def _answer_inverse(self, sentence: str, context: _Context) -> None:
        """"Which country uses the yen?" answered "Japan." or "That's Japan.": read "Japan uses the yen." The
        fragment must be just the name (an aside after a comma or dash may follow) of a KB entity of the kind
        asked for."""
        kind, rest = context.inverse
        context.inverse = None
        lead = _LEAD_BREAK.split(_LEADING_FILLER.sub("", sentence).strip(), maxsplit=1)[0]
        lead = re.sub(r"^(?:it['’]s|it is|that['’]s|that is|that would be|this is|the answer is)\s+", "", lead, flags=re.I).rstrip(".!")
        entity = self.kb.resolve(lead)
        wanted = "element" if "element" in kind else "country"
        if entity is None or entity.kind != wanted:
            return
        before = len(context.claims)
        self._read_clause(f"{lead}{rest.rstrip('?').rstrip()}.", context)
        for claim in context.claims[before:]:
            claim.text = sentence.strip()

    def _answer_polar(self, sentence: str, context: _Context) -> None:
        """"Yes." affirms the yes/no question's claim, "No, ..." denies it (names and places only: "No" to
        a figure may just correct its precision). Anything hedged ("not quite", "yes and no") says neither."""
        polarity = _YES.match(sentence) and "yes" or _NO.match(sentence) and "no"
        if not polarity:
            return
        for claim in context.polar_claims:
            if polarity == "no" and claim.relation in NUMERIC_RELATIONS:
                continue
            context.claims.append(Claim(
                text=sentence.strip(), relation=claim.relation, subject=claim.subject, value=claim.value,
                quantity=claim.quantity, negated=claim.negated != (polarity == "no"), partial=claim.partial,
                strict_value=claim.strict_value))
        context.polar_claims = []

    def _expand_relatives(self, sentence: str) -> list[str]:
        """A relative clause hung on a named head becomes a sentence of its own about that head: "Japan, which
        uses the yen, is ..." -> "Japan is ...", "Japan uses the yen."; "Peru, whose capital is Lima" ->
        "Peru's capital is Lima"; "Egypt, where people speak Arabic" -> "In Egypt, people speak Arabic";
        "Thailand, a country that uses the baht" likewise. Other sentences are returned as they are."""
        if not _RELATIVE_HINT.search(sentence):
            return [sentence]
        clause = _Clause(sentence, self)
        for relative in _RELATIVE.finditer(sentence):
            head = next((m for m in clause.subject_mentions if m.end <= relative.start()
                         and re.fullmatch(r"[\s)]*", sentence[m.end:relative.start()])), None)
            if head is None:  # a name the KB lacks ("Paris, which is the capital of France")
                name = clause.proper_chunk_ending(relative.start())
                words = name.split() if name else []
                while words and words[0] in ("The", "A", "An", "In", "On", "At", "To", "From", "And", "But", "So", "Yes", "No"):
                    words = words[1:]
                name = " ".join(words)
                if not name or name.lower() in _NOT_A_NAME:
                    continue
                head = Mention(relative.start() - len(name), relative.start(), name, None)
            body_start = relative.end()
            stop = re.compile(r",(?!\d)|;|\s+[-–—]\s+|[.!?](?:\s|$)")
            end = stop.search(sentence, body_start)
            body_end = end.start() if end else len(sentence)
            body = sentence[body_start:body_end].strip()
            pronoun = relative.group("pronoun").lower()
            if not body or _HEARSAY.search(body):
                continue  # "which many people think uses the won": not the answer's own claim
            if pronoun in ("which", "that") and re.match(r"(?:is|was)\s+[A-Z]", body) and \
                    re.search(r"\b(?:of|in|for)\s+(?:the\s+)?$", sentence[:head.start]):
                # "The capital of Peru, which is Lima, ...": the relative names the noun the head hangs on
                rewritten = f"{sentence[:relative.start()].rstrip(' ,')} {body}."
            elif pronoun == "whose":
                rewritten = f"{head.text}'s {body}."
            elif pronoun in ("where", "in which"):
                rewritten = f"In {head.text}, {body}."
            else:
                rewritten = f"{head.text} {body}."
            rest = sentence[body_end:]
            if rest.startswith(","):
                rest = rest[1:]
            main = (sentence[:relative.start()].rstrip(" ,") + (" " + rest.lstrip() if rest.strip(" .!?") else "."))
            return self._expand_relatives(main) + [rewritten]
        return [sentence]

    def _read_bare_answer(self, sentence: str, context: _Context) -> None:
        """A first sentence that only gives the value the question asked for: "Paris." "About 67 million."."""
        relation, subject = context.question_relation, context.question_subject
        if subject is None or _DECLINE.match(_LEADING_FILLER.sub("", sentence)):
            return
        clause = _Clause(_LEADING_FILLER.sub("", sentence), self, bare_answer=True)
        values = self.values[relation].find(clause.tokens, clause.text) if relation in self.values else []
        others = [m for m in clause.subject_mentions if m.payload != subject.entity
                  and not any(_overlaps((m.start, m.end), (v.start, v.end)) for v in values)
                  and not (relation == "symbol" and m.text in self.symbols)]  # "Ir." answers with a symbol
        if others:
            return  # it talks about something else
        words = len(clause.tokens)
        candidates: list[_Candidate] = []
        if relation in NUMERIC_RELATIONS:
            quantities = [q for q in clause.quantities if not q.is_year and q.unit in (None, _unit_of(relation))]
            candidates = [_Candidate(relation, q.text, (q.start, q.end), quantity=q) for q in quantities[:1]]
        elif relation == "symbol":
            candidates = [_Candidate(relation, t.text, (t.start, t.end)) for t in clause.tokens
                          if t.text in self.symbols][:1]
        else:
            if values:
                candidates = [_Candidate(relation, m.text, (m.start, m.end)) for m in values]
                if relation == "capital":
                    candidates = candidates[:1]
            elif relation == "capital" and words <= 8:
                chunk = clause.proper_chunk_in(0, len(clause.text))
                if chunk:
                    candidates = [_Candidate(relation, chunk[2], chunk[:2])]
        for candidate in candidates:
            self._emit(clause, candidate, subject, context)

    # --- clauses ----------------------------------------------------------------------------------
    def _read_clause(self, text: str, context: _Context) -> None:
        text = self._switched(text)
        elided = _ELIDED_OWNER.match(text)
        if elided and context.last_relation in _RELATION_NOUNS and not any(c.search(text) for c in CUES.values()):
            # "... and Egypt's is the pound": the noun of the clause before is understood
            text = text[:elided.end("owner")] + "'s " + _RELATION_NOUNS[context.last_relation] + text[elided.end("owner") + 2:]
        clause = _Clause(text, self)
        candidates = (self._numeric_candidates(clause, context) + self._capital_candidates(clause, context)
                      + self._set_candidates(clause, context, "currency") + self._set_candidates(clause, context, "language")
                      + self._region_candidates(clause, context) + self._symbol_candidates(clause, context))
        candidates += self._pair_candidates(clause, candidates)
        verb_led = re.match(r"\s*" + _VERB_LED, text) is not None
        grammatical = None if verb_led else clause.grammatical_subject(context)
        historical = [m.span() for m in _HISTORY_ASIDE.finditer(clause.text) if HISTORICAL_RE.search(m.group())]
        rest = clause.text
        if historical:
            # "Yangon (formerly Rangoon)", "the euro, which replaced the lats in 2014": only the aside is history
            candidates = [c for c in candidates if not any(_overlaps(span, c.value_span) for span in historical)]
            for start, end in reversed(historical):
                rest = rest[:start] + rest[end:]
        if HISTORICAL_RE.search(rest):
            candidates = []
        emitted: list[Subject | None] = []
        for candidate in candidates:
            subject = candidate.subject
            if subject is None and grammatical is not None and not _overlaps(clause.subject_span, candidate.value_span):
                subject = grammatical if clause.head_fits(candidate.relation) else Subject(clause.head_phrase, None)
                if candidate.relation in NUMERIC_RELATIONS and clause.coordinated_subjects():
                    subject = Subject(clause.head_phrase, None)  # "India and China have 2.8 billion people": a sum
            if subject is None and verb_led:
                subject = context.topic  # the previous clause's subject, even an unknown one ("Paris ... and has")
            if subject is None:
                subject = clause.only_mention(candidate)
            if subject is None:
                subject = self._topic(clause, context)
            subject = self._gapped_owner(clause, candidate, subject)
            self._emit(clause, candidate, subject, context)
            emitted.append(subject)
            if subject is grammatical and candidate.subject is None and candidate.relation in _SHARED_RELATIONS:
                # "Norway, Sweden and Finland all use the euro": the predicate holds for each coordinated subject
                for other in clause.coordinated_subjects():
                    if other.entity != subject.entity:
                        self._emit(clause, candidate, other, context)
        self._owner_from_value(context.claims[len(context.claims) - sum(1 for _ in emitted):])
        # What "it" means next: the clause's own subject; "The capital of X is Y. It ..." means Y.
        if clause.starts_with_capital_of and candidates:
            capital = next((c for c in candidates if c.relation == "capital"), None)
            context.topic = Subject(capital.value, self.kb.resolve(capital.value)) if capital else context.topic
        elif grammatical is not None and candidates and any(
                _overlaps(clause.subject_span, c.value_span) for c in candidates) and emitted and emitted[0] is not None:
            # "Santiago is its capital and it has ...": "it" is still the country the capital belongs to
            owner = next(s for c, s in zip(candidates, emitted) if _overlaps(clause.subject_span, c.value_span))
            context.topic = owner if owner is not None and owner.entity is not None else grammatical
        elif grammatical is not None:
            context.topic = grammatical
            context.remember(grammatical)
        elif emitted and emitted[0] is not None:  # "France — capital: Paris; population: ..."
            context.topic = emitted[0]
        elif not candidates and len({m.payload for m in clause.subject_mentions}) == 1:
            # "Nigeria's capital moved to Abuja in 1991; Abuja is the capital today": the one place named
            context.topic = Subject(clause.subject_mentions[0].text, clause.subject_mentions[0].payload)
            context.remember(context.topic)

    def _owner_from_value(self, claims: list[Claim]) -> None:
        """A people noun shared by two countries ("Koreans") is resolved by a value that names its owner ("Koreans
        pay in won - the South Korean won"): the value's demonym must be one of that people's own
        ("south koreans" ends with "koreans"). Unresolved otherwise (the claim stays unverified)."""
        for claim in claims:
            if claim.relation not in ("currency", "language") or claim.subject is None or claim.subject.entity is not None:
                continue
            people = normalize_name(claim.subject.text)
            for mention in self.demonyms.find(tokenize(claim.value), claim.value):
                owner = mention.payload
                if any(name.endswith(" " + people) and entity == owner for name, entity in self.peoples.items()):
                    for other in claims:
                        if other.subject is not None and other.subject.entity is None and \
                                normalize_name(other.subject.text) == people:
                            other.subject = Subject(other.subject.text, owner)
                    return

    def _switched(self, text: str) -> str:
        """Statements of a change keep only the value it led to, as a present claim; the old one is history (not
        read): "Lithuania switched from the litas to the euro in 2015" / "replaced the litas with the euro" /
        "swapped the litas for the euro" -> "Lithuania uses the euro in 2015"; "Nigeria moved its capital from
        Lagos to Abuja" -> "Nigeria has its capital in Abuja"; "Ecuador gave up the sucre and now uses ..." ->
        "Ecuador made a change and now uses ..."; "The capital was renamed Nur-Sultan in 2019 but went back to
        Astana" -> "The capital is Astana". A change to a name the KB does not know is left as it is."""
        def present(match: re.Match, relation: str | None, before: str | None = None) -> str | None:
            new = match.group("new").strip()
            relation = relation or self._value_relation(new)
            before = match.string[:match.start()] if before is None else before
            if relation == "capital":
                return f"is {new}" if re.search(r"\bcapital(?:\s+city)?\s*$", before, re.I) else f"has its capital in {new}"
            if relation == "currency":
                return f"is the {new}" if re.search(r"\bcurrency\s*$", before, re.I) else f"uses the {new}"
            return None

        def rewrite(pattern: re.Pattern, text: str) -> str:
            def one(match: re.Match) -> str:
                noun = match.groupdict().get("noun")
                return present(match, noun and noun.lower()) or match.group()
            return pattern.sub(one, text)

        text = rewrite(_CHANGE_FROM_TO, text)
        text = rewrite(_CHANGE_WITH, text)
        text = _CHANGE_TO.sub(lambda m: (present(m, "currency") if self._value_relation(m.group("new")) == "currency"
                                         else m.group()), text)
        text = _CHANGE_DROPPED.sub(lambda m: "made a change" if any(
            normalize_value(m.group("old")) in self.values[r].phrases for r in ("currency", "capital")) else m.group(), text)
        back = _CHANGE_BACK.search(text)
        if back:  # everything from the first change on is history; what it went back to is today's value
            name = _CHANGE_BACK_NAME.match(text, back.end())
            renamed = _RENAMED.search(text[:back.start()])
            cut = renamed.start() if renamed else back.start()
            head = re.sub(r"(?:,\s*|\s+)(?:but|and|then|only to)$", "", text[:cut].rstrip()).rstrip()
            replacement = name and present(name, None if renamed is None else "capital", head)
            if name and replacement:
                return f"{head} {replacement}{text[name.end():]}"
        renamed = _RENAMED.search(text)
        if renamed and (re.search(r"\bcapital\b", text[:renamed.start()], re.I) or re.search(r"capital", renamed.group(), re.I)):
            replacement = present(renamed, "capital")
            return text[:renamed.start()].rstrip() + " " + replacement + text[renamed.end():]
        return text

    def _gapped_owner(self, clause: _Clause, candidate: _Candidate, subject: Subject | None) -> Subject | None:
        """A value right after another subject of the same kind, in a list with its verb given once, is that
        subject's: "Poland still uses the złoty, Hungary the forint" (a gap `_ungap` did not write out) is not
        "Poland uses the forint". The other subject must open a list item (after ",", ";" or "and") and have
        no verb or cue of its own before the value; otherwise `subject` stands."""
        if subject is None or subject.entity is None:
            return subject
        value_start = candidate.value_span[0]
        nearest = next((m for m in reversed(clause.subject_mentions) if m.end <= value_start), None)
        if nearest is None or nearest.payload == subject.entity or nearest.payload.kind != subject.entity.kind:
            return subject
        gap = clause.text[nearest.end:value_start]
        if len(gap) > 30 or VERB_RE.search(gap) or any(cue.search(gap) for cue in CUES.values()) or \
                not re.search(r"(?:[,;]|\band)\s*(?:the\s+)?$", clause.text[:nearest.start]) or "(" in gap:
            return subject
        return Subject(nearest.text, nearest.payload)

    def _topic(self, clause: _Clause, context: _Context) -> Subject | None:
        """Whom a clause without a subject of its own is about. "It"/"its" is the running topic; with no
        pronoun ("The capital is Ankara.") an unknown running topic gives way to the question's subject."""
        topic = context.topic
        if (topic is None or topic.entity is None) and \
                not re.search(r"\b(?:it|its|it's|they|their|there)\b", clause.text, re.IGNORECASE):
            # "Havana is its capital. The official language is ...": the country, not the city
            if context.question_subject is not None:
                return context.question_subject
            if context.recent:
                return Subject(context.recent[-1].name, context.recent[-1])
        return topic

    def _emit(self, clause: _Clause, candidate: _Candidate, subject: Subject | None, context: _Context) -> None:
        context.remember(subject)
        context.last_relation = candidate.relation
        context.claims.append(Claim(
            text=clause.text.strip(), relation=candidate.relation, subject=subject, value=candidate.value,
            quantity=candidate.quantity, partial=clause.currency_hedged if candidate.relation == "currency" else clause.hedged,
            negated=clause.denies(candidate.value_span),
            strict_value=candidate.strict_value, seat_only=candidate.seat_only))

    # --- subject slots -------------------------------------------------------------------------------
    def _slot_after(self, clause: _Clause, position: int, context: _Context) -> Subject | None:
        """The subject named right after a cue: "of France", "in the United States", "for gold"."""
        match = _SLOT_PREFIX.match(clause.text[position:])
        if not match:
            return None
        return clause.subject_at(position + match.end(), context)

    def _possessor_before(self, clause: _Clause, position: int, context: _Context) -> Subject | None:
        """The subject owning a cue: "France's capital", "its population", "the country's languages"."""
        before = clause.text[:position]
        match = re.search(r"(?P<owner>[\w.’'\- ]+?)['’]s?\s+(?:[\w-]+\s+){0,3}$", before)
        if match and _RANKED.search(before[match.end("owner"):]) and _RANKED_MEMBER.match(clause.text, position):
            return None  # "Africa's most populous country": Africa holds the subject, it does not own the figure
        if match and re.search(r"['’]s?\s", before[match.end("owner"):]):
            owner_end = match.end("owner")
            mention = next((m for m in clause.subject_mentions if m.end == owner_end), None)
            if mention is not None:
                return Subject(mention.text, mention.payload)
            words = match.group("owner").split()
            if words and ANAPHOR_RE.match(" ".join(words[-2:])) or (words and ANAPHOR_RE.match(words[-1])):
                return context.anaphor(" ".join(words[-2:]))
            chunk = clause.proper_chunk_ending(owner_end)
            if chunk:
                return Subject(chunk, self.kb.resolve(chunk))
        if re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,3}$", before, re.IGNORECASE):
            return context.topic
        # "Pakistan, whose capital is ...": the noun the relative pronoun hangs on
        whose = re.search(r"(?:,\s*|\s+)whose\s+(?:[\w-]+\s+){0,2}$", before, re.IGNORECASE)
        if whose:
            mention = next((m for m in reversed(clause.subject_mentions) if m.end <= whose.start()
                            and re.fullmatch(r"[\s)]*", clause.text[m.end:whose.start()])), None)
            if mention is not None:
                return Subject(mention.text, mention.payload)
        # "the Canadian capital", "the Mexican currency", "Brazil's ..." is above
        demonym = clause.demonym_before(position)
        if demonym is not None:
            return demonym
        return None

    def _cue_subject(self, clause: _Clause, cue: re.Match, context: _Context) -> Subject | None:
        return self._slot_after(clause, cue.end(), context) or self._possessor_before(clause, cue.start(), context)

    # --- relation readers ------------------------------------------------------------------------------
    def _numeric_candidates(self, clause: _Clause, context: _Context) -> list[_Candidate]:
        cues = [(relation, match) for relation in NUMERIC_RELATIONS for match in CUES[relation].finditer(clause.text)]
        candidates = []
        for quantity in clause.quantities:
            if quantity.is_year or quantity.unit in ("%", "years"):
                continue
            nationals = self._nationals_after(clause, quantity)
            if nationals is not None:  # "There are about 40 million Canadians": the people of Canada
                candidates.append(_Candidate("population", quantity.text, (quantity.start, nationals.end), nationals.subject,
                                             quantity))
                continue
            if quantity.unit is not None:  # the unit names the relation: "67 million people", "643,801 km²"
                relation = UNIT_RELATION.get(quantity.unit)
                if relation is None:
                    continue
                # a cue after the number and a comma belongs to another phrase: "34 million people, a third of
                # whom live in the Lima area" is not Lima's population
                relation_cues = sorted((m for r, m in cues if r == relation and not (
                    m.start() >= quantity.end and "," in clause.text[quantity.end:m.start()])),
                    key=lambda m: abs(m.start() - quantity.start))
            else:  # a bare number needs its cue just before it: "population of France is 67 million"
                before = [(quantity.start - m.end(), r, m) for r, m in cues if m.end() <= quantity.start
                          and quantity.start - m.end() <= 60 and not any(m.end() <= q.start < quantity.start
                                                                          for q in clause.quantities)]
                after = _CUE_AFTER_NUMBER.match(clause.text, quantity.end)
                if not before and after:  # "Twelve is the atomic number of magnesium"
                    before = [(0, r, m) for r, m in cues if after.start() <= m.start() < after.end() + 2]
                # "covers 5 million", "people ... 5": too loose without a unit
                before = [item for item in before if re.search(
                    r"populat|home to|area|size|atomic|molar|proton|element|Z|number|position|spot|slot|place|square|box|seat|rank|no\.|"
                    r"headcount|nation|country|land|state", item[2].group(), re.I) or _MASS_OF.match(item[2].group())
                    and _ARTICLE_BEFORE.search(clause.text, 0, item[2].start()) and _OF_AFTER.match(clause.text, item[2].end())]
                if not before:
                    owner = self._elided_population_owner(clause, quantity, candidates, context)
                    if owner is not None:  # "A has 68 million people and B about 56 million"
                        candidates.append(_Candidate("population", quantity.text, (quantity.start, quantity.end), owner,
                                                     quantity))
                    continue
                _, relation, cue = min(before, key=lambda item: item[0])
                relation_cues = [cue]
            # Words that make a count of people something else, looked for in the quantity's own phrase (between
            # commas), so "Egypt, home to 110 million people, uses the pound" stays a population.
            phrase_start = clause.text.rfind(",", 0, quantity.start) + 1
            phrase_end = clause.text.find(",", quantity.end)
            phrase = clause.text[phrase_start:phrase_end if phrase_end != -1 else len(clause.text)]
            if relation == "population" and (quantity.value < 100 and quantity.unit is None or NOT_POPULATION_RE.search(
                    phrase) and not re.search(r"populat", phrase, re.I)):
                continue
            if re.match(r"\s*(?:per|/|a|each)\s*(?:square|sq|km|mi|year|day|capita|person)", clause.text[quantity.end:], re.I):
                continue  # "1,100 people per square kilometre" is a density
            subject = next((found for found in (self._cue_subject(clause, cue, context) for cue in relation_cues)
                            if found is not None), None)
            if relation == "population" and subject is None:
                subject = self._slot_after(clause, quantity.end, context)  # "67 million people in France"
            candidates.append(_Candidate(relation, quantity.text, (quantity.start, quantity.end), subject, quantity))
        return candidates

    def _elided_population_owner(self, clause: _Clause, quantity: Quantity, found: list[_Candidate],
                                 context: _Context) -> Subject | None:
        """The country owning a bare "about 56 million" whose noun is elided because the same sentence has just
        counted people: "Tanzania has about 68 million people and Kenya about 56 million", "Japan has about 123
        million people, while the Philippines has roughly 115 million". The country must stand right before the
        number (a verb of having between them at most); None otherwise."""
        if quantity.value < 1e5 or not (any(c.relation == "population" for c in found) or any(
                c.relation == "population" for c in context.claims[context.sentence_start:])):
            return None
        owner = next((m for m in clause.subject_mentions if m.payload.kind == "country" and re.fullmatch(
            r"\s+(?:(?:has|had|have|with|counts|numbers)\s+)?", clause.text[m.end:quantity.start])), None)
        if owner is None or NOT_POPULATION_RE.search(clause.text[quantity.end:]):
            return None
        return Subject(owner.text, owner.payload)

    def _nationals_after(self, clause: _Clause, quantity: Quantity) -> _Nationals | None:
        """"about 40 million Canadians" in a clause that counts them ("there are", "home to", "has", "population"):
        the country whose demonym, in the plural, follows a bare number of at least 10,000."""
        if quantity.unit is not None or quantity.value < 1e4:
            return None
        word = re.match(r"\s+([A-Z][\w'’-]+s)\b", clause.text[quantity.end:])
        if word is None or not _COUNTS_PEOPLE.search(clause.text[:quantity.start]) or \
                NOT_POPULATION_RE.search(clause.text[quantity.end:]):
            return None
        entity = self.demonyms.phrases.get(singular(normalize_name(word.group(1))))
        if entity is None:
            return None
        return _Nationals(Subject(entity.name, entity), quantity.end + word.end())

    def _capital_candidates(self, clause: _Clause, context: _Context) -> list[_Candidate]:
        candidates = []
        # "The government sits in Abidjan" is true of Côte d'Ivoire, whose capital is Yamoussoukro
        seat_only = re.search(r"\bcapital", clause.text, re.IGNORECASE) is None
        for cue in CUES["capital"].finditer(clause.text):
            subject = (self._possessor_before(clause, cue.start(), context) if _placed_capital(clause.text, cue) is not None
                       else self._cue_subject(clause, cue, context))
            if cue.group("government_of"):  # "the government of Turkey sits in ...": the owner is inside the cue
                subject = self._slot_after(clause, cue.start("government_of"), context) or subject
            value = self._capital_after(clause, cue) or self._capital_before(clause, cue)
            if value:
                candidates.append(_Candidate("capital", value[2], value[:2], subject, seat_only=seat_only))
        return candidates

    def _capital_after(self, clause: _Clause, cue: re.Match) -> tuple[int, int, str] | None:
        """"capital (of X) is Y", "capital, Y,", "capital city Y"."""
        rest = clause.text[cue.end():]
        placed = _placed_capital(clause.text, cue)
        if placed is not None:  # "has its capital in Munich", "with its capital at Ulaanbaatar": the place is the capital
            return clause.value_name_at(placed, "capital")
        slot = _SLOT_PREFIX.match(rest)
        position = cue.end()
        if slot:
            subject_end = clause.subject_end_at(cue.end() + slot.end())
            if subject_end is None:
                return None
            position = subject_end
        link = re.match(rf"(?:\s*,\s+(?:after|following|despite|since|for|like|unlike)\s+[^,]{{1,50}},|"
                        rf"\s*[—–-]\s*and\s+(?:its|the|their)\s+capital\s*[—–-])?\s*,?\s*(?:{_COPULA})\s+(?:not\s+|no\s+longer\s+)?(?:(?:actually|officially|also|called|named|the city of|in fact|now|still|today|currently|once again)\s+)*"
                        r"|\s*,\s*|\s+(?=[A-Z])|\s*\(", clause.text[position:])
        if not link and not slot:
            # "the capital's Montevideo": a contracted "is", kept only for a name the KB knows as a capital
            # ("the capital's Old Town" is a possessive)
            contracted = re.match(r"['’]s\s+", clause.text[position:])
            value = clause.value_name_at(position + contracted.end(), "capital") if contracted else None
            known = value and self.values["capital"].phrases.get(normalize_value(value[2]))
            return value if known and re.match(r"\s*(?:[.,;!)]|$)", clause.text[value[1]:]) else None
        if not link:
            return None
        value = clause.value_name_at(position + link.end(), "capital")
        if value and link.group().strip() == "," and (re.search(r"\s(?:of|and)\s", value[2]) or
                                                     re.match(r"\s+(?:of|for|in)\s", clause.text[value[1]:])):
            return None  # "capital of Canada, Sydney of Australia and ...": a list, read by _pair_candidates
        return value

    def _capital_before(self, clause: _Clause, cue: re.Match) -> tuple[int, int, str] | None:
        """"Y is the capital", "Y serves as the country's capital", "Y as its capital"."""
        before = clause.text[:cue.start()]
        link = re.search(r"(?:\s*,)?\s+(?:is|was|remains|has been|serves as|became|acts as|functions as|as)\s+"
                         r"(?:also\s+|both\s+|now\s+|still\s+)?(?:the|its|their|a|an|[\w'’.\- ]+['’]s)?\s*"
                         r"(?:(?:national|official|political|administrative|largest|main|de facto|constitutional|"
                         r"legislative|judicial|executive|federal|current|and|city|seat|[a-z]+|[A-Z][a-z]+)\s+){0,3}$", before)
        if not link:  # appositive: "Tunis, the capital of Tunisia, ..."
            link = re.search(r"\s*,\s+(?:the|its|[\w'’.\- ]+['’]s)\s+(?:[a-z]+\s+){0,2}$", before)
        if not link:  # "Ankara, the Turkish capital, ...": the adjective must be a country's (not "the Olympic capital")
            link = re.search(r"\s*,\s+the\s+(?P<adjective>[A-Z][\w-]+)\s+(?:[a-z]+\s+)?$", before)
            if link and self.demonyms.phrases.get(normalize_name(link.group("adjective"))) is None:
                link = None
        if not link:
            return None
        return clause.value_name_ending(link.start(), "capital")

    def _set_candidates(self, clause: _Clause, context: _Context, relation: str) -> list[_Candidate]:
        cues = list(CUES[relation].finditer(clause.text))
        if not cues:
            return []
        strong_cue = relation != "currency" or any(re.search(r"currenc|legal|monetary|tender|money|cash|bank|coin|"
                                                            r"prices?\b|circulat", c.group(), re.I)
                                                   for c in cues)
        candidates = []
        for mention in self.values[relation].find(clause.tokens, clause.text):
            if relation == "currency" and normalize_value(mention.text) in self.risky_currency_words and not (
                    strong_cue or mention.text[0].isupper() and re.search(r"\bthe\s+$", clause.text[:mention.start])
                    or _PAID_WITH.search(clause.text[:mention.start])):
                continue
            if relation == "currency" and _COMPARED_CURRENCY.search(clause.text[:mention.start]):
                continue
            if relation == "currency" and (mention.text.islower() or mention.text.istitle()) and \
                    normalize_name(mention.text) in self.currency_codes:
                continue
            if relation == "language" and _used_as_adjective(clause.text, mention.end):
                continue
            if relation == "language" and any(_overlaps((m.start, m.end), (mention.start, mention.end))
                                              for m in clause.subject_mentions) and \
                    not re.match(r"\s*(?:[.,;!?]|$|(?:and|or|is|are|was|were|has)\b)", clause.text[mention.end:]):
                continue  # "the Swiss people" is not a language; "... is Thai." is
            subject = None  # nearest cue first: "languages of X", "spoken in X", "X's currency"
            owner = re.search(r"['’]s?\s+$", clause.text[:mention.start]) if relation == "currency" else None
            if owner:  # "Morocco's riyal - the national currency - is ...": the owner names the value directly
                subject = next((Subject(m.text, m.payload) for m in clause.subject_mentions if m.end == owner.start()), None)
            for cue in ([] if subject else sorted(cues, key=lambda c: abs(c.start() - mention.start))):
                slot = _SLOT_PREFIX.match(clause.text[cue.end():])
                at = cue.end() + slot.end() if slot else -1
                if slot and (mention.start <= at < mention.end or 0 < mention.start - at <= 30 and normalize_name(
                        clause.text[at:mention.start]) in self.demonyms.phrases):
                    # "Kenyans pay in Kenyan shillings": the cue's slot is the value itself, not its owner
                    subject = self._possessor_before(clause, cue.start(), context)
                else:
                    subject = self._cue_subject(clause, cue, context)
                if subject is not None:
                    break
            subject = subject or self._slot_after(clause, mention.end, context)  # "the euro is used in France"
            candidates.append(_Candidate(relation, mention.text, (mention.start, mention.end), subject))
        return candidates

    def _pair_candidates(self, clause: _Clause, found: list[_Candidate]) -> list[_Candidate]:
        """Lists that name the relation once: "The capitals are: Peru - Lima, Chile - Santiago", "Ottawa is the
        capital of Canada, Canberra of Australia and Wellington of New Zealand"."""
        candidates: list[_Candidate] = []
        taken = [c.value_span for c in found if c.subject is not None]
        subjectless = [c for c in found if c.subject is None]
        for relation in ("capital", "currency", "language"):
            cue = CUES[relation].search(clause.text)
            if cue is None:
                continue
            for mention in clause.subject_mentions:
                if mention.start < cue.start() or any(_overlaps(span, (mention.start, mention.end)) for span in taken):
                    continue
                value = None
                link = re.match(r"\s*(?:[-–—:=]|uses|speaks)\s*(?:the\s+)?", clause.text[mention.end:])
                if link:  # "Peru - Lima", "Japan: yen"
                    value = clause.value_name_at(mention.end + link.end(), relation)
                    if value and relation != "capital" and not self.values[relation].phrases.get(normalize_value(value[2])) \
                            and not self.kb.canonical_values(relation, value[2]):
                        value = None
                gap = re.search(r"(?:,|;|\band)\s+(?:the\s+)?(?P<value>[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3})\s+"
                                r"(?:of|for|in)\s+(?:the\s+)?$", clause.text[:mention.start])
                if value is None and gap and relation == "capital":  # "..., Canberra of Australia"
                    value = (gap.start("value"), gap.end("value"), gap.group("value"))
                if value is None or any(_overlaps(span, value[:2]) for span in taken):
                    continue
                taken.append(value[:2])
                read = next((c for c in subjectless if c.relation == relation and _overlaps(c.value_span, value[:2])), None)
                if read is not None:  # already read without its subject ("Japan - yen")
                    read.subject = Subject(mention.text, mention.payload)
                    continue
                candidates.append(_Candidate(relation, value[2], value[:2], Subject(mention.text, mention.payload)))
                taken.append(value[:2])
        return candidates

    def _region_candidates(self, clause: _Clause, context: _Context) -> list[_Candidate]:
        candidates = []
        verb = VERB_RE.search(clause.text)
        for mention in self.values["region"].find(clause.tokens, clause.text):
            before = clause.text[:mention.start]
            located = re.search(
                rf"(?:(?P<verb>\b(?:is|are|lies|sits|located|situated|found|lying|positioned|belongs to)|(?<=\bit)['’]s)\b"
                rf"(?:\s+(?:entirely|mostly|mainly|partly|partially|primarily|largely|also|both|wholly|geographically))?"
                rf"(?:\s+(?:in|within|on|to)|(?<!is)(?<!are)[^.;:!?]{{0,40}}?,\s+(?:in|within))"
                rf"|\bpart of|(?P<belongs>\bbelongs? to)|\bcontinent of|\b{_PLACE_NOUN}\s+(?:in|of|within)"
                rf"|\boff(?=\s+(?:the\s+)?(?:[a-z-]+\s+)?coast))\s+(?:the\s+)?"  # "off the coast of Africa"
                rf"(?:(?:[a-z-]+\s+){{0,2}}(?:coast|part|edge|tip|side|corner|heart|cent(?:re|er)|region|continent|"
                rf"north\w*|south\w*|east\w*|west\w*)\s+of\s+(?:the\s+)?)?$",
                before, re.IGNORECASE)
            if _PLACED_APPOSITIVE.match(before) and re.match(r"\s*,", clause.text[mention.end:]):
                # "Ethiopia, in East Africa, has ...": an appositive places the subject before its verb
                candidates.append(_Candidate("region", mention.text, (mention.start, mention.end)))
                continue
            if not located:
                compass = re.search(r"\b(?:in|within)\s+(?:the\s+)?(?:central|north(?:ern)?|south(?:ern)?|east(?:ern)?|"
                                    r"west(?:ern)?|north-?(?:east|west)(?:ern)?|south-?(?:east|west)(?:ern)?)\s+$",
                                    before, re.IGNORECASE)
                located = compass and re.search(r"\b(?P<verb>is|are|lies|sits|located|situated|found)\b"
                                                r"(?:\s+[a-z]+)?\s*$", before[:compass.start()], re.IGNORECASE)
                if not located:
                    continue  # "in Central Europe" -> Europe, when "Central Europe" is no region value
            if re.search(r"\b(?:than|any|every|all|other|unlike|like|compared|bigger|larger|smaller|more|less)\b",
                         before[located.start():] if located.group("verb") else before, re.IGNORECASE):
                continue  # "Australia is bigger than any country in Europe"
            appositive = re.match(r"[^,]+,\s+(?:a|an|the)\s+[^,]*$", before)
            if not (located.group("verb") or located.groupdict().get("belongs")) and not appositive and (
                    verb is None or not re.match(r"is|are|lies|sits|was", verb.group(), re.I)):
                continue  # "Russia has more land than any country in Europe"
            candidates.append(_Candidate("region", mention.text, (mention.start, mention.end),
                                         strict_value=True))
        for mention in self.region_adjectives.find(clause.tokens, clause.text):
            after = clause.text[mention.end:]
            if (re.match(rf"\s+{_PLACE_NOUN}\b", after, re.IGNORECASE) and verb and re.match(r"is|are|was", verb.group(), re.I)
                    or re.match(rf"\s+{_PLACE_NOUN}\s*,", after, re.IGNORECASE)  # "Kazakhstan, a Central Asian country, has"
                    and re.match(r"[^,]+,\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}$", clause.text[:mention.start])
                    or re.match(r"\s+(?:continent|mainland|landmass)\b", after, re.IGNORECASE)
                    and re.search(r"\b(?:is|are|lies|sits|located|situated)\s+(?:\w+\s+)?(?:on|in)\s+the\s+$",
                                  clause.text[:mention.start], re.IGNORECASE)):
                candidates.append(_Candidate("region", mention.payload, (mention.start, mention.end)))
        return candidates

    def _symbol_candidates(self, clause: _Clause, context: _Context) -> list[_Candidate]:
        candidates = []
        for cue in CUES["symbol"].finditer(clause.text):
            subject = self._cue_subject(clause, cue, context)
            after = clause.text[cue.end():]
            slot = _SLOT_PREFIX.match(after)
            position = cue.end()
            if slot:
                position = clause.subject_end_at(cue.end() + slot.end()) or position
            elif re.match(r"\s+\w+\s+as\b", after):  # "abbreviate sodium as 'Na'": the element is the object
                at = cue.end() + len(after) - len(after.lstrip())
                named = clause.subject_at(at, context)
                if named is not None and named.entity is not None and named.entity.kind == "element":
                    subject, position = named, clause.subject_end_at(at) or position
            # "abbreviate sodium as 'Na'": the value may follow "as" and sit in quotes
            match = re.match(rf"\s*,?\s*(?:(?:{_COPULA}|as)\s+(?:not\s+)?)?(?:the\s+letters?\s+)?[\"“‘'(]?([A-Z][a-z]?)\b(?!\w|['’]\w)",
                             clause.text[position:])
            if match:
                start = position + match.start(1)
                candidates.append(_Candidate("symbol", match.group(1), (start, start + len(match.group(1))), subject))
                continue
            before = re.search(r"\b([A-Z][a-z]?)[\"”')]?\s+(?:is|was|serves as)\s+(?:the|its|[\w\- ]+['’]s)\s+"
                               r"(?:(?:chemical|atomic|element|official)\s+)?$", clause.text[:cue.start()])
            if before and before.group(1) in self.symbols:
                candidates.append(_Candidate("symbol", before.group(1), before.span(1), subject))
        # "gold (Au)", "sodium (symbol Na)"
        for mention in clause.subject_mentions:
            if mention.payload.kind != "element":
                continue
            match = re.match(r"\s*\((?:symbol:?\s*|chemical symbol:?\s*)?([A-Z][a-z]?)\s*[,;)]", clause.text[mention.end:]) or \
                _DASHED_SYMBOL.match(clause.text, mention.end)
            if match and match.re is _DASHED_SYMBOL and match.group(1) not in self.symbols:
                match = None
            if match and not any(c.value_span[0] == mention.end + match.start(1) for c in candidates):
                start = mention.end + match.start(1)
                candidates.append(_Candidate("symbol", match.group(1), (start, start + len(match.group(1))),
                                             Subject(mention.text, mention.payload)))
                # "lithium (Li, 3)": a whole number after the symbol in the same brackets is the atomic number
                number = re.match(r"\s*(\d{1,3})\s*\)", clause.text[mention.end + match.end():])
                if number:
                    at = mention.end + match.end() + number.start(1)
                    quantity = next((q for q in clause.quantities if q.start == at), None)
                    if quantity is not None and quantity.unit is None:
                        candidates.append(_Candidate("atomic_number", quantity.text, (quantity.start, quantity.end),
                                                     Subject(mention.text, mention.payload), quantity))
            # "W is tungsten", "The symbol K stands for potassium": a symbol opening the clause names the element ending it
            named = _SYMBOL_NAMES.match(clause.text[:mention.start])
            if named and named.group(1) in self.symbols and re.fullmatch(r"\s*[.!]?\s*", clause.text[mention.end:]) \
                    and not any(c.relation == "symbol" for c in candidates):
                candidates.append(_Candidate("symbol", named.group(1), named.span(1), Subject(mention.text, mention.payload)))
                continue
            # "Iron is Fe": an element, a copula, and a symbol ending the clause or its list item ("Sodium is Na,
            # potassium is P": each element its own symbol)
            plain = re.match(r"\s+(?:is|=)\s+([A-Z][a-z]?)\s*(?:[.,;!)]|$)", clause.text[mention.end:])
            if plain and plain.group(1) in self.symbols and not any(
                    c.relation == "symbol" and c.subject is not None and c.subject.entity == mention.payload for c in candidates):
                start = mention.end + plain.start(1)
                candidates.append(_Candidate("symbol", plain.group(1), (start, start + len(plain.group(1))),
                                             Subject(mention.text, mention.payload)))
        return candidates


# ---------------------------------------------------------------------------------------------------
# One clause, with what every reader needs precomputed
# ---------------------------------------------------------------------------------------------------
# An anaphor in a subject slot; "the" may have been read by the slot's prefix ("live in the country").
_SLOT_ANAPHOR = re.compile(r"(?:it|(?:this|the) (?:country|nation|element|metal)|(?<=the )(?:country|nation|element|metal)|"
                           r"there)\b", re.IGNORECASE)
_REGION_QUESTION = re.compile(r"\b(?:which|what)\s+(?:continent|region|part of the world)\b|\bwhere(?:['’]s|\s+is|\s+are)\b",
                              re.IGNORECASE)
# A yes/no question: "Is the capital of Australia Sydney?", "Does India use the taka?".
_POLAR_QUESTION = re.compile(r"^\s*(?:(?:so|and|but|ok(?:ay)?|hey|quick question)[,:\s]+)*(?P<aux>is|are|was|does|do|did|has|have)"
                             r"\s+(?P<rest>[^?]+?)\s*\?\s*$", re.IGNORECASE)
_POLAR_SKIP = re.compile(r"n['’]t\b|\bnot\b|\bor\b|\b(?:still|ever|once|until|used to|formerly)\b", re.IGNORECASE)
_YES = re.compile(r"\s*(?:yes|yep|yeah|yup|correct|that['’]s (?:right|correct)|indeed|exactly|absolutely|right)\b"
                  r"(?![\s,]*(?:and no|but not|and not|sort of|kind of|partly|partially|in a way))", re.IGNORECASE)
_NO = re.compile(r"\s*(?:no|nope|nah|incorrect|wrong|false)\b(?![\s,]*(?:problem|worries|doubt|wonder|prob|way to know))"
                 r"(?![^.!?]*\b(?:but|although|though)\b[^.!?]*\b(?:partly|partially|also|too|in part)\b)", re.IGNORECASE)
_HEARSAY = re.compile(r"\b(?:think|thinks|thought|believe[sd]?|assume[sd]?|say|says|said|claim(?:s|ed)?|rumou?red|"
                      r"supposedly|mistaken(?:ly)?|wrongly|myth|misconception)\b", re.IGNORECASE)
# "Which country uses the yen?", "What element has the symbol Fe?": the answer names the subject.
_INVERSE_QUESTION = re.compile(r"^\s*(?:which|what)\s+(?P<kind>country|nation|state|element|chemical element|metal|gas)(?P<owner>['’]s)?\s+"
                               r"(?P<rest>(?!is\b|are\b)[^?]+?)\s*\?\s*$", re.IGNORECASE)
# ", which uses ...", ", whose capital is ...", ", a country that ...", ", where people ..."
_RELATIVE_HINT = re.compile(r"\b(?:which|whose|where|that|who)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\s*,\s*(?:(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?)?(?P<pronoun>in which|whose|which|that|who|where)\s+",
                       re.IGNORECASE)
_REGION_CUE = re.compile(r"\b(?:continent|region|located|lies|situated)\b", re.IGNORECASE)
_SHARED_RELATIONS = ("currency", "language", "region")  # not numbers: "A and B have 3 million people" is a sum


class _Clause:
    def __init__(self, text: str, extractor: ClaimExtractor, bare_answer: bool = False):
        self.text = text
        self.extractor = extractor
        self.tokens = tokenize(text)
        self.subject_mentions = [m for m in extractor.subjects.find(self.tokens, text) if self._stands_alone(m)]
        if _ELEMENT_CUE.search(text):
            self.subject_mentions = sorted(self.subject_mentions + self._short_elements(), key=lambda m: m.start)
        # A number written as a bare word counts right after a numeric cue ("atomic number twelve", "element
        # number six") or, in a bare answer, as the whole answer ("It's eight."); elsewhere "one of the ..."
        # and "four bonds" are no claims.
        self.quantities = [q for q in find_quantities(text, words_alone=True) if not _glued_to_word(text, q) and (
            not q.spelled or _SPELLED_AFTER_CUE.search(text[:q.start]) or _CUE_AFTER_NUMBER.match(text, q.end) or
            bare_answer and re.fullmatch(r"[\s.!,]*", text[q.end:]))]
        self.hedged = HEDGE_RE.search(text) is not None
        self.currency_hedged = self.hedged and (CURRENCY_HEDGE_RE.search(text) is not None or
                                                _HEARSAY.search(text) is not None)
        # "The capital of X is Y. It has ..." : "it" is Y (but after "X's capital is Y, ..." it stays X)
        self.starts_with_capital_of = re.match(r"\s*the\s+capital(?:\s+city)?\s+of\b", text, re.I) is not None
        self.subject_span = (0, 0)  # set by grammatical_subject
        self.head_phrase = ""

    def _short_elements(self) -> list[Mention]:
        """Short element names written in lower case that the KB matches only capitalised ("tin": its alias
        "Tin" is case-sensitive like a symbol), read as the element only where the clause names an element
        relation ("The symbol for tin is Ti"; not "a tin of beans")."""
        found = []
        for token in self.tokens:
            if token.text.islower() and len(token.text) == 3:
                entity = self.extractor.lowercase_element(token.text)
                if entity is not None:
                    found.append(Mention(token.start, token.end, token.text, entity))
        return found

    def _stands_alone(self, mention: Mention) -> bool:
        """"Mexico" in "Mexico City" or "New Mexico" names something else."""
        after = self.text[mention.end:]
        before = self.text[:mention.start]
        if re.match(r"\s+[A-Z][a-z]", after) and not re.match(rf"\s+(?:{_VERB}|and|or|In|On)\b", after):
            return False
        previous = re.search(r"([A-Z][\w'’\-]*)\s+$", before)
        if previous and re.fullmatch(r"(?:North|South|East|West|Central|Latin|Northern|Southern|Eastern|Western)(?:ern)?",
                                     previous.group(1)):
            return False  # "South America" at the start of a sentence is no mention of "America"
        return not (previous and previous.group(1) not in ("The", "In", "For", "Of", "And", "With", "About", "Both")
                    and previous.start() > 0)

    def _mention_at(self, position: int) -> Mention | None:
        """The subject mention starting at `position`, or after a "The" there ("The Democratic Republic of
        the Congo has ...": the name is the mention, "The" is not part of it)."""
        article = re.match(r"the\s+", self.text[position:], re.IGNORECASE)
        starts = (position, position + article.end()) if article else (position,)
        return next((m for m in self.subject_mentions if m.start in starts), None)

    def subject_at(self, position: int, context: _Context) -> Subject | None:
        """The subject named at `position`: a KB entity, an unknown proper name, or an anaphor."""
        mention = self._mention_at(position)
        if mention is not None:
            return Subject(mention.text, mention.payload)
        rest = self.text[position:]
        anaphor = _SLOT_ANAPHOR.match(self.text, position)
        if anaphor:
            return context.anaphor(anaphor.group())
        chunk = _PROPER_CHUNK.match(rest)
        if chunk and chunk.group().lower() not in _NOT_A_NAME:
            name = _trim_chunk(chunk.group())
            if name.isupper() and normalize_name(name) in self.extractor.currency_codes:
                return None  # "prices are in PLN": a currency code is a value, never a subject
            return Subject(name, self.extractor.kb.resolve(name)) if name else None
        return None

    def subject_end_at(self, position: int) -> int | None:
        """Where the subject named at `position` ends (to read what follows it), None if none is there."""
        mention = self._mention_at(position)
        if mention is not None:
            return mention.end
        rest = self.text[position:]
        anaphor = re.match(r"(?:it|this country|the country|this nation|the nation|this element|the element)\b", rest, re.I)
        if anaphor:
            return position + anaphor.end()
        chunk = _PROPER_CHUNK.match(rest)
        return position + len(_trim_chunk(chunk.group())) if chunk and _trim_chunk(chunk.group()) else None

    def denies(self, value_span: tuple[int, int]) -> bool:
        """Whether the clause denies this value: "not the euro", "has not adopted the euro", "Sydney is
        not the capital" -- but not the krona in "uses the krona and has not adopted the euro"."""
        start, end = value_span
        if VALUE_NEGATION_RE.search(self.text[:start]):
            return True
        if _NEGATED_BRACKET.search(self.text[:start]):
            return True  # "not the euro (EUR)": the code in brackets names the negated value again
        for negation in NEGATION_RE.finditer(self.text):
            if negation.start() >= end and re.fullmatch(r"[\s,]*(?:is|are|was|were|does|do|did|has|have)?\s*",
                                                        self.text[end:negation.start()], re.I):
                return True  # "Sydney is not ...", "Spanish isn't ..."
            if negation.end() <= start and not _SCOPE_BREAK.search(self.text, negation.end(), start):
                return True  # "... does not use the dollar"; not past a dash: "... no longer the capital - Astana is"
        return False

    def head_fits(self, relation: str) -> bool:
        """Whether the grammatical subject is the owner itself. "Germany's capital Berlin has 3.7 million
        inhabitants" is about the capital, not Germany; "Germany's population is ..." is about Germany."""
        if any(re.fullmatch(r"\s*(?:the\s+)?" + re.escape(m.text) + r"\s*", self.head_phrase, re.IGNORECASE)
               for m in self.subject_mentions):
            return True  # the head is a name: "The Democratic Republic of the Congo has ..." (no "X of Y" noun)
        head = re.match(r"\s*(?:(?:the|its)\s+)?([a-z][a-z ]*?)\s+of\s+|.*?['’]s?\s+([a-z][a-z ]*)", self.head_phrase,
                        re.IGNORECASE)
        if head is None:
            return True
        noun = head.group(1) or head.group(2)
        if re.search(r"\b(?:people|citizens|inhabitants|residents|population|locals|nationals)\s*$", self.head_phrase, re.I):
            return True  # "South Korea's 52 million citizens use the won": the people stand for the country
        if re.match(r"(?:people|citizens|inhabitants|residents|locals|nationals|folks?)\s+(?:in|of|from)\b", noun.strip(), re.I):
            return True  # "People in Peru speak ...": the people stand for the country
        if re.match(r"\s*(?:the\s+)?(?:people|citizens|inhabitants|residents|locals|nationals|folks?|population)\s+"
                    r"(?:in|of|from)\b", self.head_phrase, re.I):
            return True  # "The people of Brazil mostly speak ...": the people stand for the country
        if re.fullmatch(r"(?:(?:an?|one|each|every|a single)\s+)?atoms?|(?:the\s+)?nucleus", noun.strip(), re.I):
            return True  # "An atom of carbon weighs ...": the atom stands for the element
        if re.fullmatch(r"(?:country|nation|state|kingdom|republic|island|element|chemical element)", noun.strip(), re.I):
            return True  # "the country of Japan" is Japan
        return bool(CUES[relation].search(noun)) if relation in CUES else True

    def only_mention(self, candidate: _Candidate) -> Subject | None:
        """The one KB entity the clause names besides the value, if it has that relation:
        "67 million people call France home", "The element with the symbol Fe is iron"."""
        entities = {m.payload: m for m in self.subject_mentions if not _overlaps((m.start, m.end), candidate.value_span)}
        if len(entities) == 1:
            entity, mention = entities.popitem()
            if candidate.relation in self.extractor.kb.relations_of(entity):
                return Subject(mention.text, entity)
        return None

    def coordinated_subjects(self) -> list[Subject]:
        """The KB entities of a subject that is nothing but a coordination: "Both Norway and Denmark",
        "Norway, Sweden and Finland (all)"; [] for any other subject."""
        start, end = self.subject_span
        head_end = VERB_RE.search(self.text)
        if head_end is None:
            return []
        head = self.text[:head_end.start()]
        mentions = [m for m in self.subject_mentions if m.end <= head_end.start()]
        if len(mentions) < 2:
            return []
        rest = head
        for mention in reversed(mentions):
            rest = rest[:mention.start] + "\0" + rest[mention.end:]
        if not re.fullmatch(r"\s*(?:both\s+|neither\s+|the\s+)?\0(?:\s*(?:,|,?\s*(?:and|nor)|&)\s*(?:the\s+)?\0)+\s*(?:all|both|each)?\s*",
                            _LEADING_FILLER.sub("", rest), re.IGNORECASE):
            return []
        return [Subject(m.text, m.payload) for m in mentions]

    def first_subject_mention(self) -> Subject | None:
        return Subject(self.subject_mentions[0].text, self.subject_mentions[0].payload) if self.subject_mentions else None

    def grammatical_subject(self, context: _Context) -> Subject | None:
        """The subject before the clause's first verb: "France has ...", "In Japan, ...", "It is ...".
        Sets `subject_span`, where it stands, so a value inside it ("Paris is the capital") is told apart."""
        self.subject_span = (0, 0)
        topic = re.match(r"\s*(?:in|for|within)\s+(?:the\s+)?(?=\S)", self.text, re.IGNORECASE)
        if topic:
            subject = self.subject_at(topic.end(), context)
            comma = self.text.find(",", topic.end())
            if subject is not None and comma != -1 and not VERB_RE.search(self.text[topic.end():comma]):
                self.subject_span = (topic.end(), comma)
                return subject
        verb = VERB_RE.search(self.text)
        if verb is None:
            return None
        head = self.text[:verb.start()]
        # After a leading phrase ("With a population of 67,000,000, France is ..."): the last comma
        # that is not inside a number.
        commas = [m.end() for m in re.finditer(r",(?!\d)", head)]
        start = commas[-1] if commas and not re.search(r"\bD\.C\.,?\s*$", head) else 0
        filler = _LEADING_FILLER.match(head[start:])
        start += len(filler.group()) if filler else 0
        phrase = head[start:].strip()
        end = verb.start()
        if not phrase and commas:  # "China, the world's most populous country, has ...": before the first comma
            start, end = 0, commas[0] - 1
            filler = _LEADING_FILLER.match(head[:end])
            start += len(filler.group()) if filler else 0
            phrase = head[start:end].strip()
        self.subject_span = (start, end)
        self.head_phrase = phrase
        if not phrase:
            return None
        if ANAPHOR_RE.match(phrase) or re.match(r"(?:its|their|(?:the|this) (?:country|nation|element)['’]s)\b",
                                                phrase, re.I):
            return context.anaphor(phrase)
        mentions = [m for m in self.subject_mentions if start <= m.start < end]
        people = re.fullmatch(r"(?:(?i:the)\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}", phrase) and self.extractor.peoples.get(normalize_name(phrase))
        if not mentions and people:  # "Danes pay ...", "The Swiss use ...": the people stand for the country
            return Subject(phrase, people)
        if mentions:  # "France", "France's capital", "The Republic of Korea"
            self.subject_span = (mentions[0].start, mentions[0].end)
            return Subject(mentions[0].text, mentions[0].payload)
        chunk = self.proper_chunk_in(start, end)
        if chunk and chunk[2].lower() not in _NOT_A_NAME:
            self.subject_span = chunk[:2]
            cue_after = any(cue.match(self.text, chunk[1] + 1) for cue in CUES.values()) if chunk[1] < end else False
            demonym = self.demonym_before(chunk[1] + 1) if cue_after else None
            if demonym is not None:  # "The Canadian capital is Ottawa": about Canada
                return demonym
            return Subject(chunk[2], self.extractor.kb.resolve(chunk[2]))
        return None  # "The population is ...": the running topic supplies the subject

    def demonym_before(self, position: int) -> Subject | None:
        """"the Canadian capital": a country's adjective at most two words before a relation noun."""
        for mention in self.extractor.demonyms.find(self.tokens, self.text):
            gap = self.text[mention.end:position]
            if mention.end <= position and re.fullmatch(r"\s+(?:[a-z-]+\s+){0,2}", gap) and not VERB_RE.search(gap) \
                    and (mention.start == 0 or re.search(r"\b(?:the|a|an)\s+$", self.text[:mention.start], re.I)):
                return Subject(mention.text, mention.payload)
        return None

    def proper_chunk_in(self, start: int, end: int) -> tuple[int, int, str] | None:
        for match in _PROPER_CHUNK.finditer(self.text, start, end):
            name = _trim_chunk(match.group())
            if name and name.lower() not in _NOT_A_NAME and not (match.start() == 0 and name in ("The", "A", "An")):
                if match.start() == 0 and name.split()[0] in ("The", "A", "An", "Its", "It", "In", "This"):
                    name = " ".join(name.split()[1:])
                    if not name:
                        continue
                    return match.end() - len(name), match.end(), name
                return match.start(), match.start() + len(name), name
        return None

    def proper_chunk_ending(self, end: int) -> str | None:
        # "Rio de Janeiro", "Dar es Salaam": lower-case particles inside a name, as in _PROPER_CHUNK
        match = re.search(r"((?:[A-Z][\w’'.\-]*\s+(?:(?:de|del|da|do|dos|das|du|es|el|la)\s+(?=[A-Z]))?)*"
                          r"[A-Z][\w’'.\-]*)$", self.text[:end])
        return _trim_chunk(match.group(1)) if match else None

    def value_name_at(self, position: int, relation: str) -> tuple[int, int, str] | None:
        """A name starting at `position`: one the KB knows for `relation`, else a capitalised phrase."""
        gazetteer = self.extractor.values.get(relation)
        known = gazetteer.find(self.tokens, self.text) if gazetteer is not None else []
        for mention in known:
            if mention.start == position or (mention.start > position and
                                             re.fullmatch(r"\s*(?:the\s+)?", self.text[position:mention.start], re.I)):
                return mention.start, mention.end, mention.text
        city_of = re.match(r"(?i:the\s+)?(?P<city>[Cc]ity)\s+of\s+", self.text[position:])
        if city_of and city_of.group("city")[0] == "C" and all(m.start != position + city_of.end() for m in known):
            return None  # "The City of Light": an epithet, where "the city of Lyon" names a place
        chunk = _PROPER_CHUNK.match(self.text, position + (city_of.end() if city_of else 0))
        if chunk:
            name = _trim_chunk(chunk.group())
            if name and name.lower() not in _NOT_A_NAME and (name.split()[0] not in ("The", "A", "An", "It", "Its") or
                                                             self._city_named_the(name)):
                return chunk.start(), chunk.start() + len(name), name
        return None

    def _city_named_the(self, name: str) -> bool:
        """"The Hague", "The Valley": a place whose name begins with "The" (not a country the KB knows, such
        as "The Netherlands" or "The Gambia", which is a subject rather than a value)."""
        words = name.split()
        return words[0] == "The" and len(words) > 1 and words[1][:1].isupper() and self.extractor.kb.resolve(name) is None

    def value_name_ending(self, end: int, relation: str) -> tuple[int, int, str] | None:
        gazetteer = self.extractor.values.get(relation)
        if gazetteer is not None:
            for mention in gazetteer.find(self.tokens, self.text):
                if re.fullmatch(r"[\s,]*", self.text[mention.end:end]):
                    return mention.start, mention.end, mention.text
        appositive = re.search(r"\s*,\s+(?:the|an?|(?:(?:also|often|sometimes|commonly|widely|popularly)\s+)?"
                               r"(?:known\s+as|called|nicknamed|dubbed|referred\s+to\s+as))\s+[^,]+,?\s*$", self.text[:end])
        if appositive:  # "Rome, the Eternal City, is ...", "Paris, known as the City of Light, is ...": the name comes first
            end = appositive.start()
        name = self.proper_chunk_ending(end)
        if name and re.search(r"\bthe\s+$", self.text[:end - len(name)]):
            return None  # "the Eternal City" describes rather than names
        if name and name.lower() not in _NOT_A_NAME:
            words = name.split()
            if words[0] in ("The", "A", "An", "It", "Its", "In", "Yes", "Sure", "No"):
                name = " ".join(words[1:])
            if name:
                return end - len(name), end, name
        return None


# What may stand between a numeric cue and a number written in words: "atomic number twelve", "atomic number
# of carbon is six", "population is about thirty".
_SPELLED_AFTER_CUE = re.compile(
    r"(?:atomic (?:number|mass|weight)|\b(?:a|an|its|the)\s+(?:mass|weight)(?=\s+of\b)|proton number|number of protons|element(?: number| no\.?)?|molar mass|"
    r"populat\w*|home to|headcount|(?:nation|country|land|state) of)(?:\s+of\s+(?:the\s+)?[\w'’.\- ]{1,40}?)?(?:\s*(?:is|was|of|equals|=|:|,|-))?"
    r"(?:\s+(?:about|approximately|around|roughly|exactly|just|only|nearly|some))?\s*$", re.IGNORECASE)


# A plain "mass"/"weight" reads a bare number only as "a mass of 207" ("a critical mass of 52 kg" is no atomic mass).
_MASS_OF = re.compile(r"(?:mass|weight)$", re.IGNORECASE)
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|its|the)\s+$", re.IGNORECASE)
_OF_AFTER = re.compile(r"\s+of\b", re.IGNORECASE)


# ... or right before one: "Twelve is the atomic number of magnesium", "at number eighty on the periodic table".
_RELATION_NOUNS = {"capital": "capital", "currency": "currency", "population": "population", "language": "language",
                   "area": "area", "symbol": "symbol", "atomic_number": "atomic number", "atomic_mass": "atomic mass"}
# Cells of a terse record and what a cell may hold ("number 47", "Z=16", "28.085 u", "symbol Ag").
_RECORD_SPLIT = re.compile(r"\s*[|,;=]\s*|\s+[-–—]\s+|\s*:\s+")
_RECORD_NUMBER = re.compile(r"(?:(?:atomic\s+)?(?:number|no\.?|z|mass|weight)\s*[:=]?\s*)?(?P<value>\d{1,3}(?:\.\d+)?)"
                            r"(?:\s*(?:u|amu|g/mol))?", re.IGNORECASE)
_RECORD_SYMBOL = re.compile(r"(?:(?:chemical\s+)?symbol\s*[:=]?\s*)?([A-Z][a-z]?)")
# Where a bare answer's value ends and an aside begins.
_LEAD_BREAK = re.compile(r"\s+[-–—]\s+|\s*(?:[;:(]|,(?!\d))\s*")
_ELIDED_OWNER = re.compile(r"\s*(?P<owner>[A-Z][\w.'’\- ]*?)['’]s\s+(?:is|are|was|has been)\b")
_CUE_AFTER_NUMBER = re.compile(
    r"\s+(?:on|in) the periodic table|,?\s+(?:is|was)\s+(?:the|its|[\w'’.\- ]{1,30}?['’]s?)\s+"
    r"(?:(?:atomic|proton)\s+number|number of protons|element number|atomic (?:mass|weight)|population)\b",
    re.IGNORECASE)


def _placed_capital(text: str, cue: re.Match) -> int | None:
    """Where the capital's name starts in "has its capital in Munich", "with its capital at X" (the place after
    "in" is the value, not the owner as in "the capital of X"); None for other shapes."""
    placed = re.match(r"\s+(?:(?:is|was)\s+)?(?:in|at)\s+(?=[A-Z])", text[cue.end():])
    if placed and re.search(r"\b(?:has|have|had|with|keeps?|puts?|places?|located|situated|sets?|its|their)\s+"
                            r"(?:(?:its|their|a|the|her|his)\s+)?(?:(?:national|political|official|federal|administrative)\s+)?$",
                            text[:cue.start()], re.IGNORECASE) and cue.group().lower().startswith("capital"):
        return cue.end() + placed.end()
    return None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _trim_chunk(chunk: str) -> str:
    """Drops trailing connectors and sentence punctuation from a capitalised phrase."""
    chunk = re.sub(r"(?:\s+(?:of|de|del|da|do|dos|des|du|el|al|es|la|le|the|and|y|et))+$", "", chunk.strip())
    return chunk.rstrip(".'’-") if not re.search(r"\b[A-Z]\.[A-Z]\.$", chunk) else chunk


def _glued_to_word(text: str, quantity: Quantity) -> bool:
    """"2nd", "1990s", "COVID-19": digits glued to letters are not quantities."""
    after = text[quantity.end:quantity.end + 1]
    before = text[quantity.start - 1:quantity.start] if quantity.start else ""
    return bool(after and (after.isalnum() or after == "-" and quantity.unit is None)) or before == "-"


def _used_as_adjective(text: str, end: int) -> bool:
    """"French people", "Spanish colony": a language name used as an adjective names no language."""
    match = re.match(r"\s+([a-z][a-z\-]+)", text[end:])
    return bool(match) and match.group(1) not in {
        "and", "or", "is", "are", "was", "were", "as", "in", "with", "while", "but", "also", "being", "spoken",
        "which", "language", "languages", "the", "by", "to", "for", "alongside", "along", "plus", "among", "has",
        "have", "remains", "serves", "dominates", "predominates", "at", "on", "among", "together", "nor",
        "widely", "mainly", "mostly", "primarily", "too"}


def _unit_of(relation: str) -> str | None:
    return {"population": "people", "area": "km²", "atomic_mass": "u", "atomic_number": "protons"}.get(relation)


# ---------------------------------------------------------------------------------------------------
# Sentences and clauses
# ---------------------------------------------------------------------------------------------------
_ABBREVIATION_END = re.compile(r"(?:\b(?:[A-Z]\.){1,3}|\b(?:St|Mt|Ft|Dr|Mr|Mrs|Ms|approx|ca|vs|No|e\.g|i\.e|etc|"
                               r"Jr|Sr|Inc|Co|Ltd))$")
_SENTENCE_END = re.compile(r"[.!?]+[\"”')\]]*\s+|\n+|\s+[-*•]\s+(?=[A-Z])")
# "Name - Name" followed by a comma, "and" or the end: a pair in an inline list, not a bullet.
_NAME_WORDS = r"[A-Z][\w'.]*(?:\s+[A-Z][\w'.]*){0,2}"
_DASH_PAIR = re.compile(rf"(?:^|(?<=[,:;]\s)|(?<=\band\s)){_NAME_WORDS}\s+[-–]\s+{_NAME_WORDS}(?=\s*(?:[,;.]|$|\band\b))",
                        re.MULTILINE)
_MARKDOWN = re.compile(r"\*\*|__|`|^#+\s*|^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)


def split_sentences(text: str) -> list[str]:
    text = _MARKDOWN.sub("", text.replace("’", "'").replace("“", '"').replace("”", '"'))
    sentences, start = [], 0
    paired = [m.span() for m in _DASH_PAIR.finditer(text)] if " - " in text or "–" in text else []
    for match in _SENTENCE_END.finditer(text):
        piece = text[start:match.start()]
        if paired and "\n" not in match.group() and any(a <= match.start() < b for a, b in paired):
            continue  # "Peru - Lima, Chile - Santiago", "Silver - Ag, number 47": pairs, not bullets
        if match.group().startswith(".") and _ABBREVIATION_END.search(piece) and "\n" not in match.group():
            continue
        if match.group().startswith(".") and re.search(r"\d$", piece) and re.match(r"\d", text[match.end():]):
            continue
        sentences.append(text[start:match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


_CLAUSE_BREAK = re.compile(r";|,?\s+(?:and|but|while|whereas|although|though|yet)\s+(?=(?:it|its|it's|they|their|"
                           r"the|this|there|people|locals|residents|citizens|visitors|you|one|most)\b|[A-Z]|"
                           r"[a-z][\w-]*\s+(?:is|has|was|weighs|uses|sits|lies)\b)|,?\s+and\s+(?=" + _VERB_LED + r")|,\s+(?=(?:it|its|it's|and its)\b)|\s+[-–—]\s+|\s*[—–]\s*(?=[a-z])|:\s+|"
                           r",\s+(?=[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3}\s+(?:is|are|does|do)\s*[.!]?\s*$)")


def split_clauses(sentence: str) -> list[str]:
    """Cuts a sentence where a new clause with its own verb begins: "..., and its capital is Paris"."""
    pieces, start = [], 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        left, right = sentence[start:match.start()], sentence[match.end():]
        next_break = _CLAUSE_BREAK.search(right)
        right_part = right[:next_break.start()] if next_break else right
        if VERB_RE.search(left) and (VERB_RE.search(right_part) or _CORRECTION.match(right_part)) or \
                match.group().strip() == ";":
            pieces.append(left)
            start = match.end()
    pieces.append(sentence[start:])
    return [p for p in pieces if p.strip()]
