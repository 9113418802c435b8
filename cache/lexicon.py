"""Word lists of the near-miss guards (cache/guards.py): what counts as a negation, a number word, a
date, a unit, an antonym, a named thing. Plain data, kept apart so the guard logic stays readable."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "without", "cannot", "noone",
     "lack", "lacks", "lacking"}
)

# Rewrites applied to the lower-cased text before tokenising, in order: contractions, "X-free",
# and multi-word expressions that must become one token (phrasal verbs, units, currencies).
PHRASES: list[tuple[str, str]] = [
    (r"\bcan't\b|\bcannot\b", "can not"),
    (r"\bwon't\b", "will not"),
    (r"\bshan't\b", "shall not"),
    (r"n't\b", " not"),
    (r"'(?:s|re|ve|ll|d|m)\b", ""),
    (r"\b([a-z]+)-free\b", r"without \1"),
    (r"\bnon-([a-z]+)", r"not \1"),
    (r"\bfrom now\b", " fromnow "),
    (r"\b(?:in )?(?:what|which) (?:year|date|day)\b", " when "),  # "what year did X" is "when did X"
    (r"\bcurrent (date|day)\b", r" today \1 "),
    (r"\b(?:right now|at the moment|currently)\b", " now "),
    # phrasal verbs with an object in between: "turn the wifi off"
    (r"\b(?:turn|switch)(?:s|ed|ing)?\s+(?:(?!on\b|off\b)\w+\s+){0,3}?on\b", " enable "),
    (r"\b(?:turn|switch)(?:s|ed|ing)?\s+(?:(?!on\b|off\b)\w+\s+){0,3}?off\b", " disable "),
    (r"\b(?:shut|shutting)\s+(?:\w+\s+){0,2}?down\b", " stop "),
    (r"\b(?:log|logging|logged|sign|signing|signed)\s+in(?:to)?\b|\blogin\b|\bsignin\b", " login "),
    (r"\b(?:log|logging|logged|sign|signing|signed)\s+out\b|\blogout\b|\bsignout\b", " logout "),
    (r"\bsign(?:ing|ed|s)?\s+up\b|\bsignup\b", " register "),
    (r"\bpower(?:s|ed|ing)?\s+(?:(?!on\b|off\b)\w+\s+){0,3}?on\b", " enable "),
    (r"\bpower(?:s|ed|ing)?\s+(?:(?!on\b|off\b)\w+\s+){0,3}?off\b", " disable "),
    (r"\bhourly\b", " every hour "),
    (r"\bdaily\b", " every day "),
    (r"\bweekly\b", " every week "),
    (r"\bmonthly\b", " every month "),
    (r"\b(?:yearly|annually)\b", " every year "),
    (r"\bspeed(?:ing|s)?\s+(?:\w+\s+){0,2}?up\b", " accelerate "),
    (r"\bslow(?:ing|s|ed)?\s+(?:\w+\s+){0,2}?down\b", " decelerate "),
    (r"\bscale(?:s|d)?\s+up\b", " upscale "),
    (r"\bscale(?:s|d)?\s+down\b", " downscale "),
    (r"\bzoom(?:s|ed|ing)?\s+in\b", " zoomin "),
    (r"\bzoom(?:s|ed|ing)?\s+out\b", " zoomout "),
    (r"\bopt(?:s|ed|ing)?\s+in\b", " optin "),
    (r"\bopt(?:s|ed|ing)?\s+out\b", " optout "),
    (r"\bgo(?:es|ing)?\s+up\b", " rise "),
    (r"\bgo(?:es|ing)?\s+down\b", " fall "),
    (r"\bpros and cons\b", " proscons "),
    (r"\bhalf[- ]life\b", " halflife "),
    (r"\b(?:show|view|see|display)(?:s|ing)?\s+(?:all\s+|the\s+)?hidden\b", " reveal hidden "),
    # "show the ribbon" undoes "hide the ribbon"; "show me how" is only a request
    (r"\bshow(?:s|ing|n)?\b(?!\s+(?:me|us|him|her|them|you|how|what|which|why|where|when|who|a|an|some|all)\b)",
     " unhide "),
    (r"\bupper\s*case\b", " uppercase "),
    (r"\blower\s*case\b", " lowercase "),
    (r"\bcamel\s*case\b", " camelcase "),
    (r"\bsnake\s*case\b", " snakecase "),
    (r"\blinked list\b", " linkedlist "),
    (r"\bhash\s*map\b", " hashmap "),
    (r"\bdata\s*frame\b", " dataframe "),
    (r"\broman numerals?\b", " roman "),
    # units written with several words or symbols
    (r"\bkm\s*/\s*h\b|\bkilomet(?:er|re)s? (?:per|an|a) hour\b|\bkph\b", " kmh "),
    (r"\bmiles? (?:per|an|a) hour\b", " mph "),
    (r"\bm\s*/\s*s\b|\bmet(?:er|re)s? per second\b", " mps "),
    (r"\bsquare (?:feet|foot)\b|\bsq\.? ?ft\b|\bft2\b|\bft²", " sqft "),
    (r"\bsquare met(?:er|re)s?\b|\bsq\.? ?m\b|\bm2\b|\bm²", " sqm "),
    (r"\bsquare kilomet(?:er|re)s?\b|\bsq\.? ?km\b|\bkm2\b|\bkm²", " sqkm "),
    (r"\bsquare miles?\b|\bsq\.? ?mi\b", " sqmi "),
    (r"\bcubic met(?:er|re)s?\b|\bm3\b|\bm³", " cubicmeter "),
    (r"\bfl(?:uid)?\.? ?oz\b|\bfluid ounces?\b", " floz "),
    (r"\blight[- ]?years?\b", " lightyear "),
    (r"\bnautical miles?\b", " nauticalmile "),
    (r"\bkilowatt[- ]?hours?\b|\bkwh\b", " kwh "),
    (r"°\s*c\b|\bdeg(?:rees?)?\.? c\b|\bdegrees? celsius\b", " celsius "),
    (r"°\s*f\b|\bdeg(?:rees?)?\.? f\b|\bdegrees? fahrenheit\b", " fahrenheit "),
    (r"\bdegrees? kelvin\b", " kelvin "),
    (r"\bper ?cent\b", " % "),
    # currencies whose name is two words
    (r"\b(?:us|u\.s\.|american) dollars?\b", " usd "),
    (r"\bcanadian dollars?\b", " cad "),
    (r"\baustralian dollars?\b", " aud "),
    (r"\bnew zealand dollars?\b", " nzd "),
    (r"\bsingapore dollars?\b", " sgd "),
    (r"\bhong kong dollars?\b", " hkd "),
    (r"\bswiss francs?\b", " chf "),
    (r"\b(?:british pounds?|pounds? sterling)\b", " gbp "),
    (r"\bmexican pesos?\b", " mxn "),
    (r"\bindian rupees?\b", " inr "),
    (r"\bjapanese yen\b", " jpy "),
    (r"\bchinese yuan\b", " cny "),
    (r"\bsouth korean won\b|\bkorean won\b", " krw "),
]

SMALL_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fifteenth": 15, "twentieth": 20,
    "hundredth": 100, "thousandth": 1000,
}
SCALE_WORDS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 10**9, "trillion": 10**12}
# Quantities said in words that are not counts; compared as written.
QUANTITY_WORDS = {"half": "0.5", "quarter": "0.25", "twice": "x2", "thrice": "x3", "triple": "x3", "double": "x2"}
# Words after which "second" is the unit of time, not the ordinal.
SECOND_AS_UNIT_AFTER = frozenset({"per", "a", "one", "each", "every", "split", "nano", "milli", "micro"})

MONTHS = {
    "january": "jan", "jan": "jan", "february": "feb", "feb": "feb", "march": "mar", "april": "apr",
    "apr": "apr", "may": "may", "june": "jun", "jun": "jun", "july": "jul", "jul": "jul", "august": "aug",
    "aug": "aug", "september": "sep", "sept": "sep", "sep": "sep", "october": "oct", "oct": "oct",
    "november": "nov", "nov": "nov", "december": "dec", "dec": "dec",
}
MONTHS_ONLY_CAPITALISED = frozenset({"march", "may"})  # lower-case they are verbs
WEEKDAYS = {
    "monday": "mon", "tuesday": "tue", "tues": "tue", "wednesday": "wed", "thursday": "thu", "thurs": "thu",
    "friday": "fri", "saturday": "sat", "sunday": "sun",
}
DAY_WORDS = frozenset(
    {"today", "tonight", "tomorrow", "yesterday", "now", "weekend", "weekday", "weeknight", "morning",
     "afternoon", "evening", "night", "noon", "midnight", "overnight", "ago", "fromnow", "summer", "winter",
     "autumn", "christmas", "easter", "thanksgiving", "halloween", "ramadan", "diwali", "hanukkah", "bc", "bce"}
)
SEASONS_NEEDING_CONTEXT = frozenset({"spring", "fall"})  # "spring"/"fall" are also a coil and a verb
SEASON_CONTEXT = frozenset({"in", "this", "last", "next", "during", "every", "early", "late", "the"})
RELATIVE_PERIOD_WORDS = {
    "last": "last", "previous": "last", "past": "last", "next": "next", "coming": "next", "upcoming": "next",
    "following": "next", "this": "this", "current": "this",
}
PERIODS = frozenset(
    {"week", "weekend", "month", "year", "decade", "century", "quarter", "season", "semester", "term",
     "summer", "winter", "spring", "autumn", "fall", "night", "morning", "evening"}
) | frozenset(WEEKDAYS)
CLOCK_SUFFIXES = {"am": "am", "pm": "pm", "a.m": "am", "p.m": "pm"}

# Unit and currency names → one canonical name. Single letters count only right after a number.
UNITS = {
    # length
    "km": "km", "kms": "km", "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
    "meter": "m", "meters": "m", "metre": "m", "metres": "m", "cm": "cm", "centimeter": "cm",
    "centimeters": "cm", "centimetre": "cm", "centimetres": "cm", "mm": "mm", "millimeter": "mm",
    "millimeters": "mm", "millimetre": "mm", "millimetres": "mm", "mile": "mile", "miles": "mile", "mi": "mile",
    "foot": "ft", "feet": "ft", "ft": "ft", "inch": "inch", "inches": "inch", "yard": "yard", "yards": "yard",
    "yd": "yard", "yds": "yard", "lightyear": "lightyear", "nauticalmile": "nauticalmile",
    # mass
    "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg", "gram": "g",
    "grams": "g", "gramme": "g", "grammes": "g", "mg": "mg", "milligram": "mg", "milligrams": "mg",
    "lb": "pound", "lbs": "pound", "pound": "pound", "pounds": "pound", "oz": "oz", "ounce": "oz",
    "ounces": "oz", "ton": "ton", "tons": "ton", "tonne": "ton", "tonnes": "ton", "stone": "stone",
    # volume
    "liter": "l", "liters": "l", "litre": "l", "litres": "l", "ml": "ml", "milliliter": "ml",
    "milliliters": "ml", "millilitre": "ml", "millilitres": "ml", "gallon": "gallon", "gallons": "gallon",
    "gal": "gallon", "quart": "quart", "quarts": "quart", "pint": "pint", "pints": "pint", "cup": "cup",
    "cups": "cup", "tablespoon": "tbsp", "tablespoons": "tbsp", "tbsp": "tbsp", "teaspoon": "tsp",
    "teaspoons": "tsp", "tsp": "tsp", "floz": "floz", "cubicmeter": "cubicmeter",
    # temperature
    "celsius": "celsius", "centigrade": "celsius", "fahrenheit": "fahrenheit", "kelvin": "kelvin",
    "degree": "degree", "degrees": "degree", "radian": "radian", "radians": "radian",
    # time
    "second": "second", "seconds": "second", "sec": "second", "secs": "second", "minute": "minute",
    "minutes": "minute", "min": "minute", "mins": "minute", "hour": "hour", "hours": "hour", "hr": "hour",
    "hrs": "hour", "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
    "months": "month", "year": "year", "years": "year", "yr": "year", "yrs": "year", "decade": "decade",
    "decades": "decade", "century": "century", "centuries": "century", "millisecond": "ms",
    "milliseconds": "ms", "ms": "ms", "microsecond": "us", "microseconds": "us", "nanosecond": "ns",
    "nanoseconds": "ns",
    # speed, area
    "mph": "mph", "kmh": "kmh", "mps": "mps", "knot": "knot", "knots": "knot", "acre": "acre", "acres": "acre",
    "hectare": "hectare", "hectares": "hectare", "sqft": "sqft", "sqm": "sqm", "sqkm": "sqkm", "sqmi": "sqmi",
    # data
    "bit": "bit", "bits": "bit", "byte": "byte", "bytes": "byte", "kb": "kb", "kilobyte": "kb",
    "kilobytes": "kb", "mb": "mb", "megabyte": "mb", "megabytes": "mb", "gb": "gb", "gigabyte": "gb",
    "gigabytes": "gb", "tb": "tb", "terabyte": "tb", "terabytes": "tb", "kib": "kib", "mib": "mib",
    "gib": "gib", "mbps": "mbps", "gbps": "gbps",
    # energy, power, pressure, electricity
    "calorie": "kcal", "calories": "kcal", "kcal": "kcal", "cal": "kcal", "kilocalorie": "kcal",
    "kilocalories": "kcal", "joule": "joule", "joules": "joule", "kj": "kj", "kilojoule": "kj",
    "kilojoules": "kj", "watt": "watt", "watts": "watt", "kw": "kw", "kilowatt": "kw", "kilowatts": "kw",
    "kwh": "kwh", "horsepower": "hp", "hp": "hp", "volt": "volt", "volts": "volt", "amp": "amp",
    "amps": "amp", "ampere": "amp", "amperes": "amp", "ohm": "ohm", "ohms": "ohm", "btu": "btu",
    "newton": "newton", "newtons": "newton", "psi": "psi", "pascal": "pascal", "pascals": "pascal",
    "bar": "bar", "atm": "atm", "%": "percent",
    # currencies
    "$": "usd", "usd": "usd", "dollar": "usd", "dollars": "usd", "buck": "usd", "bucks": "usd", "€": "eur",
    "eur": "eur", "euro": "eur", "euros": "eur", "£": "gbp", "gbp": "gbp", "sterling": "gbp", "¥": "jpy",
    "jpy": "jpy", "yen": "jpy", "cny": "cny", "rmb": "cny", "yuan": "cny", "renminbi": "cny", "₹": "inr",
    "inr": "inr", "rupee": "inr", "rupees": "inr", "chf": "chf", "franc": "chf", "francs": "chf",
    "cad": "cad", "aud": "aud", "nzd": "nzd", "sgd": "sgd", "hkd": "hkd", "mxn": "mxn", "peso": "mxn",
    "pesos": "mxn", "krw": "krw", "ruble": "rub", "rubles": "rub", "rouble": "rub", "roubles": "rub",
    "rub": "rub", "lira": "try", "bitcoin": "btc", "bitcoins": "btc", "btc": "btc", "ethereum": "eth",
    "ether": "eth", "eth": "eth", "krona": "sek", "kronor": "sek", "sek": "sek", "krone": "nok", "nok": "nok",
    "rand": "zar", "zar": "zar", "real": "brl", "reais": "brl", "brl": "brl", "dirham": "aed", "aed": "aed",
}
UNITS_AFTER_NUMBER_ONLY = {
    "m": "m", "g": "g", "l": "l", "s": "second", "h": "hour", "c": "celsius", "f": "fahrenheit",
    "k": "kelvin", "t": "ton", "b": "byte", "w": "watt", "v": "volt", "a": "amp",
    "second": "second", "real": "brl", "won": "krw", "bar": "bar", "cal": "kcal",
}
UNITS_NEEDING_NUMBER = frozenset({"real", "won", "bar", "cal", "second", "stone", "ton"})
TEMPERATURE_UNITS = frozenset({"celsius", "fahrenheit", "kelvin"})

# Things one converts between: language, format, number base, type, time zone. With units, currencies
# and named entities they form the terms whose order in "A to B" carries the meaning.
CONVERTIBLE_TERMS = frozenset(
    {
        # human languages
        "english", "french", "spanish", "german", "italian", "portuguese", "chinese", "mandarin", "cantonese",
        "japanese", "korean", "russian", "arabic", "hindi", "bengali", "urdu", "turkish", "dutch", "swedish",
        "norwegian", "danish", "finnish", "polish", "greek", "hebrew", "latin", "thai", "vietnamese",
        "indonesian", "malay", "swahili", "ukrainian", "czech", "hungarian", "romanian", "persian", "farsi",
        "tagalog", "esperanto",
        # programming languages and formats
        "python", "java", "javascript", "typescript", "cpp", "csharp", "golang", "rust", "ruby", "php", "perl",
        "kotlin", "swift", "scala", "haskell", "matlab", "sql", "bash", "powershell", "json", "yaml", "xml",
        "csv", "html", "markdown", "pdf", "docx", "excel", "xlsx", "png", "jpg", "jpeg", "gif", "svg", "webp",
        "mp3", "mp4", "wav", "flac", "mov", "mkv", "epub", "txt", "toml", "protobuf", "parquet", "latex",
        # representations and types
        "binary", "decimal", "hex", "hexadecimal", "octal", "base64", "ascii", "unicode", "utf8", "roman",
        "rgb", "hsl", "cmyk", "uppercase", "lowercase", "camelcase", "snakecase", "string", "int", "integer",
        "float", "list", "array", "tuple", "dict", "dictionary", "set", "dataframe", "linkedlist", "hashmap",
        "tensor", "numpy", "pandas", "bytes", "timestamp", "datetime", "epoch", "fraction", "percentage",
        # time zones and calendars
        "utc", "gmt", "est", "edt", "pst", "pdt", "cst", "cet", "cest", "ist", "jst", "aest", "gregorian",
        "julian", "lunar", "metric", "imperial",
    }
)

# Names typed in lower case that still name one thing (products, tools, languages). Capitalised
# names are recognised without a list.
KNOWN_NAMES = CONVERTIBLE_TERMS - {
    "string", "int", "integer", "float", "list", "array", "tuple", "dict", "dictionary", "set", "bytes",
    "timestamp", "datetime", "epoch", "fraction", "percentage", "binary", "decimal", "metric", "imperial",
    "uppercase", "lowercase", "lunar",
} | {
    "linux", "windows", "macos", "ubuntu", "debian", "android", "ios", "iphone", "ipad", "docker",
    "kubernetes", "aws", "azure", "gcp", "react", "vue", "angular", "django", "flask", "fastapi", "postgres",
    "postgresql", "mysql", "sqlite", "mongodb", "redis", "kafka", "nginx", "apache", "git", "github",
    "gitlab", "vscode", "vim", "emacs", "chrome", "firefox", "safari", "tensorflow", "pytorch", "sklearn",
    "spark", "hadoop", "terraform", "ansible", "jenkins", "nodejs", "node", "npm", "pip", "conda", "gmail",
    "outlook", "slack", "zoom", "teams", "whatsapp", "instagram", "facebook", "twitter", "tiktok", "youtube",
    "netflix", "spotify", "amazon", "google", "microsoft", "apple", "tesla", "nvidia", "intel", "amd",
    "samsung", "openai", "chatgpt", "bluetooth", "wifi", "ethernet", "mercury", "venus", "earth", "mars",
    "jupiter", "saturn", "uranus", "neptune", "pluto", "moon", "sun",
}

# Surface forms that name the same thing; applied to the original text (case-sensitive patterns
# first, so "US" the country is not "us" the pronoun).
ALIASES: list[tuple[str, str, int]] = [
    # not in "US dollars": that is the currency, read by the unit guard
    (r"\bU\.?S\.?A\.?(?=\W|$)|\bU\.S\.(?=\W|$)(?!\s*dollar)|\bUS\b(?!\s*dollar)", " United_States ", 0),
    (r"\bU\.?K\.?(?=\W|$)", " United_Kingdom ", 0),
    (r"\bunited states(?: of america)?\b|(?<!north )(?<!south )(?<!latin )(?<!central )\bamerica\b",
     " United_States ", re.IGNORECASE),
    (r"\bunited kingdom\b|\b(?:great )?britain\b", " United_Kingdom ", re.IGNORECASE),
    (r"\bnew york city\b|\bnyc\b", " New_York ", re.IGNORECASE),
    (r"\bsoviet union\b|\bussr\b", " Soviet_Union ", re.IGNORECASE),
    (r"\bworld war (?:ii|2|two)\b|\bsecond world war\b|\bww ?(?:ii|2)\b", " World_War_2 ", re.IGNORECASE),
    (r"\bworld war (?:i|1|one)\b|\bfirst world war\b|\bww ?(?:i|1)\b", " World_War_1 ", re.IGNORECASE),
    (r"\bthe netherlands\b|\bholland\b", " Netherlands ", re.IGNORECASE),
    (r"\bczech republic\b|\bczechia\b", " Czechia ", re.IGNORECASE),
    (r"\bunited arab emirates\b|\bUAE\b", " UAE ", re.IGNORECASE),
    (r"\bc\+\+", " cpp ", re.IGNORECASE),
    (r"\bc#", " csharp ", re.IGNORECASE),
    (r"\bjs\b", " javascript ", re.IGNORECASE),
    (r"\bts\b", " typescript ", 0),
    (r"\bgolang\b|\bGo\b(?= (?:code|program|language|lang|module|routine))", " golang ", 0),
    (r"\bk8s\b", " kubernetes ", re.IGNORECASE),
    (r"\bpostgresql\b", " postgres ", re.IGNORECASE),
    (r"\bnode\.?js\b", " nodejs ", re.IGNORECASE),
    (r"\bmac ?os(?: x)?\b|\bos x\b|\bmac\b", " macos ", re.IGNORECASE),
    (r"\butf-?8\b", " utf8 ", re.IGNORECASE),
    (r"\bpy(?=\W|$)", " python ", 0),
]

# Antonym axes: (name, positive words, negative words). Two texts conflict on an axis when both have a
# sign on it and their sets of signs differ. A sign against none ("disable 2FA" vs "set up 2FA") is left
# to the alignment rule (cache/alignment.py), which refuses any unpaired substitution whether or not a
# list names it, while a word of two senses ("leaves fall" / "trees drop leaves") no longer fires alone.
ANTONYM_AXES: list[tuple[str, list[str], list[str]]] = [
    ("enable",
     ["enable", "activate", "allow", "permit", "whitelist", "grant", "approve", "accept"],
     ["disable", "deactivate", "block", "deny", "forbid", "prohibit", "ban", "disallow", "blacklist",
      "revoke", "reject", "decline", "refuse"]),
    ("add",
     ["add", "insert", "append", "attach", "include", "including", "create", "install", "plus"],
     ["remove", "delete", "erase", "detach", "exclude", "except", "excluding", "destroy", "drop",
      "uninstall", "minus", "subtract"]),
    ("encrypt",
     ["encrypt", "encipher", "encode", "serialize", "serialise", "compress", "zip", "pack", "obfuscate"],
     ["decrypt", "decipher", "decode", "deserialize", "deserialise", "decompress", "unzip", "unpack",
      "deobfuscate", "crack"]),
    ("lock",
     ["lock", "freeze", "mute", "pin", "hide", "archive", "subscribe", "follow", "mount", "connect", "plug",
      "link", "publish", "register", "optin", "login", "enroll"],
     ["unlock", "unfreeze", "thaw", "unmute", "unpin", "unhide", "reveal", "unarchive", "unsubscribe",
      "unfollow", "unmount", "disconnect", "unplug", "unlink", "unpublish", "unregister", "optout", "logout",
      "unenroll", "cancel", "unblock"]),
    ("start",
     ["start", "begin", "launch", "boot", "open", "resume", "play", "run"],
     ["stop", "end", "terminate", "kill", "halt", "shutdown", "close", "quit", "exit", "pause", "finish"]),
    ("increase",
     ["increase", "raise", "boost", "grow", "expand", "enlarge", "maximize", "maximise", "accelerate",
      "upscale", "zoomin", "upgrade", "inflate", "gain", "rise", "climb", "ascend", "ascending",
      "strengthen", "widen", "lengthen"],
     ["decrease", "reduce", "lower", "shrink", "minimize", "minimise", "decelerate", "downscale", "zoomout",
      "downgrade", "deflate", "lose", "loss", "fall", "collapse", "descend", "descending", "weaken", "narrow", "shorten",
      "lessen", "diminish"]),
    ("transfer",
     ["upload", "import", "push", "send", "buy", "purchase", "borrow", "deposit", "inbound", "incoming"],
     ["download", "export", "pull", "receive", "sell", "lend", "withdraw", "outbound", "outgoing"]),
    ("win",
     ["win", "winning", "victory", "profit", "success", "succeed"],
     ["defeat", "failure", "fail", "failed"]),
    ("temperature",
     ["heat", "warm", "hot", "hotter", "hottest", "warmer", "warmest", "boil"],
     ["cool", "cold", "colder", "coldest", "cooler", "coolest", "chill", "refrigerate"]),
    ("size",
     ["big", "bigger", "biggest", "large", "larger", "largest", "huge", "tall", "taller", "tallest", "high",
      "higher", "highest", "long", "longer", "longest", "wide", "wider", "widest", "heavy", "heavier",
      "heaviest", "deep", "deeper", "deepest", "thick"],
     ["small", "smaller", "smallest", "tiny", "little", "short", "shorter", "shortest", "low", "lowest",
      "narrower", "narrowest", "lighter", "lightest", "shallow", "shallower", "thin"]),
    ("extreme",
     ["max", "maximum", "most", "greatest", "peak", "uppermost"],
     ["min", "minimum", "least", "fewest", "bottom", "lowermost"]),
    ("amount", ["more", "many", "much", "plenty"], ["less", "fewer", "few"]),
    ("age",
     ["old", "older", "oldest", "ancient", "earliest", "elder", "eldest"],
     ["young", "younger", "youngest", "new", "newer", "newest", "latest", "recent", "modern"]),
    ("speed",
     ["fast", "faster", "fastest", "quick", "quicker", "quickest", "quickly", "rapid", "rapidly"],
     ["slow", "slower", "slowest", "slowly"]),
    ("price",
     ["expensive", "pricier", "priciest", "costly", "costliest"],
     ["cheap", "cheaper", "cheapest", "inexpensive", "affordable"]),
    ("quality",
     ["good", "better", "best", "positive", "advantage", "advantages", "pro", "pros", "benefit", "benefits",
      "strength", "strengths", "upside", "upsides", "healthy", "safe", "safest", "right", "correct", "true",
      "valid", "legal", "easy", "easier", "easiest", "strong", "stronger", "strongest", "like", "love"],
     ["bad", "worse", "worst", "negative", "disadvantage", "disadvantages", "con", "cons", "drawback",
      "drawbacks", "risk", "risks", "weakness", "weaknesses", "downside", "downsides", "unhealthy", "harmful",
      "dangerous", "unsafe", "wrong", "incorrect", "false", "invalid", "illegal", "hard", "harder", "hardest",
      "difficult", "weak", "weaker", "weakest", "hate", "dislike"]),
    ("order",
     ["before", "prior", "prefix", "leading", "preceding"],
     ["after", "afterwards", "suffix", "trailing"]),
    ("direction",
     ["above", "inside", "north", "east", "northern", "eastern", "upstream", "forward", "forwards", "left",
      "uppercase", "upstairs", "horizontal", "clockwise", "overestimate", "overweight", "overflow", "inhale",
      "arrive", "arrival", "entrance", "sunrise", "bullish"],
     ["below", "outside", "south", "west", "southern", "western", "downstream", "backward", "backwards",
      "lowercase", "downstairs", "vertical", "counterclockwise", "anticlockwise", "underestimate",
      "underweight", "underflow", "exhale", "depart", "departure", "sunset", "bearish"]),
    ("relation",
     ["over", "front", "input", "internal", "interior", "majority", "acidic", "acid", "odd", "debit",
      "income", "asset", "assets", "enter", "male", "men", "man", "boy", "boys", "father", "dad", "husband",
      "son", "sons", "brother", "king", "bull"],
     ["under", "back", "output", "external", "exterior", "minority", "alkaline", "even", "credit", "expense",
      "expenses", "liability", "liabilities", "leave", "female", "women", "woman", "girl", "girls", "mother",
      "mom", "wife", "daughter", "daughters", "sister", "queen", "bear"]),
    ("lightness", ["white", "bright", "light"], ["dark", "black", "dim"]),
]
# Prefixes that reverse a word: "lock"/"unlock", "legal"/"illegal", "increase"/"decrease".
REVERSING_PREFIXES = ("un", "dis", "de", "in", "im", "il", "ir", "non", "anti", "mis", "counter")

# Contrast sets: alternatives of which a question names one, and whose answers differ ("boiling" vs
# "freezing point", "capital" vs "currency of France"). Two texts conflict when they name different
# members of one set. "a|b" is one member spelled two ways.
CONTRAST_SETS: dict[str, list[str]] = {
    "family": ["mother|mom|mum", "father|dad", "son", "daughter", "brother", "sister", "husband", "wife",
               "uncle", "aunt", "nephew", "niece", "cousin", "grandmother|grandma", "grandfather|grandpa",
               "grandson", "granddaughter", "boyfriend", "girlfriend"],
    "measure": ["area", "perimeter", "volume", "circumference", "diameter", "radius", "width", "depth",
                "weight", "mass", "density", "velocity", "acceleration", "momentum", "force", "pressure"],
    "phase_point": ["boiling", "freezing", "melting", "dew", "flash"],
    "medical": ["symptom", "cause", "treatment|treat|cure", "prevention|prevent", "diagnosis|diagnose",
                "complication", "side_effect"],
    "learning": ["learn", "teach"],
    "io": ["read", "write"],
    "dialogue": ["ask", "answer|reply"],
    "statistic": ["mean|average", "median", "mode", "variance", "range"],
    "trig": ["sine|sin", "cosine|cos", "tangent|tan"],
    "food_group": ["fruit", "vegetable", "grain", "nut", "legume"],
    "meat": ["beef", "pork", "chicken", "lamb", "turkey", "salmon", "tuna", "shrimp", "tofu"],
    "staple": ["rice", "pasta", "quinoa", "potato|potatoes", "noodle", "couscous", "oatmeal|oats", "bread"],
    "animal": ["cat|kitten", "dog|puppy", "rabbit", "hamster", "horse", "cow", "pig", "sheep", "goat",
               "parrot", "snake", "lizard", "turtle", "mouse|mice", "rat", "lion", "tiger", "elephant", "wolf",
               "fox", "deer", "ant", "bee", "spider", "mosquito", "shark", "whale", "dolphin", "penguin",
               "owl", "eagle", "frog", "bird", "fish"],
    "color": ["red", "orange", "yellow", "green", "blue", "purple|violet", "pink", "brown", "gray|grey"],
    "country_fact": ["capital", "population", "currency", "language", "flag", "president", "anthem", "gdp",
                     "religion", "motto"],
    "meal": ["breakfast", "lunch", "dinner|supper", "brunch"],
    "word_class": ["noun", "verb", "adjective", "adverb", "pronoun", "preposition", "conjunction"],
    "http_method": ["get", "post", "put", "patch"],
    "protocol": ["tcp", "udp", "http", "https", "ftp", "ssh", "smtp"],
    "tier": ["frontend", "backend"],
    "role": ["client", "server"],
    "processor": ["cpu", "gpu", "tpu"],
    "disk": ["ssd", "hdd"],
    "element": ["gold", "silver", "copper", "iron", "aluminum|aluminium", "zinc", "carbon", "oxygen",
                "hydrogen", "nitrogen", "helium", "sodium", "potassium", "calcium", "magnesium", "uranium",
                "platinum", "titanium", "lithium", "neon", "chlorine", "sulfur|sulphur", "silicon"],
    "sport": ["football", "basketball", "baseball", "tennis", "golf", "cricket", "rugby", "hockey",
              "volleyball", "swimming", "cycling", "boxing"],
    "instrument": ["guitar", "piano", "violin", "drums", "flute", "saxophone", "trumpet", "cello", "ukulele"],
    "drink": ["coffee", "tea", "beer", "wine", "milk", "juice", "soda", "whiskey|whisky", "vodka"],
    "shape": ["circle", "square", "triangle", "rectangle", "sphere", "cube", "cylinder", "cone", "pentagon",
              "hexagon", "oval"],
    "data_structure": ["list", "set", "tuple", "dict|dictionary", "array", "string|str", "queue", "stack",
                       "tree", "graph", "heap", "hashmap", "linkedlist"],
    "number_kind": ["prime", "composite", "even", "odd", "rational", "irrational"],
    "organ": ["heart", "liver", "kidney", "lung", "brain", "stomach", "skin", "pancreas"],
    "energy_source": ["solar", "wind", "nuclear", "coal", "hydro", "geothermal"],
    "vehicle": ["car", "bus", "train", "plane|flight", "bike|bicycle", "boat|ferry", "taxi"],
}


@lru_cache(maxsize=1)
def contrast_member_of_word() -> dict[str, list[tuple[str, str]]]:
    """word (and its plural) → [(contrast set, member)]."""
    table: dict[str, list[tuple[str, str]]] = {}
    for name, members in CONTRAST_SETS.items():
        for member in members:
            spellings = member.split("|")
            for spelling in spellings:
                plurals = {spelling, spelling + "s", spelling + "es"}
                if spelling.endswith("y"):
                    plurals.add(spelling[:-1] + "ies")
                for form in plurals:
                    table.setdefault(form, []).append((name, spellings[0]))
    return table


STOPWORDS = frozenset(
    """a an the and or but if then so of to in on at by for with from into onto about as is are was were be
    been being am do does did doing have has had having i me my we our you your he she it its they them their
    this that these those there here what which who whom whose when where why how can could should would will
    shall may might must please tell show explain give list describe help let lets want need know find get
    make use way ways some any all each every also just only very really quite like one ones s t""".split()
)


def verb_forms(base: str) -> set[str]:
    """A base word and its usual inflections: stop → stops, stopped, stopping."""
    forms = {base, base + "s", base + "es", base + "ed", base + "d", base + "ing", base + "er", base + "ers"}
    if base.endswith("e"):
        forms |= {base[:-1] + "ing", base[:-1] + "ion"}
    if base.endswith("y"):
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    if len(base) >= 3 and base[-1] not in "aeiouwxy" and base[-2] in "aeiou" and base[-3] not in "aeiou":
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing", base + base[-1] + "er"}  # stop → stopped
    return forms


@lru_cache(maxsize=1)
def polarity_of_word() -> dict[str, tuple[str, int]]:
    """Every inflected form of every axis word → (axis, +1 or -1); the first axis listing a form wins."""
    table: dict[str, tuple[str, int]] = {}
    for axis, positives, negatives in ANTONYM_AXES:
        for sign, words in ((1, positives), (-1, negatives)):
            for word in words:
                forms = {word} if "_" in word or len(word) <= 3 else verb_forms(word)
                for form in forms:
                    table.setdefault(form, (axis, sign))
    # A few irregular forms.
    table.update({"lost": ("increase", -1), "grew": ("increase", 1), "rose": ("increase", 1),
                  "fell": ("increase", -1), "sold": ("transfer", -1), "bought": ("transfer", 1),
                  "began": ("start", 1), "shut": ("start", -1), "hid": ("lock", 1), "hidden": ("lock", 1),
                  "shown": ("lock", -1), "froze": ("lock", 1), "frozen": ("lock", 1)})
    return table




@lru_cache(maxsize=1)
def gazetteer() -> tuple[frozenset[str], dict[str, str]]:
    """(place names as lower-case word strings, demonym → country) from cache/data/gazetteer.json."""
    data = json.loads((Path(__file__).parent / "data" / "gazetteer.json").read_text())
    return frozenset(data["places"]), dict(data["demonyms"])
