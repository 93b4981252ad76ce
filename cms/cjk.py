"""Chinese (and Japanese, Korean) text for the full-text search, as pairs of characters.

Neither SQLite's FTS5 tokenizer nor PostgreSQL's parser splits Chinese into words: a
run of Hanzi between punctuation is one token, so 移民 ("immigrant") found nothing in
"芝加哥移民和难民资源". The usual remedy without a dictionary is overlapping pairs:
pages carry the pairs of their text as one more indexed field, and a query's run is
looked up as its pairs ("芝加哥" as 芝加 and 加哥, all required); a query of one
character finds it among the single characters, indexed too.
"""

import re

# Han ideographs (with extension A and compatibility forms), kana and Hangul syllables.
RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+"
)


def _run_pairs(run: str) -> list[str]:
    """Every overlapping pair of characters of one run (a lone character stays)."""
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def indexed_pairs(*texts: str) -> str:
    """The pairs of all ``texts`` and their single characters, as one string of words,
    each once: many everyday words are one character (法 "law", 税 "tax")."""
    runs = [run for text in texts for run in RUN.findall(text)]
    words = [word for run in runs for word in (*_run_pairs(run), *run)]
    return " ".join(dict.fromkeys(words))


def query_words(words: str) -> str:
    """A query with each run written as its pairs, the other words as they are."""
    spaced = RUN.sub(lambda match: f" {' '.join(_run_pairs(match.group()))} ", words)
    return " ".join(spaced.split())
