"""Follow-ups: rewrite an elliptical question (`市级的呢？`) into a full one using the earlier questions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from qa.answering.attributes import ANSWER_NOUNS, COUNT_NOUNS
from qa.answering.kinds import LEVEL, QUOTE_MARKS, YEAR, school_kind_nouns, school_kind_words, school_kinds
from qa.answering.names import asked_names, common_nouns, name_group, offsets, tag
from qa.answering.query import FILLER, checked_nouns, pleasantry, without_filler
from qa.answering.scope import RELATION_WORDS, SCOPE_WORDS, question_scope
from qa.script import aligned_simplified

WHOLE_DOCUMENT = ("summary", "outline")  # scopes that ask about the whole document, not a topic in it

# `那些…`, `那趟…` are pronouns
_LEAD = re.compile(r"^(?:那么|那(?![些个种趟次回])|还有|另外|再问一下|再问|请问|其中|而)[，,]?")
_LEAD_POINTS = re.compile(r"^(?:其中|那一|那年)")  # leads that point back whatever follows: among them, that year
# A lead asking the earlier question again of what follows (`同样的数字，技工院校是多少？`, `一样的问题，高职呢？`): the rest
# is the fragment, and it leans back however long.
_SAME_LEAD = re.compile(r"^(?:那么?|还是)?[，,]?(?:同样|一样|相同)的?[\u4e00-\u9fff]{0,4}[，,]")
# A question opening by swapping a part in (`换作技工院校，过关的有几所`, `要是换成高职院校…`, `放到技工学校身上呢`) says the
# rest is the earlier question's, however much of it it repeats; the part is the words after the swap, up to a break,
# 的, or the side it is said of (`身上`, `那边`).
_SWAP_LEAD = re.compile(r"^(?:那么?|那|如果|要是|假如)?[，,]?(?:换成|换到|换作|换做|改成|改问|放到|放在|轮到|搁到)")
_SWAPPED_PART = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,12}?(?=[，,。？?！!\s]|的|呢|身上|那边|这边|$)")
# … and one setting a thing against the earlier question's (`河大那边对应的又是哪一个`, `技校那边能选的有多少`): `那边`
# after its opening words says "on that side".
_CONTRASTED = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:那边|这边|那头|那块)")
# … and one opening with a noun that is something's (`目的地是哪几座城`, `领队是什么身份`) and names no owner: the
# earlier question's trip, event or body is whose.
_OWNERLESS = re.compile(
    r"^(目的地|领队|带队的?人?|负责人|牵头人|牵头单位|参与者|成员|对象|地点|费用|规模|主题|结果|效果|进展|进度|现状)"
    r"(?:是|有|在|为|都|一共|共|到|如何|怎么样|怎样)"
)
# … and one comparing how much with one side named (`跟省级高水平那批比，哪个多？`): the other side is what the earlier
# question asked about.
_ONE_SIDE = re.compile(
    r"^(?:跟|和|与|同|比起|较之)[^，,。？?！!；;]{1,14}?(?:相比|比较|比起来|比)[，,]?(?:哪|谁|多|少|高|低|大|小)"
)
_ASKS_WHETHER = re.compile(r"吗[？?！!。.\s]*$")
_TAIL = re.compile(r"(?:的呢|呢|吗|的情况|怎么样|如何)?[？?！!。.\s]*$")
_POINTING = (
    r"它们?|他们|她们|这些|那些|其中|里面|上述|这个|这种|那个|这里|那里|"
    r"双方|两者|二者|对方|此事|这件事|这项|这所|这家|那所|那家|"
    # an event said before (`那趟行程落脚了哪几座城` after a question on a trip)
    r"这次|那次|这趟|那趟|这回|那回|此次|此行|"
    # a thing's counterpart of what was asked (`技工院校的对应数字`, `高职的相应情况`)
    r"的(?:对应|相应)"
)
_COUNTED = r"[这那]几[个所家位项种类条]"  # these few (`这几所学校`), not these years (`这几年`)
_EACH = r"每所|每家|各自"  # each of the things the earlier question named (`每所学校各进了几个？`)
_PRONOUN = re.compile(f"{_POINTING}|{_COUNTED}|{_EACH}")
# Words that point back only where they open the question: `别的` inside `界别的`, `除了` in a question that names
# what it excepts (`除了汽车和电子商务还有哪些行业`) do not; `具体是…` asks for the particulars of what was just said, and
# `两家…` (`两家合办的学院叫啥`) speaks of the two the earlier question did.
_OPENING_PRONOUN = re.compile(r"^(?:都是|别的|其他|其余|除了|其|该|具体(?:是|有|叫)|[这那]?[两俩][家所个位方])")
# A pronoun deep in a long question refers inside it (`让学校和企业都当主体，这种做法叫什么`): past this many
# content characters only an opening pronoun leans back.
PRONOUN_REACH = 12
_CJK = re.compile(r"[\u4e00-\u9fff]")
SHORT = 6  # content characters left once question words are removed
MAX_SWAP = 6  # only short fragments (`市级的呢`) stand in for a part of the earlier question
_CONTENT_WORD = re.compile(r"[\u4e00-\u9fff]{2}|[A-Za-z]{2,}")  # a word naming something: `学院`, `GDP`
_NOUNS_THEN_ASK = re.compile(
    r"^(?P<part>[\u4e00-\u9fff0-9]{2,6}?)(?P<ask>(?:有|是|共有|一共有|总共有|还有)?(?:多少|几|哪|什么|谁).*)$"
)  # `高职院校有几所`
_PART_TAGS = ("n", "b", "j", "vn")  # the words a part without 的 is made of: nouns and attributives
_PART_THEN_ASK = re.compile(r"^(?P<part>[\u4e00-\u9fff0-9]{2,6}?)的(?P<ask>.+)$")  # `省级的有几家`
# … and one said as what things relate to (`跟酒店有关的有哪些`): the thing is the part, not the relation.
_RELATED = re.compile(r"(?:跟|和|与|同)?(?P<thing>[\u4e00-\u9fff0-9]{2,6}?)(?:有关|相关|有关系|沾边|方面)")


@dataclass(frozen=True)
class Resolved:
    """The question to answer, and the part of it the person actually typed last (its focus)."""

    text: str
    focus: str = ""  # what a follow-up merged with the earlier question said itself ('' when it swapped a part)
    previous: str = ""  # the earlier question it was resolved against
    swapped_in: str = ""  # the part that took its counterpart's place in the earlier question (`市级` for `省级`)
    # What a follow-up of a part and question words only asks about when the earlier question has no counterpart to
    # swap it for (`省级` of 那省级的有几家 after 航空物流方面有没有公共实训基地): its answer must say it, as a swap's must.
    added: str = ""
    # Whether the question's own words point back (`…呢`, a pronoun, a leading `那`), not only its want of a subject
    # (`谁负责安全？`, which may as well be a new question): a merge it did not ask for is worth a second reading.
    pointed: bool = False


def resolve(question: str, history: Sequence[str] = (), holds: Callable[[str], bool] | None = None) -> Resolved:
    """Resolve `question` against earlier questions of the same conversation (oldest first).

    With `holds` (whether some document holds a word), a follow-up that would be merged with the earlier question
    but whose own nouns and names, those the earlier question does not say, are all ones no document holds is
    taken alone (`郑州明天的天气怎么样？`: the letter never says 天气). It asks about something else; merged, it is
    answered from the earlier question's words."""
    context = ""
    for earlier in history:
        # `谢谢` asked nothing: the question after it leans on the one before it, if on any.
        if not isinstance(earlier, str) or not earlier.strip() or pleasantry(earlier) is not None:
            continue
        # A question about the whole document (`这是什么文件？`, `分为几个部分？`) names no topic: the next one leans on
        # nothing, or `一共培训多少人？` would be refused for the earlier question's `文件`.
        whole = question_scope(aligned_simplified(earlier)) in WHOLE_DOCUMENT
        context = "" if whole else _resolve_one(earlier.strip(), context).text
    resolved = _resolve_one(_absolute_years(_own_relative_years(question.strip()), context), context)
    # … unless a word of it points at what was asked before (`那一趟的行程覆盖了哪几座城？` after the trip's question, `这种…`,
    # `它…`): its other words then say in its own way what it asks of that, not another topic.
    points = bool(_PRONOUN.search(fragment_of(question)) or _LEAD_POINTS.match(question.strip()))
    if holds is not None and resolved.focus and not points and _adds_only_unknown(resolved.focus, context, holds):
        return Resolved(question.strip())
    return resolved


