"""The values a feedback text may use besides the sentences: who the customer is, the
student's company and name, the scenario's product (contracts §6, placeholders).

The persona's gender and the direction of the call come from domain/feedback/scenarios.yml
(keyed by scenario id); a scenario without an entry gets neutral wording ("de klant").
"""

from __future__ import annotations

import re
from typing import Any

from bot.feedback.conversation import Conversation
from bot.feedback.evidence import load_evidence_patterns
from bot.feedback.texts import FeedbackTexts

_PRONOUNS = {
    "m": {"hij": "hij", "zijn": "zijn", "hem": "hem", "title": "meneer"},
    "v": {"hij": "zij", "zijn": "haar", "hem": "haar", "title": "mevrouw"},
}
_NEUTRAL = {"hij": "hij of zij", "zijn": "zijn of haar", "hem": "hem of haar", "title": ""}
OWN_NAME_UNKNOWN = "[je naam]"
_OWN_NAME = re.compile(
    r"\b(?:u spreekt met|mijn naam is|ik ben|ik heet|,\s*met)\s+((?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+))?)",
    re.IGNORECASE,
)
_PARTICLES = {"de", "van", "der", "den", "het", "ter", "ten", "el", "la", "le", "in", "'t"}


def surname(full_name: str) -> str:
    """'Ingrid de Vries' -> 'De Vries' (as said after meneer/mevrouw)."""
    parts = full_name.split()[1:] or full_name.split()
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def own_name(conv: Conversation, company: str | None = None) -> str:
    """The name the student gave in the conversation ('u spreekt met Sanne'), else
    OWN_NAME_UNKNOWN. 'Met Kantoorgemak' or 'met Dekker' (of Dekker Kantoorinrichting) names
    the company, not the student."""
    company_name = company or getattr(conv.info, "student_company", None) or ""
    company_words = {w.lower() for w in re.findall(r"[\w'-]+", str(company_name))}
    for turn in conv.turns[:3]:
        for match in _OWN_NAME.finditer(turn.text):
            words = [w for w in match.group(1).split() if w.lower() not in ("van", "bij")]
            if words and not all(w.lower() in company_words for w in words):
                return " ".join(words)
    return OWN_NAME_UNKNOWN


NAME_SLOT = "{mijn_naam}"


def without_name(variants: list[str], name: str) -> list[str]:
    """Without the student's own name (`name` is OWN_NAME_UNKNOWN), only the variants that do
    not need it (a suggestion never says 'u spreekt met [je naam]'); possibly none."""
    if name != OWN_NAME_UNKNOWN:
        return variants
    return [v for v in variants if NAME_SLOT not in v]


def usable(variants: list[str], values: dict[str, Any]) -> list[str]:
    """The variants a text may be chosen from: without_name, or all when every one needs it."""
    return without_name(variants, values.get("mijn_naam")) or variants


def scenario_values(conv: Conversation, info: Any, texts: FeedbackTexts) -> dict[str, str]:
    extra = texts.scenario(getattr(info, "id", None))
    pronouns = _PRONOUNS.get(extra.geslacht if extra else "", _NEUTRAL)
    persona = getattr(info, "persona", None)
    title = pronouns["title"]
    products = getattr(info, "products", ()) or ()
    return {
        "klant": persona or "de klant",
        "aanhef": f"{title} {surname(persona)}" if persona and title else "",
        "hij": pronouns["hij"],
        "zijn": pronouns["zijn"],
        "hem": pronouns["hem"],
        "bedrijf": getattr(info, "student_company", None) or "ons bedrijf",
        "klantbedrijf": getattr(info, "customer_company", None) or "uw bedrijf",
        "product": getattr(info, "main_product", None) or (products[0] if products else "het product"),
        "mijn_naam": own_name(conv, getattr(info, "student_company", None)),
        "tegenpartij": getattr(info, "role", None) or "klant",
    }


def missing_evidence(names: list[str], text: str, info: Any) -> bool:
    """One of these named patterns (bewijs.yml) is not in the text."""
    patterns = load_evidence_patterns()
    company = getattr(info, "student_company", None)
    return any(not patterns.matches(n, text, company) for n in names)
