"""progress(reports): per competency (and per werkproces) the scores over attempts and a trend.

Trend: least-squares slope of the last TREND_WINDOW observed scores per attempt;
>= +TREND_STEP "stijgend", <= -TREND_STEP "dalend", else "stabiel"; fewer than two
observed scores: "onbekend".
"""

from __future__ import annotations

from typing import Any

from bot.feedback.sources import competency_names

TREND_WINDOW = 5
TREND_STEP = 3.0  # points per attempt


def trend(scores: list[float]) -> str:
    points = scores[-TREND_WINDOW:]
    if len(points) < 2:
        return "onbekend"
    n = len(points)
    mean_x = (n - 1) / 2
    mean_y = sum(points) / n
    slope = sum((i - mean_x) * (y - mean_y) for i, y in enumerate(points)) / sum(
        (i - mean_x) ** 2 for i in range(n)
    )
    if slope >= TREND_STEP:
        return "stijgend"
    if slope <= -TREND_STEP:
        return "dalend"
    return "stabiel"


def _date(report: dict[str, Any]) -> Any:
    for key in ("date", "finished_at", "created_at"):
        if report.get(key):
            return report[key]
    return None


def _series(values: list[tuple[int, dict[str, Any], Any]]) -> dict[str, Any]:
    points = [
        {"attempt": attempt, "date": _date(report), "scenario": report.get("scenario"), "score": score}
        for attempt, report, score in values
        if score is not None
    ]
    return {"points": points, "trend": trend([p["score"] for p in points])}


def progress(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Reports in attempt order (oldest first). Attempts are numbered from 1; a report
    may carry `date` (or `finished_at`/`created_at`), which is passed through."""
    reports = [r for r in reports or () if isinstance(r, dict)]
    names = list(competency_names())
    for report in reports:
        for name in report.get("competencies") or {}:
            if name not in names:
                names.append(name)
    codes = sorted({code for r in reports for code in r.get("werkprocessen") or ()})
    numbered = list(enumerate(reports, 1))
    return {
        "attempts": len(reports),
        "score": _series([(i, r, r.get("score")) for i, r in numbered]),
        "competencies": {
            name: _series([(i, r, (r.get("competencies") or {}).get(name)) for i, r in numbered])
            for name in names
        },
        "werkprocessen": {
            code: _series([(i, r, r.get("score")) for i, r in numbered if code in (r.get("werkprocessen") or ())])
            for code in codes
        },
    }