# Years said relative to the one the earlier question names (`前一年` after a question on 2024 asks about 2023)
_RELATIVE_YEARS = {
    "前一年": -1,
    "上一年": -1,
    "去年": -1,
    "前年": -2,
    "后一年": 1,
    "下一年": 1,
    "次年": 1,
    "第二年": 1,
    "同一年": 0,
    "同年": 0,
    "当年": 0,
}
# … and the words pointing at it (`那一年…` asks about 2024 what it says itself, not the earlier question's `新增备案`)
POINTED_YEARS = ("那一年", "这一年", "那年")
_RELATIVE_YEARS |= dict.fromkeys(POINTED_YEARS, 0)
_RELATIVE_YEAR = re.compile("|".join(sorted(_RELATIVE_YEARS, key=len, reverse=True)))
_A_YEAR = re.compile(rf"(?<!\d)({YEAR})年")


def _absolute_years(question: str, context: str) -> str:
    """`question` with a year said relative to the earlier question's (`前一年`) written as the year it is (`2023年`),
    when the earlier question (as resolved, `context`) names exactly one year; else as it is."""
    years = set(_A_YEAR.findall(context))
    if len(years) != 1:
        return question
    year = int(years.pop())
    return _RELATIVE_YEAR.sub(lambda m: f"{year + _RELATIVE_YEARS[m.group()]}年", question)


