"""Scope: how much of the documents a question asks for — one fact, a section, the whole document's outline or
gist, a gathering of things of one type across it, whether it mentions something, or several asks at once.

Each scope is a row of data (the words that ask for it), tried in order; `bench/scope_ablation.py` measures
what each row adds on the broad and fact question sets. A question no row claims is a fact question and takes
the learned answerer's path; a fact answer that lands on a bare heading is widened to its section there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qa.answering.names import tag
from qa.script import blanked

Scope = Literal["fact", "outline", "summary", "section", "gather", "mention", "multi"]

# What a gathering question asks to collect (`提到了哪些企业`): the type noun after the wh-word.
GATHER_TYPES: dict[str, tuple[str, ...]] = {
    # `合作企业` is a type of its own, not 企业 narrowed by 合作: a plan names a partner without the word (`邀请西门子…`).
    "company": ("企业", "公司", "集团", "厂商", "合作企业", "酒店", "品牌"),
    "city": ("城市", "地方", "地区", "省份", "省市", "地点", "地市"),
    "school": ("大学", "高校", "学校", "院校", "学院", "研究院", "职业学校"),
    "document": ("文件", "政策", "政策文件", "规划", "方案", "意见", "通知", "法规", "书籍", "文献"),
    "figure": ("数字", "数据", "数量", "指标", "统计数字", "具体数字"),
    "department": ("部门", "委员会"),
    "organisation": ("单位", "机构", "组织"),
    "venue": ("景区", "场所", "活动场所", "场馆", "景点"),
    "person": ("人物", "人名", "领导", "人员", "委员", "负责人"),
    "major": ("专业", "专业群", "学科"),
    "activity": ("活动", "项目", "平台", "基地", "模式", "举措名称"),
    "date": ("日期", "时间点", "年份"),
}
_TYPE_WORD = {word: kind for kind, words in GATHER_TYPES.items() for word in words}
_TYPE_ALT = "|".join(sorted(_TYPE_WORD, key=len, reverse=True))

# Verbs of "naming" that make `哪些X` a gathering across the document rather than a question about one fact.
_MENTION = r"(?:提到|提及|涉及|列出|列举|出现|说到|讲到|写到|点名|包括|包含|有|是|合作)"


# `和哪些企业合作`: the things of a type something works with, the relation after the type. A gathering of them keeps
# those named where the document says the relation (`qa.answering.broad.gathered`).
RELATION_WORDS = r"合作|签约|共建|结对|联合办学"  # doings with someone: `和哪些企业合作`
_WITH_WHOM = re.compile(
    rf"(?:和|与|跟|同)(?:哪些|哪几[个家所位类项种]?|什么)(?:样的)?[\u4e00-\u9fff]{{0,3}}?(?:{_TYPE_ALT})"
    rf"(?:有|开展了?|进行了?|建立了?|达成了?|展开了?)?(?:过)?({RELATION_WORDS})(?:关系|项目)?[？?]?$"
)

# `提到的X有哪些`: a naming verb and 的 before the type, the wh-word after it.
_MENTION_OF = r"(?:提到|提及|涉及|列出|列举|出现|说到|讲到|写到|举到|点(?:了|过|到)?名|点到名字|点到)(?:过|了)?的"
_ASKED_AFTER = r"(?:都|一共|共|分别)?(?:有|是|包括)(?:哪些|哪几[个家所位类项种]?|什么)[？?]?$"


# The verbs of a request to list (`列出`, `列举一下`): a question word, never a term a refusal names as missing.
LIST_VERBS = "列出|列举|罗列|列一下"
# `列举一下信中提到的城市`, `列出文中的技工院校`: a request to list the things of a type, asking nothing else.
_LIST_REQUEST = (
    rf"^(?:请)?(?:{LIST_VERBS})(?:一下)?(?:[^，,。？?]{{0,10}}?的)?([\u4e00-\u9fff]{{0,3}}?)({_TYPE_ALT})[。？?]?$"
)


# `有没有提到经费？`, `信里提到富士康了吗？`: whether the documents name something, which their text answers exactly.
# What is asked after is a short name or noun (no `的` phrase, no wh-word), or it asks about the thing, not its mention.
_MENTIONED = re.compile(
    r"^(?:这封信|这份[\u4e00-\u9fff]{1,2}|这篇文章|本文|全文|文件|答复|信|文|报告|通知|计划)?(?:里|中|内)?(?:有没有|是否|有无|有)?"
    r"(?:提到|提及|说到|讲到|写到|谈到|涉及)(?:了|过)?(?P<thing>[^\s，,。？?！!的吗呢什么哪谁几多少怎]{2,10}?)"
    r"(?:了|过)?(?:吗|没有|没|么)?[？?]?$"
)


# The document itself, as a question names it: `这份答复`, `整封回复`, `本文件`; with a locative, where in it (`回复里`).
DETERMINER = "这份|这篇|这封|这个|整封|整份|整篇|该|本"
DOCUMENT_NOUNS = "报告|计划|通知|文件|文章|材料|答复|回信|回复|复函|回函|函件|文档|方案|信"
# … said so that it cannot be a topic: determined (`这份答复`, not the 方案 of 实施方案) or in it (`信里`, `文中`)
# … and all through it (`通篇`, `全文中`)
IN_DOCUMENT = (
    rf"(?:{DETERMINER})(?:{DOCUMENT_NOUNS})(?:里|中|内)?|(?:答复|回复|回信|复函|回函|信|文)(?:里|中|内)|"
    r"(?:通篇|全文|全篇|整篇)(?:里|中|内)?"
)

# What comes next, said as a time (`明年`, `往后`): a question asking what is planned then asks for the plans.
FUTURE = r"明年|来年|今后|以后|往后|后续|将来|未来|下一步|下一阶段|下阶段|接下来|下一年"
# What is to be done, asked as a person talks (`干些什么`, `做啥`): after a time to come it asks for the plans
DOING_ASKED = r"(?:干|做|搞)(?:些|点)?(?:什么|啥|嘛)"


@dataclass(frozen=True)
class ScopeRule:
    """A scope and the words that ask for it."""

    scope: Scope
    asks: re.Pattern[str]


SCOPE_RULES: tuple[ScopeRule, ...] = (
    ScopeRule(
        "outline",
        re.compile(
            r"(?:分为|分成|分了|划分为|包括|包含|由)了?(?:几|哪几|多少)(?:个)?(?:大)?(?:部分|方面|板块|章|节|块)|"
            r"(?:几|哪几|多少)(?:个)?(?:大)?(?:部分|方面|板块)(?:组成|构成|内容)?[？?]?$|"
            r"(?:讲|说|谈|写|答复)了(?:几|哪几|多少)(?:件|个|点|项|块|大块|部分|方面)(?:事|事情|方面|问题|内容)?[？?]?$|"
            # its frame, in any word for it: `结构是怎样的`, `这封信的骨架捋一下`
            r"(?:结构|骨架|框架|脉络)(?:是)?(?:怎样|怎么样|什么|如何)|(?:结构|骨架|框架|脉络)(?:捋|理|梳理)|提纲|目录|大纲|"
            r"(?:有|分)?哪(?:几|些)(?:个)?(?:大)?(?:部分|章节|板块)|(?:各|每个?)(?:部分|章节)的?(?:标题|内容)|小标题|"
            # its parts said as blocks or top headings: `按什么板块组织的`, `说几个一级标题`
            r"(?:按|分)?什么(?:样的)?板块|一级标题|大标题|"
            # how far its parts are numbered: `一、二、三……编号，一直编到了第几？`, `最后一个编号是几？`
            r"编到了?第?几|最后一?个?编号是(?:几|多少)"
        ),
    ),
    ScopeRule(
        "summary",
        re.compile(
            r"主要(?:讲|说|谈|写|内容|介绍|涉及|意思|回答|答复|讨论|探讨|论述|阐述)|(?:讲|说|谈|写)了(?:些|一些)?(?:什么|啥)|"
            r"概括|总结一下|概述|大意|(?:中心|核心)(?:思想|内容|意思)|要点是|摘要|[一几]句话(?:说|讲)|"
            # what it says, in words a person speaks: `这份答复总体上在讲啥`
            rf"(?:{DETERMINER})(?:{DOCUMENT_NOUNS})[^，,。？?]{{0,6}}(?:在|都)(?:讲|说|谈|写)(?:的是)?(?:些)?(?:什么|啥)|"
            # what part of the work it is about: `这份答复大体上是在讲哪方面的工作`
            rf"(?:{DETERMINER})(?:{DOCUMENT_NOUNS})[^，,。？?]{{0,6}}(?:讲|说|谈|写|涉及|关于)的?(?:是)?(?:哪[个些一]?|什么)方面|"
            # what it turns on: `这份回复主要围绕什么`, `这份回复围绕的核心议题是什么`
            r"(?:这封信|这份|这篇|本文|全文|文件|答复|回复)[^，,。？?]{0,4}(?:主要)?围绕的?(?:核心|主要|中心)?"
            r"(?:议题|主题|话题)?(?:是)?(?:哪|什么)|"
            r"(?:^|[，,：:])(?:这封信|这份答复|这份回复|这份文件|这篇文章|本文|全文|这个文件|这份材料|这份报告|这份通知|"
            r"这份计划|文件|答复)"
            r"的?(?:主题|主旨|中心|要点|核心|结论|主要观点|观点|核心议题|主要议题|议题)(?:是什么|是啥|有哪些)|"
            r"(?:简要|简单)(?:介绍|说明|说说|讲讲)(?:一下)?(?:这封信|这份|这篇|本文|全文|文件|答复|内容)?[？?]?$|"
            r"^(?:这封信|这份答复|这份文件|这篇文章|本文|全文|这个文件|这份材料|文件|答复)(?:的)?(?:内容)?是(?:关于)?什么|"
            r"(?:这封信|这份答复|这份文件|这篇文章|本文|全文|文件)是关于什么|"
            r"^这(?:是|份是|篇是|个是)(?:一份|一篇|一个|一封)?(?:什么|啥|哪种)(?:样的)?(?:文件|材料|文章|文档|通知|报告|计划|信)"
        ),
    ),
    ScopeRule(
        "gather",
        re.compile(
            rf"(?:{_MENTION}了?|共|一共|都|总共)?(?:哪些|哪几[个家所位类项种]?|什么|多少)(?:样的)?(?:具体的?)?[\u4e00-\u9fff]{{0,3}}?(?:{_TYPE_ALT})(?:(?:和|或|及|与|、|或者)[\u4e00-\u9fff]{{0,2}}?(?:{_TYPE_ALT}))?(?:的?(?:名字|名称))?[？?]?$"
            rf"|(?:所有|全部|各个?)(?:的)?(?:{_TYPE_ALT})"
            # the type before the wh-word, after what names it: `信中提到的企业有哪些`
            rf"|{_MENTION_OF}[\u4e00-\u9fff]{{0,3}}?(?:{_TYPE_ALT}){_ASKED_AFTER}"
            # what something works with: `学校和哪些企业合作`
            "|"
            + _WITH_WHOM.pattern
            # a request to list them: `列举一下信中提到的城市`
            + "|"
            + _LIST_REQUEST
        ),
    ),
    ScopeRule("mention", _MENTIONED),
    ScopeRule(
        "section",
        re.compile(
            r"哪些(?:[\u4e00-\u9fff]{2})?(?:举措|措施|工作|做法|成效|成绩|成果|经验|打算|计划|任务|安排|方面|内容|办法|行动|要求|目标)[？?]?$|"
            r"哪些(?:举措|措施|工作|做法|成效|成绩|成果|经验|打算|计划|任务|安排|方面|内容|办法|行动|政策措施|要求|目标)|"
            # … counted as they are asked for (`讲了哪几项举措`, `介绍了哪几方面的建设`)
            r"哪几(?:[项条点类个]|大)?(?:举措|措施|工作|做法|成效|成绩|成果|经验|打算|计划|任务|安排|方面|办法|行动|要求|目标)|"
            r"(?:有|做了|采取了?|开展了?|取得了?)(?:什么|哪些|些什么)(?:样的)?(?:举措|措施|工作|做法|成效|成绩|打算|计划|安排|行动|要求|目标)|"
            r"哪些(?:已经|已)(?:做|开展|完成|取得)(?:了|过)?的(?:工作|举措|措施|成效|成绩|成果)|"
            r"(?:什么|啥)(?:打算|计划|安排|举措|措施)|(?:打算|计划|安排)(?:是什么|有哪些|如何)|"
            r"(?:是)?(?:怎么|怎样|如何)(?:安排|组织|部署|实施|保障)的?[？?]?$|"
            r"下一步|下一?阶段|今后|"
            # the plans of a time to come named by their noun (`关于往后的打算，…从哪几条路子推进`)
            rf"(?:{FUTURE})的(?:工作)?(?:打算|计划|安排)(?=[，,？?]|$|是什么|有哪些|有什么)|"
            rf"(?:{FUTURE})(?:将|要|会|还)?(?:怎么|如何|做什么|有什么)|"
            # … and asked as a person talks (`接下来要做啥`, `以后干些什么`)
            rf"(?:{FUTURE})(?:将|要|会|还)?{DOING_ASKED}|"
            rf"(?:{FUTURE})[^，,。？?]{{0,12}}(?:准备|打算|计划)[^，,。？?]{{0,8}}(?:哪|什么|如何|怎么)|"
            r"在[^，,。？?]{2,12}方面[^，,。？?]{0,8}(?:什么|哪些|如何|怎样|怎么)|(?:做了|采取了|开展了)(?:什么|哪些)[？?]?$|"
            r"^(?:请)?(?:介绍|说说|讲讲|谈谈)(?:一下)?"
        ),
    ),
)

# Words that name the scope, not the topic: `在校企合作方面有哪些举措` is about 校企合作.
SCOPE_WORDS = re.compile(
    r"举措|措施|工作|做法|方面|打算|计划|安排|内容|成效|成绩|成果|经验|任务|行动|办法|情况|介绍|说说|讲讲|谈谈|"
    # … and the ways things are done by, said as ways (`准备从哪几条路子推进`)
    r"路子|路径|途径|"
    r"一下|做了|做过|采取|开展|取得|进行|关于|"
    # … and when, said of what has been done by now (`目前已经取得了哪些成效`)
    r"目前|已经|至今|迄今|眼下|"
    # … and what to do asked as a person talks (`下一步要干嘛`), and where in the document it is said (`答复最后说`)
    r"要?(?:干嘛|干啥|干什么|做什么|做啥)|(?:最后|开头|结尾|末尾)(?:说|讲|写|提)了?|"
    # carrying the work on, and how briefly to say it, which name no topic (`准备从哪几方面接着推进，简单列一下`)
    r"推进|着手|接着|继续|简单|简要|(?:这|那)一?(?:部分|块|段)|概括|总结|主要|讲了|说了|写了|提到|提及|涉及|列出|列举|出现|所有|全部|一共|总共|共|各个|各|"
    # the document itself and joining words: `报告里提到了哪些单位或企业` names nothing but the types
    rf"(?:{DETERMINER})?(?:{DOCUMENT_NOUNS})(?:里|中|内)?|或者|或|和|及|与|"
    # … and the whole of it read, or named in it: `通读全文，里面点名提到过哪些企业`
    r"(?:通读|纵观|整个|整篇)?全文|里面|文中|点(?:了|过)?名|"
    # … said as a reader says it: `通篇看下来，信里点到名字的高校有哪些`
    r"通篇(?:看下来|读下来|看完|读完)?|从头到尾|点到名字|"
    # where in it: `在信的结尾对以后的工作有什么安排`
    r"结尾|末尾|信末|文末"
)

# What a question sets aside to ask for the rest (`除去汽车维修、航空物流两类，其余…有哪些`, `不算中职和技工，…`): the
# things after `除` or `不算`, up to where it asks on; a count closing them (`两类`) counts them, and is none of them.
_SET_ASIDE = re.compile(
    r"(?:除(?:了|去|开)?|不算|不包括|不含|不计)(?P<items>[^，,。？?！!；;]+?)(?:以外|之外|外|在内)?(?:的话)?"
    r"(?=[，,]|还|其余|其他|另外|别的)"
    # … or said in brackets after the question (`…有多少家（不是技工院校）`)
    r"|[（(](?:不是|不算|不包括|不含|并非)(?P<bracketed>[^（()）]+)[）)]"
    # … or a clause said before `以外` with no `除` (`哈工大和上海交大以外还有哪几家`)
    r"|(?:^|(?<=[，,]))(?P<bare>[^，,。？?！!；;除]+?)(?:以外|之外)(?=[，,]|还|其余|其他|另外|别的)"
)


def _aside(question: str) -> tuple[int, int] | None:
    """Where the things `question` (simplified) sets aside are said, if it sets any aside."""
    m = _SET_ASIDE.search(question)
    if m is None:
        return None
    return next(m.span(group) for group in ("items", "bracketed", "bare") if m[group] is not None)


ITEM_BREAKS = re.compile(r"以及|[、和与及跟]")
_COUNT_TAIL = re.compile(r"(?:这|那)?[\d一二三四五六七八九十两几]+[个类项种家所条]$")


def without_set_aside(question: str) -> str:
    """`question` (simplified) with the things it sets aside blanked (`不算中职和技工，郑州高职院校…` keeps `高职院校`
    alone): it asks about the rest, not them."""
    aside = _aside(question)
    if aside is None:
        return question
    start, end = aside
    return question[:start] + " " * (end - start) + question[end:]


def set_aside(question: str) -> tuple[str, ...]:
    """The things `question` (simplified) sets aside (`汽车维修`, `航空物流` of 除去汽车维修、航空物流两类，其余…), without
    the count closing them."""
    aside = _aside(question)
    if aside is None:
        return ()
    said = question[aside[0] : aside[1]]
    return tuple(i for i in (_COUNT_TAIL.sub("", part.strip()) for part in ITEM_BREAKS.split(said)) if i)


def set_aside_marks(question: str) -> tuple[str, ...]:
    """What marks a thing as one `question` (simplified) sets aside: the item without the type it ends in (`职业` of
    不算职业院校的话，…哪些大学), or the item itself (`宇通` of 除了宇通还有哪些企业); none shorter than two characters."""
    marks = (re.sub(f"(?:{_TYPE_ALT})$", "", item) or item for item in set_aside(question))
    return tuple(mark for mark in marks if len(mark) >= 2)


# Two asks joined in one question (`谁写给谁`, `什么时候去了哪里`, `提案人是谁、答复单位是哪个`).
_WH = re.compile(
    r"谁|什么|何时|哪|多少|几[个所家位年月号天条项]|多[高大长重远深宽久]|吗|"
    # … and asking whether or how (`有没有编制，工资待遇如何`)
    r"有没有|是否|是不是|如何|怎么样|怎样"
)
# … or two questions in one message (`成立了几个？拿哪几个行业举例？`).
_JOIN = re.compile(r"[，,、；;？?]|以及|还有|并且|和(?=[^，,、]{0,8}(?:谁|哪|什么|多少|几))")


# Where a question's clauses part: punctuation, or the spaces people type instead of it.
_CLAUSE_BREAK = re.compile(r"[，,。；;：:！!？?\s]+")


def asking_clause(plain: str) -> str:
    """The last clause of a question that holds a wh-word (`那高职学校同一年新增备案的是多少` of 我看到中职2024年新增备案了83个
    那高职学校…): what it asks of, where the clauses before say what the asker knows or who they are (`在纠结读中职还是高职`).
    '' when no clause holds one."""
    return next((clause for clause in reversed(_CLAUSE_BREAK.split(plain)) if _WH.search(clause)), "")


def without_asking(text: str, scope: Scope) -> str:
    """`text` with the words asking for `scope` blanked (`中心内容是什么` of 这份答复的中心内容是什么？): they say what
    shape of answer is asked, not about what. Found on its simplified form (the rules' script), blanked in its own."""
    rule = next((r for r in SCOPE_RULES if r.scope == scope), None)
    return blanked(text, rule.asks) if rule is not None else text


GATHER_REST = 3  # a gathering names at most this many characters besides the type (`郑州市` of 郑州市有哪些大学)


def question_scope(plain: str, fact_kinds: frozenset[str] = frozenset(), content: str = "") -> Scope:
    """The scope a question (in simplified characters) asks for; `fact` when no row claims it.

    `content` is the question with its question words and filler blanked. A gathering names nothing but the
    type: `郑州大学有哪些学科属于一流建设学科` asks about one sentence, `信里提到了哪些企业` about the whole
    letter. A question asking for a number (`提到了多少家企业`) counts, it does not gather.
    """
    if len(asks(plain)) >= 2:
        return "multi"
    scope = _scope_of(plain, fact_kinds, content)
    tail = _REQUEST_TAIL.search(plain)
    if scope == "fact" and tail is not None:  # `…企业有哪些 帮我捋一遍` asks what its body asks
        return _scope_of(plain[: tail.start()], fact_kinds, content[: tail.start()])
    return scope


# What is asked of the tool (`帮我`, `给我`), and a request to it closing a question (`，帮我捋一遍`, `给我列个清单`): how
# to answer, not what.
REQUEST_WORDS = ("帮我", "给我", "替我", "麻烦")
# … and one asking for all of them (`统统列出来`, `全部说一下`)
ALL_WORDS = ("统统", "通通", "全部", "全都", "一一", "逐一", "挨个")
_REQUEST_TAIL = re.compile(
    rf"[，,。？?！!\s]+(?:(?:{'|'.join(REQUEST_WORDS)})你?[^，,。？?！!]*|(?:{'|'.join(ALL_WORDS)}|都)(?:列|说|讲|写|报)"
    rf"[^，,。？?！!]{{0,4}})[。！!]?$"
)


def _scope_of(plain: str, fact_kinds: frozenset[str], content: str) -> Scope:
    for rule in SCOPE_RULES:
        asking = rule.asks.search(plain)
        if asking is None:
            continue
        if rule.scope == "gather":
            if "count" in fact_kinds and re.search(r"多少|几", plain):
                continue
            # what it sets aside (`不算职业院校的话，…哪些大学`) narrows nothing: the rest are gathered
            rest = re.sub(_TYPE_ALT, " ", re.sub(RELATION_WORDS, " ", SCOPE_WORDS.sub(" ", without_set_aside(content))))
            if _naming_length(rest) > GATHER_REST:
                continue
        # a summary of a topic the question names (`概括一下校企合作的情况`) asks for what is said of that topic, not of
        # the whole document
        # … and so do the aspects of a topic it names (`请记者进学校采访报道，聚焦的是职教的哪几方面`), not the parts of a
        # paper (`讲政策支持的那一部分下面分了哪几个小标题`)
        of_paper = rule.scope == "outline" and _PARTS_OF_A_PAPER.search(plain) is not None
        if rule.scope in ("summary", "outline") and not of_paper and not _IN_DOCUMENT.search(plain):
            # what the rule read as asking (`分为哪几个部分`) is no topic either; `content` keeps `plain`'s offsets
            if len(content) == len(plain):
                content = content[: asking.start()] + " " * (asking.end() - asking.start()) + content[asking.end() :]
            topic = _COUNTED_WORDS.sub(" ", SCOPE_WORDS.sub(" ", content))
            if _naming_length(topic) > GATHER_REST:
                return "section"
        return rule.scope
    return "fact"


# jieba's tags of words that say how a question is put, never what it asks for: adverbs, time words, particles,
# prepositions, conjunctions (`通读下来，…`'s `下来`, `眼下`). Not pronouns (`此鱼` is the article's fish) or locatives
# (`线上举办的活动` are those held online).
_HOW_TAGS = re.compile(r"[dtupcyeo]")


# … or a paper said as one, whatever it is called (`这份东西`), or its body (`正文`)
_IN_DOCUMENT = re.compile(rf"{IN_DOCUMENT}|(?:{DOCUMENT_NOUNS})|这份|这篇|这封|整份|整篇|整封|正文")
_PARTS_OF_A_PAPER = re.compile(r"部分|板块|标题|章|节|编号|结构|提纲|目录|大纲|骨架|框架|脉络")
# how briefly it is to be said (`四个词`, `一句话`, `三点`), which names no topic
_COUNTED_WORDS = re.compile(r"(?:用|以)?[一二三四五六七八九十两几\d]+[个句条点段]?(?:词|话|字|点|条|句)")


def _naming_length(rest: str) -> int:
    """How many Chinese characters of `rest` (what a gathering says besides its type) lie in words that may narrow
    it: all but `_HOW_TAGS`' (`文中点名提到的企业` of `通读下来，…` keeps `通读`). A short rest is cut without them."""
    length = han_length(rest)
    if length <= GATHER_REST:
        return length
    return sum(han_length(w) for w, flag in tag(rest) if not _says_how(w, flag))


def han_length(text: str) -> int:
    """How many Han characters `text` has."""
    return len(re.findall(r"[\u4e00-\u9fff]", text))


_NUMERAL = re.compile(r"[\d〇零一二三四五六七八九十百千两]")


def _says_how(word: str, flag: str) -> bool:
    """Whether a word says how a question is put (`_HOW_TAGS`): a date is a time word that narrows (`2024年新增的`, the
    plant `五月艾`)."""
    return bool(_HOW_TAGS.match(flag)) and not (flag.startswith("t") and _NUMERAL.search(word))


# Groups: the words before the type (`技工` of 哪些技工院校: its modifier), the type, a second type; the first two
# again for `提到的X有哪些`, and for `列举一下…X`.
_GATHERED = re.compile(
    rf"(?:哪些|哪几[个家所位类项种]?|什么|所有|全部|各个?)(?:样的)?(?:具体的?)?(?:的)?([\u4e00-\u9fff]{{0,3}}?)({_TYPE_ALT})"
    rf"(?:(?:和|或|及|与|、|或者)[\u4e00-\u9fff]{{0,2}}?({_TYPE_ALT}))?"
    rf"|{_MENTION_OF}([\u4e00-\u9fff]{{0,3}}?)({_TYPE_ALT})(?=(?:都|一共|共|分别)?(?:有|是|包括)(?:哪|什么))"
    rf"|{_LIST_REQUEST}"
)
_TYPE_GROUPS = (2, 3, 5, 7)
_MODIFIER_GROUPS = (1, 4, 6)  # one of them took part in the match
# Words before a type that narrow nothing: `哪些具体的企业`, `主要的院校`.
_NO_NARROWING = re.compile(r"(?:具体|主要|相关|有关|重要|其他|其它|各类|各种|不同|一些|些|样|所有|全部)的?")


def gather_types(plain: str) -> tuple[str, ...]:
    """The kinds of thing a gathering question collects (`company`; `哪些企业和机构` two), () when it names none."""
    m = _GATHERED.search(plain)
    if m is None:
        return ()
    return tuple(dict.fromkeys(_TYPE_WORD[w] for w in m.group(*_TYPE_GROUPS) if w))


# One or more named things of a kind asked for (`哪家企业牵的头`, `跟宇通合作的是哪所学校`, `起牵头作用的企业叫什么`): an
# answer names one.
_NAMED_KINDS = ("company", "school")
NAMED_TYPE_WORDS = frozenset(w for k in _NAMED_KINDS for w in GATHER_TYPES[k])  # `企业`, `学校`: answered by a name
_NAMED_TYPES = "|".join(sorted(NAMED_TYPE_WORDS, key=len, reverse=True))
_ONE_NAMED = re.compile(
    rf"(?:哪一?[家所个]|哪些|哪几[家所个])({_NAMED_TYPES})|({_NAMED_TYPES})的?(?:叫什么|叫啥|名字|名称|全称|是哪一?[家所个])"
)


# A name of each kind by how it ends (`国立中兴大学法商学院`, `广西柳州钢铁厂`'s 公司 aside): what a sentence may name that
# the document's gathered names miss. `企业` is no name's end (`重点企业`).
NAME_ENDS = {
    "company": re.compile(r"[\u4e00-\u9fffA-Za-z]{2,}(?:公司|集团)"),
    "school": re.compile(r"[\u4e00-\u9fff]{2,}(?:大学|学院|研究院|学校|中学|小学|高中|职院)"),
}


def named_kind_asked(plain: str) -> tuple[str, str]:
    """The kind of thing a question asks to have named (`company`) and the words asking it (`哪家企业`); ('', '') when
    it asks for none of `_NAMED_KINDS`."""
    m = _ONE_NAMED.search(plain)
    if m is None:
        return "", ""
    if m.group(1):
        return _TYPE_WORD[m.group(1)], m.group()
    kind = _TYPE_WORD[m.group(2)]  # asked as its name (`企业叫什么`), named as the wh-word would ask it
    return kind, ("哪家" if kind == "company" else "哪所") + m.group(2)


# Others of a named kind asked about (`别的学校有订单班吗`, `其他企业`): things of that kind but the ones set aside
_OTHERS_ASKED = re.compile(rf"(?:别的|其他|其它|其余|另外的?)({_NAMED_TYPES})")


def others_asked(plain: str) -> str:
    """The kind of thing (`school`, `company`) a question asks about others of (`别的学校…`, `其他企业…`); '' if none."""
    m = _OTHERS_ASKED.search(plain)
    return _TYPE_WORD[m.group(1)] if m else ""


# `哪位市领导带的队`, `一把手是哪位`: a person asked to be named, not a role (`谁带的队` is answered by `市政府领导`).
# The roles a person is asked by (`哪位市领导`, `校长的名字`); `kinds.asked_kinds` reads them too.
PERSON_ROLES = r"领导|委员|校长|局长|负责人|老师|专家|书记|市长|主任|院长"
_ONE_PERSON = re.compile(rf"哪一?位[\u4e00-\u9fff]{{0,4}}?(?P<role>{PERSON_ROLES})|哪一?位")


# … or a role asked by its holder's name (`带队的市领导叫啥`, `校长的名字是什么`, `负责人姓什么`)
_PERSON_NAME_ASKED = re.compile(rf"(?P<role>{PERSON_ROLES})的?(?:叫啥|叫什么|名字|姓名|全名|姓什么|姓啥|是谁)")


# … or people asked to be named as a group: those honoured one by one (`来过哪些大国工匠`, `哪几位劳模`), and a role's
# list of names (`专家名单`, `工匠…有名单吗`); not `哪些专家`, which a kind of expert may answer
_HONOURED = r"工匠|劳模|校友|嘉宾|大师|状元"
_SEVERAL_PEOPLE = re.compile(
    rf"哪几位[\u4e00-\u9fff]{{0,4}}?(?P<role>{PERSON_ROLES}|{_HONOURED})|哪些[\u4e00-\u9fff]{{0,4}}?(?P<honoured>{_HONOURED})|哪几位"
    rf"|(?P<listed>{PERSON_ROLES}|{_HONOURED})(?!会)[^，,。？?！!]{{0,8}}?名单"  # not the 委员 of 委员会
)


def person_asked(plain: str) -> tuple[str, str]:
    """The words a question (simplified) asks to have a person named by (`哪位市领导`, `市领导叫啥`, `哪些大国工匠`,
    `专家名单`) and the role it names (`领导`); ('', '') when it asks none."""
    m = _ONE_PERSON.search(plain) or _SEVERAL_PEOPLE.search(plain)
    if m is not None:
        found = m.groupdict()
        return m.group(), found.get("role") or found.get("honoured") or found.get("listed") or ""
    m = _PERSON_NAME_ASKED.search(plain)
    return ("哪位" + m["role"], m["role"]) if m else ("", "")


# A thing such documents give names to asked by its name (`栏目名称是什么`, `宣传专栏在…上叫啥名`, `入选的那个专业群叫什么
# 名字`); schools and companies are `_ONE_NAMED`'s, people `_ONE_PERSON`'s.
_NAMED_THING_WORDS = (
    "栏目 专栏 专题 专业群 订单班 工作室 基地 活动 项目 平台 联合体 品牌 模式 计划 工程 行动 课程 教材 大赛 比赛 奖项 称号 口号 "
    "主题 会议 专业"
)
NAMED_THINGS = tuple(_NAMED_THING_WORDS.split())
_THING_NAME_ASKED = re.compile(
    rf"(?P<thing>{'|'.join(sorted(NAMED_THINGS, key=len, reverse=True))})[^，,。？?！!]{{0,10}}?"
    r"(?P<ask>叫什么|叫啥|叫做什么|名字|名称|全称|全名|(?:啥|什么)名(?![次单额义气誉]))"
)


def thing_name_asked(plain: str) -> str:
    """The thing a question (simplified) asks the name of (`栏目` of 栏目名称是什么), '' when it asks no such name, or
    asks another's named after it (`比赛官方吉祥物的名字`: the mascot's)."""
    m = _THING_NAME_ASKED.search(plain)
    if m is None:
        return ""
    between = plain[m.end("thing") : m.start("ask")]
    words = tag(between[:-1]) if between.endswith("的") else ()
    return "" if words and words[-1][1].startswith("n") else m["thing"]


def types_named(plain: str) -> tuple[str, ...]:
    """The kinds of thing a question names by their type words (`city` of 哪座城市, of 去了哪几个城市), in its order."""
    found = sorted((m.start(), _TYPE_WORD[m.group()]) for m in re.finditer(_TYPE_ALT, plain))
    return tuple(dict.fromkeys(kind for _, kind in found))


def gather_relation(plain: str) -> str:
    """The relation a gathering asks about (`合作` of 学校和哪些企业合作), '' when it asks for every one named."""
    m = _WITH_WHOM.search(plain)
    return m.group(1) if m else ""


def mentioned(plain: str) -> str:
    """What a question asks whether the documents mention (`经费` of 有没有提到经费), '' for any other question."""
    m = _MENTIONED.search(plain)
    return m.group("thing") if m else ""


def gather_noun(plain: str) -> str:
    """The type nouns as the question says them (`企业和机构`), for naming them in an answer or a refusal."""
    m = _GATHERED.search(plain)
    if m is None:
        return ""
    return "和".join(w for w in m.group(*_TYPE_GROUPS) if w)


def gather_modifier(plain: str) -> str:
    """The words a gathering question puts before its type (`技工` of 有哪些技工院校, `知名` of 哪些知名企业), which
    may narrow what it asks for; '' when none, or only words that narrow nothing (`具体的`)."""
    m = _GATHERED.search(plain)
    if m is None:
        return ""
    said = next(m.group(g) for g in _MODIFIER_GROUPS if m.group(g) is not None)
    # Words joined to the type (`金额和数量`) are another thing asked for, not a narrower kind of it; a word for the same
    # kind (`企业品牌`) narrows nothing either.
    kinds = {_TYPE_WORD[w] for w in m.group(*_TYPE_GROUPS) if w}
    if _NO_NARROWING.fullmatch(said) or re.search(r"[和或及与、]", said) or _TYPE_WORD.get(said) in kinds:
        return ""
    return said.removesuffix("的")


# A part saying what the asker heard or read (`听说郑州要冒出几所职业大学，…点了哪几所的名`): its `几` is "a few", and
# what it says is the premise of the part that asks, not an ask of its own.
_HEARSAY = re.compile(r"(?:我|我们)?(?:听说|听人说|据说|据了解|听别人说|听朋友说|看新闻说|看到新闻说|网上说|有人说)")

# A part asking for examples of what the rest asks (`…哪些类型的实训基地，能举两个例子吗`): no ask of its own.
_EXAMPLES_ASKED = re.compile(
    r"(?:能|可以|可否|能不能|能否|麻烦)?(?:再|多)?(?:举|列|给)(?:一下|出|个)?[几两一二三]?个?例子?(?:吗|呢|吧|嘛)?"
)


def asks(plain: str) -> list[str]:
    """The separate asks of a question: parts joined by a comma or `以及` that each hold a wh-word.

    `谁写给谁` is two asks in one clause (a writer and an addressee); it is split by the letter's meta
    patterns, not here. A part without a subject of its own borrows the first part's (`考察组什么时候去的，去了哪里`).
    """
    body = plain.strip().rstrip("？?。！!")
    # Several parts of the document asked of at once (`第四、第五部分的标题分别是什么`, `第二部分和第三部分讲了什么`): one ask
    # per part, each saying the rest of the question.
    listed = _PARTS_LISTED.search(body)
    if listed is not None:
        numbers = re.findall(PART_NUMBER, listed.group())
        return [f"{body[: listed.start()]}第{n}部分{body[listed.end() :]}".replace("分别", "") for n in numbers]
    parts = [p for p in _JOIN.split(body) if p.strip() and not _EXAMPLES_ASKED.fullmatch(p.strip())]
    if len(parts) < 2:
        return [body] if body else []
    asking = [p for p in parts if _WH.search(p) and not _HEARSAY.match(p.strip())]
    if len(asking) == 1 and parts[-1] == asking[0] and "分别" in asking[0] and all(map(_names_only, parts[:-1])):
        # Several things named, then asked of each (`市级重点专业，还有省品牌专业，郑州分别有多少个`): one ask per thing.
        return [f"{thing}{asking[0].replace('分别', '')}" for thing in parts[:-1]]
    if len(asking) < 2 or len(asking) != len(parts):
        return [body]
    return asking


PART_NUMBER = r"[一二三四五六七八九十]{1,3}|\d{1,2}"  # the number of a part of a document (`第三部分`, `第3部分`)
_PARTS_LISTED = re.compile(
    rf"第(?:{PART_NUMBER})(?:个?部分)?(?:(?:、|和|与|及|以及|跟|还有|，|,)第?(?:{PART_NUMBER})(?:个?部分)?)*"
    rf"(?:、|和|与|及|以及|跟|还有|，|,)第?(?:{PART_NUMBER})个?部分"
)


# Words that make a part a clause saying something (`郑州有41所中职学校`), not a thing named
_SAYING = frozenset(("是", "有", "为", "在", "没有"))


def _names_only(part: str) -> bool:
    """Whether a part of a question only names something (`市级重点建设专业`, `省品牌示范专业加特色专业`): it ends in a
    noun and says nothing of it (no `是`, `有`…)."""
    words = tag(part)
    return bool(words) and words[-1][1].startswith(("n", "j", "vn")) and not any(w in _SAYING for w, _ in words)
