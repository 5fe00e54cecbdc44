"""Gathering: the things of one type a document names (companies, cities, schools, documents, figures…), each
found at a mention whose exact span can be cited.

Three signals, each generic: an enumeration (`宇通、郑州日产、富士康等知名企业`) whose trailing type phrase names
the type; a run of nouns ending in the type's suffix (`郑州财税金融职业学院`), or any name before a company's legal
suffix (`科大讯飞股份有限公司`); a pattern for the types that have one (`《…》` for documents, a number with its unit
for figures, `YYYY年M月` for dates). A name inside a cited title (`《中小学…办法》`) is no mention. Words are cut and tagged by
jieba's part-of-speech tags (`qa.answering.names.tag`, imported on the first gathering question, which keeps the
tags of the last texts it cut).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answering.names import offsets, tag
from qa.chunking import split_clauses, split_spans
from qa.types import Document, Span

# Per type: the words a trailing type phrase holds, and the suffixes that make a noun run one of them.
TYPE_PHRASE: dict[str, tuple[str, ...]] = {
    "company": ("企业", "公司", "集团", "酒店", "厂商", "品牌"),
    "city": ("城市", "地", "地区", "省市"),
    "school": ("大学", "学院", "学校", "院校", "高校", "研究院"),
    "department": ("部门", "局", "委", "办"),
    "major": ("专业", "专业群", "学科"),
    "activity": ("活动", "模式", "平台", "基地", "项目", "行动"),
    "person": ("同志", "委员", "领导"),
    "organisation": ("企业", "公司", "单位", "机构", "学校", "高校", "医院"),
    "venue": ("景区", "场所", "场馆", "景点", "公园"),
}
# 局 names an office (`教育局`), but not in the words where it means a layout or a situation (`布局`, `格局`, `大局`),
# nor 部 in a part or a side (`内部`, `全部`, `东部`).
_OFFICE = r"(?<![布格结当大全开饭赌时])局"
SUFFIXES: dict[str, re.Pattern[str]] = {
    "company": re.compile(r"(?:公司|集团|股份|有限)$"),
    "school": re.compile(r"(?:大学|学院|学校|职业大学|研究院|技校|中学|小学)$"),
    "city": re.compile(r"^[\u4e00-\u9fff]{2,4}(?:市|省)$"),
    "department": re.compile(rf"(?:{_OFFICE}|委员会|办公厅|办公室|(?<![内全局东西南北中干头外])部)$"),
    "organisation": re.compile(rf"(?:公司|集团|大学|学院|学校|中学|小学|医院|中心|研究院|研究所|委员会|{_OFFICE})$"),
    "venue": re.compile(r"(?:景区|公园|广场|场馆|体育馆|博物馆|纪念馆|古城|湿地|剧院|中心)$"),
}
# What a sentence needs to name a thing of a type by its words: a `、` of an enumeration, quoted names side by side, or
# a word the type's names end in (its suffix pattern without anchors or exceptions: it finds at least what the pattern
# finds in a run of the sentence's words). Only such sentences are tagged, the slow part of gathering: in 400 CMRC
# paragraphs (204,000 characters) they hold 28% of the text.
_PATTERN_EDGES = re.compile(r"\^|\$|\(\?<!\[[^\]]*\]\)")
_SUFFIX_CUES = {kind: re.compile(_PATTERN_EDGES.sub("", suffix.pattern)) for kind, suffix in SUFFIXES.items()}
# The words a type's names end in, each a narrower kind of it but the type's own word (`学校`): a 学院 is no 大学,
# though both are schools. Asked for one (`哪些大学`), a name ending in another is not of its kind: `郑州职业技术大学`
# and `哈工大` stay, `郑州旅游职业学院` and `郑州市国防科技学校` go; asked for 学校, every school stays.
NAME_ENDINGS: dict[str, tuple[str, ...]] = {"school": ("大学", "学院", "学校", "研究院", "中学", "小学", "技校")}
TYPE_WORDS = frozenset({"学校", "院校", "高校"})
NOT_OF: dict[str, tuple[str, ...]] = {"城市": ("省",), "地市": ("省",)}  # a province is a place, but no city
PROPER = {"nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng"}
PROPAGATES = {"company", "organisation"}  # the types whose bare proper nouns join a typed list in the same sentence
_NOUNISH = re.compile(r"^(?:n|nr|nrt|nrfg|ns|nt|nz|j|eng|vn|an|l|b)")
_NUMBERED_TYPE = re.compile(r"^[一二三四五六七八九十两\d]+[个所家位项地类种座批]")
_SEPARATOR = {"、"}
_LAST_JOIN = {"和", "及", "与", "以及"}
GENERIC = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,3}[市省])?(?:全市|知名|重点|龙头|相关|有关|各类?|多家|部分|骨干|主要|其他|优质|行业|本地|"
    r"中职|高职|职业|技工|本科|中等职业|高等)*(?:企业|公司|学校|院校|高校|大学|学院|部门|单位)$"
)

# A registered company's name, read back from its legal suffix to the word before it (`与科大讯飞股份有限公司合作`):
# the suffix names a company however jieba cuts the name in front of it (`科大/讯/飞`).
_BOUNDARY = "与和及同跟由向在为对把被将的了是"
_COMPANY_NAME = re.compile(
    rf"(?<![^\W\d_{_BOUNDARY}])[^\W\d_{_BOUNDARY}]{{2,12}}?(?:股份有限公司|有限责任公司|有限公司|股份公司)"
)
_LEGAL_NAME_KINDS = ("company", "organisation")
_DOCUMENT = re.compile(r"《[^《》\n]{2,60}》")
_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:多|余)?(?:个|所|家|项|名|人|条|批|类|种|位|届|亿元|万元|元|亿|万|%|％)")
_DATE = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?")


@dataclass(frozen=True)
class Mention:
    """One thing of the asked type, where it is named first, and the sentence that names it."""

    name: str
    span: Span
    sentence: Span
    typed_as: str = ""  # the type phrase of the list naming it (`工匠学院` of `比亚迪、丹尼斯工匠学院`), '' when none


def gather(doc: Document, kinds: str | tuple[str, ...]) -> list[Mention]:
    """Every distinct thing of the kind(s) the document names, in the order it first names them."""
    return distinct(named(doc, kinds))


_NAMES_KEPT: dict[tuple[str, str], tuple[str, ...]] = {}
NAMES_KEPT = 256  # documents × kinds whose names are kept, then all forgotten at once


def names_of(doc: Document, kind: str) -> tuple[str, ...]:
    """The distinct names of a kind the document names (`gather`), kept per document text: the answer's checks read
    them after every question, and gathering tags the whole document (about 3 ms for the letter)."""
    key = (doc.sha256, kind)
    known = _NAMES_KEPT.get(key)
    if known is None:
        if len(_NAMES_KEPT) >= NAMES_KEPT:
            _NAMES_KEPT.clear()
        known = _NAMES_KEPT[key] = tuple(m.name for m in gather(doc, kind))
    return known


def named(doc: Document, kinds: str | tuple[str, ...]) -> list[Mention]:
    """Every mention of a thing of the kind(s), in the document's order, repeats included."""
    found: list[Mention] = []
    for kind in (kinds,) if isinstance(kinds, str) else kinds:
        if kind == "document":
            found += _pattern_mentions(doc, _DOCUMENT)
        elif kind == "figure":
            found += _figure_mentions(doc)
        elif kind == "date":
            found += _pattern_mentions(doc, _DATE)
        else:
            found += _word_mentions(doc, kind)
    return sorted(found, key=lambda m: m.span.start)