def _own_relative_years(question: str) -> str:
    """`question` with a year said relative to one it names before it (`163个是2024年的数，那前一年…` → `…那2023年…`)
    written as the year it is, when it names exactly one year before; else as it is."""
    first = _RELATIVE_YEAR.search(question)
    if first is None:
        return question
    return question[: first.start()] + _absolute_years(question[first.start() :], question[: first.start()])


def _adds_only_unknown(focus: str, earlier: str, holds: Callable[[str], bool]) -> bool:
    # Not the kind a wh-word asks for (`原因` of 是什么原因造成的): the answer names one, not the word; nor a word that
    # names the scope (`方面` of 除了酒店方面的，还有别的订单班吗, `情况`): it says how much is asked, not about what; nor
    # one saying what kind of answer is asked (`全称` of 这几所学校的全称是什么, `原因`: `attributes.ANSWER_NOUNS`), which a
    # sentence answers without the noun.
    names = asked_names(focus)
    # a wh-word jieba cuts with the noun after it (`哪些地方`) asks for that noun (`地方`)
    words = [_WH_OPENING.sub("", w) for w in (*checked_nouns(focus), *_verbal_nouns(focus))]
    words += [name for _, _, name, _ in names]
    # A bare part swapped in (`那开封呢`) is what is asked about, whatever jieba tags the one word it is (`开封` v); not
    # a place in a list (`第二条`), a pronoun or a locative.
    bare = tag(without_filler(focus).strip())
    if not words and len(bare) == 1 and _BARE_PART.fullmatch(bare[0][0]) and not bare[0][1].startswith(_NO_THING_TAGS):
        words = [bare[0][0]]
    # Nor the ownerless noun it opens with (`目的地` of 目的地是哪几座城): whose it is, the earlier question says.
    ownerless = _OWNERLESS.match(fragment_of(focus))
    opener = ownerless.group(1) if ownerless else ""
    # Nor a count said as a noun (`数量` of 那省级层面的数量呢): how much is asked, not of what.
    said_how = ANSWER_NOUNS | COUNT_NOUNS
    new = [w for w in words if w not in earlier and not SCOPE_WORDS.fullmatch(w) and w not in said_how and w != opener]
    places = {name for _, _, name, kind in names if kind == "place"}
    things = [w for w in new if _names_the_topic(w, places)]
    return bool(things) and not any(holds(w) for w in things)


_WH_OPENING = re.compile(r"^(?:哪些|哪几|哪个|哪|什么|啥)")


def _names_the_topic(word: str, places: set[str]) -> bool:
    """Whether a follow-up's new word says what it asks about: not a place, which says where (`郑州` of 郑州明天天气怎么样:
    the weather is what it asks about), nor a kind of school, which a swap aligns with the earlier question's whatever
    the documents call it (`技工学校` for their 技工院校) and the answer's checks hold to what they say of it."""
    return word not in places and not school_kinds(word)


_BARE_PART = re.compile(r"[\u4e00-\u9fff]{2,4}")
_NO_THING_TAGS = ("m", "q", "r", "f")


def _verbal_nouns(question: str) -> list[str]:
    """Its nouns jieba tags as verbal (`经费`, `优惠`, `招生`), as it says them: they name a topic as much as a noun."""
    return [question[s:e] for s, e, _ in common_nouns(aligned_simplified(question), flag="vn")]


# A question opening with a verb, an adverb or a question word has no subject of its own: `去了哪些城市？`,
# `是谁带队去的？`, `一共有多少家？` lean on the earlier question's subject.
_NO_SUBJECT = re.compile(
    r"^(?:是|去|到|在|有|由|被|从|给|对|跟|又|还|也|都|共|一共|总共|主要|分别|各|具体|为什么|为何|怎么|如何|"
    r"能|可以|要|将|会|已经|曾|另外|此外|以及|什么|哪|谁|几|多少)"
)
_ASKS = re.compile(r"什么|哪|谁|几|多少|多[高大长重远深宽久厚]|怎|如何|何|为什么|是否|有没有|是不是|吗|呢|么")


