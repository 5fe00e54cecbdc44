"""Broad answers: an outline, a summary, a section's content, a gathering across a document — several items,
each an exact citation.

The document's parsed structure (numbered headings, the proposal a letter replies to) gives outlines and
sections; a document without headings is summarised by its most central sentences (TextRank over sentence
similarity); gatherings come from `qa.answering.gather`. A heading is never an answer by itself: a question
that lands on one is answered from the section under it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from qa.answering.gather import Mention, distinct, named, of_another_kind
from qa.answering.names import tag
from qa.answering.query import Query, chinese_numeral, share, top_level, topic_terms, without_filler
from qa.answering.scope import DOING_ASKED, FUTURE, SCOPE_WORDS, set_aside_marks
from qa.chunking import split_clauses, split_spans
from qa.lexical import LexicalIndex, bigrams
from qa.script import aligned_simplified, in_script_of, simplified
from qa.types import Answer, Citation, Document, Heading, Passage, Span

CLOSEST = "下面是最接近的段落，供参考。"  # what a refusal says of the passages shown with it
SUMMARY_SENTENCES = 3  # a document without headings is summarised by this many central sentences
SECTION_CHARS = 600  # a section without sub-headings this short is given whole; a longer one by its central sentences
SECTION_SENTENCES = 4
SECTION_MATCH = 0.5  # share of the question's term weight a heading must hold to be the section asked about
TOPIC_HEADINGS = 3  # a topic named in this many headings is the document's own topic: its outline answers
PARTY_FORM = 3  # the shortest end of a sender's name that still names it (`教育局` of 郑州市教育局)


@dataclass(frozen=True)
class Item:
    """One line of a broad answer: words of our own (`prefix`) and the exact span it cites."""

    span: Span
    prefix: str = ""


def heading_at(doc: Document, span: Span) -> Heading | None:
    """The heading `span` is (a candidate sentence that is only a heading line), if any."""
    for h in doc.structure.headings:
        if span.start <= h.start < span.end or h.start <= span.start < h.end:
            rest = doc.text[span.start : span.end].replace(doc.text[h.start : h.end], "")
            if not rest.strip(" 。.，,：:；;\n"):
                return h
    return None


def children(doc: Document, heading: Heading) -> list[Heading]:
    """The headings one level below `heading`, up to the next heading of its level or above."""
    out = []
    after = [h for h in doc.structure.headings if h.start > heading.start]
    for h in after:
        if h.level <= heading.level:
            break
        if h.level == heading.level + 1:
            out.append(h)
    return out


def section_end(doc: Document, heading: Heading) -> int:
    """Where the section under `heading` ends: the next heading of its level or above, else the signature."""
    for h in doc.structure.headings:
        if h.start > heading.start and h.level <= heading.level:
            return h.start
    ends = [s.start for s in (doc.structure.sender, doc.structure.date) if s is not None and s.start > heading.end]
    return min(ends) if ends else len(doc.text)


def section_path(doc: Document, offset: int) -> str:
    """The titles of the headings `offset` sits under (`一、… › (二)…`), '' before the first."""
    path: list[Heading] = []
    for h in doc.structure.headings:
        if h.start > offset:
            break
        path = [p for p in path if p.level < h.level] + [h]
    return " › ".join(h.title for h in path)


def without_parties(query: Query, text: str, doc: Document, lexical: LexicalIndex) -> Query:
    """`query` with a topic read from `text` (what the topic was read from) without the document's sender or
    addressee, in the longest form it says them (`郑州市教育局`, `市教育局`): who writes or is written to is no
    topic of the letter's own (`郑州市教育局在推进产教融合方面做了哪些工作` asks what `在推进产教融合方面…` does)."""
    blanked = text
    for span in (doc.structure.sender, doc.structure.addressee):
        name = doc.text[span.start : span.end] if span is not None else ""
        form = next((name[k:] for k in range(len(name) - PARTY_FORM + 1) if name[k:] in blanked), "")
        blanked = blanked.replace(form, " ") if form else blanked
    return query if blanked == text else replace(query, topic=topic_terms(blanked, lexical))


def section_for(query: Query, doc: Document) -> Heading | None:
    """The heading whose title holds at least `SECTION_MATCH` of the question's topic weight; of several, the
    highest in the outline (`四、促进校企深度合作` over its own `(三)…校企合作…`), then the best covered."""
    best: tuple[int, float, Heading] | None = None
    for h in doc.structure.headings:
        covered = share(query.topic, h.title, empty=0.0)
        if covered >= SECTION_MATCH and (best is None or (-h.level, covered) > best[:2]):
            best = (-h.level, covered, h)
    return best[2] if best else None


