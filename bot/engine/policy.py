"""Next-action prediction, like Rasa's RulePolicy + (Augmented)MemoizationPolicy.

Order for one prediction (first hit wins):
1. a pending `followup` action;
2. Rasa's default rules: intent `restart` → action_restart, `session_start` → action_session_start;
3. the active loop: straight after user input the loop runs (unless it rejected this turn);
   after the loop itself ran, the bot listens; after an unhappy-path action the loop resumes
   unless a rule says otherwise;
4. rules: every rule prefix whose states match the end of the conversation (each rule state
   a subset of the tracker state: intent, entities, previous action, active loop, the slots it
   names); the longest match wins, then the most specific; a rule ending without
   `wait_for_user_input: false` predicts action_listen after its last action; a rule that
   opens with an action (no user step first) takes that action as the previous action;
5. stories (memoization): exact match of the last `max_history` states, then shorter windows;
6. nothing: directly after user input the fallback action, otherwise action_listen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bot.content import ContentError
from bot.engine.domain import ACTION_LISTEN, ACTION_RESTART, ACTION_SESSION_START, Domain
from bot.engine.stories import Flow, Step
from bot.engine.tracker import State, Tracker, action_event, event, slot_event

ANY = "\x00any"  # a rule does not constrain this feature


@dataclass(frozen=True)
class RuleState:
    prev_action: str = ANY
    intent: str = ANY
    entities: frozenset = frozenset()
    active_loop: str | None = ANY
    slots: tuple = ()

    def matches(self, s: State) -> bool:
        if self.prev_action is not ANY and self.prev_action != s.prev_action:
            return False
        if self.intent is not ANY and self.intent != s.intent:
            return False
        if self.entities and not self.entities <= s.entities:
            return False
        if self.active_loop is not ANY and self.active_loop != s.active_loop:
            return False
        for name, feature in self.slots:
            if s.slot(name) != feature:
                return False
        return True

    @property
    def specificity(self) -> int:
        return (self.prev_action is not ANY) + (self.intent is not ANY) + len(self.entities) + \
            (self.active_loop is not ANY) + len(self.slots)

    def with_(self, **kw) -> "RuleState":
        data = dict(prev_action=self.prev_action, intent=self.intent, entities=self.entities,
                    active_loop=self.active_loop, slots=self.slots)
        data.update(kw)
        return RuleState(**data)


@dataclass(frozen=True)
class Prediction:
    action: str
    policy: str  # RulePolicy | MemoizationPolicy | LoopPolicy | DefaultRule | Fallback | Listen
    source: str | None = None  # rule/story name
    where: str | None = None  # file:line of the step that predicts it

    def event_metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.source:
            out["bron"] = self.source
        if self.where:
            out["plaats"] = self.where
        return out


@dataclass
class RulePrediction:
    states: tuple[RuleState, ...]
    action: str
    flow: Flow
    step: Step | None
    conversation_start: bool

    def __post_init__(self) -> None:
        self.rank = (len(self.states), sum(s.specificity for s in self.states))

    def matches(self, states: list[State]) -> bool:
        n = len(self.states)
        if len(states) < n:
            return False
        offset = len(states) - n
        for rs, ts in zip(self.states, states[offset:]):
            if not rs.matches(ts):
                return False
        if self.conversation_start and any(s.intent is not None for s in states[:offset]):
            return False
        return True


@dataclass
class Policy:
    domain: Domain
    fallback_action: str = "action_default_fallback"
    max_history: int = 5
    rules: list[RulePrediction] = field(default_factory=list)
    memo: dict[tuple, tuple[str, Flow, Step | None] | None] = field(default_factory=dict)
    _by_prev: dict[str, list[RulePrediction]] = field(default_factory=dict)
    # (previous action, intent) of the current state -> the candidates of _by_prev whose last
    # state can match that intent, same order; filled as states are seen
    _by_state: dict[tuple, list[RulePrediction]] = field(default_factory=dict)

    # training ------------------------------------------------------------------------
    def train(self, flows: list[Flow]) -> list[ContentError]:
        """Learn from rules and stories; return contradictions as content errors."""
        errors: list[ContentError] = []
        for flow in flows:
            if flow.kind == "rule":
                self.rules.extend(rule_predictions(flow, self.domain))
        # candidates per previous action, best first (longest, then most specific, then file
        # order): the first rule that matches is the prediction
        by_prev: dict[str, list[RulePrediction]] = defaultdict(list)
        for r in self.rules:
            by_prev[r.states[-1].prev_action].append(r)
        wildcard = by_prev.get(ANY, [])
        order = {id(r): i for i, r in enumerate(self.rules)}
        self._by_prev = {key: sorted(bucket + (wildcard if key != ANY else []),
                                     key=lambda r: (-r.rank[0], -r.rank[1], order[id(r)]))
                         for key, bucket in by_prev.items()}
        self._by_prev.setdefault(ANY, sorted(wildcard, key=lambda r: (-r.rank[0], -r.rank[1], order[id(r)])))
        self._by_state = {}
        errors.extend(self._rule_conflicts())
        story_points = []
        for flow in flows:
            if flow.kind == "story":
                story_points.append((flow, story_trajectory(flow, self.domain)))
        errors.extend(self._train_memo(story_points))
        errors.extend(self._rules_against_stories(story_points))
        return errors

    def _rule_conflicts(self) -> list[ContentError]:
        seen: dict[tuple, RulePrediction] = {}
        errors = []
        reported = set()
        for r in self.rules:
            key = (r.states, r.conversation_start)
            other = seen.get(key)
            if other is None:
                seen[key] = r
            elif other.action != r.action and (other.flow.name, r.flow.name) not in reported:
                reported.add((other.flow.name, r.flow.name))
                where = r.step.line if r.step else r.flow.line
                errors.append(ContentError(
                    r.flow.path, where,
                    f"regel '{r.flow.name}' spreekt regel '{other.flow.name}' ({_where(other)}) tegen: "
                    f"in dezelfde situatie '{_describe(r.action)}' tegenover '{_describe(other.action)}'"))
        return errors

    def _train_memo(self, story_points) -> list[ContentError]:
        errors = []
        origin: dict[tuple, tuple[str, Flow, Step | None]] = {}
        for flow, points in story_points:
            states = [p[0] for p in points]
            for i, (_, action, step) in enumerate(points):
                for length in range(1, self.max_history + 1):
                    if length > i + 1:
                        break
                    anchored = length == i + 1 and length < self.max_history
                    key = (anchored, tuple(states[i - length + 1:i + 1]))
                    known = origin.get(key)
                    if known is None:
                        origin[key] = (action, flow, step)
                        self.memo[key] = (action, flow, step)
                    elif known[0] != action:
                        self.memo[key] = None  # ambiguous: this window predicts nothing
                        if length == min(self.max_history, i + 1) and known[1].name != flow.name:
                            line = step.line if step else flow.line
                            errors.append(ContentError(
                                flow.path, line,
                                f"verhaal '{flow.name}' spreekt verhaal '{known[1].name}' "
                                f"({_step_where(known[1], known[2])}) tegen: na dezelfde gespreksgeschiedenis "
                                f"'{_describe(action)}' tegenover '{_describe(known[0])}'"))
        return errors

    def _rules_against_stories(self, story_points) -> list[ContentError]:
        errors = []
        reported = set()
        for flow, points in story_points:
            states = [p[0] for p in points]
            for i, (state, action, step) in enumerate(points):
                if i == 0 and action == ACTION_LISTEN:
                    continue
                if state.active_loop and action == state.active_loop:
                    continue
                rule = self._match_rule(states[:i + 1])
                if rule and rule.action != action and (rule.flow.name, flow.name) not in reported:
                    reported.add((rule.flow.name, flow.name))
                    line = step.line if step else flow.line
                    errors.append(ContentError(
                        flow.path, line,
                        f"verhaal '{flow.name}' spreekt regel '{rule.flow.name}' ({_where(rule)}) tegen: "
                        f"het verhaal doet '{_describe(action)}', de regel '{_describe(rule.action)}'"))
        return errors

    # prediction -------------------------------------------------------------------------
    def _match_rule(self, states: list[State]) -> RulePrediction | None:
        last = states[-1]
        key = (last.prev_action, last.intent)
        candidates = self._by_state.get(key)
        if candidates is None:
            bucket = self._by_prev.get(last.prev_action)
            if bucket is None:
                bucket = self._by_prev.get(ANY, ())
            # a rule whose last state names another intent can never match (RuleState.matches)
            candidates = [r for r in bucket if r.states[-1].intent is ANY or r.states[-1].intent == last.intent]
            self._by_state[key] = candidates
        for r in candidates:
            if r.matches(states):
                return r
        return None

    def predict(self, tracker: Tracker) -> Prediction:
        state = tracker.state()
        after_user = _has_user_since_listen(tracker)
        if tracker.followup_action:
            return Prediction(tracker.followup_action, "FollowupAction")
        if after_user and not tracker.rejected:
            if state.intent == "restart":
                return Prediction(ACTION_RESTART, "DefaultRule", "restart")
            if state.intent == "session_start":
                return Prediction(ACTION_SESSION_START, "DefaultRule", "session_start")
        loop = tracker.active_loop
        if loop and loop not in tracker.rejected:
            if after_user:
                return Prediction(loop, "LoopPolicy", loop)
            if state.prev_action == loop:
                return Prediction(ACTION_LISTEN, "LoopPolicy", loop)
        states = tracker.states()
        rule = self._match_rule(states)
        if rule and rule.action not in tracker.rejected:
            return Prediction(rule.action, "RulePolicy", rule.flow.name, _where(rule))
        if loop and loop not in tracker.rejected and not after_user:
            return Prediction(loop, "LoopPolicy", loop)
        memo = self._lookup_memo(states)
        if memo and memo[0] not in tracker.rejected:
            action, flow, step = memo
            return Prediction(action, "MemoizationPolicy", flow.name, _step_where(flow, step))
        if after_user and self.fallback_action not in tracker.rejected:
            return Prediction(self.fallback_action, "Fallback")
        return Prediction(ACTION_LISTEN, "Listen")

    def _lookup_memo(self, states: list[State]):
        n = len(states)
        if n < self.max_history:
            hit = self.memo.get((True, tuple(states)))
            if hit:
                return hit
        for length in range(min(n, self.max_history), 0, -1):
            hit = self.memo.get((False, tuple(states[n - length:])))
            if hit:
                return hit
        return None


def _has_user_since_listen(tracker: Tracker) -> bool:
    for e in reversed(tracker.events):
        kind = e.get("event")
        if kind == "user":
            return True
        if kind in ("action", "rewind", "restart", "session_started"):
            return False
    return False


def _where(r: RulePrediction) -> str:
    return _step_where(r.flow, r.step)


def _step_where(flow: Flow, step: Step | None) -> str:
    if step is not None and step.line:
        return f"{step.path}:{step.line}"
    return flow.where


def _describe(action: str) -> str:
    return "wachten op de student (action_listen)" if action == ACTION_LISTEN else action


# --- converting flows ------------------------------------------------------------------------

def slot_feature(domain: Domain, step: Step) -> Any:
    if not step.explicit_value:
        slot = domain.slots.get(step.name)
        if slot is not None and slot.type in ("text", "list"):
            return True
        return domain.featurise(step.name, True) if slot is not None and slot.type == "bool" else True
    return domain.featurise(step.name, step.value)


def rule_predictions(flow: Flow, domain: Domain) -> list[RulePrediction]:
    """The (states → action) pairs one rule teaches, Rasa style."""
    featurised = set(domain.featurised_slots())
    cur = RuleState()
    slots: dict[str, Any] = {}
    for c in flow.condition:
        if c.kind == "active_loop":
            cur = cur.with_(active_loop=c.name)
        elif c.kind == "slot" and c.name in featurised:
            slots[c.name] = slot_feature(domain, c)
    cur = cur.with_(slots=tuple(sorted(slots.items())))
    states: list[RuleState] = []
    out: list[RulePrediction] = []
    last_action: str | None = None
    started = False

    def emit(action: str, step: Step | None) -> None:
        states.append(cur)
        out.append(RulePrediction(tuple(states), action, flow, step, flow.conversation_start))

    for step in flow.steps:
        if step.kind == "user":
            if started and last_action not in (None, ACTION_LISTEN):
                emit(ACTION_LISTEN, step)
            ents = frozenset(e for e, _ in step.value or ())
            cur = cur.with_(prev_action=ACTION_LISTEN, intent=step.name, entities=ents)
            last_action = ACTION_LISTEN
            started = True
        elif step.kind == "action":
            if started:
                emit(step.name, step)
            # else: a rule that opens with an action (the form-submit pattern, or the rule that
            # continues after `wait_for_user_input: false`) reads it as context, not as
            # something to predict anywhere
            cur = cur.with_(prev_action=step.name)
            last_action = step.name
            started = True
        elif step.kind == "slot":
            if step.name in featurised:
                slots[step.name] = slot_feature(domain, step)
                cur = cur.with_(slots=tuple(sorted(slots.items())))
        elif step.kind == "active_loop":
            cur = cur.with_(active_loop=step.name)
    if flow.wait_for_user_input and last_action not in (None, ACTION_LISTEN):
        emit(ACTION_LISTEN, None)
    return out


def story_events(flow: Flow) -> list[tuple[dict, Step | None]]:
    """Synthetic Rasa events for a story (each with the step that produced it)."""
    clock = lambda: 0.0  # noqa: E731 - training events need no time
    out: list[tuple[dict, Step | None]] = [(action_event(ACTION_LISTEN, clock), None)]
    last = ACTION_LISTEN
    for step in flow.steps:
        if step.kind == "user":
            if last != ACTION_LISTEN:
                out.append((action_event(ACTION_LISTEN, clock), step))
            entities = [{"entity": e, "value": v} for e, v in step.value or ()]
            parse = {"intent": {"name": step.name, "confidence": 1.0}, "entities": entities, "text": step.text}
            out.append((event("user", clock, text=step.text, parse_data=parse, input_channel=None), step))
            last = ACTION_LISTEN
        elif step.kind == "action":
            out.append((action_event(step.name, clock), step))
            last = step.name
        elif step.kind == "slot":
            value = step.value if step.explicit_value else True
            out.append((slot_event(step.name, value, clock), step))
        elif step.kind == "active_loop":
            out.append((event("active_loop", clock, name=step.name), step))
    return out


def story_trajectory(flow: Flow, domain: Domain) -> list[tuple[State, str, Step | None]]:
    tracker = Tracker("story", domain)
    for e, _step in story_events(flow):
        tracker.update(e)
    steps = [s for e, s in story_events(flow) if e["event"] == "action"]
    return [(state, action, step) for (state, action), step in zip(tracker.past, steps)]
