"""The published answer shapes hold for every scenario, not only the one the API test plays:
every test story and trainer script (tests/replay_cases.py), played through the engine,
gives a report and per-turn analyses that match the schema's Report and Analysis; the
scenario list and the progress over all those reports match theirs."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from bot.engine import session
from tests.replay_cases import all_cases

SPEC_URI = "urn:oefengesprek:openapi"


@pytest.fixture(scope="module")
def component(tmp_path_factory, real_engine):  # noqa: ANN201
    from bot.web.app import create_app
    from bot.web.settings import Settings

    data = tmp_path_factory.mktemp("models")
    settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'a.sqlite3'}")
    spec = create_app(settings, engine=real_engine).openapi()
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, DRAFT202012))

    def validator(name: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{SPEC_URI}#/components/schemas/{name}"}, registry=registry)

    return validator


def _errors(validator: Draft202012Validator, value: Any, where: str) -> list[str]:
    return [f"{where}: {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(value)]


def test_every_scenario_conversation_matches_the_published_shapes(component, real_engine) -> None:
    from bot.feedback import progress

    report, analysis = component("Report"), component("Analysis")
    problems: list[str] = []
    reports = []
    for case in all_cases():
        result = session.start(case.scenario, difficulty=case.difficulty, seed=case.seed)
        for line in case.lines:
            if result.finished:
                break
            result = session.step(result.state, line)
            problems += _errors(analysis, result.analysis, f"{case.name} analysis")
        final = session.finish(result.state)
        problems += _errors(report, final, f"{case.name} report")
        reports.append({"scenario": case.scenario, **final, "finished_at": "2026-12-07T10:00:00Z"})
    problems += _errors(component("Progress"), progress(reports), "progress")
    for info in real_engine.scenarios():
        problems += _errors(component("ScenarioInfo"), info, info["id"])
    assert not problems, "\n".join(problems[:20])
    assert len({r["scenario"] for r in reports}) == len(real_engine.scenarios()), "every scenario was played"