def plans_heading(query: Query, doc: Document) -> Heading | None:
    """The last top-level part that sets out plans, for a question asking what comes next and about nothing else."""
    if not _asks_plans(query, doc):
        return None
    return next((h for h in reversed(top_level(doc)) if _PLAN_HEADING.search(h.title)), None)


# A question about what comes next (`明年有什么打算？`, `今后有什么计划`) names no topic but the time: the part that
# sets out the plans answers it (`五、2025年工作思路`, `七、下一步工作打算`), whatever its title calls the future.
_FUTURE = re.compile(FUTURE)
_PLANS = re.compile(r"打算|计划|准备|安排|思路|设想|规划")
# … and what is to be done, asked as a person talks (`准备干些什么`, `要做啥`), which names no topic either
_ASKING_PLANS = re.compile(f"{_FUTURE.pattern}|{_PLANS.pattern}|{DOING_ASKED}")
_PLAN_HEADING = re.compile(r"下一步|下阶段|下一阶段|打算|计划|思路|设想|展望|今后|工作重点|工作目标")


def _asks_plans(query: Query, doc: Document) -> bool:
    """Whether the question asks for the plans with no topic of its own besides the time (`明年`) and the document's
    own topic (`接下来在产教融合上准备从哪几方面着手` of a letter on 产教融合)."""
    if not _FUTURE.search(query.own) and not _PLANS.search(query.own):
        return False
    # the words asking for plans, and the bigrams they take part in (`备从` of 准备从哪几方面), are no topic; the topic is
    # in the documents' script, `own` in simplified characters
    asking = _ASKING_PLANS.sub(" ", query.own)
    rest = {t: w for t, w in query.topic.items() if simplified(t) in asking}
    return not rest or is_document_topic(replace(query, topic=rest), doc)


# The kind of content a section question asks for, as its last words say it (`有哪些要求`, `有什么保障措施`).
_ASKED_CONTENT = re.compile(r"(?:哪些|什么|些什么)(?:样的)?([\u4e00-\u9fff]{2,4})[？?。]?$")


def heading_named(query: Query, doc: Document) -> Heading | None:
    """The one heading that names the kind of content asked for (`三、工作要求` for 有哪些要求, `保障措施` for
    有哪些保障措施), when the question says nothing else the heading does not; of several, the one highest in the
    outline, if only one is. None otherwise."""
    m = _ASKED_CONTENT.search(query.own)
    if m is None:
        return None
    noun = m.group(1)
    done = DONE.search(query.own) is not None  # work done is not in the plans (`做了哪些工作` of `下一步工作打算`)
    named = [
        h
        for h in doc.structure.headings
        if noun in h.title
        and all(t in h.title or t in noun for t in query.topic)
        and not (done and _PLAN_HEADING.search(h.title))
    ]
    top = [h for h in named if h.level == min((n.level for n in named), default=0)]
    return top[0] if len(top) == 1 else None


def narrower_names(names: Sequence[str], doc: Document) -> list[str]:
    """The names a question says that the document speaks of in one part, not as its own (`宇通` of
    宇通那个学院的培养模式是怎么概括的): said, but not before its first heading (`郑州市教育局`, `郑州` of its opening) nor
    in `TOPIC_HEADINGS` headings."""
    headings = doc.structure.headings
    if not headings:
        return []
    opening = doc.text[: headings[0].start]
    return [
        name
        for name in names
        if name in doc.text and name not in opening and sum(name in h.title for h in headings) < TOPIC_HEADINGS
    ]


_PART_WORD_TAGS = ("n", "v")  # nouns and verbs, verbal nouns among them: not a locative (`下面`) nor a numeral


def part_by_its_words(text: str, doc: Document) -> Heading | None:
    """The heading holding every noun and verb `text` says (`政策`, `支持` of 讲政策支持的那一部分下面分了哪几个, its
    words asking for headings already blanked), the highest in the outline when it is the only one of its level
    that does; None when the text says no such word (`这封答复分为几个部分`) or no heading holds them all. A part is
    named by its own words, not the bigrams around them (`讲政`, `面分`), which `section_for` weighs."""
    plain = aligned_simplified(without_filler(without_filler(text), SCOPE_WORDS))
    words = [w for w, flag in tag(plain) if len(w) >= 2 and flag.startswith(_PART_WORD_TAGS)]
    if not words:
        return None
    holding = [h for h in doc.structure.headings if all(w in simplified(h.title) for w in words)]
    top = [h for h in holding if h.level == min(n.level for n in holding)] if holding else []
    return top[0] if len(top) == 1 else None


