"""The reaction verdict (section 3 of the label contract), rules in domain/nlu/reacties.yml.

The student's reply answers the most important signal in the previous utterance
(`signaal_voorrang`: a complaint before an objection before a buying signal before
interest). The first rule in the file whose signal and move conditions hold decides:
verdict, Dutch reason and the BCP competencies it gives evidence for. Conditions may also
name facts about the previous utterance (`na`/`niet_na`, patterns under `vorige_uiting`:
the customer has just ordered; the customer asked for a discount).
"""

from __future__ import annotations

from bot.labels import LabelContract
from bot.nlu.analysis import Reaction
from bot.nlu.resources import ReactionRule, Reactions


class ReactionJudge:
    def __init__(self, reactions: Reactions, contract: LabelContract):
        self.rules = reactions.regels
        self.priority = reactions.signaal_voorrang
        self.contract = contract

    def _matches_signal(self, pattern: str, signal: str) -> bool:
        if pattern == "*" or pattern == signal:
            return True
        return pattern.endswith(".*") and self.contract.group_of(signal) == pattern[:-2]

    def main_signal(self, signals: tuple[str, ...]) -> str:
        for pattern in self.priority:
            for signal in signals:
                if self._matches_signal(pattern, signal):
                    return signal
        return signals[0]

    @staticmethod
    def _moves_fit(rule: ReactionRule, moves: set[str], context: frozenset[str]) -> bool:
        if rule.na and context.isdisjoint(rule.na):
            return False
        if rule.niet_na and not context.isdisjoint(rule.niet_na):
            return False
        if rule.zonder_zetten and moves:
            return False
        if rule.een_van and not moves & set(rule.een_van):
            return False
        if rule.ook_een_van and not moves & set(rule.ook_een_van):
            return False
        if rule.alle and not set(rule.alle) <= moves:
            return False
        if rule.geen_van and moves & set(rule.geen_van):
            return False
        return True

    def judge(self, signals: tuple[str, ...], labels: tuple[str, ...], helpers: set[str] = frozenset(),
              context: frozenset[str] = frozenset()) -> Reaction | None:
        """Verdict on a reply with these labels (+ helper moves from reacties.yml), after a
        previous utterance with these signals and these `vorige_uiting` facts."""
        if not signals:
            return None
        signal = self.main_signal(signals)
        moves = (set(labels) - {"informeel"}) | set(helpers)
        for rule in self.rules:
            if not any(self._matches_signal(p, signal) for p in rule.signalen):
                continue
            if rule.ook_signalen and not any(
                self._matches_signal(p, other) for p in rule.ook_signalen for other in signals if other != signal
            ):
                continue
            if self._moves_fit(rule, moves, context):
                return Reaction(rule.oordeel, rule.reden.strip(), tuple(rule.competenties), signal, rule.id)
        return None
