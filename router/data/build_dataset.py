"""Rebuild router/data/prompts.jsonl: labeled chat requests ("small" | "large") from offline sources.

Sources (labeling rules in README.md):
  * BIG-bench task JSON files, read straight from the `bigbench` sdist tarball (never installed):
        pip download --no-deps --no-binary :all: bigbench -d /tmp/bb
        python -m router.data.build_dataset --bigbench-sdist /tmp/bb/bigbench-1.0.0.tar.gz
  * router/data/sources/mathematics_dataset.jsonl (made by generate_math_questions.py),
  * country and element facts from the `countryinfo` and `periodictable` packages,
  * hand-written requests (handwritten_small.py, handwritten_large.py) and the templates below.

BIG-bench's own instructions and "Q:/A:" scaffolding are replaced by several phrasings of our own,
so that no label can be learned from one task's boilerplate. Everything is seeded: the same inputs
give the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import tarfile
from collections import Counter, defaultdict
from pathlib import Path

from router.data import handwritten_borderline as borderline_prompts
from router.data import handwritten_borderline_kinds as borderline_kinds
from router.data import handwritten_large as large_prompts
from router.data import handwritten_small as small_prompts

DATA_DIR = Path(__file__).parent
OUTPUT = DATA_DIR / "prompts.jsonl"
MATH_SOURCE = DATA_DIR / "sources" / "mathematics_dataset.jsonl"
DEFAULT_BIGBENCH_SDIST = Path("/tmp/bb/bigbench-1.0.0.tar.gz")
SEED = 1729
HELDOUT_FRACTION = 0.22
TASKS_ROOT = "bigbench-1.0.0/bigbench/benchmark_tasks/"


def example(prompt_or_messages, label: str, source: str) -> dict:
    if isinstance(prompt_or_messages, str):
        messages = [{"role": "user", "content": prompt_or_messages.strip()}]
    else:
        messages = prompt_or_messages
    assert label in ("small", "large"), label
    return {"messages": messages, "label": label, "source": source}


# ---------------------------------------------------------------- BIG-bench


def read_bigbench_tasks(sdist: Path, wanted: set[str]) -> dict[str, dict]:
    """Task name (e.g. "arithmetic/3_digit_addition") -> parsed task JSON, read without extracting."""
    tasks = {}
    with tarfile.open(sdist, "r:gz") as tar:
        for member in tar:
            if not member.name.startswith(TASKS_ROOT):
                continue
            relative = member.name[len(TASKS_ROOT) :]
            for suffix in ("/task.json", "/questions.json"):
                if relative.endswith(suffix) and relative[: -len(suffix)] in wanted:
                    tasks[relative[: -len(suffix)]] = json.load(tar.extractfile(member))
    missing = wanted - set(tasks)
    if missing:
        raise SystemExit(f"not in {sdist}: {sorted(missing)}")
    return tasks


def options_text(rng: random.Random, target_scores: dict) -> str:
    options = list(target_scores)
    rng.shuffle(options)
    style = rng.randrange(3)
    if style == 0:
        return "\nOptions: " + "; ".join(o.rstrip(".") for o in options)
    if style == 1:
        return "\n" + "\n".join(f"({chr(65 + i)}) {o}" for i, o in enumerate(options))
    return "\nChoose one: " + " / ".join(o.rstrip(".") for o in options)


ARITHMETIC_OPS = {
    "addition": ("plus", "+", "the sum of {a} and {b}"),
    "subtraction": ("minus", "-", "{a} minus {b}"),
    "multiplication": ("times", "*", "the product of {a} and {b}"),
    "division": ("divided by", "/", "{a} divided by {b}"),
}
ARITHMETIC_PHRASINGS = [
    "What is {a} {word} {b}?",
    "{a} {symbol} {b} = ?",
    "Calculate {a} {symbol} {b}.",
    "how much is {a} {word} {b}",
    "Can you tell me {spelled}?",
    "Quick math: {a} {symbol} {b}",
    "Compute {spelled}.",
    "{a}{symbol}{b}",
]


def arithmetic_is_small(op: str, a: int, b: int) -> bool:
    """Mental arithmetic: add/subtract up to 3 digits, times tables, division by a single digit or 10-12."""
    if op in ("addition", "subtraction"):
        return max(a, b) < 1000
    if op == "multiplication":
        return min(a, b) <= 12 and max(a, b) <= 100
    return b <= 12 and a <= 144


def bigbench_arithmetic(tasks: dict, rng: random.Random) -> list[dict]:
    rows = []
    for digits in range(1, 6):
        for op, (word, symbol, spelled) in ARITHMETIC_OPS.items():
            task = tasks[f"arithmetic/{digits}_digit_{op}"]
            for item in rng.sample(task["examples"], 14):
                a, b = (int(n) for n in re.findall(r"\d+", item["input"])[:2])
                phrasing = rng.choice(ARITHMETIC_PHRASINGS)
                prompt = phrasing.format(a=a, b=b, word=word, symbol=symbol, spelled=spelled.format(a=a, b=b))
                label = "small" if arithmetic_is_small(op, a, b) else "large"
                rows.append(example(prompt, label, f"bigbench/arithmetic/{op}"))
    return rows


def strip_scaffolding(text: str) -> str:
    text = re.sub(r"^\s*(Q|Question|A|Answer)\s*:\s*", "", text.strip())
    return re.sub(r"\s*(A|Answer)\s*:\s*$", "", text).strip()


def sample_task(tasks: dict, rng: random.Random, task_name: str, count: int, make_prompt, label: str) -> list[dict]:
    """`count` examples of one task, each turned into a request by `make_prompt` (None skips it)."""
    rows = []
    examples = tasks[task_name]["examples"]
    for item in rng.sample(examples, min(count, len(examples))):
        prompt = make_prompt(item)
        if prompt:
            rows.append(example(prompt, label, f"bigbench/{task_name}"))
    return rows


def bigbench_simple_tasks(tasks: dict, rng: random.Random) -> list[dict]:
    """Lookups and one-step questions: label small."""
    rows = []

    def take(task_name, count, make_prompt):
        rows.extend(sample_task(tasks, rng, task_name, count, make_prompt, "small"))

    take("general_knowledge", 70, lambda e: strip_scaffolding(e["input"]))
    take("truthful_qa", 160, lambda e: e["Question"])
    take("hindu_knowledge", 50, lambda e: strip_scaffolding(e["input"]))
    take("human_organs_senses", 42, lambda e: strip_scaffolding(e["input"]))
    take("known_unknowns", 30, lambda e: strip_scaffolding(e["input"]))
    take(
        "qa_wikidata",
        60,
        lambda e: rng.choice(["Complete this: {} ...", "Fill in the blank: {} ___", "{} what?", "{}"]).format(
            e["input"].strip()
        ),
    )
    take(
        "emoji_movie",
        35,
        lambda e: rng.choice(["{}", "Guess the film: {}", "Which movie is this? {}"]).format(
            re.sub(r"^What movie does this emoji describe\?\s*", "", e["input"]).strip()
        ),
    )
    take(
        "sports_understanding",
        35,
        lambda e: rng.choice(["Is this sentence plausible? {}", "Plausible or not: \"{}\"", "Does this make sense: {}?"]).format(
            e["input"].strip().rstrip(".")
        ),
    )
    take(
        "misconceptions",
        50,
        lambda e: rng.choice(["True or false: {}", "Is it true that {}", "{} Right?", "Fact check: {}"]).format(
            e["input"].strip()
        ),
    )
    take(
        "word_sorting",
        30,
        lambda e: rng.choice(
            ["Sort these words alphabetically: {}", "Put in alphabetical order: {}", "alphabetize: {}"]
        ).format(e["input"].strip()),
    )
    take("object_counting", 30, lambda e: e["input"].strip())
    take(
        "unit_conversion/si_conversion",
        35,
        lambda e: rng.choice(["Convert {q} to {u}.", "How many {u} is {q}?", "{q} in {u}?"]).format(
            **dict(zip(("q", "u"), re.match(r"(.*) expressed in units of (.*) is", e["input"].strip()).groups()))
        )
        if re.match(r"(.*) expressed in units of (.*) is", e["input"].strip())
        else None,
    )
    take("simple_arithmetic_json", 30, lambda e: e["input"].strip())
    return rows


def bigbench_hard_tasks(tasks: dict, rng: random.Random) -> list[dict]:
    """Multi-step reasoning, code, word problems, long-context analysis: label large."""
    rows = []

    def take(task_name, count, make_prompt):
        rows.extend(sample_task(tasks, rng, task_name, count, make_prompt, "large"))

    def with_options(question_phrasings):
        def make(e):
            question = rng.choice(question_phrasings)
            return e["input"].strip() + "\n" + question + options_text(rng, e["target_scores"])

        return make

    order_questions = ["Which statement is correct?", "Which of these follows?", "What can we deduce?", "Which one is true?"]
    take("logical_deduction/three_objects", 35, with_options(order_questions))
    take("logical_deduction/five_objects", 45, with_options(order_questions))
    take(
        "tracking_shuffled_objects/five_objects",
        40,
        lambda e: e["input"].strip().rsplit(". ", 1)[0] + ". " + rng.choice(["Who ends up with what?", "What does each person have at the end?", "Track the swaps and tell me the final assignment."]),
    )
    take("date_understanding", 40, lambda e: e["input"].strip() + options_text(rng, e["target_scores"]))
    take(
        "navigate",
        35,
        lambda e: rng.choice(
            ["If I follow these instructions, do I end up where I started? {}", "{} Am I back at the starting point? Explain.", "Follow these steps and tell me my final position relative to the start: {}"]
        ).format(e["input"].strip()),
    )
    take("causal_judgment", 35, lambda e: e["input"].strip() + rng.choice(["", " Explain your reasoning.", " Answer yes or no and justify."]))
    take("auto_debugging", 34, lambda e: e["input"].strip())
    take(
        "code_line_description",
        45,
        lambda e: rng.choice(["Explain what this Python code does:\n{}", "What does this code do?\n\n{}", "{}\nWalk me through this snippet."]).format(
            e["input"].strip()
        ),
    )
    take("elementary_math_qa/question_only", 60, lambda e: e["input"].strip())
    take(
        "physics",
        40,
        lambda e: e["input"].strip() + rng.choice(["", " Show your work.", " Which formula applies, and what is the result?"]),
    )
    take("logic_grid_puzzle", 35, lambda e: e["input"].strip())
    take("formal_fallacies_syllogisms_negation", 35, lambda e: e["input"].strip().strip('"'))
    take(
        "cs_algorithms/lcs",
        25,
        lambda e: rng.choice(
            ["What is the length of the longest common subsequence of {} and {}?", "Find the longest common subsequence of the strings {} and {}, and its length."]
        ).format(*e["input"].split()[:2]),
    )
    take(
        "penguins_in_a_table",
        30,
        lambda e: tasks["penguins_in_a_table"]["task_prefix"].strip() + "\n" + e["input"].strip() + options_text(rng, e["target_scores"]),
    )
    take("temporal_sequences", 30, lambda e: e["input"].strip())
    take("linguistics_puzzles", 25, lambda e: "Translate using the examples:\n" + e["input"].strip())
    take("chinese_remainder_theorem", 30, lambda e: e["input"].strip())
    take(
        "identify_math_theorems",
        35,
        lambda e: rng.choice(["Is this theorem true? If not, what is wrong?\n{}", "Check this claimed theorem and explain: {}"]).format(e["input"].strip()),
    )
    take("matrixshapes", 30, lambda e: e["input"].strip())
    take("minute_mysteries_qa/freetext", 25, lambda e: e["input"].strip())
    take("gre_reading_comprehension", 25, lambda e: e["input"].strip())
    take(
        "checkmate_in_one",
        25,
        lambda e: rng.choice(["Find the checkmate in one in this game: {}", "{}\nWhat move delivers mate?", "Chess: after these moves, what is mate in one? {}"]).format(
            e["input"].strip()
        ),
    )
    return rows


def python_challenges(sdist: Path, rng: random.Random) -> list[dict]:
    """Coding challenge descriptions from BIG-bench's python_programming_challenge (a .py file, read as text)."""
    path = TASKS_ROOT + "python_programming_challenge/challenge_definitions.py"
    with tarfile.open(sdist, "r:gz") as tar:
        source = tar.extractfile(path).read().decode()
    phrasings = [
        "Write a Python function that {}.",
        "Implement a function which {} (Python, please).",
        "Can you code this in Python: a function that {}?",
        "I need a Python function: it {}. Include a couple of tests.",
        "Python: {}. Write it efficiently and explain the complexity.",
    ]
    rows = []
    for description in sorted(set(re.findall(r'description="([^"]+)"', source))):
        description = description.strip().rstrip(".")
        description = description[0].lower() + description[1:]
        rows.append(example(rng.choice(phrasings).format(description), "large", "bigbench/python_programming_challenge"))
    return rows