def is_elliptical(question: str, rule: str = "subject", earlier: str = "") -> bool:
    """Whether a question leans on what was asked before: `…呢` or a pronoun say so, and a leading `那…` before a
    short question (`那省级的有几个？`); so does a question with no subject of its own (`去了哪些城市？`, one opening
    with a verb: `合作成立了什么？`), or one that asks nothing (`市级的？`).

    A question with its own subject and predicate stands alone however short (`学校的游泳池有多大？`) and whatever
    it opens with (`那郑州旅游职业学院开了哪些订单班？`): merged with an unrelated earlier question it would be
    answered from that question's sentence. `rule="length"` (every short question leans back) and `rule="lead"`
    (so does every question opening with `那`) are the rules this refined, kept for the ablation in
    `bench/followup_ablation.py`.

    With `earlier` (the question before), a determiner leans back only on what that question said: `那些技校`
    after a question on 示范性专业点 names the letter's 技校, not the earlier question's (`rule="subject"` only).
    """
    fragment = fragment_of(question)
    if not fragment:
        return True
    if _leans_back(question, fragment, lead_reaches=rule != "subject", earlier=earlier if rule == "subject" else ""):
        return True
    if rule == "subject" and _place_in_earlier_list(fragment, earlier):
        return True
    if not _CJK.search(fragment):
        return False  # an English (or digits-only) question is taken as it stands
    short = _content_chars(fragment) <= SHORT
    if rule == "length":
        return short
    # Short and without a subject of its own, or asking nothing: `去了哪些城市？`, `市级的？`. A long question is
    # taken as it stands whatever it opens with (`哪六所大学的郑州研究院签定了合作协议？`), and a short one with its
    # own subject too (`学校的游泳池有多大？`).
    if rule == "subject" and _asks_how_of_its_own(fragment):
        return False
    return short and (
        not _ASKS.search(fragment)
        or bool(_NO_SUBJECT.match(fragment))
        or (rule == "subject" and _opens_with_verb(fragment))
        or _only_part_asked(fragment)
        or (rule == "subject" and _done_with_whom_said_before(fragment, earlier))
    )


_PLACES = "个所家位项条座种类份篇部批"  # what a list's items are counted in (`第三份` of 哪几份…文件)
_ORDINAL = re.compile(rf"第[一二三四五六七八九十两\d]{{1,3}}[{_PLACES}]")
_SEVERAL = re.compile(rf"哪些|哪几|几[{_PLACES}]|多少[{_PLACES}]")


def _place_in_earlier_list(fragment: str, earlier: str) -> bool:
    """Whether the fragment asks for one place in a list (`排在第二个的是哪座城市？`) after a question asking for several
    (`考察组去了哪几个城市？`, `一共去了几个城市？`): the list is the earlier answer's."""
    return bool(earlier and _ORDINAL.search(fragment) and _SEVERAL.search(aligned_simplified(earlier)))


def _done_with_whom_said_before(fragment: str, earlier: str) -> bool:
    """Whether the fragment opens with a verb and 的 (`合作的都是哪些企业`, `入选的具体是哪几个专业群`), and the earlier
    question says that verb or the last noun the fragment asks for (`…跟企业一起建了多少个产业学院？`): the things asked
    for are those that did it with someone the question does not say, and the earlier question does. After a question
    saying neither (`考察组去了哪些城市？`), `合作的企业有哪些` asks the documents; so does one whose verb is no doing with
    someone, after a question saying only its noun (`砍掉的老专业有几个` after `24年新备案的专业数？`)."""
    words = tag(aligned_simplified(fragment))
    if not earlier or len(words) < 2 or words[0][1] not in ("v", "vn") or len(words[0][0]) < 2 or words[1][0] != "的":
        return False
    nouns = [word for word, flag in words[2:] if flag.startswith(_OBJECT_TAGS) and len(word) >= 2]
    said = aligned_simplified(earlier)
    # … the noun only for a doing with someone (`合作的企业有哪些`): one with none (`砍掉的老专业有几个` after a question
    # on 新备案的专业) names its own things; and a doing with someone after one the earlier question says in another
    # word (`合作的企业分别是谁` after `…共建了几个产业学院？`)
    if words[0][0] in said:
        return True
    with_someone = re.search(RELATION_WORDS, words[0][0]) is not None
    return with_someone and (bool(nouns and nouns[-1] in said) or re.search(RELATION_WORDS, said) is not None)


