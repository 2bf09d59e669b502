"""The words the parts of a conversation agree on, each defined once (docs/contracts.md).

The engine, the actions, the feedback, the store, the web service, the teacher side and the
LMS link all speak of a conversation's mode, status, speakers, outcome and turn. Import
these names instead of spelling the strings: a typo then fails at import, not in a report.
"""

from __future__ import annotations

# How a student practises: with tips after every turn, or as an exam without them.
PRACTICE = "oefenen"
EXAM = "toets"
MODES = (PRACTICE, EXAM)

# A stored conversation is running until the engine ends it or the student stops.
RUNNING = "lopend"
FINISHED = "afgerond"
STATUSES = (RUNNING, FINISHED)

# Who says a line. Customers and suppliers utter signals (their bot events carry labels).
STUDENT = "student"
CUSTOMER = "klant"
SUPPLIER = "leverancier"
COACH = "coach"  # outside the role play: the briefing form speaks to the student
SPEAKERS_WITH_SIGNALS = (CUSTOMER, SUPPLIER)
SPEAKERS = (*SPEAKERS_WITH_SIGNALS, STUDENT)

# Slots every scenario's domain has (domain/rasa): the outcome and the student's turn number.
OUTCOME_SLOT = "uitkomst"
# `beurt` is the persona's position in the role play (its reactions; briefing answers do not
# count): it stamps what the persona records (facts, concessions) and the feedback finds that
# turn by `StudentTurn.position`. The number of messages the student sent (briefing answers
# included) is `Conversation.student_turns` (bot.engine.session), stored per conversation
# and shown as "beurt" to people (`StudentTurn.number`).
TURN_SLOT = "beurt"
ENDED_SLOT = "gesprek_beeindigd"  # the goodbye: a deal alone does not end the conversation

# The values of the outcome slot. `lopend` while the conversation runs (same word as the status).
ONGOING = RUNNING
ABORTED = "afgebroken"
NO_DEAL = "geen_deal"
# `informatie`: a market interview (1.1) that gathered what it set out to learn.
# `plan_goedgekeurd`: the team leader approved the activiteitenplan (1.2).
SUCCESS_OUTCOMES = ("order", "afspraak", "offerte", "opgelost", "informatie", "plan_goedgekeurd")
OUTCOMES = (ONGOING, *SUCCESS_OUTCOMES, NO_DEAL, ABORTED)

# Question moves of the label contract (domain/labels.yml); open ones invite a real answer.
QUESTION_MOVES = frozenset({"open_vraag", "gesloten_vraag", "doorvragen"})
OPEN_QUESTION_MOVES = frozenset({"open_vraag", "doorvragen"})