# ---------------------------------------------------------------- mathematics_dataset

# Modules whose easy level is one-step arithmetic, comparison or reading off a number. Their hard
# level uses huge or many-decimal numbers; for comparison/measurement the hard level is still
# mostly one step, so it is left out rather than labeled either way.
ONE_STEP_MODULES = {
    "arithmetic__add_or_sub",
    "arithmetic__add_sub_multiple",
    "comparison__pair",
    "comparison__sort",
    "comparison__kth_biggest",
    "comparison__closest",
    "measurement__conversion",
    "measurement__time",
    "numbers__place_value",
    "numbers__round_number",
    "numbers__is_factor",
}
HARD_LEVEL_DROPPED = {"comparison__pair", "comparison__sort", "comparison__kth_biggest", "comparison__closest", "measurement__conversion", "measurement__time"}


def mathematics_dataset(rng: random.Random) -> list[dict]:
    rows = []
    by_module_level = defaultdict(list)
    for line in MATH_SOURCE.read_text().splitlines():
        item = json.loads(line)
        by_module_level[(item["module"], item["level"])].append(item)
    for (module, level), items in sorted(by_module_level.items()):
        if module in ONE_STEP_MODULES:
            if level == "hard" and module in HARD_LEVEL_DROPPED:
                continue
            label = "small" if level == "easy" else "large"
            chosen = items  # all 12: few sources of simple math
        else:
            label = "large"
            chosen = rng.sample(items, 4)
        for item in chosen:
            rows.append(example(item["question"], label, f"mathematics_dataset/{level}"))
    return rows