def _opens_with_verb(fragment: str) -> bool:
    """Whether the fragment opens with a verb of two characters or more (`合作成立了什么`, `采取的是什么样的模式`): who
    did it is the earlier question's subject. Not one naming what was done to as its subject (`撤掉的老专业有几个`)."""
    words = tag(aligned_simplified(fragment))
    if not words or len(words[0][0]) < 2:
        return False
    # A verb and 的 before a noun name things of the question's own (`撤掉的老专业有几个`), not before `是` or an adverb
    # (`参加的都是哪些单位的人`: those who took part in the earlier question's trip); a word jieba tags a verb before a
    # locative is a noun (`通知里提到了哪些A级景区`)
    if len(words) > 2 and words[1][0] == "的" and words[2][0] != "是" and words[2][1] != "d":
        return False
    if len(words) > 1 and words[1][1] == "f":
        return False
    # a verbal noun opens a noun phrase (`招生计划是多少`) unless a verb follows it (`合作成立了什么`)
    return words[0][1] == "v" or (words[0][1] == "vn" and len(words) > 1 and words[1][1] == "v")


# How or why something is done, asked of a thing the question names itself (`如何加强专业建设？`, `为什么要调整专业
# 结构？`): the document's author is its subject, not the earlier question's. With no noun of its own after its verb
# (`如何保障？`, `怎么去的？`, `怎么收费？`, where jieba tags 收费 a noun) it asks about the earlier question's.
_HOW = re.compile(r"^(?:如何|怎样|怎么样?|为什么|为何)")
_OBJECT_TAGS = ("n", "vn", "j", "nz", "nt", "ns")


def _asks_how_of_its_own(fragment: str) -> bool:
    """Whether the fragment asks how or why (`如何…`) of a noun it says itself, after the word that says what is done."""
    m = _HOW.match(fragment)
    rest = tag(aligned_simplified(fragment[m.end() :])) if m else ()
    return any(len(word) >= 2 and flag.startswith(_OBJECT_TAGS) for word, flag in rest[1:])


def _only_part_asked(fragment: str) -> bool:
    """`省级的有几家`: a part, 的, and question words only; the 的 stands for a noun the earlier question said."""
    return bool(_asked_part(fragment, nouns=False))


def _asked_part(fragment: str, nouns: bool = True) -> str:
    """What a fragment of a part and question words only asks about: the words before its 的 (`省级` of 省级的有几家),
    or with `nouns` its nouns before the question (`高职院校` of 高职院校有几所); '' for any other fragment (`他们合作建的
    学院叫什么名字`, whose rest names what it asks: `学院`)."""
    part = _PART_THEN_ASK.match(fragment) or (_nouns_then_ask(fragment) if nouns else None)
    if part is None:
        return ""
    # A count said as a noun asks as a question word does (`省级层面的数量` of 那省级层面的数量呢), and the part's
    # counterpart is no content of its own (`对应` of 技工院校的对应数字是多少).
    ask = _COUNTERPART.sub("", part["ask"])
    said_count = _COUNT_SAID.sub("", ask) != ask
    if not (_ASKS.search(ask) or said_count) or _CONTENT_WORD.search(FILLER.sub(" ", _COUNT_SAID.sub(" ", ask))):
        return ""
    related = _RELATED.fullmatch(part["part"])
    return related["thing"] if related else part["part"]


_COUNTERPART = re.compile(r"^(?:对应|相应)的?")
_COUNT_SAID = re.compile("|".join(sorted((*COUNT_NOUNS, "数字"), key=len, reverse=True)))


def _content_chars(fragment: str) -> int:
    return len(_CJK.findall(FILLER.sub("", fragment)))


def fragment_of(question: str) -> str:
    return _TAIL.sub("", _LEAD.sub("", _SAME_LEAD.sub("", question.strip()))).strip("，,、 ")


