"""The annotated transcript as one view (for the HTML page and the PDF): every line with its
labels, the reaction verdict and the recogniser's evidence, the report's checks linked to
their turns, the competency scores, the persona's state over the turns, and the judgements
and comments of teachers beside the machine's.
"""

from __future__ import annotations

from typing import Any

from bot.teaching.review import (
    VERDICT_NAMES, comments_by_target, judgements_of, latest_by_target, messages_of, persona_series,
)

VERDICT_TEXT = {"goed": "goed", "matig": "matig", "fout": "fout"}
SERIES_NAMES = {"interesse": "Interesse", "irritatie": "Irritatie", "vertrouwen": "Vertrouwen"}


def _label_names() -> tuple[dict[str, str], dict[str, str]]:
    from bot.labels import label_contract

    contract = label_contract()
    return dict(contract.zetten), {name: s.omschrijving for name, s in contract.signalen.items()}


def _evidence_text(evidence: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for e in evidence or []:
        rule = str(e.get("rule") or "")
        by_model = rule.startswith("model:")
        out.append({
            "label": e.get("label") or "",
            "rule": "getraind model (geen regel)" if by_model else rule,
            "words": e.get("text") or "",
            "by_model": by_model,
        })
    return out


def build_view(conn, conv: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    from bot.scenarios import load_scenarios

    scenario = load_scenarios().get(conv["scenario"])
    report = conv.get("report") or {}
    moves, signals = _label_names()
    messages = messages_of(conn, conv["id"])
    judgements = judgements_of(conn, conv["id"])
    latest = latest_by_target(judgements)
    comments = comments_by_target(judgements)
    checks_by_turn: dict[int, list[str]] = {}
    checks = []
    for check in report.get("checks") or []:
        passed = check.get("passed")
        result = "niet van toepassing" if passed is None else ("gehaald" if passed else "niet gehaald")
        target = f"check:{check.get('id')}"
        item = {
            "id": check.get("id"), "text": check.get("text") or check.get("id"), "passed": passed,
            "result_text": result,
            "points_text": "-" if check.get("points") is None else f"{check.get('points')} van {check.get('max')}",
            "turn": check.get("evidence_turn"), "quote": check.get("quote"),
            "competencies": check.get("competencies") or [], "target": target,
            "teacher": latest.get(target), "comments": comments.get(target, []),
            "evidence": _evidence_text(check.get("recogniser_evidence") or []),
        }
        checks.append(item)
        if item["turn"] is not None:
            checks_by_turn.setdefault(int(item["turn"]), []).append(item["id"])
    lines = []
    for m in messages:
        analysis = m.get("analysis") or {}
        labels = list(analysis.get("labels") or [])
        line: dict[str, Any] = {"seq": m["seq"], "turn": m["turn"], "speaker": m["speaker"], "text": m["text"],
                                "labels": labels, "checks": []}
        if m["speaker"] == "student":
            line["label_names"] = {label: moves.get(label, label) for label in labels}
            line["labels_text"] = "Technieken: " + (", ".join(labels) if labels else "geen herkend")
            reaction = analysis.get("reaction") or None
            if reaction:
                line["verdict"] = reaction.get("verdict")
                line["verdict_reason"] = reaction.get("reason")
                line["verdict_signal"] = reaction.get("signal")
                line["verdict_text"] = (f"Reactie op {reaction.get('signal')}: "
                                        f"{VERDICT_TEXT.get(reaction.get('verdict'), reaction.get('verdict'))}"
                                        + (f" – {reaction.get('reason')}" if reaction.get("reason") else ""))
            line["evidence"] = _evidence_text(analysis.get("evidence") or [])
            line["hint"] = m.get("hint")
            line["checks"] = checks_by_turn.get(m["turn"], [])
            for kind in ("labels", "verdict"):
                line[f"teacher_{kind}"] = latest.get(f"turn:{m['turn']}:{kind}")
            line["comments"] = comments.get(f"turn:{m['turn']}:comment", [])
        else:
            line["signal_names"] = {label: signals.get(label, label) for label in labels}
            line["labels_text"] = ("Signaal: " + ", ".join(labels)) if labels else ""
        lines.append(line)
    competencies = list((report.get("competencies") or {}).items())
    score = report.get("score")
    adjusted = latest.get("conversation:score")
    score_text = "nog geen rapport" if not report else ("-" if score is None else f"{score} van 100")
    if adjusted is not None:
        score_text += f" (aangepast door {adjusted['teacher_name']}: {adjusted['correction']['score']})"
    return {
        "conversation": conv,
        "title": scenario.title if scenario else conv["scenario"],
        "werkprocessen": list(scenario.werkprocessen) if scenario else [],
        "persona": scenario.persona.name if scenario else "",
        "lines": lines,
        "checks": checks,
        "competencies": competencies,
        "score": score,
        "score_text": score_text,
        "adjusted": adjusted,
        "outcome": report.get("outcome"),
        "feedback": report.get("feedback") or [],
        "missed": report.get("missed_signals") or [],
        "chart": persona_chart(persona_series(conn, conv["id"])),
        "conversation_comments": comments.get("conversation:comment", []),
        "score_history": [j for j in judgements if j["target"] == "conversation:score"],
        "verdict_names": VERDICT_NAMES,
        "move_names": moves,
    }


def persona_chart(series: dict[str, list[float | None]], width: int = 360, height: int = 120) -> dict[str, Any] | None:
    """Polylines (SVG coordinates) of the persona's state per turn, values 0..1."""
    if not series:
        return None
    n = max(len(values) for values in series.values())
    pad = 24
    step = (width - 2 * pad) / max(1, n - 1)
    lines = []
    for name, values in series.items():
        points = [(pad + i * step, pad / 2 + (1 - v) * (height - pad)) for i, v in enumerate(values) if v is not None]
        lines.append({
            "name": SERIES_NAMES.get(name, name), "key": name,
            "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
            "scores": ["–" if v is None else str(round(v * 100)) for v in values],
        })
    return {"width": width, "height": height, "turns": n, "lines": lines, "pad": pad,
            "ticks": [{"x": round(pad + i * step, 1), "label": str(i)} for i in range(n)]}
