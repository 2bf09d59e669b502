"""What our pipeline components leave on a Doc for the next ones and for the recogniser.

Everything lives in doc.user_data under the keys below (plain dict access; spaCy's
doc._ extension attributes build a helper object on every read and write). The
extensions doc._.oefen_hits, oefen_unless, oefen_blocks, oefen_zinnen and oefen_speaker
still read these values, for inspecting a doc by hand.

Word: the token attributes the question and rule code reads, taken once per token by the
normaliser (reading a spaCy Token attribute, or doc[i], builds a Python object each time).
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc

SPEAKER_KEY = "oefen_speaker"  # "klant" | "leverancier" | "student"
TOKENS_KEY = "oefen_tokens"  # list[Word], one per token
HITS_KEY = "oefen_hits"  # rule matches (rule index, start, end)
UNLESS_KEY = "oefen_unless"  # `tenzij` matches (rule index, start, end)
BLOCKS_KEY = "oefen_blocks"  # blokkade matches (block index, start, end)
SENTENCES_KEY = "oefen_zinnen"  # list[Sentence]


class Word(NamedTuple):
    """One token as the rules read it; attribute names as on a spaCy Token."""

    i: int
    text: str
    norm_: str
    lemma_: str
    pos_: str
    is_punct: bool


def words_of(doc: Doc) -> list[Word]:
    """The doc's Word list (made by the normaliser; built here for a doc without it)."""
    words = doc.user_data.get(TOKENS_KEY)
    if words is None or len(words) != len(doc):
        words = [Word(t.i, t.text, t.norm_, t.lemma_, t.pos_, t.is_punct) for t in doc]
    return words


for _key in (SPEAKER_KEY, HITS_KEY, UNLESS_KEY, BLOCKS_KEY, SENTENCES_KEY):
    if not Doc.has_extension(_key):
        Doc.set_extension(_key, getter=lambda doc, key=_key: doc.user_data.get(key))
