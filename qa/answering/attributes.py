"""The attribute a question asks for: the noun before `是多少`/`是谁` (`校长是谁` → `校长`) or after `多少名`/`几所`
(`多少所中职学校` → `中职学校`), and the group of nouns that ask alike (a person, a quantity, a kind of institution).

Question analysis reads the asked noun for the models (`qa.answering.query`), the answer refuses a sentence saying
nothing like one no document holds (`attribute_unheld`), and the look-alike recipe swaps it for another of its group
(`qa.answering.lookalikes`). All read it here, so they read it the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qa.answering.names import TAGS, offsets, tag
from qa.answering.scope import ITEM_BREAKS, NAMED_TYPE_WORDS, set_aside
from qa.script import is_han


def _listed_words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Attribute nouns by what asks for them; a swap stays inside one group so the question still reads
# (`校长是谁` → `董事长是谁`, never `面积是谁`).
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "quantity": _listed_words(
        "人数 面积 预算 人口 经费 投资额 产值 营业收入 利润 长度 高度 海拔 重量 价格 票价 学费 注册资本 市值 占地面积 "
        "建筑面积 就业率 升学率 增长率 平均工资 年产量 床位数 藏书量 录取分数线 票房 销量 排名 总投资 税收 GDP"
    ),
    "person": _listed_words(
        "校长 院长 董事长 总经理 创始人 负责人 主席 市长 书记 局长 作者 导演 主编 教练 队长 设计师 发明者 "
        "法定代表人 继任者 代言人 主持人"
    ),
    "time": _listed_words("成立时间 建校时间 开工时间 竣工时间 截止日期 出生日期 去世时间 开幕时间 发布时间 上市时间"),
    "place": _listed_words("地址 总部 所在地 出生地 首都 发源地 校址 举办地 产地 注册地"),
    "thing": _listed_words("校训 口号 全称 别名 英文名 吉祥物 主要产品 代表作 官方语言 货币 主营业务 宗旨 座右铭 标志"),
    # What `多少名…`, `多少所…`, `多少个…` count, by the classifier before them (`多少所中职学校` → `多少所本科院校`).
    "people": _listed_words(
        "教师 学生 员工 医生 护士 院士 博士生 研究生 志愿者 运动员 党员 会员 游客 居民 留学生 毕业生 工程师 技师 "
        "辅导员 班主任"
    ),
    "institutions": _listed_words(
        "技工院校 高职院校 本科院校 中小学 幼儿园 医院 企业 工厂 银行 酒店 分店 子公司 研究院 养老院 图书馆 博物馆 "
        "体育馆 民办学校 特殊教育学校"
    ),
    "counted": _listed_words("专业 课程 项目 实训基地 社团 专利 奖项 班级 实验室 分校 校区 教材 岗位 床位 车位 论文"),
}
_GROUP_OF = {word: group for group, words in ATTRIBUTES.items() for word in words}
# What follows the head noun of the asked attribute, and the group it asks for when the noun is in no list:
# `校长是谁` (person), `财政预算是多少` (quantity), `校训是什么` (thing).
_ASKS_AFTER = (
    ("是多少", "quantity"),
    ("有多少", "quantity"),
    ("为多少", "quantity"),
    ("有多大", "quantity"),
    ("有多高", "quantity"),
    ("有多长", "quantity"),
    ("是谁", "person"),
    ("为谁", "person"),
    ("是什么时候", "time"),
    ("是何时", "time"),
    ("是哪一年", "time"),
    ("是哪里", "place"),
    # where it is, asked without `是` (`学校具体地址在哪？`): the longer first, as `_asks` ends the question after it
    ("在哪里", "place"),
    ("在哪儿", "place"),
    ("在哪", "place"),
    ("是什么", "thing"),
    ("叫什么", "thing"),
    ("是哪", "thing"),
)
# A wh-word followed by the noun it asks for, and the group the classifier says it is in: `有多少名教师`
# (people), `有多少所中职学校` (institutions); `什么奖` is too vague to swap.
_ASKS_BEFORE = re.compile(r"(?:多少|(?<!第)几)(?P<classifier>[个名位所家座项条种门批户张件]?)$")
_COUNTED_BY = {"名": "people", "位": "people", "所": "institutions", "家": "institutions", "座": "institutions"}


@dataclass(frozen=True)
class Asked:
    """A noun a question asks for, at `start:end` of its simplified text."""

    start: int
    end: int
    group: str | None  # its `ATTRIBUTES` group; None when a bare `多少` counts a noun no list or classifier places
    counted: bool = False  # counted after `多少名`/`几个` (`多少所中职学校`), not the head before `是谁`/`是多少`


def asked_attribute(plain: str) -> Asked | None:
    """The first noun `plain` asks for whose group is known (the one a look-alike swaps)."""
    return next((a for a in asked_attributes(plain) if a.group is not None), None)


# Nouns that only restate the count asked (`专业总数是多少` of a sentence giving `83个专业`): no attribute of their own.
COUNT_NOUNS = frozenset(_listed_words("总数 数量 数目 总量 个数 规模 总额 数额"))
# Nouns that ask for the thing's name (`学院名称是什么`, `实施意见全称是什么`): the answer is the name, which a sentence says
# without the noun, so no attribute of their own either.
NAME_NOUNS = frozenset(_listed_words("名称 名字 全称 全名 叫法 称呼"))
# Nouns that say what kind of answer is asked, which the answering sentence need not say: its name (`全称是什么`), why
# (`原因是什么`: the sentence gives the cause), how (`以什么方式合作`: it says the way), who in what role (`领队是什么身份`)
# and how far it has got (`升本的进展`). Not the count nouns: `招生规模有多大` asks a size no sentence may give.
# … and the shape asked for: a heading (`每条的标题是啥`), an example (`还举了哪个方向的例子`), a list of names
# (`省级建设单位名单里有哪些`): the sentence gives the heading, the example, the names; and the kinds asked for (`哪些类型的
# 实训基地`), which it names; and a place asked (`去了哪些地方`), which it names (`南京`).
ANSWER_NOUNS = NAME_NOUNS | frozenset(
    _listed_words(
        "原因 理由 缘由 缘故 方式 方法 途径 形式 办法 身份 进展 进度 标题 题目 例子 实例 名单 清单 名录 月份 年份 日期 时间 类型 种类 类别 "
        "地方 地点 思路 路子 路数 招数 打法 套路"
    )
)


# Nouns saying what is asked, not what it is asked of (`数目是不是41所`: the count; `全称是不是…`: the name).
_SAYS_WHAT_IS_ASKED = COUNT_NOUNS | ANSWER_NOUNS


def first_attribute(plain: str) -> Asked | None:
    """The first noun `plain` (simplified) asks for that is not one only restating the count (`数量是多少`), asking for
    a name (`名称是什么`) or a kind of thing answered by its name (`企业叫什么`): what question analysis reads as the
    attribute asked."""
    return next(
        (
            a
            for a in asked_attributes(plain)
            if plain[a.start : a.end] not in COUNT_NOUNS | ANSWER_NOUNS
            # a kind of thing answered by its name (`…合作的企业叫什么` by `宇通公司`, which need not say `企业`); counted
            # (`多少所学校`), it stays the noun counted
            and (a.counted or plain[a.start : a.end] not in NAMED_TYPE_WORDS)
        ),
        None,
    )


def asked_attributes(plain: str) -> Iterator[Asked]:
    """Each noun `plain` (simplified) asks for, in order: the head before `是多少`/`是谁`…, or the nouns after
    `多少名`/`几个` (`多少所中职学校` → `中职学校`); only nouns of two characters or more."""
    words = tag(plain)
    starts = offsets(words)

    def common_noun(i: int) -> bool:
        return i < len(words) and words[i][1].startswith(("n", "vn")) and words[i][1] not in TAGS

    for i, (word, _) in enumerate(words):
        if i == 0 or len(word) < 2 or not common_noun(i):
            continue
        after, before = plain[starts[i + 1] :], plain[: starts[i]]
        asked = next((group for ask, group in _ASKS_AFTER if _asks(after, ask)), None)
        if asked is not None:
            yield Asked(starts[i], starts[i + 1], _GROUP_OF.get(_listed(word) or "", asked))
            continue
        counted = _ASKS_BEFORE.search(before)
        if counted is not None:
            last = i
            while common_noun(last + 1):
                last += 1
            noun = plain[starts[i] : starts[last + 1]]
            # Only a classifier or a listed noun says what is counted: `多少時間` → `多少車位` does not read.
            group = _COUNTED_BY.get(counted["classifier"]) or _GROUP_OF.get(_listed(noun) or "")
            yield Asked(starts[i], starts[last + 1], group, counted=True)


def _asks(after: str, ask: str) -> bool:
    """Whether `after` opens with `ask` ending the question: `校长是谁？`, `校训是什么呢`, not `树叶是什么形状`."""
    rest = after[len(ask) :]
    return after.startswith(ask) and (not rest or not is_han(rest[0]) or rest[0] in "的呢啊")


def _listed(word: str) -> str | None:
    """The listed attribute `word` is or ends with (`财政预算` → `预算`)."""
    return next((a for a in sorted(_GROUP_OF, key=len, reverse=True) if word.endswith(a)), None)


def attribute_unheld(attribute: str, counted: bool, known: bool, sentence: str) -> str:
    """The attribute question analysis read (`attribute`, simplified: `校训` of `…的校训是什么？`) when no document holds
    it (`known` false) and the sentence (simplified) holds not one two-character piece of it: a sentence saying neither
    it nor anything like it (`藏书` for `藏书量`) speaks of another attribute of the topic.

    '' otherwise, and for a noun `counted` after `多少所…`, which a paraphrase counts as often (`厂商` of a sentence on
    企业). A noun only restating the count (`总数`) is none (`first_attribute`)."""
    if not attribute or known or counted or any(attribute[i : i + 2] in sentence for i in range(len(attribute) - 1)):
        return ""
    return attribute


# A wh-word asking for things of a kind (`哪些课程`, `有什么课程`, `哪几个专业`; one school, company or person: `挂靠哪所学校`,
# not `哪个方向`, which an item may name itself: `阿里巴巴数字贸易订单班`), and the words by which a
# question names several things itself (`技工院校和比亚迪`, `除了市教育局还有`): it then asks for their fellows, which a
# list gives.
_SEVERAL_ASKED = re.compile(r"哪些|哪几|哪[所家位]|(?<!为)什么(?!时候)")
_SEVERAL_NAMED = re.compile(r"除|还有|以及|[和与及或、]")
_CLAUSE = re.compile(r"[^，,。；;：:！!？?]+")
_NOUN_TAGS = ("n", "vn", "j", "b")


def listed_only(question: str, asked: str, sentence: str) -> str:
    """What `question` (simplified) asks several `asked` of (`丹尼斯工匠学院` of 丹尼斯工匠学院开设了哪些课程, `课程`) when
    `sentence` (simplified) names it only as an item of a list (`打造比亚迪、丹尼斯工匠学院等样板模式`) whose clause never
    says the noun asked: a list says which things there are, not what each of them has.

    '' otherwise: when `asked` is no noun phrase, the question names several things before its wh-word (it asks for
    their fellows, which the list gives; not `哪些院校和企业`), the sentence says `asked`, or the list's clause says its
    last word (`美特斯·邦威、…四大主力品牌` of 有哪些旗下品牌: the items are what is asked), or `asked` asks for names
    (`活动叫什么名字`), which the sentence gives without the noun (`举办“线上逛校园”“网上开放日”等活动`)."""
    several = _SEVERAL_ASKED.search(question)
    # the things named before the wh-word, not those it asks for (`哪些院校和企业`)
    if len(asked) < 2 or asked in NAME_NOUNS or asked in sentence or not several:
        return ""
    if _SEVERAL_NAMED.search(question[: several.start()]):
        return ""
    words = tag(asked)
    if not all(flag.startswith(_NOUN_TAGS) for _, flag in words):
        return ""
    noun = words[-1][0]
    marks = _list_marks(sentence)
    for item in _shared(question, sentence):
        if item in asked:
            continue
        spots = [m.start() for m in re.finditer(re.escape(item), sentence)]
        if all(_in_list(sentence, marks, spot, spot + len(item), noun) for spot in spots):
            return item
    return ""


def fellows_unlisted(question: str, sentence: str) -> tuple[str, ...]:
    """The things `question` (simplified) sets aside to ask for the rest (`汽车维修`, `航空物流` of 除去汽车维修、航空物流两类，
    其余…有哪些方向) when `sentence` (simplified) lists them and no other (`建设了汽车维修、航空物流等18家…`: the list opens
    with the first and `等` closes it after the last): the documents name none of the rest. () otherwise, and when the
    list goes on past them (`市教育局、市人社局…` of 除了市教育局还有哪些单位), or the sentence does not say them all."""
    items = set_aside(question)
    if not items or any(len(i) < 2 or i not in sentence for i in items):
        return ()
    first = min(sentence.index(i) for i in items)
    last = max(sentence.index(i) + len(i) for i in items)
    between = ITEM_BREAKS.sub("", sentence[first:last])
    only_them = len(between) == sum(len(i) for i in items)  # nothing listed between them but the marks
    opened = first == 0 or sentence[first - 1] not in "、和与及"
    return items if only_them and opened and sentence.startswith("等", last) else ()


def _shared(question: str, sentence: str) -> list[str]:
    """The longest runs of two characters or more of `question` that `sentence` also says, longest first."""
    runs: set[str] = set()
    for start in range(len(question)):
        for end in range(len(question), start + 1, -1):
            run = question[start:end]
            if run in sentence and all(is_han(ch) or ch.isalnum() for ch in run):
                runs.add(run)
                break
    return sorted((r for r in runs if not any(r != other and r in other for other in runs)), key=len, reverse=True)


def _list_marks(sentence: str) -> set[int]:
    """Where `sentence` closes an item of a list: each `、`, and each particle `等` (not the 等 of `高等`)."""
    words = tag(sentence)
    marks = {at for at, ch in enumerate(sentence) if ch == "、"}
    return marks | {at for at, (word, _) in zip(offsets(words), words, strict=False) if word == "等"}


def _in_list(sentence: str, marks: set[int], start: int, end: int, noun: str) -> bool:
    """Whether `sentence[start:end]` is an item of a list whose clause does not say `noun`: one a mark closes
    (`比亚迪、`, `丹尼斯工匠学院等`: `_list_marks`), or the last, after a `、` (`、郑州金水科教园区市域产教联合体已…`) — not the
    opening of an item a mark closes further on (`郑州` of `、郑州日产、`)."""
    clause = next(m for m in _CLAUSE.finditer(sentence) if m.start() <= start < m.end())
    closed = end in marks
    last = sentence[start - 1 : start] == "、" and not any(end < at < clause.end() for at in marks)
    return (closed or last) and noun not in clause.group()


# A question asking whether: an operator opening what it asks (`有没有工资标准`), or `吗` closing the clause that says
# it (`…对社会人员开放吗`); one asking a wh-word too asks for what that names (`有没有…的专业？全称叫啥？`).
_WHETHER_OPENS = re.compile(r"有没有|能不能|会不会|是不是|是否|可不可以|可否|有无|要不要|算不算|能否")
_WHETHER_CLOSES = re.compile(r"[^，,。；;！!？?]*?(?=(?:了|过)?(?:吗|嘛|(?<![什怎那这多要])么)(?:[？?！!。\s]|$))")
_WH_ASKED = re.compile(r"什么|哪|谁|几|多少|怎|如何|为什么|为何|何时|啥")
# A closing clause asking whether what the question said before is true (`…7个专业挤进了…序列，这个数准吗`, `这种说法对吗`):
# it asks of that statement, which the sentence saying it confirms, not of a noun of its own (`数准` is jieba's cut).
_CONFIRMS = re.compile(
    r"(?:这|那)(?:个|种|样|些)?(?:数|数字|数据|数目|说法|提法|事|消息|情况|话)?(?:准|对|真|属实|没错|靠谱|正确|准确|确切|可靠)"
)


@dataclass(frozen=True)
class Whether:
    """The noun a question asking only whether asks it of: its head word at `head:end` of the question's simplified
    text, and the common nouns before it from `start` (`社会人员` of 对社会人员开放吗, head `人员`)."""

    start: int
    head: int
    end: int
    # The other common nouns of what it asks whether (`携程` of 是不是还拉了携程来开订单班, `交通运输` of 交通运输部门), where
    # each starts and ends:
    # a sentence that names none of one cannot say yes or no either.
    others: tuple[tuple[int, int], ...] = ()


def whether_asked(plain: str) -> Whether | None:
    """The noun a question asking only whether (`plain`, simplified) asks it of: the last common noun (two characters
    or more, no name) of what follows `有没有`… up to its clause's end, or of the clause `吗` closes (`工资标准` of
    顶岗实习有没有工资标准, `人员` of 对社会人员开放吗), with the common nouns just before it.

    A sentence saying neither it nor its absence cannot say yes or no. None for a question asking a wh-word too, or
    whose asked part holds no such noun (`能不能马上上班`: a verb, which a paraphrase says as often)."""
    if _WH_ASKED.search(plain):
        return None
    opens = _WHETHER_OPENS.search(plain)
    asked = (
        _CLAUSE.match(plain, opens.end())
        if opens
        else next((m for m in _WHETHER_CLOSES.finditer(plain) if m.group()), None)
    )
    if asked is None or (opens is None and _CONFIRMS.match(asked.group())):
        return None
    words = tag(asked.group())
    starts = offsets(words)

    def noun(i: int) -> bool:
        word, flag = words[i]
        # abbreviations too (`交通运输` j of 有没有交通运输部门参与)
        return (
            len(word) >= 2
            and flag.startswith(("n", "vn", "j"))
            and flag not in TAGS
            and word not in _SAYS_WHAT_IS_ASKED
        )

    last = next((i for i in reversed(range(len(words))) if noun(i)), None)
    if opens and (last is None or words[last][1].startswith("v")):
        # What follows the operator is a doing (`有没有调整`, `有没有提高`): it is asked of what the clause names before it
        # (`招生划片` of 义务教育阶段的招生划片有没有调整), which a sentence must name to say either.
        subject = _subject_before(plain, opens.start())
        if subject is not None:
            return subject
    if last is None:
        return None
    first = last
    while first > 0 and noun(first - 1):
        first -= 1
    at = asked.start()
    others = tuple((at + starts[i], at + starts[i + 1]) for i in range(last) if noun(i))
    return Whether(at + starts[first], at + starts[last], at + starts[last + 1], others)


# Words naming what a clause is about, whatever jieba tags them (`招生` and `划片` v, `义务教育` l): not names, which
# the name checks read.
_SUBJECT_TAGS = ("n", "v", "l", "j", "b")


def _subject_before(plain: str, end: int) -> Whether | None:
    """The run of content words (two characters or more) just before `end` in its clause, ended by its last word
    (`招生划片` of …阶段的招生划片有没有), or None when the clause names none there."""
    clause = next((m for m in _CLAUSE.finditer(plain) if m.start() <= end <= m.end()), None)
    if clause is None or clause.start() == end:
        return None
    words = tag(plain[clause.start() : end])
    starts = offsets(words)

    def content(i: int) -> bool:
        word, flag = words[i]
        return (
            len(word) >= 2
            and flag.startswith(_SUBJECT_TAGS)
            and flag not in TAGS
            and flag not in ("vshi", "vyou")
            and word not in _SAYS_WHAT_IS_ASKED
        )

    if not words or not content(len(words) - 1):
        return None
    first = last = len(words) - 1
    while first > 0 and content(first - 1):
        first -= 1
    at = clause.start()
    return Whether(at + starts[first], at + starts[last], at + starts[last + 1])