def _resolve_one(question: str, context: str) -> Resolved:
    if not context or not is_elliptical(question, earlier=context):
        return Resolved(question)
    fragment = fragment_of(question)
    if not fragment:
        return Resolved(context)
    if _place_in_earlier_list(fragment, context):
        # A place in the earlier answer's list (`第二个呢？`) is no counterpart of `哪几个`: swapped in, the sentence
        # would have to say `第二个`.
        return Resolved(f"{fragment} {context}", fragment, previous=context, pointed=True)
    pointed = _leans_back(question, fragment, earlier=context) or _done_with_whom_said_before(fragment, context)
    # `换作技工院校，过关的有几所`: the part after the swap takes its counterpart's place in the earlier question, and
    # the rest asks again what that question asked.
    # A kind of school or a level swaps in aligned (`技工院校` for `中职学校`), a name for the earlier name of its type;
    # anything else joins the earlier question, and with no other word pointing back it may be read alone too.
    lead = _SWAP_LEAD.match(question.strip())
    after = question.strip()[lead.end() :] if lead else ""
    part = _SWAPPED_PART.match(after) if after else None
    if part is not None:
        level = _LEVEL_OPENS.match(part.group())
        closed = bool(school_kinds(part.group())) or level is not None
        into = _swap_name(part.group(), context) or (_swap_aligned(part.group(), context) if closed else None)
        if into is not None:
            # a level is what the answer must say, not the head said short after it (`省级` of 省级工作室)
            said = level.group() if level is not None else part.group()
            return Resolved(into, previous=context, swapped_in=_part_to_say(said), pointed=True)
        pointed = _leans_back(after, fragment, earlier=context)
    if not pointed and _restates(fragment, fragment_of(context)):
        return Resolved(question)
    swapped = _swap_name(fragment, context) or (_swap_aligned(fragment, context) if len(fragment) <= MAX_SWAP else None)
    # `那省级的有几家？`: the part is what it asks about, and the rest asks again what the earlier question asked. The
    # part swaps in for its counterpart; the whole fragment aligned by its last character would replace `地建了多少家`.
    added = _asked_part(fragment)
    swapped_part = _swap_aligned(added, context) if added else None
    if swapped_part is not None:
        fragment, swapped = added, swapped_part
    if swapped is not None:
        # A whole question again (`郑州市有多少个市级专业技能工作室？`): no word of it weighs more than the rest, or
        # `市级` alone would pick `市级重点建设专业30个`. A level put for a level is what the answer must say, not the
        # head said short after it (`省级` of 省级工作室, for 市级专业技能工作室).
        level = _LEVEL_OPENS.match(fragment)
        said = level.group() if level is not None and swapped == _swap_level(fragment, context) else fragment
        return Resolved(swapped, previous=context, swapped_in=_part_to_say(said), pointed=pointed)
    # Its own words keep a closing `吗` (`它有校车吗？`): they ask whether, which the documents must say, not what.
    focus = f"{fragment}吗" if _ASKS_WHETHER.search(question) else fragment
    # A year of its own put for the earlier question's one (`2023年新增的数量`, of 前一年新增的数量呢 after a question on
    # 2024): the earlier question is asked of that year, and a sentence dating its answer by another is refused.
    year = _year_put_for(fragment, context)
    asked_of = _A_YEAR.sub(year, context) if year else context
    return Resolved(f"{fragment} {asked_of}", focus, previous=context, pointed=pointed, added=added)


def _year_put_for(fragment: str, context: str) -> str:
    """The one year the fragment names (`2023年`) when the earlier question names one other year; else ''."""
    own, earlier = set(_A_YEAR.findall(fragment)), set(_A_YEAR.findall(context))
    return f"{own.pop()}年" if len(own) == 1 and len(earlier) == 1 and own != earlier else ""


def _part_to_say(swapped: str) -> str:
    """What a swap put in that the answer must say: the part (`高职院校`), or '' when the fragment swapped in asks
    something itself (`是哪一年去的` for the `是谁带队去的` of a merged follow-up): an ask took an ask's place."""
    return "" if _ASKS.search(swapped) else swapped


def _nouns_then_ask(fragment: str) -> re.Match[str] | None:
    """`高职院校有几所`: nouns, then a question; None when the words before the question are not all nouns (`一共考察了`
    of 一共考察了几天 is what it asks, not a part of the earlier question)."""
    m = _NOUNS_THEN_ASK.match(fragment)
    if m is None or _NO_SUBJECT.match(m["part"]) or not all(flag.startswith(_PART_TAGS) for _, flag in tag(m["part"])):
        return None  # `一共有多少家`: 一共 (tagged j) is no part of the earlier question either
    return m


def _restates(fragment: str, earlier: str) -> bool:
    """Whether the fragment ends as the earlier question ends, after words of its own: a whole question on a new
    subject (`食堂几点开门` after `游泳馆几点开门`), not a part of the earlier one to swap in."""
    shared = 0
    while shared < min(len(fragment), len(earlier)) and fragment[-1 - shared] == earlier[-1 - shared]:
        shared += 1
    return shared >= max(2, len(fragment) / 2) and len(fragment) > shared


