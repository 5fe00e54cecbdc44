"""Answering, extractively: pick the sentence or clause that answers, cite its exact span, or abstain."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.chunking import split_clauses, split_spans
from qa.lexical import LexicalIndex, bigrams
from qa.types import Answer, Citation, Document, Passage, Span

# Question words and filler carry no content; they are removed before terms are weighed.
_FILLER = re.compile(
    r"请问|请|一下|信中|文中|信里|这封信|本信|该信|答复中|答复里|回复中|这份答复|提到|提及|说到|讲到|写到|介绍|"
    r"具体|主要|分别|都|有哪些|哪些|哪几个|哪几|哪个|哪家|哪所|哪位|哪里|是什么|什么|多少|几个|几家|几所|几|"
    r"怎么样|怎么|怎样|如何|为什么|为何|是否|有没有|吗|呢|吧|啊|了|是|的|有|和|与|及|在|对|把|被|将|会|能|要"
)
_COUNT = re.compile(r"(?:多少|几)([个所家项名人次条座批类种位年月天亿万元]?)")
_DATE_Q = re.compile(r"什么时候|何时|哪一?年|哪一?天|几月|哪个月|日期|时间")
_LIST_Q = re.compile(r"哪些|哪几|包括|包含|有什么|都有|列举|分别")
_NUMBER = re.compile(r"\d+|[一二三四五六七八九十百千两]+")
_DATE = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日")

META_PATTERNS: dict[str, re.Pattern[str]] = {
    "addressee": re.compile(r"写给谁|致谁|给谁|寄给|收信人|答复对象|答复(?:的是)?谁|回复(?:的是)?谁|哪位委员|提案人|谁提(?:出|的)"),
    "sender": re.compile(
        r"谁写|谁发|谁答复|谁回复|由谁|哪个单位|哪个部门|哪个机构|发文单位|答复单位|落款单位|写信人|发信人|来信单位|作者"
    ),
    "date": re.compile(
        r"(?:信|答复|复函|回复|回信|落款|签发|成文)[^，,。]{0,6}(?:日期|时间|什么时候|何时|哪天|哪一天|几号)"
        r"|(?:什么时候|何时|哪天|哪一天)(?:写|发|签|答复|回复|发出)"
    ),
    "proposal": re.compile(r"什么提案|哪个提案|哪项提案|哪份提案|提案[^，,。]{0,4}(?:名称|题目|标题|叫什么|是什么)|答复[^，,。]{0,4}什么"),
}
META_TEMPLATES = {
    "addressee": "这封信是写给{}的{}。",
    "sender": "答复单位是{}{}。",
    "date": "落款日期是{}{}。",
    "proposal": "信中答复的是“{}”{}。",
}
SENDER_INFERRED = "（信末只有日期、没有署名，这是根据正文推断的）"

SHORT_ANSWER = 80
LIST_ANSWER = 150
PASSAGES_READ = 5


@dataclass(frozen=True)
class Thresholds:
    """Abstention cut-offs on the share of the question's weighted terms found near the answer."""

    min_coverage: float = 0.45


@dataclass(frozen=True)
class Query:
    """A question reduced to what is scored: weighted content bigrams and the answer type it expects."""

    text: str
    terms: dict[str, float]
    focus: frozenset[str]
    count_unit: str | None
    wants_count: bool
    wants_date: bool
    wants_list: bool


@dataclass(frozen=True)
class Candidate:
    span: Span
    doc_id: str
    section: str
    score: float
    coverage: float


def analyse(question: str, lexical: LexicalIndex, focus: str = "") -> Query:
    """Weigh the question's content bigrams by IDF (doubled for the follow-up's own words)."""
    content = _FILLER.sub(" ", question)
    focus_terms = frozenset(bigrams(_FILLER.sub(" ", focus))) if focus else frozenset()
    terms: dict[str, float] = {}
    for term in bigrams(content):
        if len(term) == 1 and not term.isascii():
            continue
        terms[term] = lexical.idf(term) * (2.0 if term in focus_terms else 1.0)
    count = _COUNT.search(question)
    return Query(
        text=question,
        terms=terms,
        focus=focus_terms,
        count_unit=(count.group(1) or None) if count else None,
        wants_count=count is not None,
        wants_date=bool(_DATE_Q.search(question)),
        wants_list=bool(_LIST_Q.search(question)),
    )


def coverage(query: Query, text: str) -> float:
    """Share of the question's term weight that occurs in `text` (1.0 for a question with no terms)."""
    total = sum(query.terms.values())
    if total <= 0:
        return 1.0
    return sum(w for t, w in query.terms.items() if t in text) / total