def of_another_kind(mention: Mention, kinds: tuple[str, ...], noun: str) -> bool:
    """Whether a mention's name, or the type of the list naming it, ends in a word naming another kind than `noun`
    asks for (`…职业学院`, or `比亚迪` of `比亚迪、丹尼斯工匠学院`, when 大学 is asked); False for a name ending in none
    of them, or in a list whose type says `noun` (`哈工大` of `…等六所大学郑州研究院`), and whenever `noun` names no
    narrower kind itself (`学校`). A name ending as `NOT_OF` says `noun`'s things never do (`河南省` of 城市) is another
    kind too."""
    said = (mention.name, mention.typed_as)
    if mention.name.endswith(NOT_OF.get(noun, ())):  # `河南省` when 城市 is asked
        return True
    if noun in TYPE_WORDS or mention.name.endswith(noun) or noun in mention.typed_as:  # `六所大学郑州研究院`
        return False
    endings = [NAME_ENDINGS[kind] for kind in kinds if noun in NAME_ENDINGS.get(kind, ())]
    return any(s.endswith(ending) for ending in endings for s in said if s)


def distinct(mentions: list[Mention]) -> list[Mention]:
    """The first of the mentions of each thing; a name inside one already kept is that thing."""
    seen: set[str] = set()
    out = []
    for m in mentions:
        if m.name in seen or any(m.name in s and m.name != s for s in seen):
            continue
        seen.add(m.name)
        out.append(m)
    return out