# ---------------------------------------------------------------- countries and elements

COUNTRY_LOOKUPS = [
    "What is the capital of {name}?",
    "capital of {name}?",
    "{capital} is the capital of which country?",
    "What currency is used in {name}?",
    "Roughly how many people live in {name}?",
    "Which region of the world is {name} in?",
    "What do you call someone from {name}?",
    "How big is {name} in square kilometers?",
    "Quick one: {name}'s capital city?",
    "Which country has {capital} as its capital?",
    "Is {capital} the capital of {name}?",
    "What's the population of {name}?",
]
COUNTRY_ANALYSES = [
    "Write a detailed report comparing the economies, political systems and demographics of {name} and {other}, ending with a summary table.",
    "Analyze the main challenges {name} faces in moving to renewable energy and propose a ten-year policy plan with milestones.",
    "Explain the modern history of {name} from the 19th century to today, covering the major political changes and their causes, in about 1,500 words.",
    "Plan a 14-day trip through {name} with a day-by-day itinerary, transport between cities and a budget breakdown, as a table.",
    "Compare the healthcare systems of {name} and {other}: financing, access, outcomes, and what each could learn from the other.",
    "My company is moving its headquarters from {other} to {name}. Explain the tax, employment law and visa implications step by step.",
    "{name} has a population of about {population:,} and an area of {area:,} km². Compute its population density, compare it with {other}, and discuss what drives the difference.",
    "Write an essay on how geography shaped the economy and culture of {name}, with at least three concrete examples.",
]
ELEMENT_LOOKUPS = [
    "What is the chemical symbol for {name}?",
    "What is the atomic number of {name}?",
    "Which element has the symbol {symbol}?",
    "Which element is number {number} on the periodic table?",
    "What's the atomic mass of {name}?",
    "{symbol} is the symbol of which element?",
    "Symbol for {name}?",
]
ELEMENT_ANALYSES = [
    "Explain the electron configuration of {name} and how it determines its chemical reactivity, compared with {other}.",
    "How many grams of {name} are in 2.5 moles, and how many atoms is that? Its molar mass is {mass:.3f} g/mol. Show the steps.",
    "Describe how {name} is produced industrially, its main uses, and the environmental impact of extracting it, as a structured report.",
    "Compare the physical and chemical properties of {name} and {other}, explain the trends using their positions in the periodic table, and summarize in a table.",
    "Design a safe classroom experiment that demonstrates a property of {name}, with materials, procedure, hazards and expected results.",
]


