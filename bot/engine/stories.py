"""Rasa 3.x rules and stories (`version: "3.1"`), loaded with the line of every step.

Steps: `intent` / `user` (with `entities`), `action`, `bot` (test stories), `slot_was_set`,
`active_loop`, `checkpoint`, `or`. Rules may have `condition`, `conversation_start` and
`wait_for_user_input`. Stories that end in a checkpoint continue in every story that starts
with it; `or` steps fan out. The result is a list of linear `Flow`s, each step with its
file and line so that every later check can point at the content.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content import ContentError, ContentErrors, line_of
from bot.engine.rasafile import read_rasa_file
from bot.paths import display_path

STORY_KEYS = ("version", "rules", "stories", "nlu", "responses")
MAX_CHECKPOINT_DEPTH = 8
MAX_OR_EXPANSION = 256


@dataclass(frozen=True)
class Step:
    kind: str  # user | action | bot | slot | active_loop
    name: str | None = None  # intent / action / slot / loop name (None: loop deactivated)
    value: Any = None  # slot value; for user: tuple of (entity, value|None)
    text: str | None = None  # user text (test stories) / bot text
    explicit_value: bool = True  # slot_was_set with a value (False: "- slot_name")
    path: str = ""
    line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Flow:
    """One rule or one linear path through stories."""

    name: str
    kind: str  # rule | story
    steps: list[Step]
    path: str
    line: int | None
    condition: list[Step] = field(default_factory=list)
    conversation_start: bool = False
    wait_for_user_input: bool = True
    metadata: dict = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class _RawStory:
    name: str
    steps: list[list[Step]]  # each entry: alternatives (len > 1 only for `or`)
    starts: list[str]
    ends: list[str]
    path: str
    line: int | None
    metadata: dict


def story_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.exists():
        return []
    return sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_flows(paths: list[Path] | Path, *, test_stories: bool = False) -> list[Flow]:
    """Load rules and stories from files/folders; raise ContentErrors with all problems."""
    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    errors: list[ContentError] = []
    flows: list[Flow] = []
    raw: list[_RawStory] = []
    for file in itertools.chain.from_iterable(story_files(p) for p in paths):
        shown = display_path(file)
        data = read_rasa_file(file, STORY_KEYS, errors, kind="een verhalenbestand", version_required=True)
        if data is None:
            continue
        for item, line in _items(data, "rules", shown, errors):
            rule = _parse_rule(item, line, shown, errors)
            if rule:
                flows.extend(rule)
        for item, line in _items(data, "stories", shown, errors):
            story = _parse_story(item, line, shown, errors, test_stories)
            if story:
                raw.append(story)
    flows.extend(_link_stories(raw, errors))
    if errors:
        raise ContentErrors(errors)
    return flows


def _items(data: dict, key: str, shown: str, errors: list[ContentError]):
    items = data.get(key)
    if items is None:
        return
    if not isinstance(items, list):
        errors.append(ContentError(shown, line_of(data, key), f"{key} moet een lijst zijn"))
        return
    for i, item in enumerate(items):
        line = line_of(items, i)
        if not isinstance(item, dict):
            errors.append(ContentError(shown, line, f"{key}: elk element moet een mapping zijn"))
            continue
        yield item, line


def _parse_rule(item: dict, line, shown, errors) -> list[Flow] | None:
    name = item.get("rule")
    allowed = {"rule", "steps", "condition", "conversation_start", "wait_for_user_input", "metadata"}
    ok = _check_keys(item, allowed, shown, errors, "regel")
    if not isinstance(name, str) or not name:
        errors.append(ContentError(shown, line, "regel zonder naam ('rule: ...')"))
        return None
    steps = _parse_steps(item.get("steps"), shown, errors, f"regel '{name}'", allow_checkpoint=False,
                         line=line_of(item, "steps") or line)
    condition_steps = []
    if "condition" in item:
        for alternatives in _parse_steps(item.get("condition"), shown, errors, f"regel '{name}' (condition)",
                                         allow_checkpoint=False, line=line_of(item, "condition")) or []:
            for s in alternatives:
                if s.kind not in ("slot", "active_loop"):
                    errors.append(ContentError(shown, s.line, f"regel '{name}': een condition bevat alleen "
                                                              "slot_was_set en active_loop"))
                else:
                    condition_steps.append(s)
    if steps is None or not ok:
        return None
    if not steps:
        errors.append(ContentError(shown, line, f"regel '{name}' heeft geen stappen"))
        return None
    flows = []
    for n, combo in enumerate(_expand(steps, shown, line, errors, name)):
        flows.append(Flow(
            name=name if n == 0 else f"{name} (of {n + 1})", kind="rule", steps=combo, path=shown, line=line,
            condition=condition_steps, conversation_start=bool(item.get("conversation_start", False)),
            wait_for_user_input=bool(item.get("wait_for_user_input", True)), metadata=dict(item.get("metadata") or {}),
        ))
    for flow in flows:
        if not any(s.kind == "action" for s in flow.steps):
            errors.append(ContentError(shown, line, f"regel '{name}' voorspelt geen enkele actie"))
            return None
    return flows


def _parse_story(item: dict, line, shown, errors, test_stories: bool) -> _RawStory | None:
    name = item.get("story")
    ok = _check_keys(item, {"story", "steps", "metadata"}, shown, errors, "verhaal")
    if not isinstance(name, str) or not name:
        errors.append(ContentError(shown, line, "verhaal zonder naam ('story: ...')"))
        return None
    steps = _parse_steps(item.get("steps"), shown, errors, f"verhaal '{name}'", allow_checkpoint=not test_stories,
                         line=line_of(item, "steps") or line)
    if steps is None or not ok:
        return None
    starts, ends, body = [], [], []
    for i, alternatives in enumerate(steps):
        s = alternatives[0]
        if s.kind == "checkpoint":
            if body:
                ends.append(s.name)
            else:
                starts.append(s.name)
        else:
            if ends:
                errors.append(ContentError(shown, s.line, f"verhaal '{name}': na een checkpoint aan het eind "
                                                          "mogen geen stappen meer komen"))
                return None
            body.append(alternatives)
    if not body:
        errors.append(ContentError(shown, line, f"verhaal '{name}' heeft geen stappen"))
        return None
    return _RawStory(name, body, starts, ends, shown, line, dict(item.get("metadata") or {}))


def _check_keys(item: dict, allowed: set, shown, errors, what: str) -> bool:
    ok = True
    for key in item:
        if key not in allowed:
            errors.append(ContentError(shown, line_of(item, key), f"{what}: onbekend veld '{key}'"))
            ok = False
    return ok


def _parse_steps(items, shown, errors, what, *, allow_checkpoint: bool, line) -> list[list[Step]] | None:
    if items is None:
        errors.append(ContentError(shown, line, f"{what}: 'steps' ontbreekt"))
        return None
    if not isinstance(items, list):
        errors.append(ContentError(shown, line_of(items) or line, f"{what}: 'steps' moet een lijst zijn"))
        return None
    out: list[list[Step]] = []
    before = len(errors)
    for i, item in enumerate(items):
        step_line = line_of(items, i)
        if not isinstance(item, dict):
            errors.append(ContentError(shown, step_line, f"{what}: een stap moet een mapping zijn"))
            continue
        if "or" in item:
            alternatives = []
            for j, alt in enumerate(item["or"] or []):
                parsed = _parse_step(alt, shown, line_of(item["or"], j), errors, what, allow_checkpoint=False)
                if parsed:
                    if len(parsed) != 1 or parsed[0].kind not in ("user", "slot"):
                        errors.append(ContentError(shown, line_of(item["or"], j),
                                                   f"{what}: 'or' bevat alleen intents of slot_was_set"))
                    else:
                        alternatives.append(parsed[0])
            if not alternatives:
                errors.append(ContentError(shown, step_line, f"{what}: lege 'or'"))
            else:
                out.append(alternatives)
            continue
        parsed = _parse_step(item, shown, step_line, errors, what, allow_checkpoint=allow_checkpoint)
        for s in parsed or []:
            out.append([s])
    return out if len(errors) == before else None


def _parse_step(item, shown, line, errors, what, *, allow_checkpoint: bool) -> list[Step] | None:
    if not isinstance(item, dict):
        errors.append(ContentError(shown, line, f"{what}: een stap moet een mapping zijn"))
        return None
    line = line_of(item) or line
    keys = set(item)
    if "intent" in keys or "user" in keys:
        extra = keys - {"intent", "user", "entities", "metadata"}
        if extra:
            errors.append(ContentError(shown, line, f"{what}: onbekend veld {', '.join(sorted(map(str, extra)))} "
                                                    "bij een gebruikersstap"))
            return None
        intent = item.get("intent")
        text = item.get("user")
        if intent is None and text is None:
            errors.append(ContentError(shown, line, f"{what}: gebruikersstap zonder intent"))
            return None
        entities = _parse_entities(item.get("entities"), shown, line_of(item, "entities") or line, errors, what)
        if entities is None:
            return None
        return [Step("user", str(intent) if intent is not None else None, entities,
                     text=str(text) if text is not None else None, path=shown, line=line)]
    if keys == {"action"}:
        if not isinstance(item["action"], str) or not item["action"]:
            errors.append(ContentError(shown, line, f"{what}: action moet een naam zijn"))
            return None
        return [Step("action", item["action"], path=shown, line=line)]
    if keys == {"bot"}:
        return [Step("bot", None, text=str(item["bot"]), path=shown, line=line)]
    if keys == {"active_loop"}:
        value = item["active_loop"]
        if value is not None and not isinstance(value, str):
            errors.append(ContentError(shown, line, f"{what}: active_loop moet een formuliernaam of null zijn"))
            return None
        return [Step("active_loop", value, path=shown, line=line)]
    if keys == {"slot_was_set"}:
        slots = item["slot_was_set"]
        if not isinstance(slots, list):
            errors.append(ContentError(shown, line, f"{what}: slot_was_set moet een lijst zijn"))
            return None
        out = []
        for j, entry in enumerate(slots):
            entry_line = line_of(slots, j) or line
            if isinstance(entry, str):
                out.append(Step("slot", entry, None, explicit_value=False, path=shown, line=entry_line))
            elif isinstance(entry, dict) and len(entry) == 1:
                name, value = next(iter(entry.items()))
                out.append(Step("slot", str(name), value, path=shown, line=entry_line))
            else:
                errors.append(ContentError(shown, entry_line, f"{what}: slot_was_set-regel moet "
                                                              "'- naam' of '- naam: waarde' zijn"))
                return None
        return out
    if keys == {"checkpoint"}:
        if not allow_checkpoint:
            errors.append(ContentError(shown, line, f"{what}: checkpoints horen alleen in verhalen"))
            return None
        return [Step("checkpoint", str(item["checkpoint"]), path=shown, line=line)]
    errors.append(ContentError(shown, line, f"{what}: onbekende stap met {', '.join(sorted(map(str, keys)))}"))
    return None


def _parse_entities(items, shown, line, errors, what) -> tuple | None:
    if items is None:
        return ()
    if not isinstance(items, list):
        errors.append(ContentError(shown, line, f"{what}: entities moet een lijst zijn"))
        return None
    out = []
    for i, entry in enumerate(items):
        if isinstance(entry, str):
            out.append((entry, None))
        elif isinstance(entry, dict) and "entity" in entry:
            out.append((str(entry["entity"]), entry.get("value")))
        elif isinstance(entry, dict) and len(entry) == 1:
            name, value = next(iter(entry.items()))
            out.append((str(name), value))
        else:
            errors.append(ContentError(shown, line_of(items, i) or line, f"{what}: ongeldige entity"))
            return None
    return tuple(out)


def _expand(steps: list[list[Step]], shown, line, errors, name) -> list[list[Step]]:
    count = 1
    for alternatives in steps:
        count *= len(alternatives)
    if count > MAX_OR_EXPANSION:
        errors.append(ContentError(shown, line, f"'{name}': te veel combinaties van 'or'-stappen ({count})"))
        return []
    return [list(combo) for combo in itertools.product(*steps)]


def _link_stories(raw: list[_RawStory], errors: list[ContentError]) -> list[Flow]:
    """Glue stories at checkpoints into linear flows (starting at stories without a start checkpoint)."""
    by_start: dict[str, list[_RawStory]] = {}
    for story in raw:
        for cp in story.starts:
            by_start.setdefault(cp, []).append(story)
    ended = {cp for story in raw for cp in story.ends}
    for story in raw:
        for cp in story.starts:
            if cp not in ended:
                errors.append(ContentError(story.path, story.line,
                                           f"verhaal '{story.name}': checkpoint '{cp}' wordt nergens bereikt"))
        for cp in story.ends:
            if cp not in by_start:
                errors.append(ContentError(story.path, story.line,
                                           f"verhaal '{story.name}': geen verhaal begint met checkpoint '{cp}'"))
    flows: list[Flow] = []

    def walk(story: _RawStory, prefix: list[Step], names: list[str], depth: int) -> None:
        for combo in _expand(story.steps, story.path, story.line, errors, story.name):
            steps = prefix + combo
            label = " > ".join(names + [story.name])
            followers = [s for cp in story.ends for s in by_start.get(cp, [])]
            if followers and depth < MAX_CHECKPOINT_DEPTH:
                for nxt in followers:
                    walk(nxt, steps, names + [story.name], depth + 1)
            else:
                first = raw_first.get(label.split(" > ")[0], story)
                flows.append(Flow(name=label, kind="story", steps=steps, path=first.path, line=first.line,
                                  metadata=first.metadata))
            if len(flows) > 5000:
                return

    raw_first = {s.name: s for s in raw if not s.starts}
    for story in raw:
        if not story.starts:
            walk(story, [], [], 0)
    return flows