def _is_place(doc: Document, word: str) -> bool:
    """A place name (`郑州` where the document says 郑州市) is not a company, whatever sentence it is in."""
    return word.endswith(("市", "省", "区", "县")) or any(word + suffix in doc.text for suffix in ("市", "省"))


def _sentences(doc: Document) -> list[Span]:
    return split_spans(doc.text, 0, len(doc.text))


def _pattern_mentions(doc: Document, pattern: re.Pattern[str]) -> list[Mention]:
    out = []
    for sentence in _sentences(doc):
        for m in pattern.finditer(doc.text, sentence.start, sentence.end):
            out.append(Mention(m.group(0), Span(m.start(), m.end()), sentence))
    return out


def _figure_mentions(doc: Document) -> list[Mention]:
    """Each clause that states a counted figure (`市级重点建设专业30个`), named by the clause itself."""
    out = []
    for sentence in _sentences(doc):
        for clause in split_clauses(doc.text, sentence.start, sentence.end):
            text = doc.text[clause.start : clause.end]
            if _FIGURE.search(text) and not _DATE.fullmatch(text.strip("，,。；;")):
                body = text.rstrip("，,。；;：:")
                out.append(Mention(body, Span(clause.start, clause.start + len(body)), sentence))
    return out


_QUOTED_RUN = re.compile(r"(?:“[^“”\n]{2,16}”[、和及与]?){2,}")
_QUOTED = re.compile(r"“([^“”\n]{2,16})”")