def country_and_element_rows(rng: random.Random) -> list[dict]:
    from countryinfo import all_countries
    import periodictable

    countries = []
    for country in all_countries():
        try:
            info = {"name": country.name().title(), "capital": country.capital(), "population": int(country.population()), "area": int(country.area() or 0)}
        except Exception:  # a few territories lack fields; they are not needed
            continue
        if info["capital"] and info["population"] > 100_000 and info["area"] > 0:
            countries.append(info)
    countries.sort(key=lambda c: c["name"])
    rows = []
    for country in rng.sample(countries, 150):
        rows.append(example(rng.choice(COUNTRY_LOOKUPS).format(**country), "small", "countryinfo/lookup"))
    for country in rng.sample(countries, 60):
        other = rng.choice([c for c in countries if c is not country])
        rows.append(example(rng.choice(COUNTRY_ANALYSES).format(other=other["name"], **country), "large", "countryinfo/analysis"))

    elements = [e for e in periodictable.elements if 0 < e.number <= 103]
    for element in rng.sample(elements, 80):
        fields = {"name": element.name, "symbol": element.symbol, "number": element.number, "mass": element.mass}
        rows.append(example(rng.choice(ELEMENT_LOOKUPS).format(**fields), "small", "periodictable/lookup"))
    for element in rng.sample(elements, 35):
        other = rng.choice([e for e in elements if e is not element])
        fields = {"name": element.name, "mass": element.mass, "other": other.name}
        rows.append(example(rng.choice(ELEMENT_ANALYSES).format(**fields), "large", "periodictable/analysis"))
    return rows


# ---------------------------------------------------------------- templates over shared topics

