"""What a student sentence must literally contain to count as evidence for a check.

The recogniser says which move a sentence makes (`begroeting`); a check may also ask for the
words that make the move complete: a greeting that names the student and the company, a
goodbye that thanks the customer. The patterns live in domain/feedback/bewijs.yml (named,
validated at load time); a rubric check lists the names it needs (`bewijs:`) and the names
that spoil it (`bewijs_niet:`). `{bedrijf}` in a pattern is the student's company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.content import ContentErrors, load_yaml, validate
from bot.paths import PerContentSetting, domain_dir

COMPANY_PLACEHOLDER = "{bedrijf}"


def _compile(pattern: str, company: str | None = None) -> re.Pattern:
    if COMPANY_PLACEHOLDER in pattern:
        words = (company or "").split()
        # "AquaPuur B.V." is often said as "AquaPuur": the first word is enough.
        name = re.escape(words[0]) if words else r"(?!x)x"
        pattern = pattern.replace(COMPANY_PLACEHOLDER, name)
    return re.compile(pattern, re.IGNORECASE)


class EvidencePattern(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uitleg: str = Field(min_length=3)
    patronen: list[str] = Field(min_length=1)

    @field_validator("patronen")
    @classmethod
    def _valid_regex(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                _compile(pattern, "Bedrijf")
            except re.error as exc:
                raise ValueError(f"ongeldige reguliere expressie {pattern!r}: {exc}") from None
        return value


class EvidenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bewijs: dict[str, EvidencePattern]


@dataclass(frozen=True)
class EvidencePatterns:
    patterns: dict[str, EvidencePattern]

    def matches(self, name: str, text: str, company: str | None = None) -> bool:
        return any(_cached(p, company).search(text) for p in self.patterns[name].patronen)


@lru_cache(maxsize=512)
def _cached(pattern: str, company: str | None) -> re.Pattern:
    return _compile(pattern, company)


def evidence_path() -> Path:
    return domain_dir() / "feedback" / "bewijs.yml"


@lru_cache(maxsize=None)
def _load(path: str) -> EvidencePatterns:
    data = load_yaml(path)
    return EvidencePatterns(dict(validate(EvidenceFile, data, path).bewijs))


_loaded = PerContentSetting(lambda: _load(str(evidence_path())))


def load_evidence_patterns() -> EvidencePatterns:
    """The named patterns; raises ContentErrors (file:line) when the file is invalid."""
    return _loaded.get()


def known_names() -> tuple[str, ...]:
    """Names a rubric may use; empty when the file cannot be loaded (reported by validate)."""
    try:
        return tuple(load_evidence_patterns().patterns)
    except ContentErrors:
        return ()