def _word_mentions(doc: Document, kind: str) -> list[Mention]:
    phrase_words = TYPE_PHRASE.get(kind, ())
    suffix = SUFFIXES.get(kind)
    out: list[Mention] = []
    for sentence in _sentences(doc):
        may = _may_name(doc.text[sentence.start : sentence.end], kind)
        words = _tagged(doc.text, sentence.start, sentence.end) if may else []
        typed = len(out)
        for items, type_phrase in _enumerations(words):
            if any(w in type_phrase for w in phrase_words):
                out.extend(Mention(doc.text[s:e], Span(s, e), sentence, type_phrase) for s, e in items)
        # Quoted names side by side (`“大国工匠进校园”“杰出校友回母校”系列活动`), typed by what follows them.
        for run in _QUOTED_RUN.finditer(doc.text, sentence.start, sentence.end):
            after = doc.text[run.end() : min(sentence.end, run.end() + 8)]
            if any(w in re.split(r"[，,。；;：:]", after)[0] for w in phrase_words):
                out.extend(
                    Mention(q.group(1), Span(q.start(1), q.end(1)), sentence)
                    for q in _QUOTED.finditer(doc.text, run.start(), run.end())
                )
        # A sentence that names things of the type in a typed list names more of them bare (`打造比亚迪、丹尼斯
        # 工匠学院等样板模式` beside `与宇通、郑州日产…等知名企业`): its other proper nouns join them.
        if kind in PROPAGATES and len(out) > typed:
            named = [m.span for m in out[typed:]]
            for s, e, w, f in words:
                if (
                    f in PROPER
                    and len(w) >= 2
                    and not _is_place(doc, w)
                    and not any(sp.start <= s < sp.end for sp in named)
                ):
                    out.append(Mention(w, Span(s, e), sentence))
        if kind in _LEGAL_NAME_KINDS:
            for m in _COMPANY_NAME.finditer(doc.text, sentence.start, sentence.end):
                out.append(Mention(m.group(0), Span(m.start(), m.end()), sentence))
        if suffix is not None:
            for s, e in _suffixed_runs(words, suffix):
                out.append(Mention(doc.text[s:e], Span(s, e), sentence))
            # Items of one list share a type: `青河古城景区、白鹭湖湿地公园和市文化广场` are all venues once half of them
            # are; one (`加工中心` of `数控车床、加工中心和工业机器人操作课程`) is a word that happens to end so. A generic
            # item (`高等学校` in `职业院校、高等学校、重点企业、科研机构`) makes it a list of kinds, not names.
            for items, _ in _enumerations(words):
                ends = [
                    ending.group()
                    for a, b in items
                    if (ending := suffix.search(doc.text[a:b])) and not GENERIC.match(doc.text[a:b])
                ]
                if 2 * len(ends) >= len(items):  # typed as the list's own names end (`学院` of 丹尼斯工匠学院)
                    out.extend(Mention(doc.text[a:b], Span(a, b), sentence, ends[0]) for a, b in items)
    # A name inside a cited title (`中小学` of 《中小学幼儿园安全管理办法》) is part of the title, not a mention.
    titles = [(t.start(), t.end()) for t in _DOCUMENT.finditer(doc.text)]
    return [
        m
        for m in out
        if 2 <= len(m.name) <= 20 and not GENERIC.match(m.name) and not any(a <= m.span.start < b for a, b in titles)
    ]


def _may_name(sentence: str, kind: str) -> bool:
    """Whether `sentence` has a cue that its words may name a thing of `kind` (`_SUFFIX_CUES`)."""
    cue = _SUFFIX_CUES.get(kind)
    return "、" in sentence or bool(_QUOTED_RUN.search(sentence)) or (cue is not None and bool(cue.search(sentence)))


Word = tuple[int, int, str, str]  # start, end, text, part-of-speech tag


def _tagged(text: str, start: int, end: int) -> list[Word]:
    return [(start + s, start + e, w, f) for s, e, w, f in _tag(text[start:end])]


def _tag(sentence: str) -> tuple[tuple[int, int, str, str], ...]:
    words = tag(sentence)
    starts = offsets(words)
    return tuple((starts[i], starts[i + 1], word, flag) for i, (word, flag) in enumerate(words))


def _is_item_word(word: Word) -> bool:
    return bool(_NOUNISH.match(word[3])) and not _NUMBERED_TYPE.match(word[2]) and word[2] not in _LAST_JOIN


def _enumerations(words: list[Word]) -> list[tuple[list[tuple[int, int]], str]]:
    """Runs `A、B、C和D等…`: the items' spans and the type phrase after them (`知名企业`, `三地`).

    Items after a `、` run to the next `、`, `等` or punctuation; the first one is the noun run before the
    first `、`, and holds a `与` only when the second does too (`人工智能技术与应用、大数据技术与应用`).
    """
    out: list[tuple[list[tuple[int, int]], str]] = []
    i = 0
    n = len(words)
    while i < n:
        if words[i][2] not in _SEPARATOR:
            i += 1
            continue
        second = _run_forward(words, i + 1)
        if second is None:
            i += 1
            continue
        joins = {w[2] for w in words[i + 1 : second[1]] if w[2] in _LAST_JOIN}
        first = _run_back(words, i - 1, joins)
        if first is None:
            i += 1
            continue
        items = [first, second[0]]
        j = second[1]
        while j < n and words[j][2] in _SEPARATOR:
            nxt = _run_forward(words, j + 1)
            if nxt is None:
                break
            items.append(nxt[0])
            j = nxt[1]
        # Split the last item at its `和` unless every item before it holds that word too (`技术与应用、大数据技术与应用`).
        held = {
            join
            for join in joins
            if all(any(w[2] == join for w in words if a <= w[0] and w[1] <= b) for a, b in items[:-1])
        }
        items[-1:] = _split_last(words, items[-1], held)
        phrase = ""
        typed = j < n and (words[j][2] == "等" or bool(_NUMBERED_TYPE.match(words[j][2])))
        if j < n and words[j][2] == "等":
            j += 1
        while typed and j < n and (_NOUNISH.match(words[j][3]) or words[j][3] in ("m", "a", "q", "mq", "uj")):
            phrase += words[j][2]
            j += 1
            if len(phrase) > 12:
                break
        out.append((items, phrase))
        i = max(j, i + 1)
    return out


