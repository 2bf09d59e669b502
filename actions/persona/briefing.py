"""Scoring the 2.1 briefing (doel, aanpak, aanbod, vragen) against the scenario's check."""

from __future__ import annotations

from typing import Any

from bot.scenarios.models import Scenario

FIELDS = ("doel", "aanpak", "aanbod", "vragen")
SLOT_OF = {f: f"briefing_{f}" for f in FIELDS}

# Used when a scenario has no briefing_check of its own (the form still works).
DEFAULT_QUESTIONS = {
    "doel": "Wat is het doel van je gesprek? Wat wil je aan het eind bereikt hebben?",
    "aanpak": "Hoe pak je het gesprek aan? Beschrijf kort de fasen die je wilt doorlopen.",
    "aanbod": "Welk product of aanbod ga je voorstellen, en waarom past dat bij deze klant?",
    "vragen": "Welke vragen ga je de klant stellen om zijn behoefte te achterhalen?",
}


def question(sc: Scenario | None, field: str) -> str:
    check = sc.briefing_check if sc else None
    return getattr(check, field).question if check else DEFAULT_QUESTIONS[field]


def score_briefing(sc: Scenario, answers: dict[str, Any]) -> dict[str, Any]:
    """{"antwoorden": {...}, "score": 0..1, "punten": [{"veld", "ok", "tekst"}]} (contracts §3)."""
    answers = {f: str(answers.get(f) or "").strip() for f in FIELDS}
    check = sc.briefing_check
    punten = []
    if check is None:
        for f in FIELDS:
            ok = len(answers[f].split()) >= 3
            punten.append({"veld": f, "ok": ok, "tekst": "Ingevuld." if ok else "Niet (voldoende) ingevuld."})
    else:
        for f in FIELDS:
            rule = getattr(check, f)
            text = answers[f].lower()
            if rule.onderwerpen:
                punten.append(_by_topic(rule, text, f))
                continue
            hits = sum(1 for k in rule.keywords if k.lower() in text)
            ok = hits >= rule.min_hits
            punten.append({"veld": f, "ok": ok, "tekst": rule.good if ok else rule.missing})
    score = round(sum(1 for p in punten if p["ok"]) / len(FIELDS), 2)
    return {"antwoorden": answers, "score": score, "punten": punten}


MAX_MISSED = 3  # the feedback names at most this many missed subjects (the first, most important)


def dutch_list(items: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"


def _by_topic(rule, text: str, field: str) -> dict[str, Any]:
    """The verdict on an answer whose subjects count: it names what the answer covered and
    what it missed, never a subject the student did not write about."""
    covered = [t.naam for t in rule.onderwerpen if any(k.lower() in text for k in t.keywords)]
    missed = [t.naam for t in rule.onderwerpen if t.naam not in covered][:MAX_MISSED]
    ok = len(covered) >= rule.min_hits
    if not ok:
        return {"veld": field, "ok": False, "tekst": rule.missing}
    tekst = rule.good.replace("{gedekt}", dutch_list(covered))
    if missed and rule.aanvulling:
        tekst = f"{tekst} {rule.aanvulling.replace('{gemist}', dutch_list(missed))}"
    return {"veld": field, "ok": True, "tekst": tekst}
