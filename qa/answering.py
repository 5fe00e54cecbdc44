"""Answering, extractively: pick the sentence or clause that answers, cite its exact span, or abstain."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from qa.chunking import split_clauses, split_spans
from qa.expectations import QUANTITY, REASON_ASKED, asks_unknown_measure, counted, type_mismatch, unknown_places
from qa.lexical import LexicalIndex
from qa.question import FILLER, Query, analyse, meta_intent, part_heading, section_number, share
from qa.types import Answer, Citation, Document, Passage, Span

META_TEMPLATES = {
    "addressee": "这封信是写给{}的{}。",
    "sender": "答复单位是{}{}。",
    "date": "落款日期是{}{}。",
    "proposal": "信中答复的是“{}”{}。",
    "section": "这一部分的标题是“{}”{}。",
}
SENDER_INFERRED = "（信末只有日期、没有署名，这是根据正文推断的）"

# Answer length: a number or a date is cut down to its clauses; anything else stays one sentence.
SHORT_ANSWER = 80
SENTENCE_ANSWER = 250
# Sentence choice. The weights were set on the dev set and on the first half of CMRC 2018 (the second
# half kept for checking). A sentence scores by the question's term coverage, mostly with terms weighted
# by how few candidate sentences share them (LOCAL_SHARE) and the passage's topic terms discounted
# (TOPIC_WEIGHT); by the same over single characters (CHAR_WEIGHT) and the plain share of the question's
# characters (RAW_OVERLAP); by the coverage of its passage with the document's opening (CONTEXT_WEIGHT);
# by its passage's rank (RANK_WEIGHT); by holding the kind of answer asked for (`_type_bonus`); and loses
# MISMATCH_PENALTY when it cannot hold it.
LOCAL_SHARE = 0.8
TOPIC_WEIGHT = 0.1
OPENING_CHARS = 300  # where a document's first sentence is looked for
CHAR_WEIGHT = 0.3
RAW_OVERLAP = 0.5
CONTEXT_WEIGHT = 0.35
RANK_WEIGHT = 0.15
MISMATCH_PENALTY = 0.3
NEWS_WEIGHT = 0.2  # an untyped answer's clause window is worth more when it adds to the question
NEWS_ENOUGH = 8
REPEAT_PENALTY = 0.2
MIN_SHARED_CHARS = 3
DEFINITION_BONUS = 0.3


@dataclass(frozen=True)
class Thresholds:
    """Abstention cut-offs: the share of the question's weighted terms (bigrams, characters) found near the answer."""

    min_coverage: float = 0.05
    min_char_overlap: float = 0.08
    # Sharing no word is not enough to give up: a paraphrase still shares characters (`请进学校` / `引企入校`).
    min_char_coverage: float = 0.1


@dataclass(frozen=True)
class AlreadySaid:
    """The answer to the earlier question a follow-up leans on: a follow-up asks for something new.

    A follow-up put in front of the earlier question (`去了哪些城市` + `…有没有组织去…学习？`) avoids the
    earlier answer's whole sentence; one swapped into it (`市级` for `省级`) avoids only its clauses.
    """

    citation: Citation
    whole_sentence: bool


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    span: Span
    doc_id: str
    section: str
    score: float
    coverage: float
    char_coverage: float
    mismatch: str


_LOOSE_ENDS = "里上中下一这那个种些趟点"  # locatives and measure words that cling to a term's edges
MAX_NAMED_TERM = 4


def missing_terms(question: str, lexical: LexicalIndex) -> list[str]:
    """Runs of the question's characters covered only by bigrams the indexed text never contains.

    A character also covered by a bigram the text does contain is trimmed off the run's ends, so
    `财政预算` yields `预算` when only `财政` occurs.
    """
    found: list[str] = []
    for run in re.findall(r"[\u4e00-\u9fff]+", FILLER.sub(" ", question)):
        present = [lexical.df(run[i : i + 2]) > 0 for i in range(len(run) - 1)]
        i = 0
        while i < len(present):
            if present[i]:
                i += 1
                continue
            j = i
            while j < len(present) and not present[j]:
                j += 1
            start = i + 1 if i > 0 and present[i - 1] else i
            end = j if j < len(present) and present[j] else j + 1
            term = run[start:end].strip(_LOOSE_ENDS)
            if 2 <= len(term) <= MAX_NAMED_TERM:  # a longer run is several words: naming it would garble
                found.append(term)
            i = j
    return found