# The same programming and domain vocabulary appears on both sides: a short definition is small,
# building or analysing something with it is large.
LANGUAGES = ["Python", "JavaScript", "TypeScript", "Go", "Rust", "Java", "C#", "C++", "Kotlin", "Ruby", "PHP", "Swift"]
CODE_TASKS = [
    "parses a log file and counts errors per hour",
    "validates a credit card number with the Luhn algorithm",
    "merges overlapping intervals",
    "finds the k most frequent words in a text",
    "implements a simple in-memory key-value store with TTL expiry",
    "serializes a binary tree to a string and back",
    "computes the median of a stream of numbers",
    "detects anagrams in a list of words",
    "converts Roman numerals to integers and back",
    "retries an HTTP request with exponential backoff",
    "implements a producer-consumer pipeline with worker threads",
    "flattens a nested JSON object into dotted keys",
    "schedules tasks respecting dependencies (topological sort)",
    "paginates results from a REST API until exhausted",
    "reads a CSV file and writes summary statistics per column",
    "implements a circuit breaker around a flaky service call",
    "finds the shortest path in a weighted graph",
    "deduplicates records by fuzzy matching names",
    "computes a rolling average over a time window",
    "implements an event emitter with subscribe and unsubscribe",
]
CODE_REQUESTS = [
    "Write a {lang} function that {task}.",
    "In {lang}, implement code that {task}. Add unit tests.",
    "Can you write {lang} code which {task}? Explain the approach and its complexity.",
    "I need a {lang} module that {task}, with error handling and docs.",
    "Show me an idiomatic {lang} implementation of something that {task}, then review its edge cases.",
    "Help me build a small {lang} program that {task}.",
]
CODE_TRIVIA = [
    "What is the file extension for {lang} source files?",
    "Who created {lang}?",
    "Is {lang} compiled or interpreted?",
    "How do I print a line in {lang}?",
    "What year did {lang} come out?",
    "How do you write a comment in {lang}?",
]
DOMAIN_TERMS = {
    "legal": ["tort", "indemnity", "force majeure", "habeas corpus", "power of attorney", "statute of limitations", "subpoena", "probate", "escrow", "arbitration"],
    "medical": ["hypertension", "an MRI", "tachycardia", "a biopsy", "cholesterol", "an antibiotic", "a placebo", "triage", "insulin", "anemia"],
    "finance": ["an ETF", "a bond yield", "inflation", "compound interest", "a credit score", "EBITDA", "a hedge fund", "amortization", "a 401(k)", "market capitalization"],
    "security": ["phishing", "two-factor authentication", "a firewall", "malware", "encryption", "a zero-day", "a botnet", "ransomware", "a VPN", "an SSL certificate"],
    "science": ["photosynthesis", "an atom", "gravity", "DNA", "a black hole", "evolution", "a virus", "the speed of sound", "entropy", "a galaxy"],
}
DEFINITION_REQUESTS = [
    "What is {term}?",
    "What does {term} mean, in one sentence?",
    "Define {term} briefly.",
    "Quick question: what's {term}?",
    "In simple words, what is {term}?",
]
DEEP_DIVE_REQUESTS = [
    "Explain {term} in depth for a professional audience: how it works, edge cases, common mistakes, and a worked example.",
    "I'm preparing a training session on {term}. Write a detailed guide with sections, examples, and a quiz with answers.",
    "Analyze a realistic case involving {term}, weigh the options, and recommend a course of action with justification.",
    "Compare {term} across three countries or standards, with a table and a discussion of the trade-offs.",
    "Write a 1,000-word explainer on {term}, with history, current practice, and open controversies.",
]
WRITING_TOPICS = [
    "climate change", "the history of jazz", "remote work", "artificial intelligence in schools", "urban gardening",
    "the first moon landing", "social media and teenagers", "the future of electric cars", "friendship", "the ocean",
    "a small town bakery", "space exploration", "learning a second language", "minimalism", "video game design",
]
LONG_WRITING_REQUESTS = [
    "Write a 2,000-word article on {topic}.",
    "{topic}: write me a 5-page report.",
    "Write a 1,500-word essay about {topic} with an introduction, three arguments and a conclusion.",
    "Write a detailed, well-researched report on {topic} with headings, bullet points and a summary table.",
    "Write a long short story (at least 2,000 words) inspired by {topic}, with three distinct characters.",
    "Create a comprehensive outline for a book about {topic}: ten chapters with a paragraph summary each.",
    "Write a persuasive speech about {topic} for a 10-minute slot, then list likely counterarguments and rebuttals.",
    "Draft a multi-part blog series on {topic}: five posts, each with a title, outline and key takeaways.",
]
SHORT_WRITING_REQUESTS = [
    "Give me a title for an essay about {topic}.",
    "Write one sentence about {topic}.",
    "Give me a catchy hashtag for a post about {topic}.",
    "Summarize {topic} in five words.",
    "Write a haiku about {topic}.",
]


