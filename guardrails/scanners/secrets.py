"""API keys, tokens and private keys by pattern.

The provider patterns are detect-secrets' (Yelp, Apache-2.0): the `denylist` regexes of its
`RegexBasedDetector` plugins, run with `finditer` so that each finding has a span (its own
`analyze_string` yields values, not offsets). detect-secrets is written for source code, so a few rules it
lacks or frames for code are ours:
- `OPENAI_API_KEY`: detect-secrets knows only legacy keys with the `T3BlbkFJ` marker; ours takes any
  `sk-`/`sk-proj-`/`sk-ant-` key of 20+ key characters.
- `GITHUB_TOKEN`: also fine-grained `github_pat_` tokens.
- `PRIVATE_KEY`: the whole PEM block (detect-secrets flags the header line only); an unterminated block
  runs to the end of the text, so a truncated key is still covered.
- `JSON_WEB_TOKEN`: header and payload segments (signature optional), not just the header.
- `GENERIC_SECRET`: `api_key=...`, `password: ...`, `token ...` assignments whose value looks random
  (Shannon entropy >= `min_entropy` bits per character, 16+ characters, letters and digits mixed).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import ClassVar

from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from pydantic import Field

from guardrails.scanners.base import Finding, Scanner, ScannerOptions, resolve_overlaps

# kind -> detect-secrets plugin whose denylist regexes find it. Left out: Artifactory ("AP" + 9 letters
# matches ordinary capitalised words), IP addresses (the PII scanner's), the keyword and high-entropy
# plugins (they need quoted values in code; GENERIC_SECRET below covers prose).
DETECT_SECRETS_PLUGINS = {
    "AWS_ACCESS_KEY": AWSKeyDetector,
    "AZURE_STORAGE_KEY": AzureStorageKeyDetector,
    "BASIC_AUTH_CREDENTIALS": BasicAuthDetector,
    "DISCORD_BOT_TOKEN": DiscordBotTokenDetector,
    "GITHUB_TOKEN": GitHubTokenDetector,
    "GITLAB_TOKEN": GitLabTokenDetector,
    "MAILCHIMP_KEY": MailchimpDetector,
    "NPM_TOKEN": NpmDetector,
    "PYPI_TOKEN": PypiTokenDetector,
    "SENDGRID_KEY": SendGridDetector,
    "SLACK_TOKEN": SlackDetector,
    "SQUARE_OAUTH_SECRET": SquareOAuthDetector,
    "STRIPE_KEY": StripeDetector,
    "TELEGRAM_BOT_TOKEN": TelegramBotTokenDetector,
    "TWILIO_KEY": TwilioKeyDetector,
}

# Ours: (kind, regex). A value that is one "word" of base64/url-safe characters stops at a non-key char.
OWN_RULES: list[tuple[str, re.Pattern]] = [
    ("OPENAI_API_KEY", re.compile(r"(?<![\w-])sk-(?:proj-|svcacct-|admin-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,}")),
    ("GITHUB_TOKEN", re.compile(r"(?<!\w)github_pat_[A-Za-z0-9_]{22,}")),
    ("PRIVATE_KEY", re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY"
        r"(?: BLOCK)?-----|\Z)")),
    ("JSON_WEB_TOKEN", re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?")),
]
# `name = value`, `name: value`, `name is value` with a name that announces a credential.
_ASSIGNMENT = re.compile(
    r"(?i)\b(?:api[_-]?key|apikey|access[_-]?key|secret(?:[_-]?key)?|client[_-]?secret|auth[_-]?token|"
    r"access[_-]?token|token|password|passwd|pwd|bearer)\b[\"']?\s*(?:[:=]|=>|\bis\b)?\s*[\"']?"
    r"(?P<value>[A-Za-z0-9+/_.~$!@#%^&*-]{16,})"
)


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`'s character distribution (log2 of the alphabet at most)."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str, min_entropy: float) -> bool:
    has_letter = any(ch.isalpha() for ch in value)
    has_digit = any(ch.isdigit() for ch in value)
    return has_letter and has_digit and shannon_entropy(value) >= min_entropy


class SecretsOptions(ScannerOptions):
    min_entropy: float = Field(
        default=3.5, gt=0, le=8,
        description="Bits per character a GENERIC_SECRET value needs (random base64 of 16+ chars scores ~4; "
                    "English words ~3).",
    )


class SecretsScanner(Scanner):
    """Provider token patterns (detect-secrets) plus PEM blocks, JWTs, `sk-` keys and generic credential
    assignments. Every finding scores 1.0 except GENERIC_SECRET, which scores its entropy / 5, capped at 1."""

    name = "secrets"
    kinds = (*DETECT_SECRETS_PLUGINS, "OPENAI_API_KEY", "PRIVATE_KEY", "JSON_WEB_TOKEN", "GENERIC_SECRET")
    default_kinds = kinds
    default_threshold = 0.5
    # The longest prefix a rule needs before it matches, plus look-around: Azure's `AccountKey=` + 88
    # characters (99), GitLab's glagent- + 50 (58), a generic assignment's name + 16 value characters (~40).
    # Open-ended rules (PEM blocks, JWTs, sk- keys) match from their first ~30 characters and then keep
    # matching up to the end of the buffer, where a stream holds them until they end.
    hold_back_chars: ClassVar[int] = 104
    Options = SecretsOptions

    def __init__(self, kinds=None, options: SecretsOptions | None = None):
        super().__init__(kinds, options)
        self.rules: list[tuple[str, re.Pattern]] = [
            (kind, pattern)
            for kind, plugin in DETECT_SECRETS_PLUGINS.items() if kind in self.active_kinds
            for pattern in plugin.denylist
        ]
        self.rules += [(kind, pattern) for kind, pattern in OWN_RULES if kind in self.active_kinds]
        self.generic = "GENERIC_SECRET" in self.active_kinds

    def scan(self, text: str) -> list[Finding]:
        findings = []
        for kind, pattern in self.rules:
            for match in pattern.finditer(text):
                start, end = match.span()
                # Some detect-secrets patterns capture the value after a keyword (AWS secret keys, basic-auth
                # passwords): the value is the secret. Short groups are prefixes ("ghp"), not values.
                if pattern.groups and match.group(1) and len(match.group(1)) >= 16:
                    start, end = match.span(1)
                findings.append(Finding(self.name, kind, start, end, 1.0))
        if self.generic:
            for match in _ASSIGNMENT.finditer(text):
                value = match.group("value").rstrip(".,;:!?'\")")
                if looks_random(value, self.options.min_entropy):
                    start = match.start("value")
                    score = min(1.0, shannon_entropy(value) / 5)
                    findings.append(Finding(self.name, "GENERIC_SECRET", start, start + len(value), score))
        return resolve_overlaps(findings)