def answer_meta(question: str, intent: str, doc: Document, passages: Sequence[Passage]) -> Answer | None:
    """Answer from the letter's detected structure, citing the span it came from."""
    if intent == "section":
        heading = part_heading(doc, section_number(question))
        if heading is None:
            return None
        span = Span(heading.start, heading.end)
        section = heading.title
    else:
        span = getattr(doc.structure, intent)
        if span is None:
            return None
        section = "落款" if intent == "date" else "开头"
    citation = Citation(doc.doc_id, span.start, span.end, doc.text[span.start : span.end], section)
    text = META_TEMPLATES[intent].format(citation.text, "[1]")
    if intent == "sender" and not _is_signature(doc, span):
        text = text[:-1] + SENDER_INFERRED + "。"
    return Answer(question, text, (citation,), tuple(passages), abstained=False)


def _is_signature(doc: Document, span: Span) -> bool:
    date = doc.structure.date
    return date is not None and span.start < date.start and doc.text[span.end : date.start].strip() == ""


def answer_question(
    question: str,
    passages: Sequence[Passage],
    lexical: LexicalIndex,
    document: Callable[[str], Document],
    focus: str = "",
    thresholds: Thresholds = Thresholds(),
    asked: str = "",
    already_said: AlreadySaid | None = None,
    where: str = "信中",
) -> Answer:
    """Choose the best sentence (trimmed to its answering clauses) among the top passages, or abstain.

    `already_said` is the earlier answer a follow-up should not repeat unless nothing else fits.
    `where` names the source in an abstention (`信中` for a letter, `文中` otherwise).
    """
    asked = asked or question
    # A follow-up's own words decide whether it asks about the letter itself, not the earlier question's.
    if passages and (intent := meta_intent(focus or question)) is not None:
        meta = answer_meta(asked, intent, document(passages[0].doc_id), passages)
        if meta is not None:
            return replace(meta, resolved_question=question)
    query = analyse(question, lexical, focus)
    # `洛阳市有多少所…`: whatever the letter says is about somewhere else; `录取分数线是多少`: about something else.
    places = unknown_places(question, lexical)
    if places or asks_unknown_measure(question, lexical):
        return _abstain(asked, query, passages, question, lexical, where, places)
    spans: list[list[Span]] = []
    for passage in passages:
        doc = document(passage.doc_id)
        spans.append(
            [sp for sp in split_spans(doc.text, passage.start, passage.end) if not _is_salutation_or_date(doc, sp)]
        )
    texts = [document(p.doc_id).text[sp.start : sp.end] for p, own in zip(passages, spans, strict=True) for sp in own]
    local = _local_weights(query.terms, texts)
    local_chars = _local_weights(query.chars, texts)
    best: Candidate | None = None
    for rank, (passage, own) in enumerate(zip(passages, spans, strict=True)):
        # What holds for the whole passage is worked out once, not for each of its sentences.
        doc = document(passage.doc_id)
        # The document's opening names its subject (`伊丽莎白港机场`), which a later sentence leaves out.
        opening = _opening(doc)
        context = query.coverage(passage.section + opening + passage.text)
        weights = _topic_discounted(local, passage.section + opening)
        for span in own:
            candidate = _score_sentence(query, weights, local_chars, lexical, doc, span, passage, rank, context)
            if (
                already_said is not None
                and already_said.whole_sentence
                and _overlaps(already_said.citation, passage.doc_id, span)
            ):
                candidate = replace(candidate, score=candidate.score - REPEAT_PENALTY)
            if best is None or candidate.score > best.score:
                best = candidate
    if best is None or _should_abstain(query, best, thresholds):
        return _abstain(asked, query, passages, question, lexical, where)
    doc = document(best.doc_id)
    avoid = already_said.citation if already_said is not None and already_said.citation.doc_id == doc.doc_id else None
    span = _trim(query, doc, best.span, lexical, avoid)
    if REASON_ASKED.search(query.kind_text):
        span = _with_its_cause(doc, span)
    if query.char_coverage(doc.subject + doc.text[span.start : span.end]) < thresholds.min_char_overlap:
        # Chosen for its surroundings alone: the span itself shares (almost) nothing with the question.
        return _abstain(asked, query, passages, question, lexical, where)
    citation = Citation(doc.doc_id, span.start, span.end, doc.text[span.start : span.end], best.section)
    body = citation.text.rstrip("。；;，,：:")
    return Answer(asked, f"{body}[1]。", (citation,), tuple(passages), abstained=False, resolved_question=question)


