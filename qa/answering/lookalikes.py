"""Look-alike unanswerable questions (SQuAD 2.0's lesson): the topic stays in the collection, the asked entity,
number, year, attribute or kind of thing does not.

`郑州市有多少所中职学校通过了标准化建设工程验收？` has look-alikes `洛阳市有多少所…` (entity), `郑州市…2019年…`
(year), `…有37所…` (number), `…多少所高职学校…` (noun: a sibling of the same last character) and
`郑州大学的董事长是谁？` for `郑州大学的校长是谁？` (attribute). Each
replacement is one the collection never holds (`occurs` is False), so an honest answerer must refuse while every
other word still points at the gold sentence. Used for training data (`qa/answering/training.py`) and for
`eval/run.py --twins`.

The names swapped are those `qa.answering.names` finds with jieba's tagger, which is imported on first use.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from qa.answering.attributes import ATTRIBUTES, asked_attribute
from qa.answering.kinds import NUMBER_WITH_UNIT as _NUMBER
from qa.answering.names import (
    SUFFIXES,
    asked_names,
    common_nouns,
    dictionary_frequency,
    offsets,
    plausible,
    tag,
    tagged_entities,
)
from qa.script import TO_TRADITIONAL, aligned_simplified, converter, is_traditional


def _words(text: str) -> tuple[str, ...]:
    """The space-separated words of `text`: long word lists read better as one string."""
    return tuple(text.split())


Kind = Literal["entity", "number", "year", "attribute", "noun"]
KINDS: tuple[Kind, ...] = ("entity", "number", "year", "attribute")  # `eval/run.py --twins`'s recipes
# The noun recipe came later: `qa train` draws on all five, `eval/run.py --twins` on the four its earlier figures were
# measured with unless `--twin-kinds` says otherwise.
ALL_KINDS: tuple[Kind, ...] = (*KINDS, "noun")

SAMPLE = 200  # pool candidates tried per swap before giving up: `occurs` may scan a large collection
YEAR_SPREAD = 30  # a replacement year lies within this many years of the original (`2023年` → `2009年`)

_YEAR = re.compile(r"(?<!\d)(?P<value>1[5-9]\d\d|20\d\d)(?P<unit>年)(?!代)")  # `2000年代` is a decade
# A replacement noun is a word jieba's dictionary counts this often (`体校` 51): rarer ones are mostly its tagger's
# misreadings (`修院` 5, `足校` 3), and a look-alike asking for a non-word teaches nothing.
NOUN_FREQUENCY = 50
LATEST_YEAR = 2030  # a replacement year is no later: `2037年` reads as a typo, not a look-alike


@dataclass(frozen=True)
class Lookalike:
    """One look-alike of a question: `original` replaced by `replacement`, which the collection never holds."""

    question: str  # the look-alike
    kind: Kind
    original: str  # the part of the question replaced
    replacement: str  # what replaced it (occurs nowhere in the collection; an attribute: not in the article)


@dataclass(frozen=True)
class Pool:
    """Replacement candidates by type, harvested from other texts than the collection (in simplified script).

    `entities` maps an entity type (person, place, org, other) to names; `numbers` maps a unit to the numbers
    written with it (`所` → `12`, `三`, `1.5万`); `nouns` maps a last character to the common nouns ending in it
    (`院` → `医院`, `法院`, `设计院`).
    """

    entities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    numbers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    nouns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_texts(cls, texts: Iterable[str], limit: int = 5000) -> Pool:
        """Harvest entities and numbers from `texts`, keeping at most `limit` of each type or unit (first seen).

        jieba's tagger reads about 18,000 characters a second here: 400 Wikipedia paragraphs take ~10 s and
        give over a thousand names of each common type; the whole of CMRC train (2,403 paragraphs) ~70 s.
        """
        entities: dict[str, dict[str, None]] = {t: {} for t in ("person", "place", "org", "other")}
        numbers: dict[str, dict[str, None]] = {}
        nouns: dict[str, dict[str, None]] = {}
        for text in texts:
            plain = aligned_simplified(text)
            for _, _, name, kind in tagged_entities(plain):
                if len(entities[kind]) < limit and plausible(name, kind):
                    entities[kind][name] = None
            for _, _, noun in common_nouns(plain):
                ending = nouns.setdefault(noun[-1], {})
                if len(ending) < limit and dictionary_frequency(noun) >= NOUN_FREQUENCY:
                    ending[noun] = None
            for m in _NUMBER.finditer(plain):
                found = numbers.setdefault(m["unit"], {})
                # `057` (a rank, a code) does not read as a count
                if len(found) < limit and not _is_year(m) and not re.match(r"0\d", m["value"]):
                    found[m["value"]] = None
        return cls(
            {k: tuple(v) for k, v in entities.items() if v},
            {k: tuple(v) for k, v in numbers.items()},
            {k: tuple(v) for k, v in nouns.items()},
        )


def make_lookalike(
    question: str,
    evidence: str,
    occurs: Callable[[str], bool],
    pool: Pool,
    rng: random.Random,
    kinds: Sequence[str] = KINDS,
) -> Lookalike | None:
    """A look-alike of `question` by one recipe picked at random (`rng`) among `kinds` that apply; None if none does.

    `evidence` is the gold answer's sentence or article: a swapped entity, number or year is taken from it when
    the question shares one with it (the hardest look-alike: every other word still points at the answer), else
    from those the collection holds. An attribute's replacement must not occur in `evidence` (pass the article).
    """
    unknown = set(kinds) - set(ALL_KINDS)
    if unknown:
        raise ValueError(f"unknown look-alike kinds {sorted(unknown)}: use some of {list(ALL_KINDS)}")
    recipes: dict[str, Callable[[], Lookalike | None]] = {
        "entity": lambda: _swap_entity(question, evidence, occurs, pool, rng),
        "number": lambda: _swap_number(question, evidence, occurs, pool, rng),
        "year": lambda: _swap_year(question, evidence, occurs, rng),
        "attribute": lambda: _swap_attribute(question, evidence, occurs, rng),
        "noun": lambda: _swap_noun(question, evidence, occurs, pool, rng),
    }
    left = [k for k in ALL_KINDS if k in kinds]
    while left:
        kind = rng.choice(left)
        made = recipes[kind]()
        if made is not None:
            return made
        left.remove(kind)
    return None


# ---- finding the parts of a question ----------------------------------------------------------------


def _is_year(m: re.Match[str]) -> bool:
    return m["unit"] == "年" and _YEAR.fullmatch(m.group()) is not None


# ---- the five recipes ---------------------------------------------------------------------------------


def _swap_entity(
    question: str, evidence: str, occurs: Callable[[str], bool], pool: Pool, rng: random.Random
) -> Lookalike | None:
    plain = aligned_simplified(question)
    spot = _pick_original(asked_names(question), evidence, occurs, rng)
    if spot is None:
        return None
    start, end, original, kind = spot
    names = pool.entities.get(kind, ())
    # Names like the original first: with its suffix (a city for a city: `郑州市` → `洛阳市`), else as long
    # (`郑州` → `洛阳`, not `阿肯色州`).
    name = plain[start:end]
    # (A suffix needs two characters before it: `广州`'s 州 is part of the name.)
    suffix = next(
        (s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s) and len(name) > len(s) + 1), ""
    )
    alike = [n for n in names if n.endswith(suffix)] if suffix else [n for n in names if len(n) == len(name)]
    for candidates in (alike, names):
        new = _first_absent(candidates, (), question, occurs, rng)
        if new is not None:
            return Lookalike(question[:start] + new + question[end:], "entity", original, new)
    return None


def _swap_number(
    question: str, evidence: str, occurs: Callable[[str], bool], pool: Pool, rng: random.Random
) -> Lookalike | None:
    plain = aligned_simplified(question)
    # A lone `一` before a classifier is mostly an article (`一个城市`), not a count.
    found = [
        (m.start(), m.end(), question[m.start() : m.end()], m)
        for m in _NUMBER.finditer(plain)
        if not _is_year(m) and m["value"] != "一"
    ]
    spot = _pick_original(found, evidence, occurs, rng)
    if spot is None:
        return None
    start, end, original, m = spot
    unit, value = question[m.start("unit") : m.end("unit")], m["value"]
    digits = value[0].isdigit()
    # Harvested numbers of the same unit and size (`41所` → `12所`); Chinese numerals and months are only
    # perturbed, since a harvested `一百` for `两年制` or `15` for `6月` no longer reads as a count.
    near = [v for v in pool.numbers.get(m["unit"], ()) if v != value and digits and _same_magnitude(v, value)]
    if m["unit"] == "月":
        near = []
    new = _first_absent(
        [v + unit for v in near], [v + unit for v in _perturbed(value, m["unit"], rng)], question, occurs, rng
    )
    if new is None:
        return None
    return Lookalike(question[:start] + new + question[end:], "number", original, new)


def _swap_year(question: str, evidence: str, occurs: Callable[[str], bool], rng: random.Random) -> Lookalike | None:
    found = [(m.start(), m.end(), m.group(), m) for m in _YEAR.finditer(question)]
    spot = _pick_original(found, evidence, occurs, rng)
    if spot is None:
        return None
    start, end, original, m = spot
    year = int(m["value"])
    years = [y for y in range(year - YEAR_SPREAD, year + YEAR_SPREAD + 1) if y != year and 1500 <= y <= LATEST_YEAR]
    rng.shuffle(years)
    # The bare number must be absent too: `2019` in `2019-2020学年` is that year.
    new = next((f"{y}年" for y in years if not occurs(str(y)) and str(y) not in question), None)
    if new is None:
        return None
    return Lookalike(question[:start] + new + question[end:], "year", original, new)


def _swap_attribute(
    question: str, evidence: str, occurs: Callable[[str], bool], rng: random.Random
) -> Lookalike | None:
    plain = aligned_simplified(question)
    spot = asked_attribute(plain)
    if spot is None or spot.group is None:
        return None
    start, end, group = spot.start, spot.end, spot.group
    original = question[start:end]
    to_script = _script_of(question)
    choices = [to_script(a) for a in ATTRIBUTES[group] if a != plain[start:end] and a not in plain]
    choices = [a for a in choices if a not in evidence]
    rng.shuffle(choices)
    # Absent from the whole collection when one is (always, in a small one); else absent from the article.
    new = next((a for a in choices if not occurs(a)), choices[0] if choices else None)
    if new is None:
        return None
    return Lookalike(question[:start] + new + question[end:], "attribute", original, new)


def _swap_noun(
    question: str, evidence: str, occurs: Callable[[str], bool], pool: Pool, rng: random.Random
) -> Lookalike | None:
    """A common noun swapped for a sibling of the same length and last character that E5 finds alike (`中职` →
    `高职`, `研究院` → `设计院`; not `制度` → `力度`): the same kind of thing, another one. The nouns it runs into
    (`高职学校`) must not occur together in the collection when a replacement allows it, else not in the evidence:
    a `高职` named elsewhere in a letter does not count `高职学校`."""
    plain = aligned_simplified(question)
    spot = _pick_original(common_nouns(plain), evidence, occurs, rng)
    if spot is None:
        return None
    start, end, word = spot
    first, last = _noun_run(plain, start, end)
    to_script = _script_of(question)
    siblings = _close_siblings(word, [n for n in pool.nouns.get(word[-1], ()) if len(n) == len(word) and n != word])
    phrases = []  # (the sibling, the nouns it runs into), none of them in the evidence
    for sibling in map(to_script, rng.sample(siblings, min(SAMPLE, len(siblings)))):
        phrase = question[first:start] + sibling + question[end:last]
        if sibling not in question and phrase not in evidence:
            phrases.append((sibling, phrase))
    chosen = next((s for s, phrase in phrases if not occurs(phrase)), phrases[0][0] if phrases else None)
    if chosen is None:
        return None
    return Lookalike(question[:start] + chosen + question[end:], "noun", question[start:end], chosen)


# E5's cosine between a sibling and the noun it replaces, at least: below it mostly words that only share a character
# (`制度` / `力度` 0.86, `全球` / `进球` 0.86), above it things of one kind (`中职` / `高职` 0.95, `袋鼠` / `灰鼠` 0.91).
SIBLING_SIMILARITY = 0.9
_VECTORS: dict[str, Any] = {}  # E5 vectors of the nouns compared so far (a pool holds a few thousand)


def _close_siblings(word: str, siblings: Sequence[str]) -> list[str]:
    """The siblings E5 finds like `word` (`SIBLING_SIMILARITY`)."""
    missing = [w for w in dict.fromkeys((word, *siblings)) if w not in _VECTORS]
    if missing:
        from qa.embedding import bundled_e5

        _VECTORS.update(zip(missing, bundled_e5().encode_queries(missing), strict=True))
    return [s for s in siblings if float(_VECTORS[s] @ _VECTORS[word]) >= SIBLING_SIMILARITY]


def _noun_run(plain: str, start: int, end: int) -> tuple[int, int]:
    """The span of the nouns next to each other (`n*` tags) around the word at `start`-`end` of `plain`."""
    words = tag(plain)
    starts = offsets(words)
    if start not in starts or end not in starts:
        return start, end
    i, j = starts.index(start), starts.index(end)
    while i > 0 and words[i - 1][1].startswith("n"):
        i -= 1
    while j < len(words) and words[j][1].startswith("n"):
        j += 1
    return starts[i], starts[j]


# ---- helpers ------------------------------------------------------------------------------------------


def _pick_original(found: list[Any], evidence: str, occurs: Callable[[str], bool], rng: random.Random) -> Any:
    """One of `found` (tuples with the text at [2]): among those in `evidence` if any, else those the collection
    holds; a term the collection lacks already makes the question unanswerable, so swapping it tests nothing."""
    in_evidence = [f for f in found if f[2] in evidence]
    pool = in_evidence or [f for f in found if occurs(f[2])]
    return rng.choice(pool) if pool else None


def _first_absent(
    preferred: Sequence[str], rest: Sequence[str], question: str, occurs: Callable[[str], bool], rng: random.Random
) -> str | None:
    """A candidate, written in the question's script, that the collection never holds and the question lacks.

    Up to `SAMPLE` of `preferred` are tried in random order, then up to `SAMPLE` of `rest` in theirs.
    """
    to_script = _script_of(question)
    tried = rng.sample(list(preferred), min(SAMPLE, len(preferred))) + list(rest[:SAMPLE])
    for candidate in tried:
        new = to_script(candidate)
        if new and new not in question and not occurs(new):
            return new
    return None


def _script_of(question: str) -> Callable[[str], str]:
    """How a simplified replacement is written in `question`: converted to traditional for a traditional one."""
    convert = converter(TO_TRADITIONAL) if is_traditional(question) else None
    return convert if convert is not None else str


def _same_magnitude(a: str, b: str) -> bool:
    """Both plain numbers within a factor of ten (`41` and `12`, not `41` and `3000`); `万`/`亿` must agree."""
    if a[-1:] in "万亿" or b[-1:] in "万亿":
        if a[-1:] != b[-1:]:
            return False
        a, b = a[:-1], b[:-1]
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return x > 0 and y > 0 and 0.1 <= x / y <= 10


def _perturbed(value: str, unit: str, rng: random.Random) -> list[str]:
    """Numbers near `value` in its own writing (`41` → `37`, `3.5万` → `4.2万`, `三` → `五`), shuffled; a month stays
    a month (`6月` → `9月`)."""
    multiplier = value[-1] if value[-1] in "万亿" else ""
    number = value[: len(value) - len(multiplier)]
    if unit == "月" and not multiplier:
        digits = number[:1].isdigit()
        months = [str(n) if digits else _CHINESE_MONTHS[n - 1] for n in range(1, 13)]
        options = [n for n in months if n != number]
        rng.shuffle(options)
        return options
    if not number or not number[0].isdigit():
        options = [n for n in (*"两三四五六七八九", "十一", "十二", "二十", "三十") if n != number]
        rng.shuffle(options)
        return [n + multiplier for n in options]
    decimals = len(number.split(".")[1]) if "." in number else 0
    x = float(number)
    out = []
    for _ in range(12):
        y = x * rng.uniform(0.5, 2.0)
        text = str(max(1, round(y))) if decimals == 0 else f"{y:.{decimals}f}"
        if text != number:
            out.append(text + multiplier)
    return list(dict.fromkeys(out))


_CHINESE_MONTHS = _words("一 二 三 四 五 六 七 八 九 十 十一 十二")