def missing_terms(question: str, lexical: LexicalIndex) -> list[str]:
    """Runs of the question's characters covered only by bigrams the indexed text never contains.

    A character also covered by a bigram the text does contain is trimmed off the run's ends, so
    `财政预算` yields `预算` when only `财政` occurs.
    """
    found: list[str] = []
    for run in re.findall(r"[\u4e00-\u9fff]+", _FILLER.sub(" ", question)):
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
            if end - start >= 2:
                found.append(run[start:end])
            i = j
    return found


def meta_intent(question: str) -> str | None:
    """Which question about the letter itself this is (to whom, from whom, when, which proposal)."""
    for intent, pattern in META_PATTERNS.items():
        if pattern.search(question):
            return intent
    return None


def answer_meta(question: str, intent: str, doc: Document, passages: Sequence[Passage]) -> Answer | None:
    """Answer from the letter's detected structure, citing the span it came from."""
    span = getattr(doc.structure, intent)
    if span is None:
        return None
    section = "落款" if intent in ("date",) else "开头"
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
) -> Answer:
    """Choose the best sentence (trimmed to its answering clauses) among the top passages, or abstain."""
    asked = asked or question
    query = analyse(question, lexical, focus)
    if passages and (intent := meta_intent(question)) is not None:
        meta = answer_meta(asked, intent, document(passages[0].doc_id), passages)
        if meta is not None:
            return meta
    best: Candidate | None = None
    for rank, passage in enumerate(passages[:PASSAGES_READ]):
        text = document(passage.doc_id).text
        context = coverage(query, passage.section + passage.text)
        for span in split_spans(text, passage.start, passage.end):
            candidate = _score_sentence(query, text, span, passage, rank, context)
            if best is None or candidate.score > best.score:
                best = candidate
    if best is None or _should_abstain(query, best, thresholds):
        return _abstain(asked, query, lexical, passages, question)
    doc = document(best.doc_id)
    span = _trim(query, doc.text, best.span)
    citation = Citation(doc.doc_id, span.start, span.end, doc.text[span.start : span.end], best.section)
    body = citation.text.rstrip("。；;，,：:")
    return Answer(asked, f"{body}[1]。", (citation,), tuple(passages), abstained=False, resolved_question=question)


def _score_sentence(
    query: Query, text: str, span: Span, passage: Passage, rank: int, context: float
) -> Candidate:
    sentence = text[span.start : span.end]
    own = coverage(query, sentence)
    score = own + 0.35 * context + 0.15 / (rank + 1) + _type_bonus(query, sentence)
    return Candidate(span, passage.doc_id, passage.section, score, max(own, context))


def _type_bonus(query: Query, text: str) -> float:
    bonus = 0.0
    if query.wants_count:
        if query.count_unit and re.search(rf"(?:\d+|[一二三四五六七八九十百千两]+)多?{query.count_unit}", text):
            bonus += 0.3
        elif re.search(r"\d", text):
            bonus += 0.1
    if query.wants_date and _DATE.search(text):
        bonus += 0.25
    return bonus


def _should_abstain(query: Query, best: Candidate, thresholds: Thresholds) -> bool:
    # A question with no content words ("？？", "你好") has nothing the letter could answer.
    return not query.terms or best.coverage < thresholds.min_coverage


def _trim(query: Query, text: str, sentence: Span) -> Span:
    """The shortest run of clauses of the sentence that keeps what answers; whole if already short."""
    limit = LIST_ANSWER if query.wants_list else SHORT_ANSWER
    if sentence.end - sentence.start <= limit:
        return sentence
    clauses = split_clauses(text, sentence.start, sentence.end)
    best: tuple[float, int, Span] | None = None
    for i in range(len(clauses)):
        for j in range(i, len(clauses)):
            span = Span(clauses[i].start, clauses[j].end)
            length = span.end - span.start
            if length > limit and j > i:
                break
            window = text[span.start : span.end]
            score = coverage(query, window) + _type_bonus(query, window) - 0.001 * length
            if best is None or score > best[0]:
                best = (score, -length, span)
    return best[2] if best else sentence


def _abstain(asked: str, query: Query, lexical: LexicalIndex, passages: Sequence[Passage], resolved: str) -> Answer:
    missing = missing_terms(query.text, lexical)
    if missing:
        what = "、".join(f"“{m}”" for m in missing[:3])
        text = f"信中没有找到答案：信里没有提到{what}。下面是最接近的段落，供参考。"
    else:
        text = "信中没有找到这个问题的答案。下面是最接近的段落，供参考。"
    return Answer(asked, text, (), tuple(passages), abstained=True, resolved_question=resolved)
