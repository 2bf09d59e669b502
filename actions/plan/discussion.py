"""The team leader's turn in a plan discussion (werkproces 1.2).

She asks for the parts of the plan in the scenario's order (doelen, klantgroepen,
activiteiten, planning, budget, the company's own actions, meten), asks for substance when
a part is vague, and pushes back when a figure does not fit the facts (a budget above what
is available, a target out of line with last year or the capacity, an activity on a day the
team is at the fair) or a fact is wrong. A pushback stays open until the student names a
value that fits; while it is open there is no approval. A complete plan without open
points, asked for approval or summarised, is approved: `uitkomst` = `plan_goedgekeurd`.

What she has heard is kept in slot `activiteitenplan` (docs/contracts.md §3), which the
rubric reads (bot/feedback/plan_checks.py). Lines are picked like the persona's (per seed,
turn and purpose; a variation is not repeated before the others are used). Every reply
says why it was said (`reason`: question, answer, objection, fact_correction, ...).
"""

from __future__ import annotations

import re
from typing import Any

from actions.persona.afterdeal import after_deal_turn, in_after_deal
from actions.persona.core import PersonaTurn
from actions.persona.message import Message
from actions.persona.patience import end_conversation, outcome_at_end
from actions.persona.reply import Reply
from actions.persona.state import Conversation, copy_value
from actions.persona.texts import euro, pct, rng_for
from actions.plan.reading import FigureHit, Reading, mentions, read
from bot.scenarios.plan import BlockedDate, Plan
from bot.vocabulary import OUTCOME_SLOT, QUESTION_MOVES, SUCCESS_OUTCOMES

PLAN_SLOT = "activiteitenplan"
# "Zal ik beginnen met mijn doelen?", "Mag ik eerst mijn planning toelichten?"
ANNOUNCE = re.compile(r"\b(zal ik|mag ik|kan ik|zullen we)\b[^?.!]*\b(beginnen|starten|vertellen|toelichten|laten zien|"
                      r"doornemen|presenteren)\b[^.!]*\?\s*$")
CONTRADICTING = {"ja_maar", "tegenspreken"}
# A part of a sentence that leaves something out of the plan ("de kantoren laat ik liggen").
NOT_IN_PLAN = re.compile(r"\b(niet|geen|niets|niks|liggen|overslaan|sla \w+ over|buiten|volgende maand)\b")
MIN_TOPICS_BEFORE_APPROVAL = 2  # asking approval with less is premature
INSIST_AFTER = 2  # asked this often for the same part: the next time she insists
SUMMARY_TOPICS = 4  # parts named in one message that make it a summary (without the samenvatten move)


def new_state(plan: Plan) -> dict[str, Any]:
    return {
        "onderwerpen": {},  # topic id -> {"turn", "concreet", "vaag_turn"}
        "cijfers": {},  # figure id -> {"waarde", "turn", "oordeel"} (the last value named)
        "problemen": [],  # open pushbacks: {"id", "soort", "turn", "waarde", "oordeel"}
        "opgelost": [],  # pushbacks the student fixed: the same plus "opgelost_turn"
        "feitfouten": [],  # wrong facts: {"id", "turn", "waarde", "juist"}
        "gevraagd": plan.topics[0].id,  # the part she asked about last (the opening asks the first)
        "gevraagd_aantal": {},  # part -> how often she asked for it (the third time she insists)
        "samenvatting_gevraagd": False,
        "goedgekeurd_turn": None,
    }


def shown(entity: str, value: float | None) -> str:
    if value is None:
        return ""
    return euro(value) if entity == "bedrag" else pct(value)