def template_rows(rng: random.Random) -> list[dict]:
    rows = []
    for _ in range(110):
        prompt = rng.choice(CODE_REQUESTS).format(lang=rng.choice(LANGUAGES), task=rng.choice(CODE_TASKS))
        rows.append(example(prompt, "large", "templates/code"))
    for _ in range(45):
        rows.append(example(rng.choice(CODE_TRIVIA).format(lang=rng.choice(LANGUAGES)), "small", "templates/code_trivia"))
    for domain, terms in sorted(DOMAIN_TERMS.items()):
        for term in terms:
            rows.append(example(rng.choice(DEFINITION_REQUESTS).format(term=term), "small", f"templates/definition/{domain}"))
            rows.append(example(rng.choice(DEEP_DIVE_REQUESTS).format(term=term), "large", f"templates/deep_dive/{domain}"))
    for topic in WRITING_TOPICS:
        for request in rng.sample(LONG_WRITING_REQUESTS, 3):
            rows.append(example(request.format(topic=topic), "large", "templates/long_writing"))
        for request in rng.sample(SHORT_WRITING_REQUESTS, 3):
            rows.append(example(request.format(topic=topic), "small", "templates/short_writing"))
    return rows


# ---------------------------------------------------------------- hand-written


def handwritten_rows() -> list[dict]:
    rows = []
    for group in ("GREETINGS_AND_CHITCHAT", "LOOKUPS", "SIMPLE_ARITHMETIC", "SHORT_REWRITES", "SHORT_CREATIVE", "SIMPLE_ADVICE", "SIMPLE_EXPLANATIONS", "QUICK_TASKS", "LONG_BUT_EASY"):
        rows += [example(p, "small", f"handwritten/{group.lower()}") for p in getattr(small_prompts, group)]
    rows += [example(c, "small", "handwritten/conversation") for c in small_prompts.SMALL_CONVERSATIONS]
    for group in ("CODE", "REASONING_AND_MATH", "LEGAL", "MEDICAL", "FINANCE", "SECURITY", "SCIENCE_AND_ANALYSIS", "LONG_FORM_AND_STRUCTURED", "MULTI_STEP_INSTRUCTIONS", "DEEP_EXPLANATIONS", "SUBSTANTIAL_TASKS", "SHORT_BUT_HARD"):
        rows += [example(p, "large", f"handwritten/{group.lower()}") for p in getattr(large_prompts, group)]
    rows += [example(c, "large", "handwritten/conversation") for c in large_prompts.LARGE_CONVERSATIONS]
    return rows


BORDERLINE_PREFIX = "handwritten/borderline/"
# Batches of borderline groups, (label, module, group names), in the order they were written. Each batch's
# splits are drawn after the previous batch's from one seeded generator, so appending a batch moves no
# earlier row between splits.
BORDERLINE_BATCHES = [
    [("small", small_prompts, ("BORDERLINE_BRIEF_EXPLANATIONS", "BORDERLINE_MENTAL_ARITHMETIC", "BORDERLINE_SAFETY_LOOKUPS",
                               "BORDERLINE_MONEY_LOOKUPS")),
     ("large", large_prompts, ("BORDERLINE_ARITHMETIC", "BORDERLINE_URGENT_SAFETY", "BORDERLINE_PERSONAL_FINANCE"))],
    [("small", borderline_prompts, borderline_prompts.GROUPS["small"]),
     ("large", borderline_prompts, borderline_prompts.GROUPS["large"])],
    [("small", borderline_kinds, borderline_kinds.GROUPS["small"]),
     ("large", borderline_kinds, borderline_kinds.GROUPS["large"])],
]


def borderline_rows(batch: list) -> list[dict]:
    """One batch of borderline kinds and their contrasts (issue 14), source handwritten/borderline/<group>."""
    rows = []
    for label, module, groups in batch:
        for group in groups:
            source = BORDERLINE_PREFIX + group.lower().removeprefix("borderline_")
            rows += [example(p, label, source) for p in getattr(module, group)]
    return rows


def with_borderline(rows: list[dict]) -> list[dict]:
    """`rows` (without borderline rows) plus the borderline rows, whose splits come from their own seeded
    generator, batch by batch and stratified by group within a batch. Adding them changes no earlier row
    or split, so the held-out split that earlier figures were measured on stays as it was."""
    rng = random.Random(f"{SEED}/borderline")
    seen = {json.dumps(row["messages"], sort_keys=True) for row in rows}
    added = []
    for batch in BORDERLINE_BATCHES:
        new = []
        for row in borderline_rows(batch):
            key = json.dumps(row["messages"], sort_keys=True)
            if key not in seen:
                seen.add(key)
                row["prompt"] = last_user_text(row["messages"])
                row["id"] = hashlib.sha1(key.encode()).hexdigest()[:12]
                new.append(row)
        buckets = defaultdict(list)
        for row in new:
            buckets[row["source"]].append(row)
        for source in sorted(buckets):
            split_bucket(buckets[source], rng)
        added += new
    return sorted(rows + added, key=lambda r: (r["source"], r["id"]))