def _local_weights(terms: dict[str, float], sentences: Sequence[str]) -> dict[str, float]:
    """Question terms re-weighted by how few of the candidate sentences contain them.

    The subject of a question (`大果西番莲`) is rare in the corpus but sits in every sentence of its
    paragraph; what tells the sentences apart is the rest of the question (`根部`).
    """
    n = len(sentences)
    weights = {}
    for term, weight in terms.items():
        holders = sum(term in s for s in sentences)
        weights[term] = weight * math.log(1 + n / (1 + holders)) / math.log(1 + n) if n else weight
    return weights


def _raw_overlap(question: str, sentence: str) -> float:
    """Share of the question's distinct characters that the sentence contains, unweighted."""
    chars = {ch for ch in question if ch.isalnum()}
    return len(chars & set(sentence)) / len(chars) if chars else 0.0


def _topic_discounted(weights: dict[str, float], topic: str) -> dict[str, float]:
    """Terms of the passage's topic (its headings, the document's first sentence) weigh less.

    They name what the whole passage is about (`斯氏腔吻鳕`); the sentence that answers is told
    apart by the rest of the question (`以什么为食`).
    """
    return {t: w * (TOPIC_WEIGHT if t in topic else 1.0) for t, w in weights.items()}


def _opening(doc: Document) -> str:
    """The document's first sentence: in an article it names the subject every sentence is about.

    A letter's salutation (`尊敬的王素梅委员:`) names whom it is written to, not what it is about.
    """
    start = doc.structure.addressee.end if doc.structure.addressee is not None else 0
    spans = split_spans(doc.text, start, min(len(doc.text), start + OPENING_CHARS))
    return doc.text[spans[0].start : spans[0].end] if spans else ""


def _score_sentence(
    query: Query,
    terms: dict[str, float],
    chars: dict[str, float],
    lexical: LexicalIndex,
    doc: Document,
    span: Span,
    passage: Passage,
    rank: int,
    context: float,
) -> Candidate:
    sentence = doc.text[span.start : span.end]
    plain = doc.plain_text[span.start : span.end]
    # A later sentence leaves its document's subject unsaid (`本鱼体呈银灰色`): read it as if said, so
    # the opening sentence does not win merely for naming it.
    seen = doc.subject + sentence
    own = query.coverage(seen)
    char_cover = query.char_coverage(seen)
    mismatch = type_mismatch(query, seen, lexical, context, doc.plain_subject + plain)
    score = (
        LOCAL_SHARE * share(terms, seen, empty=0.0)
        + (1 - LOCAL_SHARE) * own
        + CHAR_WEIGHT * (LOCAL_SHARE * share(chars, seen, empty=0.0) + (1 - LOCAL_SHARE) * char_cover)
        + CONTEXT_WEIGHT * context
        + RANK_WEIGHT / (rank + 1)
        + RAW_OVERLAP * _raw_overlap(query.text, seen)
        + _type_bonus(query, plain)
        - (MISMATCH_PENALTY if mismatch else 0.0)
    )
    # A question without Chinese characters (`<script>`) shares none, rather than all of them; one or
    # two common characters (`你好` / `做好`) are chance.
    by_chance = sum(ch in sentence for ch in query.chars) < MIN_SHARED_CHARS
    chars_found = 0.0 if by_chance else share(query.chars, sentence, empty=0.0)
    return Candidate(span, passage.doc_id, passage.section, score, max(own, context), chars_found, mismatch)


def _is_salutation_or_date(doc: Document, span: Span) -> bool:
    """The addressee line and the signing date answer only questions about the letter itself."""
    for part in (doc.structure.addressee, doc.structure.date):
        if part is not None and span.start <= part.start < span.end:
            return True
    return False


def _overlaps(citation: Citation, doc_id: str, span: Span) -> bool:
    return citation.doc_id == doc_id and citation.start < span.end and span.start < citation.end


# What follows a term being defined: brackets (`（学名：…）`), a comma, then the copula (`棱柱是…`).
_DEFINES = r"(?:（[^）]*）|\([^)]*\)|[“”\"」])*[，,]?\s*(?:是|指|为|即|乃)"