def _leans_back(question: str, fragment: str, lead_reaches: bool = False, earlier: str = "") -> bool:
    """`…呢`, a pronoun, or a leading `那` before a short question: the question points at what was asked before.

    A leading `那` (`那么`, `还有`, …) joins on to the talk, as "and" or "so" would; past `SHORT` content
    characters the question says what it asks itself (unless `lead_reaches`, the rule before). `其中` (among
    them) and `那一年` point back however long the question. A determiner whose nouns `earlier` does not say
    (`本地那些技校` after `…示范性专业点？`) points into the documents instead."""
    if re.search(r"呢[？?！!。.\s]*$", question) or _OPENING_PRONOUN.match(fragment):
        return True
    if _SAME_LEAD.match(question.strip()) or _SWAP_LEAD.match(question.strip()):
        return True
    if _OWNERLESS.match(fragment) or _ONE_SIDE.match(fragment):
        return True
    # `那边` in a long question sets nothing against the earlier one (`郑州这边进国家级双高建设的高职是哪几所`)
    if _CONTRASTED.match(fragment) and _content_chars(fragment) <= PRONOUN_REACH:
        return True
    if _LEAD.match(question) and (lead_reaches or _content_chars(fragment) <= SHORT or _LEAD_POINTS.match(question)):
        return True
    found = _PRONOUN.search(fragment)
    if found is None or _describes(fragment, found):
        return False
    if (
        earlier
        and _DETERMINER.fullmatch(found.group())
        and not _said_before(_determined(fragment, found), earlier)
        and not _counted_before(found.group(), earlier)
    ):
        return False
    return found.start() == 0 or _content_chars(fragment) <= PRONOUN_REACH


# Pronouns that determine a noun after them (`那些技校`, `这几所学校`)
_DETERMINERS = r"那些|这些|那个|这个|那种|这种|这项|这所|这家|那所|那家"
_DETERMINER = re.compile(f"{_DETERMINERS}|{_COUNTED}")
_DESCRIPTION = re.compile(r"[^，,？?。！!]{1,12}?的[\u4e00-\u9fff]")


def _describes(fragment: str, found: re.Match[str]) -> bool:
    """Whether a determiner is followed by what it describes (`那些过时、质量差的专业`, `那些面向社会的…场所`): a word
    other than a noun opening a phrase that ends in 的 and a noun. `这些企业的名字` (a noun after it) points back."""
    if not _DETERMINER.fullmatch(found.group()) or not _DESCRIPTION.match(fragment, found.end()):
        return False
    words = tag(fragment[found.end() :])
    return bool(words) and not words[0][1].startswith(("n", "r"))


def _determined(fragment: str, found: re.Match[str]) -> list[str]:
    """The nouns of the phrase a determiner opens: `技能`, `培训`, `场所` in `那些面向社会的技能培训场所连成…`."""
    nouns = []
    for word, flag in tag(fragment[found.end() :]):
        if not flag.startswith(("n", "vn", "a", "uj")):
            break
        if flag.startswith(("n", "vn")):
            nouns.append(word)
    return nouns


def _counted_before(determiner: str, earlier: str) -> bool:
    """Whether `这几所` points at what the earlier question counted in the same classifier (`…一共有几所？`)."""
    return (
        re.fullmatch(_COUNTED, determiner) is not None
        and re.search(f"(?:几|多少){determiner[-1]}", earlier) is not None
    )


def _said_before(nouns: list[str], earlier: str) -> bool:
    """Whether the earlier question says one of the nouns, or a two-character part of one (`考察` of `考察组`).
    Nothing determined (`这个是什么`) counts as said: the determiner can only point back."""
    parts = {noun[i : i + 2] for noun in nouns for i in range(len(noun) - 1)} | {n for n in nouns if len(n) == 1}
    return not nouns or any(part in earlier for part in parts)


