"""Fast, explainable features of a chat request: what the last user turn asks for (code, math,
reasoning, expert domains, long or structured output) and how deep the conversation is.

Every feature is a plain number with a name, so a decision can be explained by listing the
features that pushed it. Extraction is regular expressions over the text: well under a
millisecond per request."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Iterable

from common.messages import Message, content_text, last_user_text


TOKEN = re.compile(r"[a-z0-9']+")
_PLAIN_WORD = re.compile(r"[a-z0-9']+")


TYPO_TOKENS_MAX = 120


class Lexicon:
    """Counts whole-word occurrences of any of its phrases. Plain single words are looked up in a
    set of the text's tokens (fast); phrases and patterns go through one regular expression.

    Single words of 6+ letters also match a token one typo away ("swalowed", "medicaton"), found by
    symmetric deletion (SymSpell's idea): a missing or extra letter from 6 letters, a swapped or
    wrong letter from 8. Shorter words match exactly, because one edit turns many short words into
    others ("price" and "prime")."""

    def __init__(self, phrases: tuple[str, ...]):
        self.words = frozenset(p for p in phrases if _PLAIN_WORD.fullmatch(p))
        patterns = [p for p in phrases if p not in self.words]
        self.pattern = re.compile(r"\b(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE) if patterns else None
        self.one_short = {d for w in self.words if len(w) >= 6 for d in _deletes(w)}  # the word missing a letter
        self.long_words = frozenset(w for w in self.words if len(w) >= 6)
        self.one_wrong = {d for w in self.words if len(w) >= 8 for d in _deletes(w)}  # shared with a wrong/swapped letter

    def count(self, text: str, tokens: list[str]) -> int:
        hits = 0
        # Typos are looked for in short requests only, where one misspelt word decides; it bounds latency.
        fuzzy = bool(self.one_short) and len(tokens) <= TYPO_TOKENS_MAX
        for token in tokens:
            if token in self.words:
                hits += 1
            elif fuzzy and len(token) >= 5 and _typo_match(token, self):
                hits += 1
        if self.pattern is not None:
            hits += len(self.pattern.findall(text))
        return hits


@lru_cache(maxsize=65536)
def _deletes(word: str) -> frozenset[str]:
    return frozenset(word[:i] + word[i + 1 :] for i in range(len(word)))


def _typo_match(token: str, lexicon: "Lexicon") -> bool:
    if token in lexicon.one_short and len(token) >= 5:  # a letter missing from a 6+ letter word
        return True
    if len(token) > 30:
        return False
    deletes = _deletes(token)
    if len(token) >= 7 and not deletes.isdisjoint(lexicon.long_words):  # an extra letter
        return True
    return len(token) >= 8 and not deletes.isdisjoint(lexicon.one_wrong)  # a wrong or swapped letter


def _words(*phrases: str) -> Lexicon:
    return Lexicon(phrases)


# -------------------------------------------------------------- lexicons (kept short and general)

GREETING = _words(
    "hi", "hello", "hey", "yo", "hiya", "howdy", "good (?:morning|afternoon|evening|night)", "thanks?", "thank you",
    "thx", "bye", "goodbye", "see you", "cheers", "hola", "bonjour", "lol", "ok(?:ay)?", "cool", "nice to meet you",
    "how are you", "what's up", "sup",
)
LOOKUP = _words(
    "what is the", "what's the", "who (?:is|was|wrote|invented|painted|discovered|founded|played|composed)",
    "when (?:is|was|did)", "where is", "which (?:country|city|planet|element|ocean|company|month|day)",
    "how many", "how much", "how tall", "how long", "how far", "how big", "capital of", "stand for", "define",
    "definition of", "meaning of", "what does .{1,30} mean", "synonym", "antonym", "opposite of", "symbol for",
    "atomic (?:number|mass)", "population of", "spell", "plural of", "past tense",
)
REWRITE = _words(
    "rewrite", "rephrase", "reword", "paraphrase", "fix (?:the )?(?:spelling|grammar|typos?)", "correct",
    "proofread", "translate", "make (?:this|it) (?:more |less |a bit )?\\w+", "shorten", "simplify this",
    "capitalize", "title case", "lowercase", "uppercase", "passive voice", "past tense", "say .{1,20} in",
)
CODE_REQUEST = _words(
    "(?:cron|crontab|regex|regexp|sql|excel|spreadsheet|bash|shell|awk|sed|jq|css|xpath|git) (?:expression|formula|query|command|selector|one-liner|pattern|job|rule)s?",
    "write (?:a|an|the|some)? ?(?:\\w+ )?(?:function|script|program|class|method|module|query|regex|"
    "regular expression|test|tests|api|server|component|app|cli|dockerfile|makefile|workflow|bash|code)",
    "implement", "refactor", "debug", "fix (?:this|my|the) (?:code|bug|function|query|error)", "code review",
    "port (?:this|it)", "optimi[sz]e (?:this|my)", "unit tests?", "pytest", "compile", "deploy", "endpoint",
    "build (?:a|an|me)", "design (?:a|an) (?:\\w+ )?(?:schema|system|api|database|architecture)",
    "(?:regex|regexp|sql|query|script|code|one-liner|command|snippet) (?:to|for|that)", "\\w+error\\b", "traceback",
    "what does this (?:code|do|function|line)", "not subscriptable", "undefined is not",
)
CODE_WORDS = _words(
    "python", "javascript", "typescript", "java", "golang", "rust", "c\\+\\+", "c#", "kotlin", "swift", "ruby",
    "php", "sql", "postgres(?:ql)?", "mysql", "bash", "shell", "regex", "json", "yaml", "api", "http", "rest",
    "docker", "kubernetes", "terraform", "react", "node(?:\\.js)?", "django", "flask", "fastapi", "pandas",
    "numpy", "git", "linux", "function", "variable", "array", "list", "dict(?:ionary)?", "loop", "recursion",
    "algorithm", "complexity", "thread", "async", "exception", "stack trace", "compiler", "database", "index",
    "query", "backend", "frontend", "microservices?", "cache", "queue", "heap", "trie", "graph", "binary search",
)
CODE_SYNTAX = re.compile(
    r"```|\bdef \w+\(|\bclass \w+[:(]|\breturn\b|\bimport \w+|#include|=>|\bfunction\s*\w*\(|"
    r"\bconst \w+ =|\blet \w+ =|\bvar \w+ =|\bSELECT\b.*\bFROM\b|\bfor \w+ in |\bwhile .*:|\bif .*:\s*$|"
    r"[{};]\s*$|\w+\[\w*\]|\w+\.\w+\(",
    re.MULTILINE,
)
MATH_WORDS = _words(
    "solve", "equation", "integral", "integrate", "derivative", "differentiate", "limit", "prove", "proof",
    "theorem", "lemma", "probability", "expected (?:value|number)", "variance", "matrix", "eigen\\w*", "vector",
    "polynomial", "factor(?:i[sz]e)?", "prime factors", "simplify", "expand", "logarithm", "log", "sqrt",
    "square root", "cube root", "modulo", "mod", "gcd", "lcm", "greatest common", "least common", "recurrence",
    "series", "converge\\w*", "induction", "combinatorics?", "permutations?", "combinations?", "calculate",
    "compute", "evaluate", "remainder", "base \\d+", "derive", "optimi[sz]e", "maximi[sz]e", "minimi[sz]e",
    "prime", "composite", "divisible", "factorial", "odds", "chances? of", "expected", "squared", "cubed",
    "to the power", "exponent", "percent", "percentage",
)
MATH_SYMBOLS = re.compile(r"\*\*|\^|√|∫|∑|π|≤|≥|\\[a-z]+\{?|\b[a-z]\(\w\)|\d\s*[*/]\s*-?\(?\d|\b\d*[a-z]\s*[*+=]\s*\d")
REASONING = _words(
    "why", "explain", "reason(?:ing)?", "step[- ]by[- ]step", "justify", "deduce", "infer", "conclude",
    "therefore", "assume", "suppose", "if .{3,60} then", "puzzle", "riddle", "logic(?:al)?", "paradox",
    "which of the following", "trade-?offs?", "pros and cons", "compare", "contrast", "analy[sz]e", "analysis",
    "evaluate", "assess", "critique", "implications?", "consequences?", "recommend", "strategy", "plan",
    "design", "weigh", "argue", "argument", "hypothes[ie]s", "causes?", "differential", "walk (?:me )?through",
    "in depth", "how does .{1,40} work", "what would happen",
    # date and state tracking, Fermi estimates, syllogisms: short to ask, several steps to answer
    "estimate", "ballpark", "fermi", "how many .{1,40} (?:fit in|are there in|in (?:the world|the us|a year))",
    "days? (?:between|after|before|from)", "what (?:day|date) (?:is|was|will) it", "in \\d[\\d,]* (?:days|weeks|months)",
    "(?:all|some|no) \\w+ are", "does it follow", "taller than", "older than", "swaps?", "who has",
)
MULTI_STEP = _words(
    "first", "then", "next", "after that", "finally", "step \\d", "show (?:the |your |all )?(?:steps|working|work|calculations?)", "and then", "also", "additionally",
    "as well as", "followed by", "for each", "each of",
)
DOMAIN = {
    "legal": _words(
        "legal", "law", "lawsuit", "sue", "contract", "clause", "liability", "liable", "statute", "jurisdiction",
        "plaintiff", "defendant", "tort", "negligence", "court", "attorney", "gdpr", "ccpa", "hipaa", "compliance",
        "regulation", "copyright", "trademark", "patent", "license", "licensing", "nda", "indemn\\w*",
        "enforceable", "litigation", "arbitration", "landlord", "tenant", "employment law", "dismissal",
    ),
    "medical": _words(
        "patient", "diagnos\\w*", "symptoms?", "treatment", "therapy", "dose", "dosage", "mg", "mg/kg",
        "clinical", "disease", "syndrome", "chronic", "acute", "medication", "drug", "prescri\\w*", "contraindicat\\w*",
        "pathophysiology", "mechanisms?", "management", "managed", "complications?", "prognosis", "guidelines", "vaccines?", "antibiotics?", "inhibitors?",
        "cardio\\w*", "renal", "hepatic", "insulin", "diabetes", "cancer", "tumou?r", "blood pressure", "lab results",
    ),
    "finance": _words(
        "portfolio", "valuation", "dcf", "wacc", "ebitda", "revenue", "cash flow", "interest rate", "bonds?",
        "yield", "duration", "convexity", "options?", "derivatives?", "hedg\\w*", "tax(?:es)?", "mortgage",
        "amortization", "roi", "irr", "npv", "equity", "dividend", "401\\(k\\)", "ira", "stocks?", "investment",
        "inflation", "budget", "debt", "loan", "capital gains", "balance sheet", "income statement", "arr",
    ),
    "security": _words(
        "security", "vulnerab\\w*", "exploit", "attack(?:er)?", "threat model", "xss", "csrf", "ssrf",
        "sql injection", "injection", "encrypt\\w*", "tls", "ssl", "oauth", "authentication", "authori[sz]ation",
        "cve", "penetration", "pentest", "malware", "ransomware", "phishing", "firewall", "zero-trust",
        "zero trust", "secrets?", "hash(?:ing)?", "password", "incident response", "compromise",
    ),
    "science": _words(
        "quantum", "thermodynamics?", "entropy", "relativity", "enzyme", "genome", "gene", "crispr", "protein",
        "molecule", "electron", "photosynthesis", "evolution", "ecosystem", "neural", "experiment", "hypothesis",
        "statistical", "regression", "p-value", "significan\\w*", "confidence interval",
    ),
}
LONG_OUTPUT = _words(
    "essay", "report", "article", "blog post", "story", "chapter", "novel", "screenplay", "script", "guide",
    "tutorial", "plan", "proposal", "memo", "documentation", "white ?paper", "curriculum", "lesson plan",
    "itinerary", "detailed", "comprehensive", "thorough", "in[- ]depth", "long", "full", "complete",
    "extensive", "elaborate", "outline", "business plan", "cover letter", "speech", "design document",
)
SHORT_OUTPUT = _words(
    "briefly", "brief", "short", "quick(?:ly)?", "one (?:word|line|sentence)", "in a (?:word|sentence|few words)",
    "yes or no", "true or false", "just the (?:answer|number|name)", "tl;?dr", "in five words", "two sentences?",
    "one-line", "one-sentence", "simple words",  # not "roughly": it asks for an estimate, not a short answer
)
FORMAT = _words(
    "table", "json", "yaml", "csv", "markdown", "bullet(?:s| points?)?", "numbered list", "outline", "headings?",
    "sections?", "diagram", "chart", "schema", "template", "checklist", "timeline", "calendar",
)
CREATIVE = _words(
    "story", "poem", "poetry", "haiku", "limerick", "sonnet", "song", "lyrics", "novel", "screenplay", "scene",
    "character", "plot", "fiction", "fantasy", "joke", "pun", "slogan", "tagline", "caption",
)
# Borderline kinds (issue 14): short requests whose answer is still high-stakes or beyond a small model.
URGENT_RISK = _words(
    "emergency", "urgent(?:ly)?", "right now", "asap", "immediately", "help me", "overdose", "overdosed",
    "poison(?:ed|ing|ous)?", "swallowed", "ingested", "drank", "chest pains?", "can'?t breathe", "short of breath",
    "trouble breathing", "unconscious", "passed out", "fainted", "seizures?", "bleeding", "blood", "allergic reaction",
    "anaphyla\\w*", "swollen", "swelling", "hit my head", "dizzy", "vomit\\w*", "numb", "drooping", "tight", "stroke", "heart attack", "suicid\\w*", "kill myself", "self[- ]harm", "took too many",
    "double dose", "double(?:d)? my", "mix(?:ed|ing)? (?:bleach|ammonia|chemicals)", "bleach", "ammonia",
    "carbon monoxide", "gas leak", "smell (?:gas|smoke)", "electric(?:al)? shock", "electrocuted", "burned", "burnt",
    "fire", "dangerous", "safe to (?:take|mix|drink|eat|give|use|combine|drive)", "is it safe", "toddler", "baby",
    "pregnant", "fever", "concussion", "broken bone", "bitten", "snake ?bite", "sting", "choking", "drowning",
    "swallow(?:ed)?", "ate", "drank", "took", "taken", "mixed", "splashed", "collapsed", "unresponsive", "won'?t wake",
    "not breathing", "isn'?t breathing", "turning blue", "blue lips", "slurring", "confused", "hallucinating", "spiked",
    "can'?t feel", "ending it", "end it all", "(?:don'?t|do not) want to (?:be alive|live)", "hurt(?:ing)? myself",
    "blister\\w*", "sparks?", "smoke", "burning", "leaking", "fell", "fall", "bent", "stung", "puffy", "tick", "rusty",
    "tetanus", "pills?", "medication", "meds", "xanax", "oxycodone", "opioids?", "ibuprofen", "advil", "tylenol",
    "paracetamol", "acetaminophen", "aspirin", "benadryl", "nyquil", "melatonin", "alcohol", "wine", "beers?",
    "battery", "magnet", "coin", "mouthwash", "lamp oil", "grapes", "lily", "xylitol", "chocolate", "honey",
    "stomach pain", "chest", "racing", "killing me", "throwing up", "breastfeed\\w*", "spotting",
    "breathing (?:really |very )?(?:slowly|slow|shallow|weird|funny|strangely|fast)", "won'?t stop", "can'?t stop",
)
# Someone the asker is responsible for, or the asker: with URGENT_RISK, a personal situation rather than a lookup.
PERSON = _words(
    "i", "i'm", "im", "i've", "me", "my", "we", "our", "us", "he", "she", "his", "her", "him", "they", "someone",
    "somebody", "friend", "son", "daughter", "kid", "kids", "child", "baby", "toddler", "infant", "husband", "wife",
    "mom", "mum", "dad", "mother", "father", "grandma", "grandmother", "grandpa", "grandfather", "roommate", "partner",
    "boyfriend", "girlfriend", "teenager", "dog", "cat", "puppy", "kitten", "\\d+ ?(?:yo|y/o|year old|month old)",
)
# Self-harm said without naming anyone ("thinking about ending it"): the speaker is the person at risk.
SELF_HARM = _words(
    "suicid\\w*", "kill myself", "ending it", "end it all", "end my life", "(?:don'?t|do not) want to (?:be alive|live|wake up)",
    "hurt(?:ing)? myself", "self[- ]harm", "no reason to live", "better off dead", "cutting myself",
)
# Fermi estimates: a number nobody looks up, built from several assumptions.
FERMI = _words(
    # not "how many X are there in Y": that is mostly a unit conversion or a lookup
    "estimate", "ballpark", "fermi", "how many .{1,40} (?:(?:would |could |can )?fit (?:in|into)|per (?:day|year)|in (?:the world|the us|a lifetime))",
    "back[- ]of[- ]the[- ]envelope", "order of magnitude",
)
# A request for a decision or advice rather than a fact.
ADVICE_CUE = _words(
    "should", "shall i", "worth (?:it|paying|buying)", "good idea", "smart", "wise", "dumb", "too old", "am i",
    "can i afford", "best (?:thing|move|way|option)", "smartest", "what do i do", "what should", "where do i put",
    "where should", "which \\w+ should", "how much of my", "or (?:traditional|roth|rent|buy|finance|invest|pay|wait|stay)",
    "how worried", "do i need", "can my", "who pays", "is it (?:ok|okay|safe|bad|normal|dangerous)", "can i", "what now",
    # timing a purchase or a sale is a decision too ("is now a good time to buy a house")
    "(?:is )?(?:now|this|it) (?:a )?(?:good|bad|right|smart) (?:time|moment|idea)", "good time to (?:buy|sell|invest|refinance|move)",
    "take the (?:job|offer|deal|package)", "or stay",
)
PERSONAL_DECISION = _words(
    "should i", "should we", "do i need", "is it (?:smart|wise|worth it|a good idea|better) (?:to|for me)",
    "what should i do", "what do i do", "am i", "can i afford", "for me", "my", "i have", "i'?m \\d+",
)
MONEY_DECISION = _words(
    "invest(?:ing|ment)?", "savings", "save", "retire(?:ment)?", "pension", "401\\(?k\\)?", "roth", "ira",
    "stocks?", "shares", "crypto(?:currency)?", "bitcoin", "index funds?", "etfs?", "bonds?", "mortgage",
    "refinanc\\w*", "pay off", "debt", "loan", "credit card", "rent or buy", "buy a house", "sell", "cash out",
    "inheritance", "emergency fund", "lump sum", "annuity", "my money", "budget",
    "gold", "btc", "ethereum", "heloc", "arm", "isa", "windfall", "bonus", "paycheck", "salary", "severance",
    "financial advisor", "rental property", "stock options", "timeshare", "overdraft", "payday loan", "lend",
    "co-sign", "afford", "house", "car", "portfolio", "s&p", "nasdaq", "grand", "\\$?\\d+k", "\\$\\d[\\d,]*",
    "\\d[\\d,]* (?:dollars|bucks|pounds|euros)", "quit my job", "freelance",
)
BRIEF_FOR_AUDIENCE = _words(
    # an audience that needs the short, plain version ("to my grandma", "to a non-programmer")
    "to (?:a |an |my |your |our )?(?:\\w+ )?(?:child|kid|kids|grandma|grandmother|grandpa|granny|nan|nana|mom|mum|dad|"
    "beginner|layperson|layman|newbie|non-\\w+|toddler|first[- ]grader|teenager|preschooler|kindergartn?er)",
    "to a (?:child|kid|five[- ]year[- ]old|\\d+[- ]year[- ]old|toddler|beginner)", "for (?:a )?(?:kids?|children|a child)",
    "like i'?m (?:five|5|a kid|a child)", "eli5", "in a nutshell", "in plain (?:english|words|language)",
    "in simple (?:terms|words)", "in (?:one|a single|1) (?:sentence|line)", "one[- ]liner", "in (?:a )?few words",
    "in (?:two|2|three|3) sentences", "super simply", "very simply", "simply put",
    "\\d+ ?(?:yo|y/o)", "(?:\\d+|one|two|three|four|five|six|seven|eight|nine|ten)[- ]year[- ]old",
    "(?:\\d{1,2}|five|ten|fifteen|twenty) words", "kid terms", "layman'?s terms",
    "dumb it down", "for my (?:son|daughter|kid|grandma|grandmother|grandpa|\\d+(?:st|nd|rd|th) grader)", "grader",
    "kindergartner", "preschooler", "one (?:short |gentle |simple )?sentence", "one line", "in a (?:short |single )?(?:sentence|line)", "one-line explanation",
    "a word or two", "short pls", "keep it short", "super short", "short answer", "tl;?dr",
)
# A small ask about a pasted text: its first word, a name or date in it, its language (the text is long, the work is not).
TRIVIAL_ASK = _words(
    "(?:first|last) (?:word|sentence|line|letter)", "how many (?:words|sentences|lines|paragraphs|letters)",
    "what language", "which (?:day|room|date|time|city)", "who wrote (?:this|it|that)", "capitali[sz]e", "any typo",
    "a typo", "yes or no", "just the subject", "(?:what is|what's) the \\w+'s name", "name of the", "the title",
)
# Calculus, probability, proof: the answer is a derivation, however briefly it is asked for.
HARD_MATH = _words(
    "derivative", "differentiate", "integral", "integrate", "antiderivative", "limit of", "lim", "probability",
    "without replacement", "with replacement", "expected value", "prove", "proof", "eigen\\w*", "solve for",
    "determinant", "inverse of", "taylor", "series", "converge\\w*", "dy/dx", "d/dx", "moles?", "molar",
    "stoichiometr\\w*", "half-life", "compound interest", "standard deviation", "odds of", "chance of",
    "compounded", "compounding", "doubling time", "(?:to|will|does) (?:it |my money |money )?double", "rule of 72",
)
# Date arithmetic: a weekday of a date, the days between dates, a date N days on.
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
DATE_MENTION = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+" + MONTH + r"|" + MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)", re.IGNORECASE)
DATE_CALC = _words(
    "day of the week", "what (?:day|date|weekday) (?:is|was|will|would)", "which (?:day|weekday)",
    "days? (?:between|until|till|since|from|after|before|later|ago)", "weeks? (?:between|until|since|from|after|before|later|ago)",
    "months? (?:between|until|since|from|after|before|later|ago)", "how (?:many|long) .{0,25}(?:days|weeks|months)",
)
DAYS_OFFSET = re.compile(r"\b\d[\d,]*\s+(?:days|weeks|months)\s+(?:after|before|from|later|ago|since)\b", re.IGNORECASE)
# Tracking state through a sequence: turns, moves, swaps, hand-overs.
STATE_STEP = _words(
    "turns? (?:left|right|around)", "turned (?:left|right|around)", "(?:left|right) again", "then (?:left|right)",
    "facing", "north", "south", "east", "west", "steps? (?:forward|back(?:ward)?|left|right)", "swap(?:s|ped)?",
    "trade(?:s|d)?", "switch(?:es|ed)?", "pass(?:es|ed)? (?:it|the)", "gives? .{1,20} to", "moves? to",
)
# An expert question that asks to apply, compare, draft or recommend rather than to name or define.
EXPERT_TASK = _words(
    "draft", "cite", "citing", "vs", "versus", "which (?:one |do |should |would )(?:we|i)", "set (?:it |this |them )?up",
    "configure", "recommend", "diagnose", "advise", "apply", "assess", "comply", "my rights", "my options",
    "legally", "am i (?:liable|entitled|allowed)", "can (?:they|he|she|my \\w+) (?:legally|do that|keep|fire|evict|charge)",
    "how should (?:we|i)", "what should (?:we|i)", "is (?:this|that|it) legal",
)
# Comparing, sorting or rounding a few numbers: one step (labelled small by the rule).
NUMBER_ORDERING = _words(
    "smallest to largest", "largest to smallest", "least to greatest", "greatest to least", "ascending", "descending",
    "which is (?:bigger|larger|smaller|greater|more|less)", "which (?:number )?is (?:the )?(?:biggest|largest|smallest)",
    "round .{1,25} to the nearest", "place value", "(?:sort|order|arrange) these (?:numbers|decimals|fractions)",
)
# A code task in a few words: what to write or read, however short ("regex for a US phone number",
# "Reverse a linked list in C. Just the code.", "What does this print? print(...)").
CODE_TASK = _words(
    # not "command to" or "in <language>": "the command to list files", "print a line in Go" are one-line lookups
    "(?:regex|regexp|regular expression|sql|query|script|function|code|snippet|one-?liner|css|macro|(?:excel|spreadsheet|sheets) formula) "
    "(?:for|to|that|which|matching)",
    "just the code", "code only", "what (?:does|will|would) (?:this|it|the following) (?:print|output|return|log|evaluate to)",
    "what(?:'s| is) the output",
    "(?:reverse|sort|dedupe|deduplicate|flatten|parse|merge|invert|validate|traverse|rotate|transpose) (?:\\w+ ){0,3}?"
    "(?:strings?|lists?|arrays?|linked lists?|dict(?:ionarie)?s?|trees?|json|csv|dates?|emails?|matri(?:x|ces))",
    # a task verb and a language ("swap two variables in C"); not "print a line in Go" or "a comment in Swift" (trivia)
    "(?:reverse|sort|merge|flatten|parse|validate|implement|swap|dedupe|invert|traverse|convert|check if|find the|detect|"
    "generate|shuffle|remove duplicates|count the) [^.?!\\n]{1,40} in (?:python|java|javascript|js|typescript|c|c\\+\\+|c#|go|"
    "golang|rust|ruby|php|kotlin|swift|bash|sql)",
    # an error message pasted to be fixed
    "(?:type|value|key|index|attribute|name|syntax|reference|runtime|import|zero ?division)error", "not subscriptable",
    "undefined is not", "segfault", "segmentation fault", "null ?pointer", "stack ?overflow error",
    "fizzbuzz", "big[- ]o", "time complexity", "off[- ]by[- ]one", "why (?:does|is) (?:this|my) (?:code|loop|function|query|script)",
    "(?:bug|error) in (?:this|my)", "how do i (?:center|reverse|sort|merge|join|parse|loop|iterate|filter)",
)
CODE_CALL = re.compile(r"\b(?:print|range|len|map|filter|zip|sorted|console\.log|printf|echo|select|split|join|append|lambda)\b\s*\(|"
                       r"\blambda\b|\[\s*\w+\s+for\s+\w+\s+in\b|\w+\s*==\s*\w+|\w+\s*\+=|&&|\|\|", re.IGNORECASE)
# Number theory on numbers past the times tables: primality, divisibility, factors, gcd/lcm, digits of a big
# power or factorial, sums of a series ("Is 437 prime?", "trailing zeros of 100!", "sum of the first 50 odd numbers").
NUMBER_THEORY = _words(
    # not "divisible by" or "a factor of": one division, which the arithmetic rule reads
    "prime", "primes", "divisors", "factors", "factori[sz]\\w*", "gcd", "lcm", "greatest common \\w+",
    "least common multiple", "highest common factor", "trailing zeros", "remainder", "mod",
    "modulo", "perfect (?:square|cube|number)", "sum of (?:the )?(?:first|all)", "\\d+!", "factorial",
    "fibonacci", "triangular number", "composite", "how many (?:zeros|zeroes|digits)", "co-?prime", "sum of (?:all )?(?:the )?(?:odd|even|integers|numbers)",
)
# Short logic puzzles: premises about ordering, quantifiers, family relations or truth-tellers, then a question.
LOGIC_PUZZLE = _words(
    "(?:all|some|no|every|none of the) \\w+ (?:are|is|can) \\w+", "does it follow",
    "(?:so|therefore|hence|thus),? (?:do|does|is|are|can|must|will) (?:all |some |no |any )?\\w+", "can we conclude", "must be true",
    "(?:taller|shorter|older|younger|faster|slower|heavier|lighter|richer|smarter) than", "knights?", "knaves?",
    "always lies", "always tells the truth", "liars?", "truth-?tellers?",
    "how many (?:brothers|sisters|siblings|handshakes|socks|ways|routes) (?:does|do|must|are|will)", "riddle", "trick question",
    "which (?:box|door|hat|switch|one) (?:is|has|should)", "(?:sits|sat|stands|lives) (?:next to|left of|right of|between)",
    "a bat and a ball", "(?:is (?:this|that|it) )?(?:a )?valid(?: argument| reasoning| conclusion)?\\s*\\?", "is (?:this|that) (?:logical|sound|a fallacy)", "costs? \\$?\\d+(?:\\.\\d+)? more than", "if .{3,40}, (?:then )?(?:who|what|which|how|is|does|can)",
)
# A word problem: quantities changed step by step ("I have 3 apples, eat one, buy 6 more, then give half away").
WORD_PROBLEM_STEP = _words(
    "eats?", "ate", "buys?", "bought", "gives? away", "gave", "give", "loses?", "lost", "finds?", "found", "sells?", "sold",
    "takes? away", "half", "halves", "doubles?", "triples?", "more", "fewer", "each", "per", "then", "spends?", "spent",
    "earns?", "earned", "shares?", "splits?", "adds?", "removes?", "twice", "remaining", "left over",
)
# Composed math: a variable defined, then used ("If x = 7, what is 3x + 2?").
VARIABLE_DEFINED = re.compile(r"\b(?:if|let|given|suppose|when|where|with)\s+[a-z]\s*(?:=|is|equals)\s*-?\d", re.IGNORECASE)
# The asker's own body: a symptom or an injury to a body part ("my knee hurts on stairs", "kid stuck a bean up his nose").
BODY_SYMPTOM = _words(
    "hurts?", "hurting", "pain(?:ful)?", "aches?", "aching", "sore", "itch(?:y|ing)?", "rash", "lump", "bump", "swollen",
    "swelling", "bleed(?:s|ing)?", "bruised?", "cramps?", "numb(?:ness)?", "tingl\\w*", "dizz\\w*", "nause\\w*", "fever",
    "cough(?:ing)?", "wheez\\w*", "stuck (?:in|up)", "up (?:his|her|my|their) nose", "closing up", "can'?t (?:see|hear|swallow|move|walk|breathe)",
    "nose", "ear", "eye", "eyes", "throat", "chest", "knee", "back", "neck", "wrist", "ankle", "tooth", "gums?", "stomach",
    "belly", "(?:hit|bumped|banged) (?:my|his|her|their) head", "skin", "mole", "leg", "arm", "foot", "hand", "tongue", "lips?", "heart", "lungs?", "kidneys?", "bite",
    "burns?", "blister", "discharge", "period", "poop", "pee", "urine", "vision", "migraine", "headaches?", "shrimp", "peanuts?",
)
# Comparing options for the asker's own situation ("X or Y for me?", "compare A and B for my family").
COMPARE_CUE = _words(
    "compare", "comparison", "vs", "versus", "better", "best", "which (?:one|is better|should)", "difference between",
    "pros and cons", "worth it",
)
SITUATION = _words(
    "for me", "for my", "for us", "for our", "in my (?:situation|case|position)", "given (?:my|that i|i|we)", "i'?m",
    "i am", "i have", "i've got", "we have", "my", "our", "should i", "should we", "would you (?:pick|choose|go)",
)
# A bare "X or Y" is a comparison only when it names the asker's situation ("Roth or traditional for me?").
OR_CHOICE = re.compile(r"\b\w+ or \w+", re.IGNORECASE)
OWN_SITUATION = _words("for me", "for my", "for us", "for our", "in my (?:situation|case)", "given (?:my|that i|i|we)", "i'?m \\d+")
# "100!", "the first 50 odd numbers": a factorial or a long series, whatever the size of the numbers written.
FACTORIAL_OR_SERIES = re.compile(r"\b\d+\s*!|\bfirst (?:\d{2,}|hundred|fifty|twenty|thirty|forty)\b|\b1\s*\+\s*2\s*\+\s*3\b", re.IGNORECASE)
# A short rewrite of a pasted text: the instruction and then the text ("Make this more polite: ..."), or the text
# and then the instruction. The text is long, the work is not (small up to about a paragraph).
_REWRITE_VERB = (
    r"(?:rewrite|rephrase|reword|paraphrase|proofread|translate|shorten|simplify|capitali[sz]e|polish|tidy up|condense|trim|edit)"
    r"|(?:fix|correct|check) (?:the |my |this |any )?(?:grammar|spelling|typos?|punctuation|capitali[sz]ation|wording)"
    r"|make (?:this|it|that|the text|the tone) (?:sound )?(?:more |less |a bit |a little |slightly )?\w+"
    r"|(?:put|turn|convert) (?:this|it|that) (?:in|into) (?:title case|upper ?case|lower ?case|passive|active|plain|simpler|"
    r"formal|informal|british|american)")
REWRITE_OF_PASTE = re.compile(
    r"^\s*(?:(?:please|pls|can you|could you|would you)\s+)?(?:" + _REWRITE_VERB + r")\b[^:\n]{0,60}(?::|\n| - )"
    r"|\n\s*(?:(?:please|pls|can you|could you)\s+)?(?:" + _REWRITE_VERB + r")\b[^\n]{0,60}$",
    re.IGNORECASE,
)
PASTE_REWRITE_MAX_WORDS = 150
EXAMPLES_GIVEN = re.compile(r"\b(?:using|from|based on|given) (?:the|these) examples?\b", re.IGNORECASE)
HOWTO_START = re.compile(r"^\s*(?:how (?:do|can|would) (?:i|you|we)|how to)\b", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?:]\s|\s[-—]\s")
FINAL_ASK_CHARS = 300


def final_ask(text: str) -> str:
    """The last question of the request (or its last sentence), read from its last FINAL_ASK_CHARS
    characters: where a long, chatty request says what it wants ("... so I'm asking: what is X?")."""
    tail = text[-FINAL_ASK_CHARS:].rstrip()
    end = tail.rfind("?")
    body = tail[: end + 1] if end >= 0 else tail
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(body[:-1])]
    return body[breaks[-1] :] if breaks else body


# A definition or term lookup: "What is a tort?", "what's an ETF", "What does ROI stand for?".
DEFINITION_ASK = re.compile(
    r"^\s*(?:what(?:'s| is| are)|define|who (?:is|was|founded|created|discovered|sets))\s+(?:an? |the )?[\w&'-]+(?: [\w&'-]+){0,2}"
    r"(?:,? in (?:one|a) (?:line|sentence))?\s*[?.!]?\s*$|^\s*what does [\w&' -]{1,30} (?:stand for|mean)\s*\??\s*$",
    re.IGNORECASE,
)
REQUESTED_WORDS = re.compile(r"(\d[\d,]*)\s*(?:-\s*)?(words?|pages?|paragraphs?|sections?|chapters?|steps?|days?|weeks?|items?|questions?|bullet points?|tips?|examples?|ideas?)\b", re.IGNORECASE)
ARITHMETIC = re.compile(
    r"(-?\d[\d,]*(?:\.\d+)?)\s*(\+|-|\*|x|×|/|÷|plus|minus|times|multiplied by|divided by)\s*\(?\s*(-?\d[\d,]*(?:\.\d+)?)",
    re.IGNORECASE,
)
ARITHMETIC_OF = re.compile(r"\b(sum|difference|product|quotient) of (-?\d[\d,.]*) and (-?\d[\d,.]*)", re.IGNORECASE)
MULTIPLY_BY = re.compile(r"\bmultiply (-?\d[\d,]*(?:\.\d+)?) (?:by|and|with) (-?\d[\d,]*(?:\.\d+)?)", re.IGNORECASE)
_OPERATION = {"+": "add", "plus": "add", "sum": "add", "-": "add", "minus": "add", "difference": "add",
              "*": "mul", "x": "mul", "×": "mul", "times": "mul", "multiplied by": "mul", "product": "mul",
              "/": "div", "÷": "div", "divided by": "div", "quotient": "div"}  # fmt: skip
YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")
WH_START = re.compile(r"^\s*(what|who|whom|whose|when|where|which)\b", re.IGNORECASE)
HOW_WHY_START = re.compile(r"^\s*(how|why)\b", re.IGNORECASE)
YES_NO_START = re.compile(r"^\s*(is|are|was|were|do|does|did|can|could|should|would|will|has|have)\b", re.IGNORECASE)
IMPERATIVE_BIG = re.compile(
    r"^\s*(?:please\s+|can you\s+|could you\s+)?(write|implement|create|design|build|develop|draft|analy[sz]e|"
    r"compare|explain|prove|derive|solve|evaluate|plan|outline|review|debug|refactor|optimi[sz]e|critique|"
    r"generate|produce|compose|construct|model|simulate|calculate|compute|find|determine|estimate|discuss|"
    r"describe|walk me through)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
LIST_LINE = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+", re.MULTILINE)

RANKED_ITEMS = re.compile(r"\b(?:top|the|of|list|table)\s+(\d{1,3})\s+(?:\w+est|best|worst|most|least|biggest|main|key|major)\b", re.IGNORECASE)
# Per-unit caps keep one "how long" request from dominating the log-scaled feature.
_UNIT_WEIGHT = {"word": 1, "page": 400, "paragraph": 120, "section": 200, "chapter": 2000, "step": 40, "day": 60, "week": 150}


def requested_output_words(text: str) -> float:
    """The largest explicitly requested output size, in approximate words ("1,500-word essay", "3 pages")."""
    best = 0.0
    text = with_digits(text)
    for number in RANKED_ITEMS.findall(text):  # "the 20 largest countries": a list or table of 20 rows
        best = max(best, min(float(number) * 30, 20000.0))
    for number, unit in REQUESTED_WORDS.findall(text):
        try:
            n = float(number.replace(",", ""))
        except ValueError:
            continue
        unit_key = unit.lower().rstrip("s")
        words = n * _UNIT_WEIGHT.get(unit_key.split()[0], 30)
        best = max(best, min(words, 20000.0))
    return best


def _digits(number: str) -> int:
    return sum(c.isdigit() for c in number)


def _number_value(number: str) -> float | None:
    try:
        return abs(float(number.replace(",", "")))
    except ValueError:
        return None


def _significant_digits(value: float) -> int:
    return len(f"{value:.10g}".replace(".", "").replace("-", "").strip("0")) or 1


def is_mental_arithmetic(kind: str, a: float, b: float) -> bool:
    """The labelling rule of router/data/README.md: add/subtract below 1000, times tables (one factor <= 12,
    the other <= 100), division of at most 144 by at most 12. A sum with one short operand ("8284 - 0.15",
    mathematics_dataset's one-step module, labelled small) stays mental; a product of decimals with two
    digits each ("3.7 times 8.2") does not."""
    if kind == "add":
        return max(a, b) < 1000 or _significant_digits(min(a, b)) <= 2
    if kind == "mul":
        if not (float(a).is_integer() and float(b).is_integer()):
            return _significant_digits(a) + _significant_digits(b) <= 3
        return min(a, b) <= 12 and max(a, b) <= 100
    return b <= 12 and a <= 144


_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
NUMBER_WORDS = re.compile(
    r"\b(?:(?:" + "|".join([*_UNITS, *_TENS, *_SCALES]) + r")(?:[\s-]+(?:and[\s-]+)?)?)+\b", re.IGNORECASE)
_NUMBER_WORD_SET = frozenset([*_UNITS, *_TENS, *_SCALES])


def _words_to_number(phrase: str) -> str:
    total, current = 0, 0
    for word in re.findall(r"[a-z]+", phrase.lower()):
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total, current = total + max(current, 1) * _SCALES[word], 0
    trailing = " " if phrase[-1:].isspace() or phrase[-1:] == "-" else ""
    return str(total + current) + trailing


# Typographic operators as users paste them ("4,005 − 1,788", "7 · 8") read as their ASCII forms.
_OPERATOR_TYPOGRAPHY = str.maketrans({"−": "-", "–": "-", "—": "-", "·": "*", "⋅": "*", "∗": "*"})


def with_digits(text: str) -> str:
    """Number words written as digits ("forty-six times fifty-three" -> "46 times 53"), and typographic
    operators as ASCII, so that the arithmetic rule reads them too."""
    text = text.translate(_OPERATOR_TYPOGRAPHY)
    if _NUMBER_WORD_SET.isdisjoint(TOKEN.findall(text.lower())):
        return text
    return NUMBER_WORDS.sub(lambda m: _words_to_number(m.group(0)), text)


_NUM = r"(-?\d[\d,]*(?:\.\d+)?)"
POWER = re.compile(_NUM + r"\s*(?:\^|\*\*|to the power of|to the)\s*(\d+)", re.IGNORECASE)
SQUARED = re.compile(_NUM + r"\s+(squared|cubed)\b", re.IGNORECASE)
ROOT = re.compile(r"\b(?:sqrt|square root|cube root)(?: of)?\s*\(?" + _NUM, re.IGNORECASE)
PERCENT_OF = re.compile(_NUM + r"\s*(?:%|percent)\s+of\s+\$?" + _NUM, re.IGNORECASE)


def power_beyond_mental(base: float, exponent: float) -> bool:
    """Squares up to 12 (and of round tens), cubes up to 5, powers of 2 to 2^10, and of 10, are known by heart."""
    if base in (0, 1, 10) or exponent <= 1:
        return False
    if exponent == 2:
        return not (base <= 12 or (base <= 100 and base % 10 == 0))
    if exponent == 3:
        return base > 5
    return not (base == 2 and exponent <= 10)


def root_beyond_mental(value: float) -> bool:
    """A root is mental when the number is a square known by heart (up to 15 squared, or a round ten squared) or at
    most 144; "sqrt of 169" is recalled, "sqrt of 7,569" is worked out."""
    if value <= 144:
        return False
    root = math.isqrt(int(value)) if float(value).is_integer() else -1
    return not (root * root == value and (root <= 15 or root % 10 == 0))


def largest_number(text: str) -> float:
    """The largest number written in the text (digits or number words; 0 when none)."""
    values = [_number_value(n) for n in NUMBER.findall(with_digits(text))]
    return max((v for v in values if v is not None), default=0.0)


def percent_beyond_mental(percent: float, amount: float) -> bool:
    """An easy percentage ("25% of 80", "10 percent of 350") has a round rate and a result with at most
    two significant digits from an amount below 1000; "18% of 3,450" does not."""
    result = percent * amount / 100
    return not (amount < 1000 and _significant_digits(percent) <= 2 and float(result).is_integer()
                and _significant_digits(result) <= 2)


def _is_number_pair(a: str, b: str) -> bool:
    return _number_value(a) is not None and _number_value(b) is not None


def arithmetic_beyond_mental(text: str) -> int:
    """How many operations in the text break the mental-arithmetic rule ("47 times 86": 1; also number words,
    squares and powers, square roots, percentages)."""
    text = with_digits(text)
    beyond = sum(1 for a, e in POWER.findall(text) if _is_number_pair(a, e) and power_beyond_mental(_number_value(a), _number_value(e)))
    beyond += sum(1 for a, kind in SQUARED.findall(text)
                  if _number_value(a) is not None and power_beyond_mental(_number_value(a), 2 if kind.lower() == "squared" else 3))
    beyond += sum(1 for a in ROOT.findall(text) if root_beyond_mental(_number_value(a) or 0))
    beyond += sum(1 for a, b in PERCENT_OF.findall(text) if _is_number_pair(a, b) and percent_beyond_mental(_number_value(a), _number_value(b)))
    pairs = [(a, op, b) for a, op, b in ARITHMETIC.findall(text)] + [(a, op, b) for op, a, b in ARITHMETIC_OF.findall(text)]
    pairs += [(a, "times", b) for a, b in MULTIPLY_BY.findall(text)]
    for a, op, b in pairs:
        kind, x, y = _OPERATION[op.lower()], _number_value(a), _number_value(b)
        if x is not None and y is not None and not is_mental_arithmetic(kind, x, y):
            beyond += 1
    return beyond


def arithmetic_difficulty(text: str) -> tuple[int, int]:
    """(hardest operation, number of operations) over the binary arithmetic in the text. An
    operation's difficulty approximates the digits one must juggle in one's head: the longer
    operand for + and -, both operands for x, the dividend for /. Up to about 3 is mental math."""
    hardest, count = 0, 0
    text = with_digits(text)
    pairs = [(a, op, b) for a, op, b in ARITHMETIC.findall(text)]
    pairs += [(a, op, b) for op, a, b in ARITHMETIC_OF.findall(text)]
    for a, op, b in pairs:
        kind = _OPERATION[op.lower()]
        if kind == "add":
            difficulty = max(_digits(a), _digits(b))
        elif kind == "mul":
            difficulty = _digits(a) + _digits(b) - 1
        else:
            difficulty = _digits(a)
        hardest, count = max(hardest, difficulty), count + 1
    return hardest, count


def _count(pattern: re.Pattern, text: str) -> int:
    return len(pattern.findall(text))


def _hits(lexicon: Lexicon, text: str, tokens: list[str]) -> int:
    return lexicon.count(text, tokens)


def _log(x: float) -> float:
    return math.log1p(max(x, 0.0))


QUOTED = re.compile(r'"[^"]{60,}"|“[^”]{60,}”|\'[^\']{80,}\'|```.*?```', re.DOTALL)


def instruction_text(text: str) -> str:
    """The request without what it quotes: pasted text in quotes or fences removed and, for a paste set off
    by blank lines, the shorter of the first and last paragraphs (where the ask sits)."""
    unquoted = QUOTED.sub(" ", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", unquoted) if p.strip()]
    if len(paragraphs) >= 2:
        return min(paragraphs[0], paragraphs[-1], key=len)
    return unquoted


# Lexicon matching reads at most this many characters from each end of a long request: the
# cues that matter sit at the start (the task) and the end (the question), and it bounds latency.
LEXICON_WINDOW_CHARS = 1500


def _lexicon_view(text: str) -> str:
    if len(text) <= 2 * LEXICON_WINDOW_CHARS:
        return text
    return text[:LEXICON_WINDOW_CHARS] + "\n" + text[-LEXICON_WINDOW_CHARS:]


# A conversation pasted into one message ("User: ... Assistant: ... User: thanks!"): its last user line is the ask.
TRANSCRIPT_ROLE = re.compile(r"(?:^|\s)(user|human|me|assistant|ai|bot|chatgpt)\s*:\s", re.IGNORECASE)
_USER_ROLES = {"user", "human", "me"}


def split_inline_transcript(text: str) -> tuple[str, str]:
    """(what came before, the last user turn) of a transcript pasted as one message with two or more role labels
    of which one is a user and one is not; ("", text) for anything else."""
    roles = list(TRANSCRIPT_ROLE.finditer(text))
    kinds = {m.group(1).lower() in _USER_ROLES for m in roles}
    if len(roles) < 2 or kinds != {True, False} or roles[-1].group(1).lower() not in _USER_ROLES:
        return "", text
    last = roles[-1]
    return text[: last.start()], text[last.end() :]


def extract_features(messages: list[Message]) -> dict[str, float]:
    """Named numeric features of one request. The last user turn carries most; earlier turns count
    through conversation depth and context size (a transcript pasted into the last turn counts as earlier turns)."""
    pasted_context, full_text = split_inline_transcript(last_user_text(messages))
    text = _lexicon_view(full_text)
    tokens = TOKEN.findall(text.lower())
    words = full_text.split()
    n_words = len(words)
    numbers = NUMBER.findall(text)
    # Years ("in 2018") are not arithmetic; arithmetic_difficulty covers sums that use them.
    digit_lengths = [_digits(n) for n in numbers if not YEAR.fullmatch(n)]
    earlier = [m for m in messages[:-1] if m.get("role") in ("user", "assistant")] if messages else []
    context_chars = sum(len(content_text(m.get("content"))) for m in earlier) + len(pasted_context)
    arith_difficulty, arith_ops = arithmetic_difficulty(text)
    domain_hits = {name: _hits(lexicon, text, tokens) for name, lexicon in DOMAIN.items()}
    person = _hits(PERSON, text, tokens)
    advice = _hits(ADVICE_CUE, text, tokens)
    urgent = _hits(URGENT_RISK, text, tokens)
    self_harm = _hits(SELF_HARM, text, tokens)
    money = _hits(MONEY_DECISION, text, tokens)
    expert_domains = domain_hits["legal"] + domain_hits["medical"] + domain_hits["finance"]
    instruction_words = len(instruction_text(full_text).split())
    length_norm = max(len(text.split()), 1)  # numbers are counted in the same window
    ask = final_ask(text)
    ask_tokens = TOKEN.findall(ask.lower())
    hard_math = _hits(HARD_MATH, text, tokens)
    # a cue alone ("how many days are in a leap year") is a lookup; with a date or a count of days it is a calculation
    date_calc = _hits(DATE_CALC, text, tokens) * float(bool(DATE_MENTION.search(text) or DAYS_OFFSET.search(text)))
    state_steps = _hits(STATE_STEP, text, tokens)
    arith_beyond = arithmetic_beyond_mental(text)
    # The final ask is a plain lookup when it asks what/who/when/where and names none of the large kinds.
    ask_lookup = (bool(WH_START.match(ask)) or _hits(LOOKUP, ask, ask_tokens) > 0) and len(ask_tokens) <= 16 and not (
        _hits(HARD_MATH, ask, ask_tokens) or _hits(CODE_REQUEST, ask, ask_tokens) or _hits(FERMI, ask, ask_tokens)
        or _hits(DATE_CALC, ask, ask_tokens) or _hits(REASONING, ask, ask_tokens) or arithmetic_beyond_mental(ask)
        or _hits(URGENT_RISK, ask, ask_tokens) or _hits(ADVICE_CUE, ask, ask_tokens))

    big_number = largest_number(text)
    factorial_or_series = bool(FACTORIAL_OR_SERIES.search(text))
    body = _hits(BODY_SYMPTOM, text, tokens)
    situation = _hits(SITUATION, text, tokens)
    definition = bool(DEFINITION_ASK.match(text))

    features = {
        # length and structure
        "log_chars": _log(len(full_text)),
        "log_words": _log(n_words),
        "n_lines": min(full_text.count("\n") + 1, 60),
        "n_sentences": min(len(SENTENCE_END.findall(text)) + 1, 40),
        "n_question_marks": min(text.count("?"), 10),
        "list_lines": min(_count(LIST_LINE, text), 20),
        "avg_word_len": (sum(len(w) for w in words) / n_words) if n_words else 0.0,
        "very_short": float(n_words <= 4),
        # question type
        "starts_wh": float(bool(WH_START.match(text))),
        "starts_how_why": float(bool(HOW_WHY_START.match(text))),
        "starts_yes_no": float(bool(YES_NO_START.match(text))),
        "starts_task_verb": float(bool(IMPERATIVE_BIG.match(text))),
        "greeting": min(_hits(GREETING, text, tokens), 3),
        "lookup": min(_hits(LOOKUP, text, tokens), 3),
        "rewrite": min(_hits(REWRITE, text, tokens), 3),
        # not when it asks for a size, holds code or is a puzzle to decode ("make it a 2,000-word essay: ...",
        # "fix this: def f(x): ...", "translate using the examples: ...")
        "rewrite_of_paste": float(n_words <= PASTE_REWRITE_MAX_WORDS and bool(REWRITE_OF_PASTE.search(full_text))
                                  and not CODE_SYNTAX.search(text) and requested_output_words(text) == 0
                                  and not EXAMPLES_GIVEN.search(text)),
        # code
        "code_request": min(_hits(CODE_REQUEST, text, tokens), 4),
        "code_words": min(_hits(CODE_WORDS, text, tokens), 8),
        "code_syntax": min(_count(CODE_SYNTAX, text), 20),
        # math and reasoning
        "math_words": min(_hits(MATH_WORDS, text, tokens), 6),
        "math_symbols": min(_count(MATH_SYMBOLS, text), 20),
        "n_numbers": min(len(numbers), 30),
        "max_number_digits": min(max(digit_lengths, default=0), 15),
        "numbers_per_word": len(numbers) / length_norm,
        "arithmetic_difficulty": min(arith_difficulty, 15),
        "arithmetic_ops": min(arith_ops, 10),
        "arithmetic_beyond_mental": min(arith_beyond, 5),
        "mental_arithmetic_only": float(arith_ops > 0 and arith_beyond == 0),
        "number_ordering": min(_hits(NUMBER_ORDERING, text, tokens), 2),
        "hard_math": min(hard_math, 4),
        "date_reasoning": min(date_calc, 3),
        "state_tracking": min(state_steps, 6),
        "reasoning": min(_hits(REASONING, text, tokens), 6),
        "multi_step": min(_hits(MULTI_STEP, text, tokens), 6),
        # tasks short to ask and long to answer: code, number theory past the times tables, logic puzzles
        "code_task": min(_hits(CODE_TASK, text, tokens) + _count(CODE_CALL, text), 4),
        "number_theory_hard": min(_hits(NUMBER_THEORY, text, tokens), 3) * float(big_number > 100 or factorial_or_series),
        "logic_puzzle": min(_hits(LOGIC_PUZZLE, text, tokens), 4),
        "word_problem_steps": min(_hits(WORD_PROBLEM_STEP, text, tokens), 6) * float(len(numbers) + _count(NUMBER_WORDS, text) >= 2),
        "variable_defined": float(bool(VARIABLE_DEFINED.search(text))),
        # expert domains
        **{f"domain_{name}": min(hits, 5) for name, hits in domain_hits.items()},
        "domains_total": min(sum(domain_hits.values()), 10),
        # requested output
        "long_output": min(_hits(LONG_OUTPUT, text, tokens), 5),
        "short_output": min(_hits(SHORT_OUTPUT, text, tokens), 3),
        "format_request": min(_hits(FORMAT, text, tokens), 5),
        "creative": min(_hits(CREATIVE, text, tokens), 4),
        "log_requested_words": _log(requested_output_words(text)),
        "brief_for_audience": min(_hits(BRIEF_FOR_AUDIENCE, text, tokens), 3),
        # high stakes in few words: urgent health or safety, a personal money decision
        "urgent_risk": min(urgent, 5),
        "personal_decision": min(_hits(PERSONAL_DECISION, text, tokens), 5),
        "money_decision": min(money, 5),
        # the same markers about the asker's own situation or a decision asked for: a personal case, not a lookup
        "person": min(person, 5),
        "advice_cue": min(advice, 3),
        "personal_urgent": min(urgent, 5) * float(person > 0 or self_harm > 0),
        "self_harm": min(self_harm, 3),
        "fermi": min(_hits(FERMI, text, tokens), 3),
        "money_advice": min(money, 5) * float(advice > 0 or person > 0),
        "personal_expert": min(expert_domains, 5) * float(person > 0),
        "personal_health": min(body, 5) * float(person > 0 and not definition),
        "compare_personal": min(_hits(COMPARE_CUE, text, tokens) * float(situation > 0)
                                + float(bool(OR_CHOICE.search(text)) and _hits(OWN_SITUATION, text, tokens) > 0), 3),
        "expert_task": min(_hits(EXPERT_TASK, text, tokens), 3) * float(sum(domain_hits.values()) > 0),
        # a term lookup or a trivial ask about a pasted text, however long the text
        "definition_ask": float(definition),
        "trivial_ask": min(_hits(TRIVIAL_ASK, text, tokens), 3),
        "log_instruction_words": _log(instruction_words),
        # what the last question asks, apart from the chat before it
        "final_ask_lookup": float(ask_lookup),
        "log_final_ask_words": _log(len(ask_tokens)),
        "short_howto": float(bool(HOWTO_START.match(text)) and n_words <= 14 and not CODE_SYNTAX.search(text)),
        # conversation
        "conversation_turns": min(sum(1 for m in messages if m.get("role") == "user")
                                  + len(TRANSCRIPT_ROLE.findall(pasted_context)) // 2, 20),
        "log_context_chars": _log(context_chars),
        "has_system_prompt": float(any(m.get("role") == "system" for m in messages)),
        # character mix
        "upper_ratio": sum(c.isupper() for c in text) / max(len(text), 1),
        "symbol_ratio": sum((not c.isalnum()) and (not c.isspace()) for c in text) / max(len(text), 1),
    }
    return {name: float(value) for name, value in features.items()}


FEATURE_NAMES: list[str] = list(extract_features([{"role": "user", "content": "x"}]))


def feature_matrix(conversations: Iterable[list[Message]]):
    import numpy as np

    return np.array([[f[name] for name in FEATURE_NAMES] for f in map(extract_features, conversations)], dtype=np.float64)


# Which way a feature may push the score (+1: only towards large, -1: only towards small, 0: either).
# The tree model is trained under these monotonic constraints, so that, say, asking for a longer
# output or adding a code block can never make a request look easier.
LARGE_EVIDENCE = {
    "code_request", "code_syntax", "math_words", "math_symbols", "arithmetic_difficulty", "reasoning", "multi_step",
    "domain_legal", "domain_medical", "domain_finance", "domain_security", "domain_science", "domains_total",
    "long_output", "format_request", "log_requested_words", "list_lines", "starts_task_verb",
    "arithmetic_beyond_mental", "urgent_risk", "money_decision", "personal_urgent", "money_advice", "personal_expert",
    "self_harm", "fermi", "hard_math", "date_reasoning", "state_tracking", "expert_task",
    "code_task", "number_theory_hard", "logic_puzzle", "personal_health", "compare_personal", "word_problem_steps",
    "variable_defined",
}  # fmt: skip
SMALL_EVIDENCE = {"greeting", "lookup", "rewrite", "rewrite_of_paste", "short_output", "brief_for_audience", "definition_ask", "trivial_ask",
                  "mental_arithmetic_only", "number_ordering", "final_ask_lookup"}
FEATURE_DIRECTIONS: list[int] = [1 if n in LARGE_EVIDENCE else -1 if n in SMALL_EVIDENCE else 0 for n in FEATURE_NAMES]