# ---------------------------------------------------------------- independent set (dev_v3)

INDEPENDENT_PATH = DATA_DIR / "dev_v3_prompts.jsonl"
INDEPENDENT_PREFIX = "independent/dev_v3/"
# Share of dev_v3 kept out of training, chosen by a hash of the request, so the split depends on no
# generator state and adding rows elsewhere never moves a dev_v3 row.
INDEPENDENT_HOLDOUT_PERCENT = 35


def read_test_format(path: Path) -> list[dict]:
    """Rows of a test-format file ({"prompt"} or {"messages"}, "label", "kind") as example rows with a "kind"."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            raw = json.loads(line)
            row = example(raw.get("messages") or raw["prompt"], raw["label"], INDEPENDENT_PREFIX + raw.get("kind", "clear"))
            row["kind"] = raw.get("kind", "clear")
            rows.append(row)
    return rows


def independent_part(messages: list[dict]) -> str:
    """"holdout" for INDEPENDENT_HOLDOUT_PERCENT % of requests (by the SHA-1 of their messages), else "train"."""
    digest = hashlib.sha1(json.dumps(messages, sort_keys=True).encode()).hexdigest()
    return "holdout" if int(digest[:8], 16) % 100 < INDEPENDENT_HOLDOUT_PERCENT else "train"


def independent_rows(part: str, path: Path = INDEPENDENT_PATH) -> list[dict]:
    """One part ("train" | "holdout") of the independently written set (dev_v3, by a writer who never saw the
    code). The train part joins prompts.jsonl (split "train", source independent/dev_v3/<kind>); the holdout
    part is only ever scored (`python -m router.eval --set dev-v3-holdout`)."""
    return [row for row in read_test_format(path) if independent_part(row["messages"]) == part] if path.exists() else []


# ---------------------------------------------------------------- independent set (dev_v4)

V4_PATH = DATA_DIR / "dev_v4_prompts.jsonl"
V4_PREFIX = "independent/dev_v4/"
# dev_v4 is split by the SHA-256 of its prompt (the last user turn), 65 % train / 35 % holdout.
V4_HOLDOUT_PERCENT = 35


def v4_part(messages: list[dict]) -> str:
    """"holdout" for V4_HOLDOUT_PERCENT % of requests (by the SHA-256 of the last user turn), else "train"."""
    digest = hashlib.sha256(last_user_text(messages).encode("utf-8")).hexdigest()
    return "holdout" if int(digest[:8], 16) % 100 < V4_HOLDOUT_PERCENT else "train"


def v4_rows(part: str, path: Path = V4_PATH) -> list[dict]:
    """One part ("train" | "holdout") of dev_v4 (written by someone who never saw the code). The train part joins
    prompts.jsonl (split "train", source independent/dev_v4/<kind>); the holdout part is only ever scored
    (`python -m router.eval --set dev-v4-holdout`)."""
    if not path.exists():
        return []
    rows = [row for row in read_test_format(path) if v4_part(row["messages"]) == part]
    for row in rows:
        row["source"] = V4_PREFIX + row["kind"]
    return rows


def with_independent(rows: list[dict]) -> list[dict]:
    """`rows` plus the train parts of dev_v3 and dev_v4, all in the train split; no other row or split changes."""
    seen = {json.dumps(row["messages"], sort_keys=True) for row in rows}
    added = []
    for row in [*independent_rows("train"), *v4_rows("train")]:
        key = json.dumps(row["messages"], sort_keys=True)
        if key not in seen:
            seen.add(key)
            row.pop("kind")
            row.update(prompt=last_user_text(row["messages"]), id=hashlib.sha1(key.encode()).hexdigest()[:12], split="train")
            added.append(row)
    return sorted(rows + added, key=lambda r: (r["source"], r["id"]))


def wrap_some_in_conversations(rows: list[dict], rng: random.Random) -> None:
    """Put a share of single-turn requests behind a few turns of small talk, so that conversation
    depth on its own predicts nothing and the last request decides."""
    openers = [
        [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello! How can I help?"}],
        [{"role": "system", "content": "You are a helpful assistant."}],
        [{"role": "user", "content": "Can I ask you something?"}, {"role": "assistant", "content": "Of course, go ahead."}],
        [
            {"role": "user", "content": "Thanks for the help earlier."},
            {"role": "assistant", "content": "You're welcome! Anything else?"},
            {"role": "user", "content": "Yes, one more thing."},
            {"role": "assistant", "content": "Sure, what is it?"},
        ],
    ]
    for row in rows:
        if len(row["messages"]) == 1 and rng.random() < 0.12:
            row["messages"] = [dict(m) for m in rng.choice(openers)] + row["messages"]


# ---------------------------------------------------------------- assembly


def last_user_text(messages: list[dict]) -> str:
    return next(m["content"] for m in reversed(messages) if m["role"] == "user")


def assign_splits(rows: list[dict], rng: random.Random) -> None:
    """Stratified by (source family, label): each family is represented in the held-out split."""
    buckets = defaultdict(list)
    for row in rows:
        family = "/".join(row["source"].split("/")[:2])
        buckets[(family, row["label"])].append(row)
    for key in sorted(buckets):
        split_bucket(buckets[key], rng)


def split_bucket(bucket: list[dict], rng: random.Random) -> None:
    """A random HELDOUT_FRACTION of the bucket is held out, the rest trains (sets row["split"])."""
    rng.shuffle(bucket)
    n_heldout = round(len(bucket) * HELDOUT_FRACTION)
    for i, row in enumerate(bucket):
        row["split"] = "heldout" if i < n_heldout else "train"


def build(bigbench_sdist: Path) -> list[dict]:
    rng = random.Random(SEED)
    wanted = {f"arithmetic/{d}_digit_{op}" for d in range(1, 6) for op in ARITHMETIC_OPS}
    wanted |= {
        "general_knowledge", "truthful_qa", "hindu_knowledge", "human_organs_senses", "known_unknowns", "qa_wikidata",
        "emoji_movie", "sports_understanding", "misconceptions", "word_sorting", "object_counting",
        "unit_conversion/si_conversion", "simple_arithmetic_json", "logical_deduction/three_objects",
        "logical_deduction/five_objects", "tracking_shuffled_objects/five_objects", "date_understanding", "navigate",
        "causal_judgment", "auto_debugging", "code_line_description", "elementary_math_qa/question_only", "physics",
        "logic_grid_puzzle", "formal_fallacies_syllogisms_negation", "cs_algorithms/lcs", "penguins_in_a_table",
        "temporal_sequences", "linguistics_puzzles", "chinese_remainder_theorem", "identify_math_theorems",
        "matrixshapes", "minute_mysteries_qa/freetext", "gre_reading_comprehension", "checkmate_in_one",
    }  # fmt: skip
    print(f"reading {len(wanted)} BIG-bench tasks from {bigbench_sdist} ...")
    tasks = read_bigbench_tasks(bigbench_sdist, wanted)
    rows = []
    rows += bigbench_arithmetic(tasks, rng)
    rows += bigbench_simple_tasks(tasks, rng)
    rows += bigbench_hard_tasks(tasks, rng)
    rows += python_challenges(bigbench_sdist, rng)
    rows += mathematics_dataset(rng)
    rows += country_and_element_rows(rng)
    rows += template_rows(rng)
    rows += handwritten_rows()

    unique, seen = [], set()
    for row in rows:
        key = json.dumps(row["messages"], sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    wrap_some_in_conversations(unique, rng)
    for row in unique:
        row["prompt"] = last_user_text(row["messages"])
        row["id"] = hashlib.sha1(json.dumps(row["messages"], sort_keys=True).encode()).hexdigest()[:12]
    assign_splits(unique, rng)
    return with_independent(with_borderline(unique))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bigbench-sdist", type=Path, default=DEFAULT_BIGBENCH_SDIST)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--borderline-only", action="store_true",
                        help="refresh only the handwritten/borderline and independent/dev_v3, dev_v4 rows of the existing --output file (no BIG-bench "
                             "needed); gives the same file as a full rebuild")
    args = parser.parse_args()
    if args.borderline_only:
        existing = [json.loads(line) for line in args.output.read_text().split("\n") if line.strip()]
        rows = with_independent(with_borderline([row for row in existing
                                                 if not row["source"].startswith((BORDERLINE_PREFIX, INDEPENDENT_PREFIX, V4_PREFIX))]))
    else:
        rows = build(args.bigbench_sdist)
    with args.output.open("w") as out:
        for row in rows:
            ordered = {k: row[k] for k in ("id", "prompt", "messages", "label", "source", "split")}
            out.write(json.dumps(ordered, ensure_ascii=False) + "\n")
    counts = Counter((r["split"], r["label"]) for r in rows)
    print(f"wrote {len(rows)} examples to {args.output}: " + ", ".join(f"{s}/{l}={n}" for (s, l), n in sorted(counts.items())))


if __name__ == "__main__":
    main()