_PUNCT = re.compile(r"^[，,。；;：:、！？!?（）()“”\"《》<>\s]$")
MAX_ITEM = 16


def _run_back(words: list[Word], k: int, joins: set[str]) -> tuple[int, int] | None:
    end = k
    if k < 0 or _PUNCT.match(words[k][2]) or words[k][2] == "等":
        return None
    k -= 1  # the word touching the `、` belongs to the item whatever its tag (`技术与应用`: 应用 is tagged a verb)
    while k >= 0 and (_is_item_word(words[k]) or (words[k][2] in joins and k > 0 and _is_item_word(words[k - 1]))):
        k -= 1
    if k == end or words[end][2] in joins:
        return None
    return words[k + 1][0], words[end][1]


def _run_forward(words: list[Word], k: int) -> tuple[tuple[int, int], int] | None:
    start = k
    item = k  # where the item being read starts: a `和` opens another one (`河南职业技术学院和郑州铁路职业技术学院`)
    while (
        k < len(words)
        and not _PUNCT.match(words[k][2])
        and words[k][2] != "等"
        and not _NUMBERED_TYPE.match(words[k][2])
        and words[k][3] != "r"  # `各`, `其`, `均`: what the sentence says of the list begins
        and words[k][1] - words[item][0] <= MAX_ITEM
    ):
        if words[k][2] in _LAST_JOIN:
            item = k + 1
        k += 1
    stop = k
    # The last item ends before a verb that ends the list (`清华大学、北京大学录取。`), not one inside a name
    # (`大数据技术与应用、`), told apart by what follows the verb; nor does it take a preposition or an adverb that
    # opens what the sentence says of the list (`郑州嵩山职业大学在《…》中被列入`).
    if k >= len(words) or (words[k][2] not in _SEPARATOR and words[k][2] != "等"):
        while k > start + 1 and words[k - 1][3] in ("v", "vd", "vi", "p", "d", "c"):
            k -= 1
    if k == start:
        return None
    return (words[start][0], words[k - 1][1]), stop


def _split_last(words: list[Word], item: tuple[int, int], joins: set[str]) -> list[tuple[int, int]]:
    """The last item split at its `和`/`及` (`香港理工和香港大学`), unless it is one of `joins` (every item holds it)."""
    inside = [w for w in words if item[0] <= w[0] and w[1] <= item[1]]
    for w in reversed(inside):
        if w[2] in _LAST_JOIN and w[2] not in joins and item[0] < w[0] and w[1] < item[1]:
            return [(item[0], w[0]), (w[1], item[1])]
    return [item]


def _suffixed_runs(words: list[Word], suffix: re.Pattern[str]) -> list[tuple[int, int]]:
    """Names: runs of noun-like words opening with a proper noun and ending, at a word boundary, in the type's
    suffix (`华中数控股份有限公司` out of `华中数控股份有限公司合作`), generic ones (`知名企业`) left out."""
    out = []
    i = 0
    while i < len(words):
        if not _is_item_word(words[i]):
            i += 1
            continue
        j = i
        while j < len(words) and _is_item_word(words[j]):
            j += 1
        if words[i][3] in PROPER:
            ends = [k for k in range(i, j) if suffix.search(_joined(words, i, k))]
            if ends and not GENERIC.match(_joined(words, i, ends[-1])):
                out.append((words[i][0], words[ends[-1]][1]))
        i = j
    return out


def _joined(words: list[Word], i: int, k: int) -> str:
    return "".join(w[2] for w in words[i : k + 1])