def is_document_topic(query: Query, doc: Document) -> bool:
    """Whether the question names nothing narrower than the document's own topic (`产教融合` in a letter
    replying to a proposal on it): no topic at all, or its rarest term in the proposal or in many headings."""
    known = {t: w for t, w in query.topic.items() if t in doc.text}
    if not known:
        return not query.topic
    rarest = max(known, key=known.__getitem__)
    proposal = doc.structure.proposal
    in_proposal = proposal is not None and rarest in doc.text[proposal.start : proposal.end]
    return in_proposal or sum(rarest in h.title for h in doc.structure.headings) >= TOPIC_HEADINGS


# ---- the shapes ----------------------------------------------------------------------------------


def outline(question: str, doc: Document, passages: Sequence[Passage], where: str) -> Answer | None:
    """`共分为七个部分：` and each top-level heading, cited; None for a document without headings."""
    parts = top_level(doc)
    if not parts:
        return None
    head = f"共分为{chinese_numeral(len(parts)) or len(parts)}个部分："
    return _answer(question, doc, head, [Item(Span(h.start, h.end)) for h in parts], passages, "outline")


# A question on what has been done (`教育局做了哪些工作`, `目前已经取得了哪些成效`): the parts on the work done, not the
# plans.
DONE = re.compile(r"做了|做过|已(?:经|做|取得|开展)|取得了|开展了|采取了|干了|推进了|完成了|目前")


def done_work(question: str, doc: Document, passages: Sequence[Passage]) -> Answer | None:
    """`除下一步打算外，分六个部分说明已做的工作：` and each top-level heading but the plans', cited; None for a document
    without parts, or whose parts set out no plans (its outline answers)."""
    parts = top_level(doc)
    done = [h for h in parts if not _PLAN_HEADING.search(h.title)]
    if not parts or len(done) == len(parts) or not done:
        return None
    head = f"除下一步打算外，分{chinese_numeral(len(done)) or len(done)}个部分说明已做的工作："
    return _answer(question, doc, head, [Item(Span(h.start, h.end)) for h in done], passages, "outline")


def summary(question: str, doc: Document, passages: Sequence[Passage], where: str) -> Answer:
    """What the document answers (a letter's proposal) and its parts; without headings, its central sentences."""
    parts = top_level(doc)
    proposal = doc.structure.proposal
    if parts:
        items = []
        if proposal is not None:
            items.append(Item(Span(proposal.start, proposal.end), "这是对以下提案的答复："))
        else:
            first = _first_sentence(doc)
            if first is not None:
                items.append(Item(first, "开篇："))
        count = chinese_numeral(len(parts)) or str(len(parts))
        items += [Item(Span(h.start, h.end), f"正文分为{count}个部分：" if i == 0 else "") for i, h in enumerate(parts)]
        return _answer(question, doc, "", items, passages, "summary")
    central = textrank(doc, SUMMARY_SENTENCES)
    return _answer(question, doc, "要点：", [Item(s) for s in central], passages, "summary")


def section(question: str, doc: Document, heading: Heading, passages: Sequence[Passage]) -> Answer:
    """The section under `heading`: its title, then its sub-headings, or its first sentences when it has none."""
    subs = children(doc, heading)
    items = [Item(Span(heading.start, heading.end))]
    if subs:
        count = chinese_numeral(len(subs)) or str(len(subs))
        items += [Item(Span(h.start, h.end), f"下分{count}项：" if i == 0 else "") for i, h in enumerate(subs)]
    else:
        spans = split_spans(doc.text, heading.end, section_end(doc, heading))
        if sum(s.end - s.start for s in spans) > SECTION_CHARS:
            spans = textrank(doc, SECTION_SENTENCES, spans)
        items += [Item(s) for s in spans]
    return _answer(question, doc, "", items, passages, "section")