class PlanTurn:
    def __init__(self, conv: Conversation, msg: Message):
        self.conv, self.msg = conv, msg
        self.sc = conv.sc
        self.plan: Plan = conv.sc.plan  # type: ignore[assignment]
        self.level = self.plan.level(conv.level_name)
        stored = conv.slots.get(PLAN_SLOT)
        self.state: dict[str, Any] = copy_value(stored) if isinstance(stored, dict) else new_state(self.plan)
        self.persona = PersonaTurn(conv, msg)  # effects, after-deal, hang-up and the reply's finish
        self.picker = self.persona.picker  # plan lines also fill {waarde} and {grens} (picker.extra)
        self.reply: Reply = self.persona.reply
        self.new_problems: list[dict] = []
        self.fixed: list[dict] = []
        self.facts: list[FigureHit] = []
        self.newly_covered: list[str] = []  # topics covered by this message

    # ----- saying things -----------------------------------------------------------

    def say(self, key: str, options: list, reason: str, **values: str) -> None:
        """One of `options`, never one she already said word for word; when all were said
        (a student who keeps the same plan), the point still has to be made: she says it again."""
        self.picker.extra = values
        try:
            text, signals = self.picker.pick(key, options)
            if not text:
                text, signals = self.picker.fill(options[rng_for(self.conv.seed, self.conv.turn, key).randrange(len(options))]), []
        finally:
            self.picker.extra = {}
        self.reply.add(text, signals, reason=reason)

    def say_line(self, key: str) -> None:
        self.reply.add_line(self.picker, key)

    def ask(self, topic_id: str) -> None:
        topic = self.plan.topic(topic_id)
        entry = self.state["onderwerpen"].get(topic_id)
        asked = self.state.setdefault("gevraagd_aantal", {})
        asked[topic_id] = asked.get(topic_id, 0) + 1
        if asked[topic_id] > INSIST_AFTER:
            # The third time she asks for the same part she does not repeat herself: she insists.
            self.conv.apply("bezwaar_genegeerd")
            self.say("plan.insist", self.plan.lines.insist, "question", waarde=topic.name)
        elif entry and topic.vague and not entry.get("concreet"):
            self.say(f"plan.vague.{topic_id}", topic.vague, "question")
        else:
            # a part she only asks to challenge the plan ("Kritische vraag: ...") is her criticism
            self.say(f"plan.ask.{topic_id}", topic.ask, "objection" if topic.only_when_asked else "question")
        self.state["gevraagd"] = topic_id

    # ----- what is covered ---------------------------------------------------------

    def covered(self, topic_id: str) -> bool:
        entry = self.state["onderwerpen"].get(topic_id)
        if not entry:
            return False
        return bool(entry.get("concreet")) or topic_id not in self.level.concrete

    def missing(self) -> list[str]:
        asked = self.state.get("gevraagd_aantal") or {}
        heard = set(self.state.get("premisse_weg") or [])
        # a challenge whose premise the plan already meets is no criticism she can make
        required = {t for t in self.level.required if asked.get(t) or t not in heard}
        challenged = [t for t in self.level.challenge if asked.get(t)]
        if challenged:
            required |= set(challenged)  # asked already: it stands until answered
        elif not (self.state["problemen"] or self.state["opgelost"]) and not any(
                self.plan.topic(t).only_when_asked for t in required):
            # no pushback yet (and no criticism she always makes): she is critical once, about
            # the first point the plan lacks
            required |= set([t for t in self.level.challenge if t not in heard and t not in required][:1])
        return [t.id for t in self.plan.topics if t.id in required and not self.covered(t.id)]

    def open_problems(self) -> list[dict]:
        return self.state["problemen"]

    # ----- the turn ----------------------------------------------------------------

    def run(self) -> Reply:
        conv, persona = self.conv, self.persona
        if conv.memory.get("ended"):
            self.say_line("after_end")
            return self.reply
        persona.effects_of_moves()
        if in_after_deal(conv):
            return after_deal_turn(persona)
        if "afscheid" in self.msg.moves:
            return self.goodbye()
        if conv.get("irritatie") >= conv.level.hangup_at:
            persona.hang_up()
            return self.done()
        reading = read(self.plan, self.msg, self.state.get("gevraagd"))
        if self.announcement(reading):
            # "Zal ik beginnen met mijn doelen?" names a part but says nothing of it yet: she
            # asks for it, not "meer omzet, maar hoeveel dan?" about a goal nobody named.
            reading.mentioned.clear()
            reading.concrete.clear()
        elif self.fact_question(reading):
            # "Wanneer is de beurs precies?" asks for a fact; it does not put the fair in the plan.
            reading.mentioned.clear()
            reading.concrete.clear()
        self.record(reading)
        self.respond(reading)
        return self.done()

    def announcement(self, reading: Reading) -> bool:
        """The message only offers to start on a part of the plan: a question, no figure."""
        return bool(
            self.msg.text.rstrip().endswith("?") and not reading.hits and not reading.asks_approval
            and ANNOUNCE.search(self.msg.lower) and not re.search(r"\d", self.msg.text)
        )

    def fact_question(self, reading: Reading) -> bool:
        return bool(
            self.msg.moves & QUESTION_MOVES and self.msg.text.rstrip().endswith("?") and not reading.hits
            and not reading.asks_approval and any(self.msg.mentions(a.keywords) for a in self.sc.answers)
        )

    def done(self) -> Reply:
        self.conv.set(PLAN_SLOT, self.state)
        return self.persona.finish()

    def goodbye(self) -> Reply:
        """The student leaves without approval: what the message still says is noted, the
        outcome is set (geen_deal, or afgebroken after a very short talk) and she says goodbye."""
        self.record(read(self.plan, self.msg, self.state.get("gevraagd")))
        conv = self.conv
        outcome = outcome_at_end(conv)
        conv.set(OUTCOME_SLOT, outcome)
        friendly = conv.get("irritatie") < 0.5 and outcome in SUCCESS_OUTCOMES
        self.say_line("goodbye_good" if friendly else "goodbye_bad")
        end_conversation(conv)
        return self.done()

    # ----- recording -----------------------------------------------------------------

    def record(self, reading: Reading) -> None:
        turn = self.conv.turn
        topics = self.state["onderwerpen"]
        asked = self.state.get("gevraagd_aantal") or {}
        for topic in self.plan.topics:
            if topic.unless_heard and not asked.get(topic.id) and self.in_plan(topic.unless_heard):
                gone = self.state.setdefault("premisse_weg", [])
                if topic.id not in gone:
                    gone.append(topic.id)
        for topic in self.plan.topics:
            if topic.id not in reading.mentioned:
                continue
            before = self.covered(topic.id)
            entry = topics.setdefault(topic.id, {"turn": None, "concreet": False, "vaag_turn": None})
            if topic.id in reading.concrete and not entry["concreet"]:
                entry["concreet"] = True
                entry["turn"] = turn
            elif topic.id not in reading.concrete and not entry["concreet"]:
                entry["vaag_turn"] = turn  # vague, or concrete but it did not fit (reading.spoiled)
            if self.covered(topic.id) and not before:
                self.newly_covered.append(topic.id)
        for fid, hit in reading.worst().items():
            before = self.state["cijfers"].get(fid) or {}
            if before.get("waarde") != hit.value or before.get("oordeel") != hit.verdict:
                # the turn where this value was first named (a summary repeating it is no news)
                self.state["cijfers"][fid] = {"waarde": hit.value, "turn": turn, "oordeel": hit.verdict}
            if hit.verdict == "wrong":
                self.facts.append(hit)
                self.state["feitfouten"].append({"id": fid, "turn": turn, "waarde": hit.value, "juist": hit.figure.is_})
            elif hit.verdict == "ok":
                self.close_problem(fid, turn)
            else:
                self.open_problem(fid, "cijfer", turn, hit.value, hit.verdict)
        for blocked in reading.clashes:
            self.open_problem(f"datum:{blocked.id}", "datum", turn, None, "botst")
        if not reading.clashes and (reading.good_dates or "planning" in reading.concrete):
            for problem in [p for p in self.open_problems() if p["soort"] == "datum"]:
                self.close_problem(problem["id"], turn)

    def in_plan(self, keywords: list[str]) -> bool:
        """A sentence of the message puts these in the plan (not "de kantoren laat ik liggen")."""
        for sentence in re.split(r"(?<=[.!?])\s+", self.msg.lower):
            for part in re.split(r",|;|\b(?:en|maar|want|omdat)\b", sentence):
                if mentions(part, keywords) and not NOT_IN_PLAN.search(part):
                    return True
        return False

    def open_problem(self, pid: str, kind: str, turn: int, value: float | None, verdict: str) -> None:
        problem = {"id": pid, "soort": kind, "turn": turn, "waarde": value, "oordeel": verdict}
        self.state["problemen"] = [p for p in self.open_problems() if p["id"] != pid] + [problem]
        self.new_problems.append(problem)

    def close_problem(self, pid: str, turn: int) -> None:
        found = [p for p in self.open_problems() if p["id"] == pid]
        if not found:
            return
        self.state["problemen"] = [p for p in self.open_problems() if p["id"] != pid]
        self.state["opgelost"].append({**found[0], "opgelost_turn": turn})
        self.fixed.append(found[0])

    # ----- responding ----------------------------------------------------------------

    def respond(self, reading: Reading) -> None:
        conv, msg = self.conv, self.msg
        if self.new_problems:
            self.push_back(self.new_problems[0])
            return
        if self.facts:
            self.correct_fact(self.facts[0])
            return
        for problem in self.fixed[:1]:
            self.acknowledge_fix(problem)
            conv.apply("bezwaar_opgelost")
        if self.open_problems():
            if reading.asks_approval:
                self.say("plan.not_yet_problem", self.plan.lines.not_yet_problem, "closing")
                self.push_back(self.open_problems()[-1])  # "het punt van net": the latest one
            elif msg.moves & CONTRADICTING:
                conv.apply("bezwaar_erger")
                self.say("plan.worse", self.plan.lines.worse, "objection")
            elif msg.moves & QUESTION_MOVES and self.answer():
                pass
            else:
                conv.apply("bezwaar_genegeerd")
                self.remind(self.open_problems()[-1])
            return
        if self.wants_approval(reading):
            self.handle_approval()
            return
        if msg.moves & QUESTION_MOVES and not reading.mentioned and self.answer():
            return
        vague = [t for t in self.plan.topics if t.id in reading.mentioned and t.id in self.level.concrete
                 and t.id in self.level.required and not self.covered(t.id) and t.vague]
        if vague and not self.newly_covered:  # progress elsewhere: acknowledge and move on
            self.ask(vague[0].id)
            return
        if not reading.relevant and not self.fixed:
            self.not_about_the_plan()
            return
        conv.set("misverstanden", 0.0)
        newly = [t for t in self.plan.topics if t.id in self.newly_covered and t.ack]
        if newly and not self.fixed:
            self.say(f"plan.ack.{newly[0].id}", newly[0].ack, "answer")
        self.next_question()

    def next_question(self) -> None:
        missing = self.missing()
        if missing:
            self.ask(missing[0])
            return
        self.state["samenvatting_gevraagd"] = True
        self.say("plan.summary_please", self.plan.lines.summary_please, "question")

    def not_about_the_plan(self) -> None:
        """Nothing in the turn relates to the plan: a greeting gets a greeting and her
        question again; anything else gets a clarification, from the second miss her
        question again (what she wants to hear)."""
        conv, msg = self.conv, self.msg
        if "begroeting" in msg.moves and not conv.memory.get("greeted"):
            conv.memory["greeted"] = True
            self.say_line("greeting_after_opening")  # it asks her first question again
            return
        current = self.state.get("gevraagd") or self.plan.topics[0].id
        if msg.moves & CONTRADICTING:
            self.say_line("contradicted")  # "Nou, daar denk ik anders over."
            self.ask(current)
            return
        if msg.moves & QUESTION_MOVES:
            # Small talk or a question beside the plan: she is friendly and steers back.
            self.say("plan.off_topic", self.plan.lines.off_topic, "neutral")
            self.ask(current)
            return
        if msg.moves - {"begroeting", "informeel"}:
            self.ask(current)  # "Oké, ik doe mijn best.": she asks again what she needs
            return
        misses = int(conv.get("misverstanden")) + 1
        conv.set("misverstanden", float(misses))
        conv.apply("onbegrepen")
        if misses >= 2:
            self.ask(self.state.get("gevraagd") or self.plan.topics[0].id)  # what she wants to hear
        else:
            self.say("plan.clarify", self.plan.lines.clarify, "clarification")

    def answer(self) -> bool:
        """A question about the facts: she answers from the scenario's `answers`."""
        memory = self.conv.memory
        matching = [a for a in self.sc.answers if self.msg.mentions(a.keywords)]
        if not matching:
            return False
        fresh = [a for a in matching if a.id not in memory["answers"]] or matching
        answer = fresh[0]
        self.say(f"answer.{answer.id}", answer.texts, "answer")
        if answer.id not in memory["answers"]:
            memory["answers"].append(answer.id)
        return True

    # ----- pushback ------------------------------------------------------------------

    def push_back(self, problem: dict) -> None:
        if problem["soort"] == "datum":
            blocked = self.plan.blocked(problem["id"].split(":", 1)[1])
            self.say(f"plan.date.{blocked.id}", blocked.texts, "objection")
            return
        figure = self.plan.figure(problem["id"])
        options = figure.too_high if problem["oordeel"] == "too_high" else figure.too_low
        limit = figure.limit_for(problem["oordeel"])
        self.say(f"plan.figure.{figure.id}.{problem['oordeel']}", options, "objection",
                 waarde=shown(figure.entity, problem["waarde"]), grens=shown(figure.entity, limit))

    def correct_fact(self, hit: FigureHit) -> None:
        figure = hit.figure
        self.say(f"plan.fact.{figure.id}", figure.wrong, "fact_correction",
                 waarde=shown(figure.entity, hit.value), grens=shown(figure.entity, figure.is_))

    def acknowledge_fix(self, problem: dict) -> None:
        if problem["soort"] == "datum":
            blocked: BlockedDate = self.plan.blocked(problem["id"].split(":", 1)[1])
            self.say(f"plan.date_fixed.{blocked.id}", blocked.fixed, "answer")
            return
        figure = self.plan.figure(problem["id"])
        value = self.state["cijfers"].get(figure.id, {}).get("waarde")
        self.say(f"plan.fixed.{figure.id}", figure.fixed, "answer", waarde=shown(figure.entity, value))

    def remind(self, problem: dict) -> None:
        self.say("plan.reminder", self.plan.lines.reminder, "objection")
        self.push_back(problem)

    # ----- approval ------------------------------------------------------------------

    def wants_approval(self, reading: Reading) -> bool:
        if reading.asks_approval:
            return True
        if "samenvatten" in self.msg.moves:
            return bool(self.state.get("samenvatting_gevraagd") or not self.missing())
        # She asked for a summary and the student goes over most parts at once.
        return bool(self.state.get("samenvatting_gevraagd")) and len(reading.mentioned) >= SUMMARY_TOPICS

    def handle_approval(self) -> None:
        conv, close = self.conv, self.sc.close
        covered = [t.id for t in self.plan.topics if self.covered(t.id)]
        missing = self.missing()
        if len(covered) < MIN_TOPICS_BEFORE_APPROVAL:
            conv.apply("te_vroeg_afsluiten")
            self.say("close.premature", close.premature, "closing")
        elif missing:
            topic = self.plan.topic(missing[0])
            self.say("plan.not_yet", self.plan.lines.not_yet, "closing", waarde=topic.name)
            self.state["gevraagd"] = topic.id
        elif conv.get("vertrouwen") < conv.level.close_at.vertrouwen - 1e-9:
            self.say("close.stall", close.stall, "closing")
        else:
            self.say("close.accept", close.accept, "closing")
            conv.set(OUTCOME_SLOT, close.outcome)
            conv.memory["success_turn"] = conv.turn
            self.state["goedgekeurd_turn"] = conv.turn


def plan_turn(conv: Conversation, msg: Message) -> Reply:
    """The team leader's reply to one student message (each part knows why it was said)."""
    return PlanTurn(conv, msg).run()
