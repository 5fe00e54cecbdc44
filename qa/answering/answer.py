"""Answering, extractively: rank the candidate sentences with the learned ranker, cite the best one's exact
span, or abstain when the answerability model doubts that the documents answer at all."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from qa.answering import broad
from qa.answering.attributes import attribute_unheld, fellows_unlisted, listed_only, set_aside
from qa.answering.candidates import Candidate, candidates
from qa.answering.features import candidate_matrix, list_vector
from qa.answering.gather import named, names_of
from qa.answering.kinds import (
    COUNT_ASKED,
    COUNTING,
    KIND_BY_NAME,
    KINDS,
    NUMERAL,
    asked_kinds,
    chinese_number,
    choice_given,
    compared_kind_unheld,
    count_contradicted,
    count_qualified,
    count_unheld,
    count_unsaid,
    count_verb_unsaid,
    counted,
    counted_as_asked,
    counted_only,
    counts_exactly,
    duration_unheld,
    level_unheld,
    month_unheld,
    names_school_kind,
    order_unheld,
    own_level_unheld,
    place_asked,
    place_unit_unheld,
    rate_unheld,
    school_kind_unheld,
    school_kind_unsaid,
    school_kinds,
    value_contradicted,
    without_school_kinds,
    year_contradicted,
    year_unheld,
)
from qa.answering.models import MODELS_DIR, Models, load_models
from qa.answering.names import (
    asked_names,
    dictionary_frequency,
    listed_name_unheld,
    name_apart,
    name_unheld,
    offsets,
    plausible,
    tag,
    tagged_entities,
)
from qa.answering.query import (
    QUESTION_WORDS,
    Query,
    analyse,
    asks_an_item,
    chinese_numeral,
    documents_hold,
    exact_values_checked,
    meta_intents,
    part_heading,
    section_number,
    top_level,
    topic_terms,
    without_asking_words,
    without_filler,
)
from qa.answering.scope import (
    FUTURE,
    GATHER_TYPES,
    NAME_ENDS,
    SCOPE_WORDS,
    named_kind_asked,
    others_asked,
    person_asked,
    thing_name_asked,
    types_named,
    without_asking,
)
from qa.chunking import CLOSING, OPENING, split_clauses, split_spans
from qa.lexical import LexicalIndex, bigrams
from qa.script import aligned_simplified, in_script_of, simplified
from qa.types import Answer, Citation, Document, Heading, Passage, Span

META_TEMPLATES = {
    "addressee": "这封信是写给{}的{}。",
    "sender": "答复单位是{}{}。",
    "date": "落款日期是{}{}。",
    "proposal": "信中答复的是“{}”{}。",
    "section": "这一部分的标题是“{}”{}。",
}
# A document that is no letter (`Document.is_letter`: a notice, a report) is sent by a 发文单位, to a 主送 party.
DOCUMENT_TEMPLATES = {**META_TEMPLATES, "addressee": "这份文件是发给{}的{}。", "sender": "发文单位是{}{}。"}
SENDER_INFERRED = "（{}末只有日期、没有署名，这是根据正文推断的）"
SENDER_IN_TITLE = "（文末没有署名，这是标题开头的单位）"
SHORT_ANSWER = 80  # a number or date is cut down to the clauses holding it when its sentence is longer
LIST_OPENING = 12  # characters read after a counting sentence for the opening of a list (`首先是…`)


@dataclass(frozen=True)
class AlreadySaid:
    """The answer to the earlier question a follow-up leans on: a follow-up asks for something new."""

    citation: Citation
    # What a follow-up swapped in for a part of the earlier question (`市级`), or added as all it asks about (`省级` of
    # 那省级的有几家): a clause naming it is new, and a sentence not naming it does not answer.
    new: str = ""
    confidence: float | None = None  # the earlier answer's


@dataclass(frozen=True)
class AnswerContext:
    """Everything answering one question needs besides the question itself."""

    passages: Sequence[Passage]  # retrieved, best first
    lexical: LexicalIndex
    document: Callable[[str], Document]
    neighbours: Sequence[Passage] = ()  # chunks beside the best passage, read too
    asked: str = ""  # the question as typed (the question answered may be a resolved follow-up)
    focus: str = ""  # what a follow-up itself said
    already_said: AlreadySaid | None = None
    where: str = "信中"  # names the source in an abstention (`信中` for a letter, `文中` otherwise)
    threshold: float | None = None  # abstain below this answerability; None: the one chosen on validation
    models_dir: Path | None = None  # the ranker and answerability models; None: the shipped ones
    doc_ids: Sequence[str] = ()  # the collection's documents: a broad question with no passage reads its only one


@dataclass(frozen=True)
class Reading:
    """A question read against its passages: the analysed query, the candidate sentences and their features."""

    query: Query
    candidates: list[Candidate]
    rows: np.ndarray = field(repr=False)


def read(question: str, ctx: AnswerContext, query: Query | None = None) -> Reading:
    """Analyse the question once (unless given its analysis) and turn every candidate sentence into a feature row."""
    query = query or analyse(question, ctx.lexical, ctx.focus)
    found = candidates(ctx.passages, ctx.neighbours, ctx.document)
    return Reading(query, found, candidate_matrix(query, found))


def answer_question(question: str, ctx: AnswerContext, models: Models | None = None) -> Answer:
    """A broad answer when the question's scope asks for one; else the best candidate sentence (cut to its
    answering clauses for a number or date, widened to its section when it is a bare heading), or an abstention."""
    asked = ctx.asked or question
    doc = _subject_document(ctx)
    query = analyse(question, ctx.lexical, ctx.focus)
    # A follow-up's own words decide whether it asks about the letter itself, not the earlier question's.
    if doc is not None and (intents := meta_intents(ctx.focus or question)):
        # One naming a person, an organisation or a place no document holds, or a title (`张建国委员提的提案是哪天答复的？`),
        # asks about another letter: what this one says of itself does not answer it. Not a name of another kind, which
        # jieba gives common words as often (`正文`).
        held = documents_hold(ctx.lexical)
        named = [name for _, _, name, kind in asked_names(ctx.focus or question) if kind != "other"]
        if query.names_unheld or not all(held(name) for name in named):
            return _abstain(asked, question, query, ctx, None)
        within = ctx.already_said.citation if ctx.already_said is not None else None
        meta = answer_meta(asked, intents, doc, ctx.passages, within)
        if meta is not None:
            return replace(meta, resolved_question=question)
    # A broad question naming a year, a number or a title no document holds (`2030年有什么打算？`) is no question about
    # the documents' parts: the fact answerer refuses it, naming what is missing.
    if doc is not None and query.scope != "fact" and not (query.details_absent or query.names_unheld):
        shaped = _broad(asked, question, query, doc, ctx)
        if shaped is not None:
            return replace(shaped, resolved_question=question)
    models = models or load_models(ctx.models_dir or MODELS_DIR)
    reading = read(question, ctx, query)
    # Nothing the question says occurs in any document (`<script>alert(1)</script>`, `你好`): no sentence can answer.
    if not reading.candidates or not reading.query.terms or reading.query.missing >= 1.0:
        return _abstain(asked, question, reading.query, ctx, None)
    scores = models.rank(reading.rows)
    confidence = _as_sure_as_earlier(
        ctx, reading, scores, models.probability(list_vector(reading.query, reading.candidates, reading.rows, scores))
    )
    threshold = models.threshold_for(reading.query.chunks) if ctx.threshold is None else ctx.threshold
    if confidence < threshold:
        return _abstain(asked, question, reading.query, ctx, confidence)
    top = _to_come_beside(
        reading,
        scores,
        _counted_beside(reading, scores, _all_beside(reading, scores, _something_new(reading, scores, ctx, question))),
    )
    best = reading.candidates[_named_beside(reading, scores, _quoted_beside(reading, scores, top), ctx)]
    doc = ctx.document(best.doc_id)
    # A heading is never an answer by itself: `如何加强专业建设` is asked of the section under it.
    heading = broad.heading_at(doc, best.span)
    if heading is not None and not _heads_a_word(question, heading.title):
        return _abstain(asked, question, reading.query, ctx, confidence)
    if heading is not None:
        section = broad.section(asked, doc, heading, ctx.passages)
        # A person asked to be named (`促进委员会由哪位领导牵头`) of a section naming none: it gives no one either.
        who = _person_unnamed(_own_words(ctx) or query.plain, simplified("".join(c.text for c in section.citations)))
        if who:
            text = f"{ctx.where}没有找到答案：最接近的段落没有说是{who}。"
            return replace(_refusal(asked, question, text, ctx, confidence), checked=True)
        return replace(section, resolved_question=question, confidence=confidence)
    refused = _not_given(asked, question, query, best, doc, ctx, confidence)
    if refused is not None:
        return replace(refused, checked=True)
    said = ctx.already_said if ctx.already_said is not None and ctx.already_said.citation.doc_id == doc.doc_id else None
    span = _trim(reading.query, doc, best.span, said)
    if "reason" in reading.query.kinds:
        span = _with_its_cause(doc, span)
    citation = Citation(
        doc.doc_id, span.start, span.end, doc.text[span.start : span.end], best.section, doc.page_at(span.start)
    )
    body = citation.text.rstrip("。；;，,：:")
    # One place in the sentence's list asked (`第二个呢？`): named before the sentence, or refused past the list's end.
    number, unit, items = _placed(_own_words(ctx) or query.plain, query.plain, doc, span)
    at, place = chinese_number(number) if number else 0, f"第{number}{unit}"
    if len(items) >= 2 and at > len(items):
        listed = "、".join(items)
        text = f"{ctx.where}没有找到答案：最接近的句子只列举了{len(items)}{unit}（{listed}），没有{place}。"
        return replace(_refusal(asked, question, text, ctx, confidence), checked=True)
    # A question checking an exact value it names (`…是不是就83个？`) of a sentence giving another in its unit: it says
    # so first (`不是83个：…共开设163个专业`), as a person asked would.
    other = value_contradicted(exact_values_checked(simplified(ctx.asked or question)), simplified(body))
    # … and one offering values to choose between (`是20个还是24个`) the one the sentence gives (`是24个：…`)
    chosen = choice_given(simplified(ctx.asked or question), simplified(body))
    lead = f"不是{other}：" if other else f"是{chosen}：" if chosen else ""
    return Answer(
        asked,
        f"{place}是{items[at - 1]}：{body}[1]。" if 1 <= at <= len(items) else f"{lead}{body}[1]。",
        (citation,),
        tuple(ctx.passages),
        False,
        resolved_question=question,
        confidence=confidence,
    )


def _as_sure_as_earlier(ctx: AnswerContext, reading: Reading, scores: np.ndarray, confidence: float) -> float:
    """`confidence`, or the earlier answer's when higher, for a merged follow-up whose own words say nothing the earlier
    answer's sentence does not (`都叫啥名字` after `郑州有几所学校被列进…规划`) and whose best sentence is that one: it
    asks of what the earlier question asked, which the documents answer as surely as they answered that. Whether the
    sentence gives what it asks (names, a year, a person) is for the checks that follow (`_not_given`)."""
    said = ctx.already_said
    if said is None or said.confidence is None or not ctx.focus or said.confidence <= confidence:
        return confidence
    best = reading.candidates[int(np.argmax(scores))]
    if best.doc_id != said.citation.doc_id or not _overlap(said.citation, best.span):
        return confidence
    if _kind_unheld(simplified(ctx.focus), best.plain, _HELD_KINDS | {"list"}):
        return confidence
    own = without_asking_words(without_filler(simplified(ctx.focus), QUESTION_WORDS), ctx.lexical)
    words = [w for w, flag in tag(own) if len(w) >= 2 and not _names_nothing(w, flag)]
    return said.confidence if all(w in best.plain for w in words) else confidence


def _not_given(
    asked: str, question: str, query: Query, best: Candidate, doc: Document, ctx: AnswerContext, confidence: float
) -> Answer | None:
    """A refusal when the chosen sentence is on the question's topic but does not give what it asks; else None.

    Each check reads a closed class or a count, where a sentence naming others is certain not to answer: things asked
    to be named that it only counts; a part a follow-up swapped in, or a follow-up's own ask, that it does not say; a
    level, a kind of school, or a count in the unit asked that it never gives; an organisation it never names beside
    another of its kind; an attribute asked that no document holds and it says nothing like; several things asked of
    one it only lists among others; a company or school asked to be named, of which it names none; a year no document
    holds; a count the question names that it gives as another; a title, or a school by its field (`经贸职院`), no
    document holds, which no sentence is about; a thing such documents name, asked by its name (`栏目名称`), that
    the sentence names none of; and a share, a length of time or a count asked of a sentence giving none."""
    # A title or a school by its field (`经贸职院`) no document holds: the sentence speaks of another.
    if query.names_unheld:
        return _abstain(asked, question, query, ctx, confidence)
    # Several things asked to be named, and the sentence only counts them (`…具体是哪几所？` of `共有41所中职学校…`).
    if query.listed or query.listed_unit:
        after = simplified(doc.text[best.span.end : best.span.end + LIST_OPENING])
        counting = counted_only(best.plain, query.listed, query.listed_unit, after)
        if counting:
            return _only_counted(asked, question, query, best, counting, ctx, confidence)
    # A follow-up swapping a part of the earlier question (`高职院校呢？` after 中职学校's count) asks about that part:
    # a sentence not naming it speaks of something else (the earlier question's, or a sibling's: 技工院校's count).
    # A level or a kind of school the sentence never gives what is asked (`国家级…工作室` of `市级…38个,省级…9个`,
    # `高职院校` of `中等职业学校…,技工院校…`) asks about other things.
    own = _own_words(ctx)
    unsaid = (
        _swapped_unsaid(ctx.already_said, best)
        or _own_ask_unheld(ctx, question, best)
        or level_unheld(query.plain, best.plain)
        or school_kind_unheld(query.plain, best.plain)
        or compared_kind_unheld(query.plain, best.plain)
        # a merged follow-up's own kind of school (`要是换成高职院校…` merged with a question on 中职学校) or level (`省一级的这种
        # 基地有几家` merged with one on 市级 bases)
        or (school_kind_unheld(own, best.plain) or own_level_unheld(own, best.plain) if own else "")
    )
    if unsaid:
        return _abstain(asked, question, query, ctx, confidence, unsaid=unsaid)
    # An organisation the sentence never names while it names another of its kind (`教育部` of a sentence on 河南省教育厅).
    name, other = name_unheld([simplified(n) for n in query.names], query.plain, best.plain, simplified(best.context))
    if name:
        return _abstain(asked, question, query, ctx, confidence, unsaid=name, instead=other)
    # A company the documents list (`宇通、郑州日产…等知名企业`) that the sentence never names while it names another
    # (`郑州日产…联手办的产教融合学院` of the sentence on 宇通公司's): it speaks of that other one's.
    companies = [simplified(name) for name in names_of(doc, "company")]
    name, other = listed_name_unheld(companies, query.plain, best.plain)
    if name:
        return _abstain(asked, question, query, ctx, confidence, unsaid=name, instead=other)
    # An organisation the sentence names in another clause than the one holding what is asked (`河南农业大学…的哪些学科`
    # of a sentence whose subjects are 郑州大学's): that clause speaks of another of its kind.
    wanted = [simplified(noun) for noun in (query.listed, query.head, query.attribute) if noun]
    name, other, noun = name_apart([simplified(n) for n in query.names], wanted, query.plain, best.plain)
    if name:
        text = f"{ctx.where}没有找到关于“{name}”的答案：最接近的句子说的“{noun}”是“{other}”的，不是“{name}”的。"
        return _refusal(asked, question, text, ctx, confidence)
    # The attribute asked that no document holds, of a sentence saying nothing like it (`校训` of the campus's sentence).
    attribute = attribute_unheld(
        simplified(query.attribute), query.attribute_counted, query.attribute_known, best.plain
    )
    if attribute:
        return _abstain(asked, question, query, ctx, confidence)
    # A question asking only whether, of a noun no document holds (`工资标准` of 顶岗实习有没有工资标准, `人员` of 对社会人员
    # 开放吗): the documents say neither yes nor no, whatever the sentence on its topic says.
    if query.whether and not query.whether_known:
        text = f"{ctx.where}没有找到答案：{ctx.where}没有提到“{query.whether}”。"
        return _refusal(asked, question, text, ctx, confidence)
    # A kind of school no document says at all (`小学` of a letter on vocational schools): the sentence speaks of others.
    # Read after the noun a question asking only whether asks of (`招生划片` of 义务教育阶段的招生划片有没有调整), which
    # names what it asks.
    kind_unsaid = school_kind_unsaid(own or query.plain, documents_hold(ctx.lexical))
    if kind_unsaid:
        text = f"{ctx.where}没有找到答案：{ctx.where}没有提到“{kind_unsaid}”。"
        return _refusal(asked, question, text, ctx, confidence)
    # Several things asked of one that the sentence only lists among others (`丹尼斯工匠学院开设了哪些课程` of
    # `打造比亚迪、丹尼斯工匠学院等样板模式`): a list says which there are, not what each has.
    # Not of a question asking which company or school (`哪所学校跟阿里合作开了订单班`) of a sentence naming one outside
    # the list: the list is what it is asked by, and that name is the answer.
    noun = simplified(query.head or query.listed)
    kind, wh = named_kind_asked(own or query.plain)
    item = "" if kind and _names_apart(kind, best.plain) else listed_only(query.plain, noun, best.plain)
    if item:
        text = f"{ctx.where}没有找到答案：最接近的句子只是列举了“{item}”，没有说它的“{noun}”。"
        return _refusal(asked, question, text, ctx, confidence)
    # A company or school asked to be named (`金水科教园区那个联合体是哪家企业牵的头`), of a sentence naming none of that
    # kind, neither one the document names nor a word ending as such a name does (`…校企牵头…的模式`): it speaks of the
    # topic, not of which one. A merged follow-up is read by its own words (`这些研究院招收什么人才` after `哪几所大学…`).
    if kind and not _may_name(kind, best.plain, doc):
        text = f"{ctx.where}没有找到答案：最接近的句子没有说是{wh}。"
        return _refusal(asked, question, text, ctx, confidence)
    # A person asked to be named (`去南京武汉广州考察是哪位市领导带的队`) of a sentence naming none (`由市政府领导带队`): it
    # gives the role, not which one.
    who = _person_unnamed(own or query.plain, best.plain)
    if who:
        text = f"{ctx.where}没有找到答案：最接近的句子没有说是{who}。"
        return _refusal(asked, question, text, ctx, confidence)
    # A thing such documents name asked by its name (`宣传专栏叫啥名`) of a sentence naming none (`开设宣传专栏`).
    thing = _thing_unnamed(own or query.plain, best.plain)
    if thing:
        text = f"{ctx.where}没有找到答案：最接近的句子没有说{thing}叫什么。"
        return _refusal(asked, question, text, ctx, confidence)
    # A district or town asked (`港大那家落在郑州哪个区？`) of a sentence naming none.
    unit = place_unit_unheld(own or query.plain, best.plain)
    if unit:
        text = f"{ctx.where}没有找到答案：最接近的句子没有说在{unit}。"
        return _refusal(asked, question, text, ctx, confidence)
    # Which came first asked (`其中哪一家最先签的`) of a sentence giving no dates and no order (a list of the signers).
    first = order_unheld(own or query.plain, best.plain)
    if first:
        text = f"{ctx.where}没有找到答案：最接近的句子没有说谁{first}。"
        return _refusal(asked, question, text, ctx, confidence)
    # Others of a kind asked (`除了郑州旅游职业学院，还有哪些学校开了订单班？`, `别的学校有吗` after a question naming the one),
    # of a sentence naming only the ones set aside: it speaks of those, not of any other.
    only = _only_set_aside(kind, own or query.plain, question[len(ctx.focus) :] if own else "", best.plain, doc)
    if only:
        text = f"{ctx.where}没有找到答案：最接近的句子只说了“{only}”，没有说别的。"
        return _refusal(asked, question, text, ctx, confidence)
    # The rest of a list asked for, past the things set aside (`除去汽车维修、航空物流两类，其余…有哪些方向`), of a sentence
    # listing those and no other (`汽车维修、航空物流等18家…`): `等` says there are more, not which.
    aside = fellows_unlisted(own or query.plain, best.plain)
    if aside:
        listed = "、".join(f"“{item}”" for item in aside)
        text = f"{ctx.where}没有找到答案：最接近的句子只列举了{listed}，没有说其余的是哪些。"
        return _refusal(asked, question, text, ctx, confidence)
    # A year no document holds (`2022年…去外地考察过吗？` of the sentence on the 2024 trip, `2018年…通过的有几所？` of one
    # dating its count by none): the documents say nothing of that year.
    if year_unheld(query.details_absent, own or query.plain):
        return _abstain(asked, question, query, ctx, confidence)
    # A count the question names that the sentence gives as another (`…二十个国家…` of a sentence on `两个` of them), or
    # the year a count is asked in, of a sentence dating its own in another (`2023年` of `2024年…`); a merged follow-up's
    # year is the one it says itself (`那2023年新增了多少？` after a question on 2024).
    named, other_named = count_contradicted(query.plain, best.plain)
    if not named:
        years = tuple(year for year in query.years if not own or year in own)
        named, other_named = year_contradicted(years, query.plain, best.plain)
    if named:
        text = f"{ctx.where}没有找到答案：最接近的句子说的是“{other_named}”，不是“{named}”。"
        return _refusal(asked, question, text, ctx, confidence)
    # A count of all things of a kind, of a sentence counting those it says something more of (`一共有多少所中职学校` of
    # `共有41所中职学校通过…验收`).
    thing, qualifier = count_qualified(query.plain, best.plain)
    if thing:
        text = f"{ctx.where}没有找到答案：最接近的句子只给出了“{qualifier}”的{thing}的数目。"
        return _refusal(asked, question, text, ctx, confidence)
    # A merged follow-up counting another doing the documents say, which the earlier answer does not (`那撤销了多少个老专业？`
    # after `…新增备案了多少个专业？`). Only a follow-up's own words: asked whole, a question's verb is often said another
    # way by the sentence answering it (DRCD's `需要`, `超过`, `维持`: 9 right answers lost when every question was read).
    verb = count_verb_unsaid(own, best.plain, documents_hold(ctx.lexical)) if own else ""
    if verb:
        return _abstain(asked, question, query, ctx, confidence, unsaid=verb)
    # What is asked, of a sentence giving none of it: a share (`双师型教师占多大比例`), a length of time (`无人机那个读几年`,
    # `学制`: `2024年…新增…` says when), a month (`放在哪个月份`: `每年…活动周` says how often), a count by no unit of
    # its own (`…老旧低质专业 数量`: no number at all), a count in a unit the sentence gives no number of (`一共考察了几天`
    # of the trip's sentence).
    words = own or query.plain
    ungiven = (
        rate_unheld(words, best.plain)
        or duration_unheld(words, best.plain)
        or month_unheld(words, best.plain)
        or count_unsaid(words, best.plain)
        or count_unheld(query.plain, best.plain)
    )
    if ungiven:
        text = f"{ctx.where}没有找到答案：最接近的句子没有给出“{ungiven}”。"
        return _refusal(asked, question, text, ctx, confidence)
    return None


def _placed(own: str, plain: str, doc: Document, span: Span) -> tuple[str, str, list[str]]:
    """One place in a list asked to be named (`排在第二个的是哪座城市？`, or a follow-up's own `第二个` after `…去了哪几个
    城市？`), with the things of the kind the question names in the order the sentence names them: (`二`, `个`, [`南京`,
    `武汉`, `广州`]). ('', '', []) when no place is asked or the sentence names none of that kind."""
    number, unit = place_asked(own)
    if not number:
        return "", "", []
    for kind in types_named(plain):
        items = list(dict.fromkeys(m.name for m in named(doc, kind) if span.start <= m.span.start < span.end))
        if items:
            return number, unit, items
    return "", "", []


def _only_set_aside(named: str, words: str, earlier: str, plain: str, doc: Document) -> str:
    """The things a question (`words`, simplified) sets aside to ask for others of their kind (`郑州旅游职业学院` of 除了郑州旅游
    职业学院，还有哪些学校…; for a merged follow-up asking of others, `别的学校…`, the names of that kind its `earlier`
    question says) when the sentence (simplified) says them all and names no other thing of the kind; '' otherwise.
    `named` is the kind the question asks to have named (`named_kind_asked`), if any."""
    others = others_asked(words)
    kind = named or others
    aside = set_aside(words) if kind else ()
    if kind and not aside and others:
        aside = tuple(name for _, _, name, _ in asked_names(earlier) if _may_name(kind, simplified(name), doc))
    said = [simplified(item) for item in aside]
    if not said or not all(item in plain for item in said):
        return ""

    def apart(name: str) -> bool:  # not one set aside, said whole or short (`旅游职业学院` of 郑州旅游职业学院)
        return not any(name in item or item in name for item in said)

    unset = [m.group() for m in NAME_ENDS[kind].finditer(plain) if apart(m.group())]
    unset += [name for name in map(simplified, names_of(doc, kind)) if name in plain and apart(name)]
    return "" if unset else "、".join(aside)


def _names_apart(kind: str, plain: str) -> bool:
    """Whether a sentence (simplified) names a thing of `kind` by its name's ending outside any list (`郑州旅游职业学院开设
    希尔顿、万达…订单班`; not `打造比亚迪、丹尼斯工匠学院等样板模式`, whose 学院 is an item): the one a list is said of."""
    for m in NAME_ENDS[kind].finditer(plain):
        before, after = plain[m.start() - 1 : m.start()], plain[m.end() : m.end() + 1]
        if not school_kinds(m.group()) and before not in _LIST_MARKS and after not in _LIST_MARKS:
            return True
    return False


_LIST_MARKS = tuple("、等和与及")


def _may_name(kind: str, plain: str, doc: Document) -> bool:
    """Whether a sentence (simplified) may name a thing of `kind` (`company`, `school`): one the document names
    (`qa.answering.gather`), a word ending as such a name (`…大学`, `…公司`), a word in Latin letters (`GT-R`), or a name
    jieba tags that is no place or person and does not end as another kind's name (`东芝`; not `郑州铁路职业技术学院` for
    a company). A kind of school (`中等职业学校`) names no school."""
    if NAME_ENDS[kind].search(without_school_kinds(plain)) or _LATIN_WORD.search(plain):
        return True
    if any(simplified(name) in plain for name in names_of(doc, kind)):
        return True
    others = [ends for other, ends in NAME_ENDS.items() if other != kind]
    return any(
        type_ not in ("place", "person") and plausible(name, type_) and not any(e.fullmatch(name) for e in others)
        for _, _, name, type_ in tagged_entities(plain)
    )


def _person_unnamed(question: str, plain: str) -> str:
    """The words a question (simplified) asks to have a person named by (`哪位市领导`) when the text (simplified) names
    none where it says the role asked; '' when it asks no person, or the text may name one."""
    who, role = person_asked(question)
    return who if who and not _names_a_person(plain, role) else ""


_QUOTED_NAME = re.compile(r"[“\"‘「『《]([^“”\"‘’「」『』《》]{2,30})[”\"’」』》]")
_LIST_CLOSE = "等"  # `…与维修等新兴专业`: the things listed before it are its names


def _thing_unnamed(question: str, plain: str) -> str:
    """The thing a question (simplified) asks the name of (`栏目`) when the sentence (simplified) names none: no
    quoted name the question does not say itself, no longer word ending in it whose words before it the question does
    not say (`宇通产教融合学院`; not the `宣传专栏` of 宣传专栏叫啥名), and no list closing on it (`A、B等新兴专业`)."""
    thing = thing_name_asked(question)
    if not thing:
        return ""
    if any(name not in question for name in _QUOTED_NAME.findall(plain)):
        return ""
    for m in re.finditer(rf"([\u4e00-\u9fff]{{2}}){thing}", plain):
        if m.group(1) not in question and not m.group(1).endswith(_LIST_CLOSE):
            return ""
    listed = re.search(rf"、[^，,。；;]{{1,40}}?{_LIST_CLOSE}[\u4e00-\u9fff]{{0,4}}?{thing}", plain)
    return "" if listed else thing


def _names_a_person(plain: str, role: str = "") -> bool:
    """Whether a sentence (simplified) may name a person where it says the `role` asked (in that clause, or anywhere
    when no role is asked): a name jieba tags as a person's (`托马斯阿奎纳`), one with a middle dot (`威廉·吉尔伯特`), or a
    word in Latin letters."""
    clauses = [c for c in re.split(r"[，,；;。：:]", plain) if role and role in c] or [plain]
    return any(
        _LATIN_WORD.search(c) or "·" in c or any(kind == "person" for *_, kind in tagged_entities(c)) for c in clauses
    )


def _own_words(ctx: AnswerContext) -> str:
    """A merged follow-up's own words, simplified; '' for a question asked alone. The year and the kind of school it
    says are what it asks (`那2023年新增了多少？`, `要是换成高职院校…`), not the earlier question's it was merged with."""
    return simplified(ctx.focus) if ctx.focus else ""


def _heads_a_word(question: str, title: str) -> bool:
    """Whether some word of the question (two characters or more, naming something) ends a word of the heading, its
    head (`合作` of `校企合作`): a heading whose words only open with the question's (`委员` of `委员会`) is about
    another thing."""
    asked = [w for w, f in tag(aligned_simplified(question)) if len(w) >= 2 and not _names_nothing(w, f)]
    words = [w for w, _ in tag(aligned_simplified(title))]
    return any(w.endswith(a) for a in asked for w in words)


def _overlap(citation: Citation, span: Span) -> bool:
    return citation.start < span.end and span.start < citation.end


def answer_meta(
    question: str,
    intents: str | Sequence[str],
    doc: Document,
    passages: Sequence[Passage],
    within: Citation | None = None,
) -> Answer | None:
    """Answer from the letter's detected structure, citing the span it came from; several asks (`谁写给谁`) each
    get their own sentence and citation. None when the letter's structure lacks what is asked. An item asked after an
    answer citing `within` one part (`第二条具体说的啥？` after the plans) is that part's item, when it has that many."""
    intents = [intents] if isinstance(intents, str) else list(intents)
    if intents == ["section"]:
        number = section_number(question)
        heading = _item_of(doc, within, number) if within is not None and asks_an_item(question) else None
        heading = heading or part_heading(doc, number)
        if heading is None:
            return _no_such_part(question, doc, number, passages)
        # The part's title and what it holds: a heading is never an answer by itself.
        part = broad.section(question, doc, heading, passages)
        text = META_TEMPLATES["section"].format(part.citations[0].text, "[1]")
        rest = part.text.split("\n", 1)[1] if "\n" in part.text else ""
        return replace(part, text=text + ("\n" + rest if rest else ""), scope="fact")
    if intents == ["stance"]:
        return _stance(question, doc, passages)
    sentences: list[str] = []
    citations: list[Citation] = []
    for intent in (i for i in _META_ORDER if i in intents and i != "section"):
        span = getattr(doc.structure, intent)
        if span is None:
            continue
        # Where it is, as chunking names a place: the date and a signature close the letter; an addressee, a proposal
        # or a sender in the title open it; a sender inferred from the body sits in its section.
        closing = intent == "date" or (intent == "sender" and _is_signature(doc, span))
        section = CLOSING if closing else broad.section_path(doc, span.start) or OPENING
        citations.append(
            Citation(
                doc.doc_id, span.start, span.end, doc.text[span.start : span.end], section, doc.page_at(span.start)
            )
        )
        templates = META_TEMPLATES if doc.is_letter else DOCUMENT_TEMPLATES
        text = templates[intent].format(citations[-1].text, f"[{len(citations)}]")
        if intent == "sender" and not _is_signature(doc, span):
            note = SENDER_IN_TITLE if _in_title(doc, span) else SENDER_INFERRED.format("信" if doc.is_letter else "文")
            text = text[:-1] + note + "。"
        sentences.append(text)
    if not citations:
        return None
    scope = "multi" if len(citations) > 1 else "fact"
    return Answer(question, "".join(sentences), tuple(citations), tuple(passages), abstained=False, scope=scope)


_META_ORDER = ("sender", "addressee", "proposal", "date", "section")
OPENING_SENTENCES = 3  # the sentences of a reply's opening that say how it meets the proposal


def _stance(question: str, doc: Document, passages: Sequence[Passage]) -> Answer | None:
    """How a reply meets the proposal, in its own words: the sentences of its opening from the one naming the
    proposal (`…已收悉,经过认真调查研究,现答复如下`, `首先感谢您…`) to its first part, each cited, and how many parts
    follow. None for a document naming no proposal: it replies to none."""
    proposal = doc.structure.proposal
    if proposal is None:
        return None
    line = doc.text.rfind("\n", 0, proposal.start) + 1
    parts = top_level(doc)
    end = next((h.start for h in parts if h.start > proposal.end), len(doc.text))
    spans = split_spans(doc.text, line, end)[:OPENING_SENTENCES]
    if not spans:
        return None
    citations = tuple(
        Citation(doc.doc_id, s.start, s.end, doc.text[s.start : s.end], OPENING, doc.page_at(s.start)) for s in spans
    )
    lines = ["答复开头这样回应这件提案："]
    lines += [f"{c.text.rstrip('。:：')}[{i}]" for i, c in enumerate(citations, 1)]
    if parts:
        lines.append(f"随后分{chinese_numeral(len(parts)) or len(parts)}个部分逐项说明。")
    return Answer(question, "\n".join(lines), citations, tuple(passages), abstained=False, scope="summary")


def _item_of(doc: Document, within: Citation, number: int) -> Heading | None:
    """The `number`-th heading under the part holding `within` (an earlier answer's first citation), if any."""
    if within.doc_id != doc.doc_id or number < 1:
        return None
    part = next((h for h in reversed(top_level(doc)) if h.start <= within.start), None)
    items = broad.children(doc, part) if part is not None else []
    return items[number - 1] if number <= len(items) else None


def _no_such_part(question: str, doc: Document, number: int, passages: Sequence[Passage]) -> Answer | None:
    """`第六部分` of a document in five parts: a refusal that says how many there are (None, to be answered as any
    question, when the document has no parts or the question asks for an item, `第三条`, not a part)."""
    parts = top_level(doc)
    if not parts or number <= len(parts) or "部分" not in question:
        return None
    what = "这封信" if doc.is_letter else "这份文件"
    count = chinese_numeral(len(parts)) or str(len(parts))
    text = f"{what}只有{count}个部分，没有第{chinese_numeral(number) or number}部分。"
    return Answer(question, text, (), tuple(passages), abstained=True)


def _outline(asked: str, query: Query, doc: Document, ctx: AnswerContext) -> Answer | None:
    """The document's parts; asked what has been done (`做了哪些工作`), those on the work done, without the plans."""
    done = broad.done_work(asked, doc, ctx.passages) if broad.DONE.search(query.own) else None
    return done or broad.outline(asked, doc, ctx.passages, ctx.where)


def _subject_document(ctx: AnswerContext) -> Document | None:
    """The document a question is about: that of the best passage, or the collection's only one."""
    if ctx.passages:
        return ctx.document(ctx.passages[0].doc_id)
    if len(ctx.doc_ids) == 1:
        return ctx.document(ctx.doc_ids[0])
    return None


def _broad(asked: str, question: str, query: Query, doc: Document, ctx: AnswerContext) -> Answer | None:
    """The shape the question's scope asks for; None hands it to the fact answerer (`哪些举措` naming no section)."""
    if query.scope == "outline":
        # The headings under one part named by its topic (`讲政策支持的那一部分下面分了哪几个小标题`) are that part's.
        heading = broad.part_by_its_words(without_asking(ctx.focus or question, "outline"), doc)
        if heading is not None:
            return broad.section(asked, doc, heading, ctx.passages)
        return _outline(asked, query, doc, ctx) or _refuse_shape(asked, ctx, "分部分的标题")
    if query.scope == "summary":
        # The gist of one part (`概括一下校企合作这部分`) is that part; of one thing the document speaks of in a part
        # (`宇通那个学院的培养模式是怎么概括的`), a fact about it. Read without the words asking for a gist (`中心内容`).
        about = without_asking(ctx.focus or question, "summary")
        topic = broad.without_parties(replace(query, topic=topic_terms(about, ctx.lexical)), about, doc, ctx.lexical)
        heading = None if broad.is_document_topic(topic, doc) else broad.section_for(topic, doc)
        if heading is not None:
            return broad.section(asked, doc, heading, ctx.passages)
        if broad.narrower_names(query.names, doc):
            return None
        return broad.summary(asked, doc, ctx.passages, ctx.where)
    if query.scope == "gather" and query.gather:
        found = broad.gathered(
            asked,
            doc,
            query.gather,
            query.gather_noun,
            ctx.passages,
            ctx.where,
            query.gather_relation,
            query.gather_modifier,
            _earlier_sentences(ctx, query, doc),
        )
        return found or _refuse_shape(asked, ctx, query.gather_relation + query.gather_noun)
    if query.scope == "mention" and query.mention:
        # The best passage's document first, then the other passages': a name is where BM25 finds it.
        docs = dict.fromkeys([doc.doc_id, *(p.doc_id for p in ctx.passages)])
        said = (broad.mentions(asked, ctx.document(d), query.mention, ctx.passages, ctx.where) for d in docs)
        return next((a for a in said if a is not None), None) or _refuse_shape(asked, ctx, f"“{query.mention}”")
    if query.scope == "section":
        query = broad.without_parties(query, ctx.focus or question, doc, ctx.lexical)
        named = broad.heading_named(query, doc)
        if named is not None:
            return broad.section(asked, doc, named, ctx.passages)
        # What comes next (`有什么安排？`) before the outline a question naming no topic gets.
        plans = broad.plans_heading(query, doc)
        if plans is not None:
            return broad.section(asked, doc, plans, ctx.passages)
        if broad.is_document_topic(query, doc) and top_level(doc):
            return _outline(asked, query, doc, ctx)
        heading = broad.section_for(query, doc)
        if heading is not None:
            return broad.section(asked, doc, heading, ctx.passages)
    return None


def _earlier_sentences(ctx: AnswerContext, query: Query, doc: Document) -> list[Span]:
    """The sentences of `doc` the question a follow-up merged with it leans on speaks of: its answer's, or, when that
    was refused, those naming what it named that the follow-up does not (`财税金融职业学院` of `…财税金融职院…办了几个来
    着？`). None for a question asked alone, or one that swapped a part in, which asks the earlier question again of
    another thing."""
    if not ctx.focus:
        return []
    said = ctx.already_said
    if said is not None:
        return [Span(said.citation.start, said.citation.end)] if said.citation.doc_id == doc.doc_id else []
    own = simplified(ctx.focus)
    names = [simplified(n) for n in query.names if simplified(n) not in own]
    sentences = split_spans(doc.text, 0, len(doc.text))
    return [s for s in sentences if any(n in doc.plain_text[s.start : s.end] for n in names)]


def combine(asked: str, parts: Sequence[Answer]) -> Answer:
    """Several asks answered one by one (`活动什么时候开始，联系人是谁？`), in the order asked, each with its own
    citations; a span cited twice keeps its first number, and an answer the same as an earlier one is said once. All
    refused: the first refusal stands for them."""
    answered = [a for a in parts if not a.abstained]
    if not answered:
        return replace(parts[0], question=asked)
    citations: list[Citation] = []
    lines = []
    for part in parts:
        if part.abstained:
            lines.append(f"（{part.question}：{part.text.split('。')[0]}。）")
            continue
        for c in part.citations:
            if c not in citations:
                citations.append(c)
        line = _renumbered(part, citations)
        if line not in lines:  # two asks one sentence answers (`有没有…订单班，哪一所`) get it once
            lines.append(line)
    confidences = [a.confidence for a in answered if a.confidence is not None]
    return Answer(
        asked,
        "\n".join(lines),
        tuple(citations),
        answered[0].passages,
        False,
        confidence=min(confidences) if confidences else None,
        scope="multi",
    )


def _renumbered(part: Answer, citations: Sequence[Citation]) -> str:
    """`part.text` with its `[n]` markers numbered as its citations stand in `citations`."""
    numbers = {n: citations.index(c) + 1 for n, c in enumerate(part.citations, 1)}
    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), int(m.group(1)))}]", part.text)


def _refuse_shape(asked: str, ctx: AnswerContext, missing: str) -> Answer:
    """A broad question the document cannot answer in its shape: say what it lacks."""
    text = _with_closest(f"{ctx.where}没有提到{missing}。", ctx.passages)
    return Answer(asked, text, (), tuple(ctx.passages), abstained=True)


def _in_title(doc: Document, span: Span) -> bool:
    """Whether `span` lies in the document's first line with text (its title)."""
    first = len(doc.text) - len(doc.text.lstrip())
    return "\n" not in doc.text[first : span.end]


def _is_signature(doc: Document, span: Span) -> bool:
    date = doc.structure.date
    return date is not None and span.start < date.start and doc.text[span.end : date.start].strip() == ""


_TYPED = {name: KIND_BY_NAME[name] for name in ("count", "date", "measure")}
# Places asked by their type word (`落脚了哪几座城市`), which the place kind's own asking words (`在哪里`) miss: the
# clauses kept say where.
_PLACE = KIND_BY_NAME["place"]
_PLACES_ASKED = re.compile("(?:哪|什么)[几一些]?[个座处]?(?:{})".format("|".join(GATHER_TYPES["city"])))


def _trim(query: Query, doc: Document, sentence: Span, said: AlreadySaid | None = None) -> Span:
    """A long sentence answering a number or date cut to the shortest run of clauses holding it and the question's terms.

    A follow-up (`那技工院校呢？`) asks for something new: clauses the earlier answer cited are left out when a run
    without them holds the number too, however short the sentence. A cited clause that names what the follow-up
    swapped in (`市级专业技能工作室38个` of an earlier `市级…38个,省级…9个`) is new all the same.
    """
    wanted = [_TYPED[name] for name in query.kinds if name in _TYPED]
    if _PLACES_ASKED.search(query.plain):
        wanted.append(_PLACE)
    avoid = said.citation if said is not None else None
    new = said.new if said is not None else ""
    repeats = avoid is not None and _overlap(avoid, sentence)
    if not wanted or (sentence.end - sentence.start <= SHORT_ANSWER and not repeats):
        return sentence
    clauses = split_clauses(doc.text, sentence.start, sentence.end)
    # A run naming only other kinds of school than the question's (`全市技工院校开设专业130多个` for `中职专业总数是多少`)
    # answers of those: the clause counting the question's own (`…中等职业学校共开设163个专业`) is the one.
    asked_schools = school_kinds(query.plain)
    best: tuple[float, Span] | None = None
    for i in range(len(clauses)):
        for j in range(i, len(clauses)):
            span = Span(clauses[i].start, clauses[j].end)
            if span.end - span.start > SHORT_ANSWER:
                break
            plain = doc.plain_text[span.start : span.end]
            if not all(kind.holds.search(plain) for kind in wanted):
                continue
            if asked_schools and (said_schools := school_kinds(plain)) and not said_schools & asked_schools:
                continue
            if avoid is not None and any(
                _overlap(avoid, c) and not (new and new in doc.text[c.start : c.end]) for c in clauses[i : j + 1]
            ):
                continue
            window = doc.text[span.start : span.end]
            score = query.coverage(window) + query.char_coverage(window) - 0.001 * (span.end - span.start)
            if best is None or score > best[0]:
                best = (score, span)
    return best[1] if best else sentence


# A sentence opening with a consequence (`因此它被称为笨蛋水果`) has its cause in the sentence before.
_CONSEQUENCE = re.compile(r"(?:因此|因而|所以|于是|故而|从而|由此|为此|此时|这样一来)")


def _with_its_cause(doc: Document, span: Span) -> Span:
    """`span` widened to the sentence before it when it opens with a consequence, in the same paragraph."""
    if not _CONSEQUENCE.match(doc.plain_text, span.start):
        return span
    paragraph = doc.text.rfind("\n", 0, span.start) + 1
    before = split_spans(doc.text, paragraph, span.start)
    return Span(before[-1].start, span.end) if before else span


_LOOSE_ENDS = "里上中下一这那个种些趟点"  # locatives and measure words that cling to a term's edges
MAX_NAMED_TERM = 4
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]+")
_ASKED_CLASSIFIER = re.compile(r"(?:多少|几)[所名家位座条项门批件张]")  # a wh-word and the classifier after it


def _spaces(m: re.Match[str]) -> str:
    return " " * len(m.group())


def missing_terms(question: str, lexical: LexicalIndex) -> list[str]:
    """Runs of the question's characters covered only by bigrams the indexed text never contains.

    A character also covered by a bigram the text does contain is trimmed off the run's ends, so
    `财政预算` yields `预算` when only `财政` occurs. A run that is no word in jieba's dictionary takes in the rest of
    the words it cuts into and drops the function words at its ends (`在校生` of `校生`, `界别` of `界别或`, `升格` of
    `2023年升格为`), and a one-character verb at its end while a word is left (`中专` of `中专搞`). A locative at a run's end goes
    (`预算` of `预算里`) unless it is part of the word (`中专`). One word naming nothing (`随着`) is not named.
    """
    found: list[str] = []
    # `多少所幼儿园` names `幼儿园`, not `所幼儿园`, and words saying how much is asked (`概括`, `主要`) name nothing;
    # blanked in place, so offsets stay the question's own
    blanked = SCOPE_WORDS.sub(_spaces, _ASKED_CLASSIFIER.sub(_spaces, question))
    for match in re.finditer(
        r"[\u4e00-\u9fff]+", without_asking_words(without_filler(blanked, QUESTION_WORDS), lexical)
    ):
        run = match.group()
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
            term = _without_loose_ends(run[start:end])
            if not dictionary_frequency(term):  # no word by itself (`校生`, `界别或`): the words it is part of
                term = _without_loose_ends(_whole_words(question, match.start() + start, match.start() + end))
            # a longer run is several words: naming it would garble; one word naming nothing (`随着`) is no term
            if 2 <= len(term) <= MAX_NAMED_TERM and not _names_nothing(*_one_word(term)):
                found.append(term)
            i = j
    # Latin words are indexed whole, not in bigrams (`GDP`): one no text holds in any case is missing too.
    for word in _LATIN_WORD.findall(question):
        if not any(lexical.occurs(form) for form in (word, word.lower(), word.upper())):
            found.append(word)
    return found


# jieba's tags for words that name nothing by themselves: prepositions, conjunctions, particles, adverbs, numerals,
# classifiers, modal particles, interjections, onomatopoeia, punctuation, localizers (`之外`, `最后`) and bound
# morphemes (`块` of `这块还有`); and words it tags otherwise that do not either (`一共` j, `是` v, `还有` v), or a
# question word (`哪一年` r, the colloquial `啥` of `啥短板`), a demonstrative (`这次` of `这次回应`, which named
# `次回应`) or a distributive (`各` of `全称各是什么`, which named `全称各`); jieba tags `本科` r too, so not every r.
_FUNCTION_TAGS = ("p", "c", "u", "d", "m", "q", "y", "e", "o", "x", "f", "zg")
_NAMELESS = frozenset(("一共", "总共", "是", "有", "还有"))


def _names_nothing(word: str, flag: str) -> bool:
    pronoun = flag == "r" and (bool(QUESTION_WORDS.search(word)) or word.startswith(("啥", "这", "那", "各")))
    asking = flag == "l" and bool(_ASKING_WORD.search(word))  # an idiom asking (`由谁来`), as a question word does
    return flag.startswith(_FUNCTION_TAGS) or word in _NAMELESS or pronoun or asking


_ASKING_WORD = re.compile(r"谁|哪|什么|几|多少|怎|如何|何")


def _without_loose_ends(term: str) -> str:
    """`term` without the locatives and measure words at its edges: before it, a word of jieba's they open that only
    points or counts (`这种专业` → `专业`, `每个`, `一点` and `一般` go whole), not one of its own (`中专现在` stays, not
    `专现在`; `一流`, `上班`); after it, the characters themselves (`预算里` → `预算`, `省里` → `省`), unless the word they
    end is a noun (`高中`)."""
    words = list(tag(term))
    while words and _pointing(*words[0]):
        words.pop(0)
    rest = "".join(word for word, _ in words)
    stripped = rest.rstrip(_LOOSE_ENDS)
    if stripped == rest or (len(stripped) >= 2 and dictionary_frequency(stripped)):
        return stripped
    return rest if words[-1][1].startswith(_NOUN_TAGS) else stripped


def _pointing(word: str, flag: str) -> bool:
    """Whether a word opening a term only points or counts (`这种`, `每个`, `一点`, `一般`), from the characters at its
    edges and jieba's tag: `中专` and `本科` (tagged r) are words of their own."""
    ends = word[0] in _LOOSE_ENDS or word[-1] in _LOOSE_ENDS
    return all(ch in _LOOSE_ENDS for ch in word) or (ends and flag.startswith(_POINTING_TAGS))


_POINTING_TAGS = ("r", "q", "m", "f", "a", "d")  # pronouns, measure words, numerals, locatives, `一般`, `一直`


def _one_word(term: str) -> tuple[str, str]:
    """The word and tag jieba gives `term` when it reads it as one word, else `(term, "")`."""
    words = tag(term)
    return words[0] if len(words) == 1 else (term, "")


_NOUN_TAGS = ("n", "j", "vn")


def _whole_words(question: str, start: int, end: int) -> str:
    """`question[start:end]` widened to the words jieba cuts it into, without words naming nothing at either end."""
    words = tag(aligned_simplified(question))
    starts = offsets(words)
    inside = [i for i in range(len(words)) if starts[i] < end and start < starts[i + 1]]
    while inside and _names_nothing(*words[inside[0]]):
        inside.pop(0)
    while inside and _names_nothing(*words[inside[-1]]):
        inside.pop()
    while len(inside) > 1 and words[inside[-1]][1] == "v" and len(words[inside[-1]][0]) == 1:  # `中专搞` names 中专
        inside.pop()
    return question[starts[inside[0]] : starts[inside[-1] + 1]] if inside else ""


SOMETHING_NEW_AMONG = 3  # the best-ranked candidates a follow-up's answer may move to


def _something_new(reading: Reading, scores: np.ndarray, ctx: AnswerContext, question: str) -> int:
    """The best-ranked candidate, unless the question is a follow-up merged with the earlier one and the best
    candidate repeats the earlier answer without a word the follow-up adds: then a sentence right beside the earlier
    answer, among the `SOMETHING_NEW_AMONG` best, that says some of them (`这些研究院主要招收什么样的人才？` after
    `哪些大学…签了合作协议？`: 招收, 人才 are in the next sentence).

    The follow-up merged with the earlier question carries that question's words, which point back at its answer;
    the words the follow-up adds say what it asks now, and a document goes on where it left off. An earlier answer
    saying any of them stays: the letter's long sentences answer several questions in turn (`共建这些学院是为了培养
    什么样的人才？` after `…共建了几个产业学院？`). A sentence elsewhere that happens to hold one (`打造成` for
    `是什么原因造成的？`) is not taken."""
    top = int(np.argmax(scores))
    said = ctx.already_said
    if said is None or not _repeats_earlier(ctx, question, reading.candidates[top]):
        return top
    new = _added_words(ctx.focus, question[len(ctx.focus) :])
    if not new:
        return top
    cited = said.citation
    text = ctx.document(cited.doc_id).text
    # … or, asked of what is to come (`以后打算把它们建成什么样的平台？`), the sentence beside it that says so (`未来将把…
    # 打造成…多功能平台`), wherever it ranks: the earlier answer says what is
    future = _FUTURE.search(ctx.focus) is not None
    among = len(scores) if future else SOMETHING_NEW_AMONG
    for i in np.argsort(-scores, kind="stable")[1:among]:
        other = reading.candidates[int(i)]
        says = any(t in other.seen for t in new) or (future and _FUTURE.search(other.plain) is not None)
        if other.doc_id == cited.doc_id and _beside(other.span, cited, text) and says:
            return int(i)
    return top


_FUTURE = re.compile(FUTURE)


# A count asked of the words before it (`班组长有多少人？`, `技术骨干有几个？`): what it counts is those words.
_COUNTED_BEFORE = re.compile(r"^(?P<noun>[\u4e00-\u9fff]{2,8}?)(?:一共|总共|共|大概|大约)?(?:有|是|为)?(?:多少|几)")
COUNTED_AMONG = 3  # the best-ranked candidates a count may move among


def _counted_beside(reading: Reading, scores: np.ndarray, top: int) -> int:
    """`top`, unless the question counts the words before its `多少` (`班组长有多少人？`) and `top` gives no number right
    after them while another of the `COUNTED_AMONG` best does (`其中新入职员工86人，班组长48人…`): a count stands
    beside what it counts, and a sentence naming the thing beside another count (`面向技术骨干和班组长…12场讲座`, `…班组长
    及技术骨干，共计420人`) counts something else."""
    if "count" not in reading.query.kinds or "date" in reading.query.kinds:  # `几月` asks a date
        return top
    m = _COUNTED_BEFORE.match(reading.query.plain)
    noun = m["noun"] if m is not None else ""
    words = tag(noun) if noun else ()
    if not words or not words[-1][1].startswith(("n", "vn")):  # `杜鲁门于几月`: no noun before it
        return top
    # said with or without its 的 (`新入职的员工` of `新入职员工86人`)
    forms = "|".join(re.escape(form) for form in dict.fromkeys((noun, noun.replace("的", ""))))
    beside = re.compile(rf"(?:{forms})(?:有|为|达|共|约)?{NUMERAL}")
    return _saying(reading, scores, top, COUNTED_AMONG, lambda cand: beside.search(cand.plain) is not None)


# A count of new ones (`新增备案83个专业`, `新建…3个`, `增加了12所`): what was added, not how many there are
_NEW_COUNT = re.compile(
    rf"(?:新增|新建|新开|新设|新招|新入|增加|增设|新)[\u4e00-\u9fff]{{0,4}}?{NUMERAL}[多余]?[{COUNTING}人万]"
)
_ASKS_NEW = re.compile(r"新|增|添|扩")


def _all_beside(reading: Reading, scores: np.ndarray, top: int) -> int:
    """`top`, unless the question counts without asking of new ones (`郑州中职学校开设了多少个专业？`) and `top` counts
    only the new (`…共新增备案83个专业`) while another of the `COUNTED_AMONG` best counts with no such word (`…共开设163个
    专业`): how many were added is not how many there are."""
    if "count" not in reading.query.kinds or _ASKS_NEW.search(reading.query.plain):
        return top
    if not _NEW_COUNT.search(reading.candidates[top].plain):
        return top
    # a number in the very unit asked (`几所` is no `130多个`, which `个` would count as well), or in 个 for kinds
    unit = reading.query.count_unit
    number = re.compile(counted_as_asked(unit) if unit else NUMERAL)
    return _saying(
        reading,
        scores,
        top,
        COUNTED_AMONG,
        lambda cand: number.search(cand.plain) is not None and not _NEW_COUNT.search(cand.plain),
    )


TO_COME_AMONG = 3  # the best-ranked candidates a question on what is to come may move the answer among
_PLANS = re.compile(rf"{FUTURE}|打算|展望")  # what a part on what is to come is headed


def _to_come_beside(reading: Reading, scores: np.ndarray, top: int) -> int:
    """`top`, unless the question asks of what is to come (`以后产教融合要多部门协同，具体点了哪些部门`) and `top` is
    not on it while another of the `TO_COME_AMONG` best is, in a part on the plans (`七、下一步工作打算`) or saying so
    itself: what was done answers what is to be done only with the same words."""
    if _FUTURE.search(reading.query.own or reading.query.plain) is None:
        return top
    return _saying(
        reading,
        scores,
        top,
        TO_COME_AMONG,
        lambda cand: _PLANS.search(cand.section or "") is not None or _FUTURE.search(cand.plain) is not None,
    )


# A short quoted word in a question (`两个“周”`, `“双高”`): the asker's own mark of what the answer must say.
_QUOTED = re.compile(r"[“\"'‘「『]([^“”\"'‘’「」『』]{1,8})[”\"'’」』]")
QUOTED_AMONG = 3  # the best-ranked candidates a quoted word may move the answer among


def _quoted_beside(reading: Reading, scores: np.ndarray, top: int) -> int:
    """`top`, unless the question quotes a word after its opening (`郑州年年都办的两个“周”是啥`, `誰被尊稱為「電視之父」`)
    that `top` does not say while another of the `QUOTED_AMONG` best does (`…办好职业教育活动周、全民终身学习活动周…`):
    quoting what it asks about says the answer holds it."""
    # Not a quoted topic the question opens with (`「空經」是哪一部經典的別稱`): a sentence beside the one saying it may
    # answer of it without the word.
    quoted = [simplified(m.group(1)) for m in _QUOTED.finditer(reading.query.plain.strip()) if m.start() > 0]
    if not quoted:
        return top
    return _saying(reading, scores, top, QUOTED_AMONG, lambda cand: all(word in cand.plain for word in quoted))


NAMED_AMONG = 3  # the best-ranked candidates a school or company asked to be named may move the answer among


def _named_beside(reading: Reading, scores: np.ndarray, top: int, ctx: AnswerContext) -> int:
    """`top`, unless the question asks a school or company to be named (`哪所学院升为本科`) that `top` may name none of
    (`市教育局积极推进市属高校组建本科层次职业学校`) while another of the `NAMED_AMONG` best in its paragraph may (`…推进
    郑州职业技术学院的升本工作`), saying the schools and companies the question names that `top` says: the answer names
    what is asked. Not a follow-up's, which asks of what the earlier answer said."""
    kind, _ = named_kind_asked(reading.query.plain)
    if not kind or ctx.focus:  # a follow-up asks of what the earlier answer said (`它们都设在哪些学校`)
        return top
    first = reading.candidates[top]
    doc = ctx.document(first.doc_id)
    # the schools and companies the question names that `top` says: a sentence without them speaks of another thing
    # (`宇通…` for the 5 产业学院 财税金融职业学院 built with companies it does not name)
    named = [
        n
        for n in map(simplified, reading.query.names)
        if n in first.plain and any(e.search(n) for e in NAME_ENDS.values())
    ]

    def names_one_beside(cand: Candidate) -> bool:
        if cand is not first and (
            cand.doc_id != first.doc_id
            or not _same_paragraph(doc, first.span, cand.span)
            or not all(n in cand.plain for n in named)
        ):
            return False
        return _may_name(kind, _COUNTED_THINGS.sub("", cand.plain), doc)

    return _saying(reading, scores, top, NAMED_AMONG, names_one_beside)


# A count before a noun (`有多所学校开设…`, `41所中职学校`): things counted, not one named.
_COUNTED_THINGS = re.compile(r"(?:[多几数]|\d+|[一二三四五六七八九十两百千]+)[所家个名位]")


def _same_paragraph(doc: Document, a: Span, b: Span) -> bool:
    """Whether no line break comes between spans `a` and `b` of `doc`."""
    start, end = min(a.start, b.start), max(a.end, b.end)
    return "\n" not in doc.text[start:end]


def _saying(reading: Reading, scores: np.ndarray, top: int, among: int, says: Callable[[Candidate], bool]) -> int:
    """`top` when its sentence `says` what is asked; else the first of the `among` best-ranked candidates after the
    best whose sentence does, or `top` when none does."""
    if says(reading.candidates[top]):
        return top
    for i in np.argsort(-scores, kind="stable")[1:among]:
        if says(reading.candidates[int(i)]):
            return int(i)
    return top


def _repeats_earlier(ctx: AnswerContext, question: str, cand: Candidate) -> bool:
    """Whether `question` is a follow-up merged with the earlier one (`ctx.focus` + the earlier question) and `cand`
    is the earlier answer again, saying none of the words the follow-up adds."""
    said = ctx.already_said
    if said is None or not _merged(ctx, question):
        return False
    cited = said.citation
    added = _added_words(ctx.focus, question[len(ctx.focus) :])
    return cand.doc_id == cited.doc_id and _overlap(cited, cand.span) and not any(t in cand.seen for t in added)


def _added_words(focus: str, earlier: str) -> set[str]:
    """The two-character words a follow-up (`focus`) says that the earlier question it was merged with does not."""
    return {t for t in bigrams(without_filler(focus)) if len(t) == 2 and t not in earlier}


def _beside(span: Span, cited: Citation, text: str) -> bool:
    """Whether `span` is the sentence right before or right after the cited one (only blanks between)."""
    if span.start >= cited.end:
        return not text[cited.end : span.start].strip()
    return span.end <= cited.start and not text[span.end : cited.start].strip()


def _only_counted(
    asked: str,
    resolved: str,
    query: Query,
    best: Candidate,
    counting: Sequence[tuple[int, int]],
    ctx: AnswerContext,
    confidence: float,
) -> Answer:
    """A refusal for a question asking to have things named that the documents only count: it quotes the count."""
    # The counting clause most about the question (`技工院校开设专业130多个` of 技工院校开设了哪些专业, beside 中职's 163个).
    said = max((best.text[start:end].strip() for start, end in counting), key=query.coverage)
    which = f"哪些{query.listed}" if query.listed else f"哪几{query.listed_unit}"
    gave = "只给出了数量：" if counts_exactly(said) else "只说了"  # `多所学校…` is no number
    return _refusal(asked, resolved, f"{ctx.where}{gave}“{said}”，没有列出具体是{which}。", ctx, confidence)


def _refusal(asked: str, resolved: str, text: str, ctx: AnswerContext, confidence: float | None) -> Answer:
    """A refusal saying `text`, then that the closest passages follow, in the documents' script."""
    return Answer(
        asked,
        _with_closest(text, ctx.passages),
        (),
        tuple(ctx.passages),
        abstained=True,
        resolved_question=resolved,
        confidence=confidence,
    )


def _with_closest(text: str, passages: Sequence[Passage]) -> str:
    """`text`, then that the closest passages follow, in the script of the passages' documents (`信中沒有找到…`)."""
    return in_script_of(text + broad.CLOSEST, "".join(p.text for p in passages))


def _unsaid_text(where: str, unsaid: str, instead: str = "") -> str:
    """That no answer about `unsaid` was found, for the closest sentence says `instead` (or something else)."""
    other = f"“{instead}”" if instead else "别的"
    return f"{where}没有找到关于“{unsaid}”的答案：最接近的句子说的是{other}。"


def refused_as_unsaid(answer: Answer, unsaid: str, where: str) -> Answer:
    """`answer` refused, for its sentence does not say `unsaid` (what the question leaves to an earlier one to say),
    with the same closest passages."""
    text = _with_closest(_unsaid_text(where, unsaid), answer.passages)
    return replace(answer, text=text, citations=(), abstained=True, scope="fact", checked=True)


def _swapped_unsaid(said: AlreadySaid | None, best: Candidate) -> str:
    """What a follow-up swapped in (`高职院校`, `省级`), its verbs and question words left out, when `best` does not
    say it; '' when it does, or the question swapped nothing in."""
    if said is None or not said.new:
        return ""
    plain = simplified(said.new)  # `市級` of 市級的呢 is 市级
    words = _noun_runs(plain) or [w for w in without_filler(plain, QUESTION_WORDS).split() if len(w) >= 2]
    said_all = all(w in best.plain or names_school_kind(w, best.plain) for w in words)  # `中职学校`: 中等职业学校
    return "、".join(words) if words and not said_all else ""


# Kinds whose mark in a sentence says it gives that answer (a date, a sum, a rate, a name…), not only its topic: what
# a merged follow-up asks in its own words must be in the earlier answer it gets back.
_HELD_KINDS = frozenset(("date", "money", "rate", "people", "area", "length", "duration", "weight", "ranking"))


def _own_ask_unheld(ctx: AnswerContext, question: str, best: Candidate) -> str:
    """A merged follow-up's own words (`一共考察了几天`, `其中人工智能专业有多少学生`) when `best` does not hold what they
    ask: a count in the unit asked
    (`几天`: a number of 天), or a kind of answer a sentence marks (a date, a sum, a rate…). The earlier question's
    words point back at its answer; only the follow-up's own words say what is asked now. '' otherwise."""
    if not _merged(ctx, question):
        return ""
    unheld = _kind_unheld(simplified(ctx.focus), best.plain, _HELD_KINDS)
    return ctx.focus.rstrip("？?。！!，, ") if unheld else ""


def _merged(ctx: AnswerContext, question: str) -> bool:
    """Whether `question` is a follow-up merged with the earlier one: what it asks is in its own words, whichever
    sentence answers (`多少学生` of 其中人工智能专业有多少学生, after the 2024 majors' count)."""
    return bool(ctx.focus) and question.startswith(ctx.focus) and ctx.already_said is not None


def _kind_unheld(own: str, plain: str, kinds: frozenset[str]) -> bool:
    """Whether a follow-up's own words (simplified) ask a count in a unit (`几天`, `多少家`) or a kind of answer among
    `kinds` (a date, a sum, a rate, a list…) whose mark the sentence (simplified) does not hold."""
    unit = next((m.group(1) for m in COUNT_ASKED.finditer(own) if m.group(1)), "")
    asked = asked_kinds(own) & kinds
    return bool(unit and not re.search(counted(unit), plain)) or any(
        kind.name in asked and not kind.holds.search(plain) for kind in KINDS
    )


_RUN_TAGS = ("n", "b", "j", "m", "vn", "eng")


def _noun_runs(text: str) -> list[str]:
    """Runs of nouns, attributives and numbers in `text` (`技工院校` of 换成技工院校, `2023年`), of two characters or
    more: what a follow-up swaps in, without the verbs around it (`换成`, `入选`). [] when it has none (`没通过`)."""
    runs: list[str] = []
    run = ""
    for word, flag in (*tag(text), ("", "x")):
        if word and flag.startswith(_RUN_TAGS):
            run += word
            continue
        if len(run) >= 2:
            runs.append(run)
        run = ""
    return runs


def _abstain(
    asked: str,
    resolved: str,
    query: Query,
    ctx: AnswerContext,
    confidence: float | None,
    unsaid: str = "",
    instead: str = "",
) -> Answer:
    """A refusal naming what no document holds (or, with `unsaid`, what the question asks about that the closest
    sentence does not say, and with `instead` what that sentence names in its place), with the closest passages."""
    where = ctx.where
    if unsaid:
        return _refusal(asked, resolved, _unsaid_text(where, unsaid, instead), ctx, confidence)
    # What no document holds: the years and numbers asked first (`2019年`), then runs of unknown characters
    # (`预算` of 财政预算, when 财政 occurs), then the noun asked for when it holds no such run (`高职学校`, each of
    # whose bigrams occurs elsewhere).
    # A title or a name no document holds whole (`郑州市电子信息工程学校`, each of whose words the letter uses) before the
    # runs.
    held = documents_hold(ctx.lexical)
    titles = [f"《{t}》" for t in query.titles_absent]
    names = titles + [n for n in query.names if not held(n) and not any(n in t for t in titles)]
    names += [s for s in (*query.schools_absent, *query.partners_absent) if not any(s in n for n in names)]
    # A follow-up merged with the earlier question names what its own words hold (the earlier question's wording, `红头`
    # of 发过哪些红头文件, was not what it asks); the names it takes from the earlier one are named above.
    runs = [
        t
        for t in missing_terms(ctx.focus or query.text, ctx.lexical)
        if not any(t in d for d in (*query.details_absent, *names))
    ]
    noun = query.attribute
    unnamed = bool(noun) and not query.attribute_known and not any(t in noun or noun in t for t in (*runs, *names))
    missing = list(dict.fromkeys([*query.details_absent, *names, *runs, *([noun] if unnamed else [])]))
    if missing:
        what = "、".join(f"“{m}”" for m in missing[:3])
        text = f"{where}没有找到答案：{where}没有提到{what}。"
    elif ctx.already_said is not None and ctx.already_said.new:
        # A follow-up's part swapped in, which the documents name elsewhere (`那技工院校呢？`): what is asked of it
        text = f"{where}没有找到关于“{ctx.already_said.new}”的答案。"
    else:
        text = f"{where}没有找到这个问题的答案。"
    # Written in the documents' script: a traditional corpus (`學校`) gets `信中沒有找到…`.
    return _refusal(asked, resolved, text, ctx, confidence)