def gathered(
    question: str,
    doc: Document,
    kinds: tuple[str, ...],
    noun: str,
    passages: Sequence[Passage],
    where: str,
    relation: str = "",
    modifier: str = "",
    earlier: Sequence[Span] = (),
) -> Answer | None:
    """The things of `kinds` the document names, those side by side cited together; with a `relation` (`合作`), only
    those named in a sentence that says it. None when it names none.

    With `earlier` (the sentences of the question a follow-up leans on: its answer, or those naming what it named:
    `都有哪些企业？` after `财税金融职业学院跟企业一起建了多少个产业学院？`), only those they name, when they name some
    or say the noun asked; when they name none, the answer is a refusal: the things of the document's other sentences
    are others' (every company the letter names would be a confident wrong answer). Sentences saying neither are
    another topic, and the whole document is gathered.

    A `modifier` (`技工` of 哪些技工院校) that the document says now and then narrows the list to the things named
    in a clause, or under a heading, that says it, or whose name does; when none is, the answer is a refusal that
    says the document names the kind but not which ones (every 院校 would be a confident wrong answer). One the
    document never says (`本科`) cannot be checked: the list is given under a line saying so. One said all through
    the document (`职业` in a letter on vocational education) names its topic, not a narrower kind."""
    use = modifier_use(doc, modifier)
    # Partners (`和哪些企业合作`, `合作企业`) are others: the document's own sender is none of them.
    sender = doc.structure.sender
    own = doc.text[sender.start : sender.end] if sender is not None and (relation or "合作" in noun) else ""

    aside = set_aside_marks(aligned_simplified(question))  # `不算职业院校的话`: no 郑州职业技术大学

    def keep(m: Mention) -> bool:
        if relation and relation not in doc.text[m.sentence.start : m.sentence.end]:
            return False
        if aside and any(mark in aligned_simplified(m.name) for mark in aside):
            return False
        if own and m.name == own:
            return False
        if of_another_kind(m, kinds, noun):  # `哪些大学`: no 学院
            return False
        return use != "narrows" or _says_modifier(doc, m, modifier)

    mentioned = named(doc, kinds)
    if earlier:
        inside = [m for m in mentioned if any(m.sentence.start < e.end and e.start < m.sentence.end for e in earlier)]
        if inside or (noun and any(noun in doc.plain_text[e.start : e.end] for e in earlier)):
            if not inside:
                said = doc.text[earlier[0].start : earlier[0].end].strip().rstrip("。；;，,")
                text = f"{where}没有找到具体是哪些{noun}：前一个问题说到的“{said}”没有列出。{CLOSEST}"
                return Answer(
                    question, in_script_of(text, doc.text), (), tuple(passages), abstained=True, scope="gather"
                )
            mentioned = inside
    # Kept before repeats are dropped: `宇通` among the 知名企业 counts though `宇通公司` came first elsewhere.
    found = distinct([m for m in mentioned if keep(m)])
    if not found:
        if use == "narrows" and mentioned:
            said = _said_as(doc, modifier + noun) or _said_as(doc, modifier)
            text = f"{where}提到了“{said}”，但没有找到具体是哪些{noun}。{CLOSEST}"
            return Answer(question, in_script_of(text, doc.text), (), tuple(passages), abstained=True)
        return None
    apart = set(kinds) <= {"document", "figure"}
    items = [Item(m.span) for m in found] if apart else _grouped(doc.text, found)
    what = modifier + noun if use == "narrows" else noun
    if relation:
        head = f"{where}提到{relation}的{what}有："
    elif use == "absent":
        head = f"{where}没有说哪些{noun}是“{modifier}”的；提到的{noun}有："
    else:
        head = f"{where}提到的{what}有：" if what else f"{where}提到："
    return _answer(question, doc, head, items, passages, "gather")


# A modifier said in at least this share of a document's sentences names what the whole document is about (`职业`
# in a letter on vocational education): it narrows nothing there.
TOPIC_SHARE = 0.25


ModifierUse = Literal["none", "absent", "topic", "narrows"]


def modifier_use(doc: Document, modifier: str) -> ModifierUse:
    """How a gathering's modifier can narrow it in `doc`: `none` (no modifier), `absent` (the document never says
    it), `topic` (said all through it) or `narrows`."""
    if not modifier:
        return "none"
    sentences = split_spans(doc.text, 0, len(doc.text))
    saying = sum(modifier in doc.plain_text[s.start : s.end] for s in sentences)
    if not saying:
        return "absent"
    return "topic" if saying >= TOPIC_SHARE * len(sentences) else "narrows"


