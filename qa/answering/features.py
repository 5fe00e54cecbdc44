"""Features: named numbers for each candidate sentence, and for the ranked list as a whole.

Every signal the hand-written rules used is here as a number the models weigh: term coverage (IDF
weights, and weights local to the candidates), the kinds of answer asked for and held, the passage's
rank and BM25 score, the sentence before (`這件事件` points back), and each value relative to the best
candidate's. Scores that change scale with the corpus (BM25) are divided by what the same question could
score at most in this corpus, so a model trained on Wikipedia reads a letter's scores on the same scale.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from qa.answering.candidates import NEIGHBOUR, Candidate
from qa.answering.kinds import KIND_NAMES, NUMERAL, counted, kind_signals
from qa.answering.names import common_nouns
from qa.answering.query import Query, share
from qa.script import simplified

_RELATIVE = ("terms", "terms_local", "chars", "raw_chars", "run", "context")
CANDIDATE_FEATURES: tuple[str, ...] = (
    "terms",  # IDF-weighted share of the question's bigrams in the sentence
    "terms_local",  # the same, each bigram weighted by how few candidates hold it
    "chars",
    "chars_local",
    "raw_chars",  # unweighted share of the question's distinct characters
    "run",  # longest run of the question's consecutive bigrams found in the sentence, over the question's length
    "context",  # term coverage of the section, the document's opening and the whole passage
    "before",  # term coverage of the sentence before
    "rank",
    "neighbour",
    "lexical_rel",  # the passage's BM25 score over the best passage's
    "order",
    "length",
    "new_chars",  # share of the sentence's characters the question does not have: what it adds
    "unit_counted",  # `41所` for `多少所`
    "head",  # the noun a wh-word asks for (`哪些企业` → `企业`) is in the sentence
    "defines",  # `棱柱是…` for `什么是棱柱`
    *(f"kind_{name}" for name in KIND_NAMES),
    *(f"{name}_gap" for name in _RELATIVE),  # the best candidate's value minus this one's
    "terms_place",  # how many candidates cover the terms better
    "q_length",
    "q_terms",
    "q_missing",  # share of the question's term weight no document contains
    # The candidate checked against what the question names (issue: look-alikes, `2023年…` asked of a 2024 sentence):
    "year_held",  # 1 a year the question names is in the sentence or its passage; -1 the sentence names only others; 0 none asked
    "count_held",  # the same for a number with its unit (`41所`) against the sentence's numbers in that unit
    "absent_known",  # IDF share of the question's terms some document holds that neither the sentence nor its passage does
    "names_unseen",  # share of the proper names asked (`清华大学`) in neither the sentence nor its passage
)
LIST_FEATURES: tuple[str, ...] = (
    "score_top",
    "terms_top",
    "terms_local_top",  # the best candidate's share of the terms that tell the candidates apart
    "chars_top",
    "chars_local_top",
    "raw_top",
    "run_top",
    "context_top",
    "before_top",
    "kind_misses_top",  # kinds asked for that the best candidate does not hold
    "terms_max",
    "held_terms_max",  # the best term coverage among candidates holding every kind asked for (a number, a date…)
    "asks_kind",  # the question asks for some kind of answer a sentence holds or not
    "missing",
    "lexical_norm",  # the best passage's BM25 score over the most this question could score here
    "q_length",
    "q_terms",
    "rarest_top",  # the best candidate holds the question's rarest term (highest IDF): `洛阳市` in 洛阳市有多少所…
    "kind_held_share",  # share of the candidates holding every kind asked for (1 when none is asked)
    "corpus_chunks",  # log10 of the collection's chunk count: a letter and a Wikipedia dump are calibrated apart
    "year_held_top",  # the best candidate's `year_held`, `count_held` and `absent_known`
    "count_held_top",
    "absent_known_top",
    "rarest_known_context_top",  # the rarest term some document holds is in the best candidate's passage
    "names_asked",  # how many proper names the question says (jieba's tagger: `qa.answering.names`)
    "names_missing",  # share of them no document holds (`华为公司` of a letter that never names it)
    "names_unseen_top",  # the best candidate's `names_unseen`
    "details_missing",  # share of the years and numbers asked that no document holds
    "details_unseen_top",  # share of the years and numbers asked (`2023年`, `94米`) in neither the best candidate nor
    # its passage, in any form; read by the answerability model only, so the ranker stays as it was
    "attribute_place_top",  # where the noun asked for (`校长` of 校长是谁) is: 0 in the best sentence, 1 in no document,
    # 2 only its last two characters are in the sentence (`教师` for `专任教师`), 3 in its passage, 4 in another passage;
    # -1 none asked. Answerability only, like the details.
    "nouns_rivalled_top",  # share of the question's common nouns the best sentence lacks while it holds a sibling of
    # the same length and last character (`高职` asked, `中职` there): another thing of the same kind. Answerability
    # only; trained with the noun look-alikes it reads (figures beside `DETAIL_KINDS` in `training.py`).
)
# `attribute_place_top`, against the same training without it (seed 13, E5, each set at its own 3% point): CMRC trial
# look-alikes refused 0.888 -> 0.930 (attribute swaps 0.40 -> 0.76; AUC 0.981 -> 0.987), the letter's hand-written
# ones 0.657 -> 0.686 (AUC 0.937 -> 0.949); fresh2's unanswerables 0.895 -> 0.789 (AUC 0.985 -> 0.988). First
# ordered sentence, tail, passage, collection, nowhere; putting "nowhere" second (a `高职学校` the letter never
# names is no match for the sentence's 学校) kept CMRC (AUC 0.9876) and lifted the letter's (0.952, fresh2 0.990).
# `rarest_top` and `kind_held_share` read "topic present, detail absent": the letter names the topic but not
# the rarest thing asked (`洛阳市`), or few sentences hold a number, date, name… of the kind asked. Kept by
# validation (eval/run.py, before → with them): fresh2 abstains on 0.474 → 0.526 of its unanswerables at
# 0.024 false abstention; CMRC trial `--absent 300 --seed 0` 0.738 → 0.777 at 0.037 → 0.036; CMRC trial
# false abstention 0.030 both. Over four training seeds the answerability AUC rises 0.955 → 0.957 (trial)
# and 0.884 → 0.896 (fresh2). Tried and not kept, each within seed noise or worse on one set: coverage of
# the two or the third rarest terms, by the sentence or its passage; the IDF share of terms absent from the
# best passage but present elsewhere; a kind held within 12 characters of the question's terms; a kind held
# anywhere in the best passage; whether the top three sentences share a passage; the score margin.
# Left out, by validation (CMRC trial and fresh2 AUC 0.952 and 0.889 without, 0.951 and 0.861 with): how far
# the best candidate stands above the others (score gap, softmax share, the second passage's BM25, the count
# of candidates). They read the corpus's shape, not the question: a letter or a many-paragraph article has
# near neighbours a one-paragraph Wikipedia article has not.
_COLUMN = {name: i for i, name in enumerate(CANDIDATE_FEATURES)}
_KINDS = slice(_COLUMN[f"kind_{KIND_NAMES[0]}"], _COLUMN[f"kind_{KIND_NAMES[0]}"] + len(KIND_NAMES))


def candidate_matrix(query: Query, found: Sequence[Candidate]) -> np.ndarray:
    """One row of `CANDIDATE_FEATURES` per candidate."""
    rows = np.zeros((len(found), len(CANDIDATE_FEATURES)), dtype=np.float64)
    if not found:
        return rows
    local_terms = _local_weights(query.terms, [c.seen for c in found])
    local_chars = _local_weights(query.chars, [c.seen for c in found])
    order = list(query.terms)  # in the order the question says them
    letters = {ch for ch in query.text if ch.isalnum()}
    top_lexical = max((c.lexical for c in found), default=0.0) or 1.0
    counted_unit = re.compile(counted(query.count_unit)) if query.count_unit else None
    for i, cand in enumerate(found):
        seen = cand.seen
        rows[i, : _KINDS.start] = (
            query.coverage(seen),
            share(local_terms, seen, empty=0.0),
            query.char_coverage(seen),
            share(local_chars, seen, empty=0.0),
            len(letters & set(seen)) / len(letters) if letters else 0.0,
            _longest_run(order, seen) / max(1, len(order)),
            query.coverage(cand.context),
            query.coverage(cand.before) if cand.before else 0.0,
            cand.rank,
            float(cand.rank == NEIGHBOUR),
            cand.lexical / top_lexical,
            cand.order,
            math.log1p(len(cand.text)),
            sum(1 for ch in cand.text if ch.isalnum() and ch not in query.text) / max(1, len(cand.text)),
            float(bool(counted_unit and counted_unit.search(cand.plain))),
            float(bool(query.head) and query.head in cand.plain),
            float(bool(query.defines) and cand.plain.lstrip('“"《').startswith(query.defines)),
        )
        rows[i, _KINDS] = kind_signals(query.kinds, cand.plain)
    for name in _RELATIVE:
        column = rows[:, _COLUMN[name]]
        rows[:, _COLUMN[f"{name}_gap"]] = column.max() - column
    terms = rows[:, _COLUMN["terms"]]
    rows[:, _COLUMN["terms_place"]] = (terms[None, :] > terms[:, None]).sum(axis=1)
    rows[:, _COLUMN["q_length"]] = len(query.text)
    rows[:, _COLUMN["q_terms"]] = len(query.terms)
    rows[:, _COLUMN["q_missing"]] = query.missing
    # What else a sentence may name in the asked years' and numbers' place, compiled once per question.
    other_years = [_YEARS_IN] * len(query.years)
    other_counts = [_counts_like(asked) for asked in query.counts]
    for i, cand in enumerate(found):
        rows[i, _COLUMN["year_held"]] = _held(query.years, cand, other_years)
        rows[i, _COLUMN["count_held"]] = _held(query.counts, cand, other_counts)
        rows[i, _COLUMN["absent_known"]] = _absent_share(query.known, cand)
        if query.names:
            rows[i, _COLUMN["names_unseen"]] = sum(
                n not in cand.seen and n not in cand.context for n in query.names
            ) / len(query.names)
    return rows


_YEARS_IN = re.compile(r"(?:1[5-9]|20)\d{2}")


def _counts_like(asked: str) -> re.Pattern[str]:
    """Numbers in the unit of `asked` (`41所` → any number followed by 所)."""
    return re.compile(rf"{NUMERAL}多?余?{re.escape(asked[-1])}")


def _held(asked: Sequence[str], cand: Candidate, others: Sequence[re.Pattern[str]]) -> float:
    """1 when something asked (a year, a counted number) is in the sentence or its passage; -1 when the sentence
    names only others of its kind (`others`: `2024年` for `2023年`, `41所` for `37所`); 0 when nothing of the kind
    is asked."""
    if not asked:
        return 0.0
    if any(a in cand.plain or a in cand.context for a in asked):
        return 1.0
    return -1.0 if any(p.search(cand.plain) for p in others) else 0.0


def _absent_share(known: dict[str, float], cand: Candidate) -> float:
    """IDF share of the known terms in neither the candidate (read with its subject) nor its passage."""
    total = sum(known.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in known.items() if t not in cand.seen and t not in cand.context) / total


def list_vector(query: Query, found: Sequence[Candidate], rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """`LIST_FEATURES` of a ranked list: how sure the best candidate is, and how much of the question the corpus has."""
    out = np.zeros(len(LIST_FEATURES), dtype=np.float64)
    out[LIST_FEATURES.index("missing")] = query.missing
    out[LIST_FEATURES.index("q_length")] = len(query.text)
    out[LIST_FEATURES.index("q_terms")] = len(query.terms)
    out[LIST_FEATURES.index("corpus_chunks")] = math.log10(max(1, query.chunks))
    if not found:
        out[LIST_FEATURES.index("score_top")] = -10.0
        return out
    best = int(np.argmax(scores))
    bound = query.bound or 1.0
    row = rows[best]
    row_seen = found[best].seen
    out[: LIST_FEATURES.index("missing")] = (
        scores[best],
        row[_COLUMN["terms"]],
        row[_COLUMN["terms_local"]],
        row[_COLUMN["chars"]],
        row[_COLUMN["chars_local"]],
        row[_COLUMN["raw_chars"]],
        row[_COLUMN["run"]],
        row[_COLUMN["context"]],
        row[_COLUMN["before"]],
        float((row[_KINDS] < 0).sum()),
        rows[:, _COLUMN["terms"]].max(),
        _held_terms_max(rows),
        float(bool(query.kinds)),
    )
    top = max((c.lexical for c in found if c.rank == 0), default=0.0)
    out[LIST_FEATURES.index("lexical_norm")] = top / bound
    out[LIST_FEATURES.index("rarest_top")] = (
        float(max(query.terms, key=query.terms.__getitem__) in row_seen) if query.terms else 1.0
    )
    out[LIST_FEATURES.index("kind_held_share")] = float((rows[:, _KINDS] >= 0).all(axis=1).mean())
    out[LIST_FEATURES.index("year_held_top")] = row[_COLUMN["year_held"]]
    out[LIST_FEATURES.index("count_held_top")] = row[_COLUMN["count_held"]]
    out[LIST_FEATURES.index("absent_known_top")] = row[_COLUMN["absent_known"]]
    out[LIST_FEATURES.index("names_asked")] = len(query.names)
    out[LIST_FEATURES.index("names_missing")] = query.names_missing
    out[LIST_FEATURES.index("names_unseen_top")] = row[_COLUMN["names_unseen"]]
    out[LIST_FEATURES.index("details_missing")] = query.details_missing
    out[LIST_FEATURES.index("details_unseen_top")] = _details_unseen(query, found[best])
    out[LIST_FEATURES.index("attribute_place_top")] = _attribute_place(query, found[best])
    out[LIST_FEATURES.index("nouns_rivalled_top")] = _nouns_rivalled(query, found[best])
    out[LIST_FEATURES.index("rarest_known_context_top")] = (
        float(max(query.known, key=query.known.__getitem__) in found[best].context) if query.known else 1.0
    )
    return out


def _details_unseen(query: Query, cand: Candidate) -> float:
    """Share of the years and numbers the question names that neither `cand` nor its passage holds in any form."""
    if not query.details:
        return 0.0
    unseen = sum(not any(f in cand.seen or f in cand.context for f in forms) for forms in query.details)
    return unseen / len(query.details)


def _attribute_place(query: Query, cand: Candidate) -> float:
    """How far from `cand` the noun the question asks for is (`attribute_place_top`)."""
    noun = query.attribute
    if not noun:
        return -1.0
    if noun in cand.seen:
        return 0.0
    if not query.attribute_known:  # `高职学校` of a letter that names only 中职学校: the sentence's 学校 is no match
        return 1.0
    if len(noun) > 2 and noun[-2:] in cand.seen:
        return 2.0
    return 3.0 if noun in cand.context else 4.0


def _nouns_rivalled(query: Query, cand: Candidate) -> float:
    """Share of the question's common nouns `cand` lacks while it holds a sibling (`nouns_rivalled_top`).

    Word against word, as jieba cuts the sentence: `提高职业学校` holds the characters of `高职` but not the word."""
    if not query.nouns:
        return 0.0
    held = {word for _, _, word in common_nouns(cand.plain)}
    lacking = [n for n in map(simplified, query.nouns) if n not in held]
    rivalled = sum(any(h != n and len(h) == len(n) and h[-1] == n[-1] for h in held) for n in lacking)
    return rivalled / len(query.nouns)


def _held_terms_max(rows: np.ndarray) -> float:
    """The best term coverage of a candidate that misses no kind of answer asked for (0 when every one misses)."""
    holds = (rows[:, _KINDS] >= 0).all(axis=1)
    return float(rows[holds, _COLUMN["terms"]].max()) if holds.any() else 0.0


def _local_weights(weights: dict[str, float], texts: Sequence[str]) -> dict[str, float]:
    """Weights re-scaled by how few of the candidates hold each key.

    The subject of a question (`大果西番莲`) sits in every sentence of its paragraph; what tells the
    sentences apart is the rest of the question (`根部`).
    """
    n = len(texts)
    if not n:
        return dict(weights)
    scale = math.log(1 + n)
    return {t: w * math.log(1 + n / (1 + sum(t in s for s in texts))) / scale for t, w in weights.items()}


def _longest_run(bigrams: Sequence[str], text: str) -> int:
    """The longest run of consecutive question bigrams that all occur in `text` (a long shared phrase)."""
    best = run = 0
    for gram in bigrams:
        run = run + 1 if gram in text else 0
        best = max(best, run)
    return best
