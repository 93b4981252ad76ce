"""Search text without the marks readers often leave out: Arabic vowel marks
(tashkeel), tatweel and the hamza forms of alef; Latin accents and Polish ł.

Neither full-text engine folds these (PostgreSQL's "simple" parser keeps "Łódź" apart
from "Lodz"; SQLite's FTS5 keeps ł, and both keep every Arabic mark), so "حُقُوق" found
nothing in a page saying "حقوق", nor "Lodz" in one saying "Łódź". Pages carry the folded
form of their words as one more indexed field and queries are folded the same way, as
Lucene's Arabic normaliser and ASCII folding do. Other scripts pass unchanged (a
Devanagari vowel sign is a combining mark too, and is part of the word).
"""

import re
import unicodedata

ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ARABIC_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}
)
# Latin letters whose base no decomposition gives.
LATIN_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d"})
LATIN = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def _plain_latin(match: re.Match) -> str:
    decomposed = unicodedata.normalize("NFD", match.group())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """``text`` lower-cased, without Arabic marks or Latin accents."""
    text = ARABIC_MARKS.sub("", text).translate(ARABIC_LETTERS)
    text = LATIN.sub(_plain_latin, text.translate(LATIN_LETTERS))
    return text.lower()


def folded_words(*texts: str) -> str:
    """The words of ``texts`` that folding changes, folded, each once: the others are
    indexed as they are already."""
    words = (word for text in texts for word in text.split())
    changed = (folded for word in words if (folded := fold(word)) != word.lower())
    return " ".join(dict.fromkeys(changed))


def indexed_words(*texts: str) -> str:
    """What a page indexes beyond its fields: Chinese as character pairs (cms/cjk.py)
    and the folded forms of its words."""
    from cms import cjk

    return " ".join(filter(None, (cjk.indexed_pairs(*texts), folded_words(*texts))))
