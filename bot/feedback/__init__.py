"""Feedback tied to the BCP competencies: per turn, per conversation, over time.

    build_report(events, scenario) -> dict      (contracts §6)
    turn_hint(events, scenario, on_request=False) -> str | None
    hint_policy(scenario, events) -> "automatisch" | "op_verzoek" | None
    progress(reports) -> dict
    load_rubrics() / load_feedback_texts()      raise ContentErrors (file:line); `validate` calls
    validate_content()                          both, returning the list of ContentError
"""

from __future__ import annotations

from bot.content import ContentError, ContentErrors
from bot.feedback.hints import hint_policy, turn_hint
from bot.feedback.progress import progress
from bot.feedback.report import FORMULA, build_report, formula
from bot.feedback.rubric import load_rubrics
from bot.feedback.texts import load_feedback_texts


def validate_content(rubrics_dir=None, feedback_dir=None) -> list[ContentError]:
    """Load rubrics and feedback texts and check they fit together; [] when all is well."""
    errors: list[ContentError] = []
    rubrics = texts = None
    try:
        rubrics = load_rubrics(rubrics_dir)
    except ContentErrors as exc:
        errors.extend(exc.errors)
    try:
        texts = load_feedback_texts(feedback_dir)
    except ContentErrors as exc:
        errors.extend(exc.errors)
    if rubrics is not None and texts is not None:
        for rubric in rubrics.values():
            for check in rubric.checks:
                if check.id not in texts.checks:
                    errors.append(ContentError(
                        rubric.path, rubric.check_lines.get(check.id),
                        f"check '{check.id}' heeft geen feedbacktekst in domain/feedback/",
                    ))
        used = {c.id for r in rubrics.values() for c in r.checks}
        for check_id, (path, line) in texts.checks_lines.items():
            if check_id not in used:
                errors.append(ContentError(path, line, f"feedbacktekst voor onbekende check '{check_id}'"))
    return errors


__all__ = [
    "FORMULA", "build_report", "formula", "hint_policy", "load_feedback_texts", "load_rubrics",
    "progress", "turn_hint", "validate_content",
]