def _says_modifier(doc: Document, mention: Mention, modifier: str) -> bool:
    """Whether the thing's own name, the clause naming it, or a heading it sits under says the modifier."""
    plain = doc.plain_text
    if modifier in plain[mention.span.start : mention.span.end]:
        return True
    clauses = split_clauses(doc.text, mention.sentence.start, mention.sentence.end)
    if any(c.start <= mention.span.start < c.end and modifier in plain[c.start : c.end] for c in clauses):
        return True
    return modifier in aligned_simplified(section_path(doc, mention.span.start))


def _said_as(doc: Document, words: str, start: int = 0) -> str:
    """`words` (simplified) as the document writes them where it first does from `start`, '' when it does not."""
    at = doc.plain_text.find(words, start)
    return doc.text[at : at + len(words)] if at >= 0 else ""


MENTIONS_SHOWN = 3  # sentences cited for a mention question; the answer says how many there are


def mentions(question: str, doc: Document, thing: str, passages: Sequence[Passage], where: str) -> Answer | None:
    """Whether the document names `thing` (simplified), answered by the first few clauses that do (`split_clauses`:
    cut at commas, colons and sentence ends, not at `、`, so a list stays whole), each cited without its closing
    punctuation; None when none does."""
    clauses = split_clauses(doc.text, 0, len(doc.text))
    found = [c for c in clauses if thing in doc.plain_text[c.start : c.end]]
    if not found:
        return None
    shown = [
        Span(c.start, c.start + len(doc.text[c.start : c.end].rstrip(_CLAUSE_STOPS))) for c in found[:MENTIONS_SHOWN]
    ]
    said = _said_as(doc, thing, found[0].start)
    more = (
        f"（共{len(found)}处，下面是前{chinese_numeral(len(shown)) or len(shown)}处）"
        if len(found) > len(shown)
        else ""
    )
    return _answer(question, doc, f"{where}提到了“{said}”{more}：", [Item(s) for s in shown], passages, "mention")


_CLAUSE_STOPS = "，,：:。！？；!?;"


_JOINS = re.compile(r"[、，,和及与以 ]{1,3}")


def _grouped(text: str, found: Sequence[Mention]) -> list[Item]:
    """Mentions only a `、` or `和` apart cited together, as the run of text from the first to the last of them."""
    items: list[Item] = []
    group: list[Mention] = []
    for m in [*found, None]:
        if m is not None and group and _JOINS.fullmatch(text[group[-1].span.end : m.span.start]):
            group.append(m)
            continue
        if group:
            items.append(Item(Span(group[0].span.start, group[-1].span.end)))
        group = [m] if m is not None else []
    return items


def _first_sentence(doc: Document) -> Span | None:
    start = doc.salutation_end
    spans = split_spans(doc.text, start, len(doc.text))
    return spans[0] if spans else None


def textrank(doc: Document, k: int, among: Sequence[Span] | None = None) -> list[Span]:
    """The `k` most central sentences (PageRank over shared character bigrams) of the document, or of the
    sentences `among`, in document order."""
    spans = [s for s in (among or split_spans(doc.text, 0, len(doc.text))) if s.end - s.start >= 8]
    if len(spans) <= k:
        return spans
    grams = [set(bigrams(doc.text[s.start : s.end])) for s in spans]
    n = len(spans)
    sim = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            shared = len(grams[i] & grams[j])
            if shared:
                sim[i, j] = sim[j, i] = shared / (np.log(1 + len(grams[i])) + np.log(1 + len(grams[j])))
    rows = sim.sum(axis=1, keepdims=True)
    walk = np.divide(sim, rows, out=np.full_like(sim, 1.0 / n), where=rows > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(50):
        rank = 0.15 / n + 0.85 * walk.T @ rank
    best = sorted(np.argsort(-rank)[:k])
    return [spans[i] for i in best]


def _answer(
    question: str, doc: Document, head: str, items: Sequence[Item], passages: Sequence[Passage], scope: str
) -> Answer:
    """The items as lines, each ending in its `[n]` marker, and the citations in the same order."""
    citations = []
    lines = [head] if head else []
    for n, item in enumerate(items, 1):
        text = doc.text[item.span.start : item.span.end]
        citations.append(
            Citation(
                doc.doc_id,
                item.span.start,
                item.span.end,
                text,
                section_path(doc, item.span.start) or "开头",
                doc.page_at(item.span.start),
            )
        )
        body = text.strip().rstrip("。；;，,：:")
        if item.prefix:
            lines.append(item.prefix)
        lines.append(f"{body}[{n}]")
    return Answer(question, "\n".join(lines), tuple(citations), tuple(passages), False, scope=scope)