def _type_bonus(query: Query, plain: str) -> float:
    """Reward text that holds the kind of answer asked for: a number with its unit, a date, a list.

    `plain` is the text in simplified characters, the script of the patterns and of the question's kind.
    """
    bonus = 0.0
    if query.wants_count:
        if query.count_unit and re.search(counted(query.count_unit), plain):
            bonus += 0.3
        elif re.search(r"\d", plain):
            bonus += 0.1
    if query.wants_measure and QUANTITY.search(plain):
        bonus += 0.25
    if query.wants_date and re.search(r"\d{4}年|\d{1,2}月", plain):
        bonus += 0.25
    if query.wants_list and "、" in plain:
        bonus += 0.15
    if query.head and query.head in plain:
        bonus += 0.15
    if query.defines and re.search(re.escape(query.defines) + _DEFINES, plain):
        bonus += DEFINITION_BONUS
    return bonus


def _should_abstain(query: Query, best: Candidate, thresholds: Thresholds) -> bool:
    # A question with no content words ("？？", "你好") has nothing the letter could answer.
    unrelated = best.coverage < thresholds.min_coverage and best.char_coverage < thresholds.min_char_coverage
    return not query.terms or bool(best.mismatch) or unrelated


def _trim(query: Query, doc: Document, sentence: Span, lexical: LexicalIndex, avoid: Citation | None = None) -> Span:
    """The shortest run of clauses of the sentence that keeps what answers; whole if already short.

    A window must still hold the kind of answer asked for (the date of a 'when' question, not just the
    clause naming its subject). Clauses inside `avoid` (what was already said) count against a window.
    """
    # A number or date is cut to its clauses; other answers keep the sentence, which holds the reason or list.
    limit = SHORT_ANSWER if (query.wants_count or query.wants_date) else SENTENCE_ANSWER
    if sentence.end - sentence.start <= limit:
        return sentence
    clauses = split_clauses(doc.text, sentence.start, sentence.end)
    best: tuple[float, int, Span] | None = None
    for i in range(len(clauses)):
        for j in range(i, len(clauses)):
            span = Span(clauses[i].start, clauses[j].end)
            length = span.end - span.start
            if length > limit and j > i:
                break
            window = doc.text[span.start : span.end]
            plain = doc.plain_text[span.start : span.end]
            # The sentence was already judged about the subject (context 1.0): only the kind is checked.
            if query.typed and type_mismatch(query, window, lexical, 1.0, plain):
                continue
            score = (
                query.coverage(window)
                + CHAR_WEIGHT * query.char_coverage(window)
                + _type_bonus(query, plain)
                + (0.0 if query.typed else NEWS_WEIGHT * min(1.0, _new_characters(query, window) / NEWS_ENOUGH))
                - _extra_counts_penalty(query, plain)
                - (REPEAT_PENALTY if avoid is not None and _overlaps(avoid, avoid.doc_id, span) else 0.0)
                - 0.001 * length
            )
            if best is None or score > best[0]:
                best = (score, -length, span)
    return best[2] if best else sentence


# A sentence opening with a consequence (`因此它被称为笨蛋水果`) has its cause in the sentence before.
_CONSEQUENCE = re.compile(r"(?:因此|因而|所以|于是|故而|从而|由此|为此|此时|这样一来)")


def _with_its_cause(doc: Document, span: Span) -> Span:
    """`span` widened to the sentence before it when it opens with a consequence, in the same paragraph."""
    if not _CONSEQUENCE.match(doc.plain_text, span.start):
        return span
    paragraph = doc.text.rfind("\n", 0, span.start) + 1
    before = split_spans(doc.text, paragraph, span.start)
    return Span(before[-1].start, span.end) if before else span


def _extra_counts_penalty(query: Query, plain: str) -> float:
    """'How many' is answered by one number: a window holding two counts of the asked unit is worse.

    `plain` is the window in simplified characters.
    """
    if not (query.wants_count and query.count_unit):
        return 0.0
    counts = re.findall(counted(query.count_unit), plain)
    return MISMATCH_PENALTY if len(counts) > 1 else 0.0


def _new_characters(query: Query, text: str) -> int:
    """How many characters of `text` the question does not already contain: what the answer adds."""
    return sum(1 for ch in text if ch.isalnum() and ch not in query.text)


def _abstain(
    asked: str,
    query: Query,
    passages: Sequence[Passage],
    resolved: str,
    lexical: LexicalIndex,
    where: str,
    missing: Sequence[str] = (),
) -> Answer:
    missing = missing or missing_terms(query.text, lexical)
    if missing:
        what = "、".join(f"“{m}”" for m in missing[:3])
        text = f"{where}没有找到答案：{where}没有提到{what}。下面是最接近的段落，供参考。"
    else:
        text = f"{where}没有找到这个问题的答案。下面是最接近的段落，供参考。"
    return Answer(asked, text, (), tuple(passages), abstained=True, resolved_question=resolved)