def _swap_aligned(fragment: str, context: str) -> str | None:
    """Replace the span of `context` that the fragment parallels (`市级` for `省级`), if one is clear.

    A span of whole words of the fragment's length that shares its last character (or its first, failing that) and
    differs from it is taken as the counterpart; the rightmost suffix match wins ties.
    """
    n = len(fragment)
    if n < 2 or fragment in context:
        return None
    level = _swap_level(fragment, context)
    if level is not None:
        return level
    kinds = school_kinds(fragment)
    if kinds:
        # A kind of school put for the one kind the earlier question names takes its whole noun's place (`技工学校` for
        # `中等职业学校`, not for its `职业学校`, which left `中等技工学校`)
        plain = aligned_simplified(context)
        # … or, a kind's noun alone (`技工院校`, not `技工学校那头`), for its word where the earlier question says no noun
        # (`中职` of 全部中职开设的专业总数)
        whole = any(m.group() == fragment for m in school_kind_nouns(aligned_simplified(fragment)))
        said = school_kind_nouns(plain) or (school_kind_words(plain) if whole else [])
        others = [m for m in said if not school_kinds(m.group()) & kinds]
        if len({m.group() for m in others}) == 1:
            return context[: others[0].start()] + fragment + context[others[0].end() :]
    best: tuple[int, int] | None = None
    # a counterpart is whole words of the earlier question (not `流建设学` of 一流建设学科 for `河南大学`), but for a kind of
    # school, which stands for the earlier one's however many characters it has (`技工院校` for the `职业学校` of 中等职业学校)
    bounds = set(offsets(tag(aligned_simplified(context)))) if not kinds else set(range(len(context) + 1))
    for i in range(len(context) - n + 1):
        span = context[i : i + n]
        if not all(_CJK.match(ch) or ch.isdigit() for ch in span) or i not in bounds or i + n not in bounds:
            continue
        shared = sum(a == b for a, b in zip(span, fragment, strict=True))
        if not shared:
            continue
        score = shared * 2 + (span[-1] == fragment[-1]) * 3 + (span[0] == fragment[0])
        if best is None or score >= best[0]:
            best = (score, i)
    if best is None or best[0] < 4:
        return None
    i = best[1]
    # A fragment asking something (`有哪些企业` after `…学院与企业共建了几个产业学院？`) is no counterpart of words that ask
    # nothing (`学院与企业`): swapped in, it garbles the name it lands on (`郑州财税金融职业有哪些企业…`).
    if _ASKS.search(fragment) and not _ASKS.search(context[i : i + n]):
        return None
    before = context[:i]
    # A name put where a wh-word asked (`清华大学` for `哪六所大学`'s `六所大学`) takes the wh-word's place too:
    # `哪清华大学` asks nothing, and a refusal would name `哪清华`. A kind of thing keeps it (`哪些学校` for `哪些企业`).
    if _WH_BEFORE.search(before) and _is_name(fragment):
        before = _WH_BEFORE.sub("", before)
    return before + fragment + context[i + n :]


_LEVEL_OPENS = re.compile(rf"(?:{LEVEL})")


def _swap_level(fragment: str, context: str) -> str | None:
    """A level put for another level, whole (`省级` for `国家级`, not for the `家级` of it: levels are a closed class of
    words of different lengths), when the earlier question names one and the fragment's words after its level (`双高`
    of `省级“双高”`, quotes aside) follow the earlier level too; None when the fragment opens with no level."""
    asked = _LEVEL_OPENS.match(fragment)
    if asked is None:
        return None
    rest = QUOTE_MARKS.sub("", fragment[asked.end() :]).strip("的")
    for earlier in _LEVEL_OPENS.finditer(context):
        after = QUOTE_MARKS.sub("", context[earlier.end() :])
        # … or its head, said short (`省级工作室` for `市级专业技能工作室`), within the earlier level's phrase
        phrase = re.split(r"[，,。？?！!、\s]", after, maxsplit=1)[0][: len(rest) + LEVEL_PHRASE_REACH]
        if earlier.group() != asked.group() and (after.startswith(rest) or (len(rest) >= 2 and rest in phrase)):
            return context[: earlier.start()] + asked.group() + context[earlier.end() :]
    return None


LEVEL_PHRASE_REACH = 6  # characters a level's phrase may hold before the head a follow-up says short


def _swap_name(fragment: str, context: str) -> str | None:
    """A proper name put for the earlier question's name of its type, whole (`河南农业大学` for `郑州大学`, `郑州旅游职业学院`
    for `郑州市国防科技学校`): names differ in length, and aligned by length `河南农业大学` took the place of `是一流建设学`.
    Of its type is of its kind of name too: a school for a school (`清华大学` is no counterpart of `郑州研究院`). None when
    the fragment is not names only, or the earlier question names nothing of its type."""
    spans = asked_names(fragment)
    whole = bool(spans) and spans[0][0] == 0 and spans[-1][1] == len(fragment)
    if not whole or any(a[1] != b[0] for a, b in pairwise(spans)):
        return None
    kind, group = spans[-1][3], name_group(fragment)
    for start, end, name, named in asked_names(context):
        if named == kind and name_group(name) == group and name != fragment:
            before = context[:start]
            if _WH_BEFORE.search(before):  # `清华大学` for `哪六所大学`: the wh-word goes too
                before = _WH_BEFORE.sub("", before)
            return before + fragment + context[end:]
    return None


def _is_name(fragment: str) -> bool:
    """Whether the fragment is one proper name (`清华大学`), by jieba's tagger (`qa.answering.names`)."""
    return any(start == 0 and end == len(fragment) for start, end, _, _ in asked_names(fragment))


_WH_BEFORE = re.compile(r"(?:哪些|哪几|哪一|哪个|哪|什么)$")
