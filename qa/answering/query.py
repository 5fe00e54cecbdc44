"""Question analysis, done once per question: content terms, the kind of answer asked for, the documents' script,
and questions about the letter itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qa.answering.attributes import ANSWER_NOUNS, Whether, first_attribute, whether_asked
from qa.answering.kinds import (
    CHINESE_DIGITS,
    COUNT_ASKED,
    DIGITS,
    NUMBER_NAMED,
    NUMBER_WITH_UNIT,
    PLAN_PERIOD,
    QUOTE_MARKS,
    UNITS,
    answer_size,
    asked_kinds,
    bound_named,
    chinese_number,
    choices,
    school_kind_nouns,
    school_kinds,
    within,
)
from qa.answering.names import (
    NAME_PARTS,
    SAID_BODY_ENDS,
    common_nouns,
    dictionary_frequency,
    government_bodies,
    offsets,
    question_names,
    tag,
    tag_in_dictionary,
    tagged_entities,
)
from qa.answering.scope import (
    ALL_WORDS,
    IN_DOCUMENT,
    LIST_VERBS,
    PART_NUMBER,
    RELATION_WORDS,
    REQUEST_WORDS,
    SCOPE_WORDS,
    Scope,
    gather_modifier,
    gather_noun,
    gather_relation,
    gather_types,
    han_length,
    mentioned,
    question_scope,
    without_set_aside,
)
from qa.lexical import LexicalIndex, bigrams, tokenize
from qa.script import aligned_simplified, blanked, converters, is_han, simplified
from qa.types import Document, Heading

# Question words and filler carry no content; they are removed before terms are weighed.
FILLER = re.compile(
    r"请问|请|一下|" + IN_DOCUMENT + "|提到|提及|说到|讲到|写到|介绍|"
    r"具体|主要|分别|都|有哪些|哪些|哪几个|哪几|哪个|哪家|哪所|哪位|哪类|哪种|哪项|哪里|哪儿|何时|何处|何地|是什么|什么时候|时候|叫什么名字|叫什么|什么名字|名字|姓名|什么|多少|几[个家所门席拨项条位种类名座批届次轮趟期]|几|"
    r"怎么样|怎么|怎样|如何|为什么|为何|是否|有没有|多[高大长重远深宽久厚]|吗|呢|吧|啊|了|是|的|有|和|与|及|在|对|把|被|将|会|能|要|"
    r"这些|那些|他们|她们|它们|其中|这个|这种|那个|那种|上述|该|"
    # Said as a citizen asks: the colloquial `啥`/`咋` and hedges no written text uses (not `大约` or `总共`, which a
    # sentence says too: `计约50年`), and a count said as a noun (`数量是多少`).
    r"啥|咋|大概|差不多|(?:大体|大致|总体)上?|到底|究竟|数量|数目|总数|"
    # … and hearsay, which says where the asker heard it, not what is asked (`听说经开区的联合体入选了…`), and how a
    # chat moves on to the question (`顺便问下`, `换个话题：`), which asks nothing of the documents, as `请问` does not
    r"听说|据说|听人说|顺便问(?:问|一句|一下)?|顺带问(?:一句|一下)?|换个话题|换个问题|"
    # … said as what the asker wants to know (`想知道`, `想了解一下`), which asks nothing of its own
    r"(?:我)?(?:想|要|需要)(?:知道|了解|问问|问|确认|打听|请教)(?:一下)?|"
    # … said as whom it was heard from (`听朋友说`, `我同事说`)
    r"听[\u4e00-\u9fff]{1,3}?说(?![明法服])|(?:朋友|同事|同学|别人|家人|邻居|有人)(?:跟我|和我|告诉我)?说|"
    # A follow-up's frame, said as it swaps a part in (`换成技工院校,开设的专业数是多少？`, `要是换成高职院校…`, `换到…`).
    r"换成|换到|换作|换做|要是"
)
# Question words FILLER leaves in: a refusal never names them as missing (`由誰`, `哪一地區`, `甚麼`, `列出`). The terms the
# models weigh keep them, as the models were trained: taken out of the terms too and retrained (beside a change that
# alone left DRCD as it was), DRCD's answerable questions lost confidence (false abstention at the shipped threshold
# 0.041 -> 0.096, its own 3% point 0.815 -> 0.787; README, sixth round).
QUESTION_WORDS = re.compile(FILLER.pattern + "|哪一|哪|何种|甚么|谁|" + LIST_VERBS)
_WH_HEAD = re.compile(
    r"(?:什么样的?|(?<!为)什么(?!时候)|哪一些|哪些|哪几[个所家位类种项]?|哪[个所家位类种项]|哪一[个所家位类种项])([\u4e00-\u9fff]{1,12})"
)
_HEAD_STOP = re.compile(r"[了呢吗是有在和与跟把被将会能去来给对为从于上中里]")
_ASKING = re.compile(r"什么|哪|谁|几|多少|怎|如何|为何|是否|有没有|吗|呢|何时")
# A question asking to have several things named (`哪些企业`, `具体是哪几所`, `列出所有…专业`): the words after the
# wh-word, or after a request to list, and the classifier of `哪几所`.
_LISTED = re.compile(
    r"(?:哪些|哪几(?P<unit>[个所家位类种项名座条]?)|都有什么|有什么|(?:具体|分别|都)是什么)(?P<noun>[0-9A-Za-z\u4e00-\u9fff]{0,12})"
)
# What points at a counted thing before its noun (`这两个` of 这两个系列活动)
_POINTING_COUNT = re.compile(r"^(?:这|那|上述)?(?:[两二三四五六七八九十几\d]+[个所家项条种类位])?")
# The names of several things asked one by one (`五个产业学院，名字各是什么`, `它们分别叫什么`).
# … or said as each one's name before the ask (`各自的名称信里有写吗`)
_NAMES_EACH = re.compile(
    r"的?(?:名字|名称|全称)?(?:各|分别|都|各自)(?:叫什么|是什么|叫啥|是啥)|(?:各自|分别)的?(?:名字|名称|全称)"
)
# … or the things each of them has, said after the wh-word (`各自入选的是什么专业群`, `分别有什么专业`)
_EACH_WHAT = re.compile(
    r"(?:各自|分别|各)[^，,。？?]{0,8}?(?:是|为|有)(?:什么|哪些|哪个)(?P<noun>[\u4e00-\u9fff]{2,12})"
)
_LIST_ASKED = re.compile(rf"(?:{LIST_VERBS})(?:一下|出来|出)?(?P<noun>[0-9A-Za-z\u4e00-\u9fff]{{2,30}})")
_LISTED_BEFORE = re.compile(r"(?P<noun>[0-9A-Za-z\u4e00-\u9fff]{2,14}?)(?:都|还|主要|具体|分别)?(?:有|是|包括|包含)$")
_LISTED_STOP = re.compile(r"[了呢吗是有在和与跟把被将去来给对为从于都还]")
_NO_PREDICATE = frozenset("了呢吗和与跟")  # where a cut leaves no predicate after the phrase: a particle, another noun
_EXISTS = re.compile(r"^(?:那|那么)?(?:都|还|一共|总共)?(?:有|提到了?|包括)(?:哪些|哪几|什么)")
_LISTED_NOT = frozenset({"count", "measure", "date", "money", "rate", "people"})  # a number asked: no names
_TITLE = re.compile(r"[《〈]([^《》〈〉]{2,60})[》〉]")  # a quoted title's words
_TITLE_BREAKS = re.compile(rf"(?:\s|{QUOTE_MARKS.pattern})+")  # what a title is read verbatim between
_NOUN_LIKE = ("n", "b", "j", "s", "t", "vn", "a", "f", "m", "q", "x", "eng", "h", "k")


# The document itself as what is asked about (`这封信的作者`, `信的收件人`): another text's author (`《越南亡国史》的作者`)
# is a question about that text.
_THE_LETTER = r"(?:^|这封|这份|这篇|该|本|此)(?:信|来信|复函|回函|答复|回复|函|文件)"
META_PATTERNS: dict[str, re.Pattern[str]] = {
    "addressee": re.compile(
        r"写给(?:谁|哪位|哪个)|致谁|给(?:的是|了)?谁|寄给|收信人|答复对象|答复(?:的是)?谁|回复(?:的是)?谁|哪位委员|提案人|谁提(?:出|的)|"
        # whom its opening thanks: `答复开头感谢了谁`
        r"感谢(?:了|的是)?(?:谁|哪位)|"
        rf"{_THE_LETTER}的?(?:收件人|收件单位|收件方|收信单位|主送单位|主送)|^(?:请问)?收件人|"
        # whom it opens by addressing: `开头称呼的那位委员叫什么名字`
        r"(?:开头|抬头)[^，,。]{0,4}称呼|称呼的?(?:那位|哪位|是谁)"
    ),
    "sender": re.compile(
        r"谁写|谁发|谁答复|谁回复|谁回的?(?:信|函|这封)|由谁(?:答复|回复|写|发)|(?:哪个|哪家|什么)(?:单位|部门|机构|机关)在?(?:答复|回复|写|发|作答|作出|做出|给出)|"
        # … said with the letter after the writing (`哪个部门出具的回函`): `证书是哪个部门出具的` asks of a certificate
        r"(?:哪个|哪家|什么)(?:单位|部门|机构|机关)(?:出具|起草|撰写)的?(?:这封|这份|这篇|该|本|此)?(?:信|复函|回函|答复|回复|函)|"
        r"(?:答复|回复|回函|复函|回信|这封信|执笔|起草|撰写)[^，,。]{0,6}(?:哪个|哪家|什么)(?:单位|部门|机构|机关)|"
        r"(?:答复|回复|回函|复函|回信|发文|落款|来信|写信)(?:单位|部门|机构|人)(?:是|为)?(?:谁|哪|什么)|写信人|发信人|发信单位|发文单位|发函单位|"
        r"(?:行文|发文)(?:主体|单位|机关|部门)|"
        # the one replying named after it: `出面作答的是郑州哪个机关`
        r"(?:作答|答复|回复|复函|回函|回信)的(?:是|为)[^，,。？?]{0,6}(?:哪个|哪家|什么)(?:单位|部门|机构|机关)|"
        # who wrote it, said of the writing: `给委员写这封回复的单位是哪家`
        r"(?:写|发|出具|作出|做出|给出)(?:这封|这份|这篇|该|本|此)?(?:信|来信|复函|回函|答复|回复|函)的(?:单位|部门|机构|机关)(?:是|为)(?:谁|哪|什么)|"
        # … or with no noun for the writer: `出这份回函的是哪个机关`
        r"(?:写|发|出|出具|作出|做出|给出)(?:这封|这份|这篇|该|本|此)(?:信|来信|复函|回函|答复|回复|函)的(?:是|为)(?:谁|哪)|"
        rf"{_THE_LETTER}的?(?:作者|署名|发件人|发件单位)|^(?:请问)?发件人|"
        # the document itself as the subject: `这份计划是哪个公司的`, `这个通知是谁发布的`
        r"^(?:这份|这个|这篇|该|本)(?:计划|通知|文件|报告|方案|材料|文档)是?(?:(?:哪个|哪家|什么)(?:单位|部门|机构|公司|企业|学校)"
        r"|谁)(?:的|制定的|发布的|印发的|编制的|写的|发的)"
    ),
    "date": re.compile(
        r"(?:信|答复|复函|回函|回复|回信|落款|签发|成文)[^，,。]{0,6}(?:日期|时间|什么时候|何时|哪天|哪一天|几号|年月日)"
        r"|(?:什么时候|啥时候|何时|哪天|哪一天)(?:写的|发的|签发|发出|答复的|回复的|落款|落的款|成文)"
        rf"|{_THE_LETTER}[^，,。]{{0,4}}(?:写于|发于|签发于|成文于|发出于)"
        r"|(?:文末|信末|末尾|结尾|最后)[^，,。]{0,4}(?:日期|时间|落款|日子)"  # `日子`, a date said as a citizen says it
    ),
    # How the letter meets the proposal (`对委员的建议，教育局是什么态度`, `提案被采纳了吗`): said of the proposal, the
    # member or the reply, not of anything else's attitude (`学生对职业教育的态度`).
    "stance": re.compile(
        r"(?:提案|建议)[^，,。？?]{0,10}(?:态度|立场|采纳|回应|对待|看待|认可|同意)"
        r"|(?:态度|立场|回应|采纳|看待|对待)[^，,。？?]{0,10}(?:提案|建议)"
        r"|对(?:委员的?)?(?:这份|这个|这件|这项|该)?(?:提案|建议)[，,]?[^。？?]{0,12}(?:态度|立场)"
        # … or what the reply opens by saying (`答复开头先对委员表达了什么`), which is how it meets the proposal
        r"|(?:^|信|答复|复函|回函|回复|回信|正文)的?(?:开头|开篇|一开始|起首)[，,]?[^，,。？?]{0,8}"
        r"(?:说|讲|写|表达|表示|提到|谈)了?(?:些)?(?:什么|啥)"
        # … or whether it opens by thanking (`开头有没有致谢`)
        r"|(?:开头|开篇|一开始|起首)[^，,。？?]{0,4}(?:有没有|是否|有无|可有)(?:表示|表达)?(?:致谢|道谢|感谢|谢意)"
        # … or what it thanks the member for (`开头先向委员致谢，谢的是什么`)
        r"|(?:致谢|道谢|感谢|谢)(?:的是|了|的)?委员(?:的)?(?:什么|啥)|(?:致谢|道谢|感谢|谢)的是(?:什么|啥)"
    ),
    "proposal": re.compile(
        r"(?:什么|哪个|哪项|哪份|哪一)[^，,。？?]{0,5}提案|提案[，,]?[^，,。]{0,4}(?:名称|题目|标题|叫什么|是什么(?!时候|态度|立场|看法))|"
        # the proposal said as the member's suggestion, its title asked (`委员递上去的建议，原题目叫什么`)
        r"建议[，,]?[^，,。]{0,4}(?:名称|题目|标题)|"
        # … or what the member suggested (`委员提了什么建议`): the letter gives its title
        r"委员[^，,。？?]{0,4}(?:提|提出|递交|写)了?(?:什么|哪些|啥|哪个|哪方面的?)(?:建议|提案)"
    ),
    "section": re.compile(
        rf"第(?P<number>{PART_NUMBER})(?P<unit>部分|点|条|项|个方面|方面|大部分|个部分|节|个?大?标题|个?板块)"
        # a part named by its number (`编号“三”的板块`, `序号为3的部分`)
        rf"|(?:编号|序号|标号)(?:为|是)?[“\"'‘「]?(?P<numbered>{PART_NUMBER})[”\"'’」]?的?(?:那个|这个|那|这)?"
        r"(?:部分|大部分|方面|节|大?标题|板块)"
        # the last part (`最后1个部分` as rewritten); a part said `板块` as a question on how many parts says it
        # … or said as the ending (`收尾那一大块`, `结尾的部分`)
        r"|(?:最后|收尾|末尾|结尾|最末)的?(?:那|这)?[一1]?个?大?(?:部分|大部分|方面|节|大?标题|板块|块)"
    ),
}


# A message that asks the documents nothing: a greeting, thanks, a goodbye (the whole message, give or take a
# particle and punctuation). It gets a reply, not a refusal naming `你好` as missing, and is no follow-up's context.
PLEASANTRIES: dict[str, str] = {  # in the order a reply is chosen: `好的谢谢` is thanks
    "thanks": r"(?:非常|十分)?(?:谢谢|感谢|多谢)(?:你|您|了)?(?:的(?:回答|解答|帮助|帮忙))?|辛苦了?",
    "goodbye": r"再见|拜拜",
    "greeting": r"你好|您好|嗨|哈喽|在吗|在不在",
    "acknowledgement": r"好的?|嗯嗯?|知道了|明白了|懂了",
}  # Chinese only: `Hello?` takes the path of questions in other languages, which answers in English
_AROUND = r"[\s啊呀呢吧哈啦～~！!。.，,?？]*"
_ONLY_PLEASANTRIES = re.compile(f"(?:{_AROUND}(?:{'|'.join(PLEASANTRIES.values())}){_AROUND})+")


def pleasantry(question: str) -> str | None:
    """The kind of pleasantry a whole message is (`thanks`, `goodbye`, `greeting`, `acknowledgement`), else None.
    `谢谢，那技工院校呢？` asks something: it is not one."""
    if not _ONLY_PLEASANTRIES.fullmatch(question.strip()):
        return None
    return next(kind for kind, words in PLEASANTRIES.items() if re.search(words, question))


@dataclass(frozen=True)
class Query:
    """A question analysed once: its weighted content terms, the kinds of answer it asks for, what no document says."""

    text: str
    plain: str  # the question in simplified characters, which the patterns are written in
    terms: dict[str, float]  # content bigrams, weighted by IDF (a follow-up's own words doubled)
    chars: dict[str, float]  # content characters, weighted by IDF
    kinds: frozenset[str]  # what kind of answer is asked for (`qa.answering.kinds.KINDS`)
    count_unit: str  # `所` in `多少所学校`; '' when none
    head: str  # what a wh-word asks for (`哪些职业学校` → `职业学校`)
    defines: str  # what a definition question (`什么是棱柱？`) asks to have defined
    missing: float  # share of the term weight that no document contains (`洛阳市` in a Zhengzhou letter)
    bound: float  # the most BM25 could score the question in this corpus (`LexicalIndex.upper_bound`)
    chunks: int = 0  # how many chunks the corpus holds
    scope: Scope = "fact"  # how much of the documents it asks for (`qa.answering.scope`)
    own: str = ""  # what the scope is read from, simplified: a follow-up's own words (`有哪些要求`), else `plain`
    topic: dict[str, float] = field(
        default_factory=dict
    )  # the terms left once scope words go (`校企合作` of 在校企合作方面有哪些举措)
    gather: tuple[str, ...] = ()  # the kinds of thing a gathering question collects (`company`), () for other scopes
    gather_noun: str = ""  # … as the question names it (`企业`)
    gather_modifier: str = ""  # the words before the type that may narrow it (`技工` of 哪些技工院校)
    gather_relation: str = ""  # what they are to the subject, when the question asks (`合作` of 和哪些企业合作)
    mention: str = ""  # what a question asks whether the documents mention (`经费` of 有没有提到经费), simplified
    years: tuple[str, ...] = ()  # years the question names (`2023`): a sentence about another year does not answer
    counts: tuple[str, ...] = ()  # numbers it names with their unit (`41所`)
    known: dict[str, float] = field(default_factory=dict)  # its terms some document holds, by IDF
    names: tuple[str, ...] = ()  # the proper names it asks about (`洛阳市`, `华为公司`), as the documents write
    names_missing: float = 0.0  # share of them no document holds (one of a name's bigrams is in none)
    # Each year and number with its unit it names (`2023`, `94米`), as the forms a text may write it in
    # (`12个`, `十二个`): a sentence holding none of a detail's forms does not answer it. A follow-up's are the
    # ones it says itself.
    details: tuple[tuple[str, ...], ...] = ()
    details_absent: tuple[str, ...] = ()  # those no document holds in any form, as the question says them (`2019年`)
    # The noun it asks for (`校长` of 校长是谁, `技工院校` of 多少所技工院校), as it says it; '' when none. A sentence
    # that does not name it may answer another attribute of the same topic.
    attribute: str = ""
    attribute_known: bool = False  # some document holds it
    # whether it is counted after `多少所…` (`中职学校`), not the head before `是谁`/`是多少` (`校长`)
    attribute_counted: bool = False
    # Its common nouns (`中职`, `学校`), as it says them: jieba's `n`, not names, and not the kind a wh-word asks for
    # (`政府` of 哪个政府, which a sibling such as 江户幕府 answers).
    nouns: tuple[str, ...] = ()
    # What it asks to have named, several of them, simplified (`中职学校` of 验收的中职学校具体是哪几所, `专业` of 列出所有
    # 省级高水平专业… its last words), and the classifier it counts them in (`所`); '' when it asks no list. Not `head`,
    # which the models were trained on as it reads (`专业群进入` of 哪些学校的专业群进入了…, where 学校 is asked).
    listed: str = ""
    listed_unit: str = ""
    # The noun a question asking only whether asks it of, as it says it (`社会人员` of 对社会人员开放吗; a follow-up's own
    # words), and whether some document holds its head word (`人员`): of one none holds, they say neither yes nor no.
    whether: str = ""
    whether_known: bool = False
    # The titles it quotes (`《…办法》`, without the marks) that no document holds: a title is a name written exactly, so a
    # sentence on the same topic answers some other document's question.
    titles_absent: tuple[str, ...] = ()
    # The schools it names by a field of their own that no document names a school by (`经贸职院`, `科技工业学校`)
    schools_absent: tuple[str, ...] = ()
    # Those it says something was done with that no document holds (`携程` of 跟携程合作开设的订单班): a partner the
    # documents never name is one they say nothing of, whatever they say of the others.
    partners_absent: tuple[str, ...] = ()

    @property
    def names_unheld(self) -> bool:
        """Whether it names a title, a school by its field or a partner that no document holds: no sentence is about
        it."""
        return bool(self.titles_absent or self.schools_absent or self.partners_absent)

    @property
    def details_missing(self) -> float:
        """Share of the years and numbers asked that no document holds in any form."""
        return len(self.details_absent) / len(self.details) if self.details else 0.0

    def coverage(self, text: str) -> float:
        """Share of the question's term weight found in `text` (1.0 for a question with no terms)."""
        return share(self.terms, text)

    def char_coverage(self, text: str) -> float:
        """The same over single characters: softer, so paraphrases that share characters still score."""
        return share(self.chars, text)


def share(weights: dict[str, float], text: str, empty: float = 1.0) -> float:
    """Share of the weight of `weights`' keys that occur in `text`; `empty` when there is no weight."""
    total = sum(weights.values())
    if total <= 0:
        return empty
    return sum(w for t, w in weights.items() if t in text) / total


def analyse(question: str, lexical: LexicalIndex, focus: str = "") -> Query:
    """Weigh the question's content bigrams by IDF (doubled for a follow-up's own words).

    The terms keep the documents' script; what kind of answer is asked for is read from the question in
    simplified characters, the script of the patterns (from a follow-up's own words when they ask).
    """
    plain, plain_focus = simplified(question), simplified(focus)
    content = without_asking_words(without_filler(question), lexical)
    focus_terms = set(bigrams(without_filler(focus))) if focus else set()
    terms: dict[str, float] = {}
    for term in bigrams(content):
        if len(term) == 1:  # a lone character or digit says little about what is asked
            continue
        terms[term] = lexical.idf(term) * (2.0 if term in focus_terms else 1.0)
    chars = {ch: lexical.idf(ch) for ch in content if "\u4e00" <= ch <= "\u9fff"}
    kind_text = plain_focus if focus and _ASKING.search(plain_focus) else plain
    count = COUNT_ASKED.search(plain)
    total = sum(terms.values())
    unseen = sum(w for t, w in terms.items() if lexical.df(t) == 0)
    kinds = asked_kinds(kind_text)
    own = plain_focus if focus else plain  # a follow-up's scope is what it says itself
    scope = question_scope(own, kinds, aligned_simplified(content))
    if focus and scope == "fact" and _EXISTS.match(own):
        # `有哪些技工院校？` after `职教活动周是什么时候？`: what there is of a type asks the documents, not the earlier
        # question; read by its own words alone, it gathers (`去了哪些城市？` asks where the earlier subject went).
        scope = question_scope(own, kinds, aligned_simplified(without_filler(focus)))
    topic = topic_terms(focus or question, lexical)
    years = tuple(dict.fromkeys(m.group(1) for m in _YEAR.finditer(plain)))
    counts = tuple(dict.fromkeys(m.group(0) for m in _COUNTED.finditer(plain) if m.group(1) not in (*years, "一")))
    # jieba tags a document's mention as a place now and then (`信里拿` of 信里拿哪几个行业举例), and a word of asking
    # as a name (`沾边`): no name
    names = tuple(
        n
        for n in question_names(question, named=said_as_name(lexical))
        if not _OPENS_IN_DOCUMENT.match(simplified(n)) and not _ASKING_WORD.fullmatch(simplified(n))
    )
    # A follow-up's details are those it says itself: `它统筹实施了哪些重点任务？` after a question about 2023 does not
    # ask that its answer name 2023.
    detail_text, detail_plain = (focus, plain_focus) if focus else (question, plain)
    # a value offered as a choice (`是2022年还是2023年`) is the asker's guess, not a detail a document must say
    offered = [span for _, span in choices(detail_plain)]
    own_years = tuple(dict.fromkeys(m.group(1) for m in _YEAR.finditer(detail_plain) if not within(m.span(1), offered)))
    periods = tuple(dict.fromkeys((m.group(),) for m in PLAN_PERIOD.finditer(detail_plain)))
    numbers = _numbers_named(detail_text, detail_plain, own_years, offered)
    details = tuple((year,) for year in own_years) + periods + numbers
    asked = first_attribute(aligned_simplified(question))
    attribute = question[asked.start : asked.end] if asked else ""
    listed, listed_unit = ("", "") if kinds & _LISTED_NOT else listed_kind(without_set_aside(plain_focus or plain))
    whether_text = focus or question
    at = whether_asked(aligned_simplified(whether_text))
    # What it asks whether of, or another noun of the asked part no document holds (`携程` of …拉了携程来开订单班), not a
    # piece jieba guessed of words around one they hold (`学产教` of 出去学产教融合的经验); one of the words before its head
    # names it whole (`交通运输部门`, `社会人员`)
    where = (
        next((_whole(at, a, b) for a, b in at.others if _unheld_word(whether_text[a:b], lexical)), None) if at else None
    )
    unheld = whether_text[where[0] : where[1]] if where else ""
    return Query(
        text=question,
        plain=plain,
        terms=terms,
        chars=chars,
        kinds=kinds,
        count_unit=count.group(1) if count else "",
        head=head_noun(plain_focus or plain),
        defines=defined_term(plain_focus or plain),
        missing=unseen / total if total > 0 else 0.0,
        bound=lexical.upper_bound(question),
        chunks=lexical.size,
        scope=scope,
        own=own,
        topic=topic,
        gather=gather_types(own) if scope == "gather" else (),
        gather_noun=gather_noun(own) if scope == "gather" else "",
        gather_modifier=gather_modifier(own) if scope == "gather" else "",
        gather_relation=gather_relation(own) if scope == "gather" else "",
        mention=mentioned(own) if scope == "mention" else "",
        years=years,
        counts=counts,
        known={t: w for t, w in terms.items() if lexical.df(t) > 0},
        names=names,
        names_missing=sum(any(lexical.df(t) == 0 for t in bigrams(n) if len(t) == 2) for n in names) / len(names)
        if names
        else 0.0,
        details=details,
        details_absent=tuple(
            _as_said(forms[0], detail_text) for forms in details if not any(lexical.occurs(f) for f in forms)
        ),
        attribute=attribute,
        attribute_known=bool(attribute) and lexical.holds(attribute),
        attribute_counted=asked is not None and asked.counted,
        nouns=checked_nouns(question),
        listed=listed,
        listed_unit=listed_unit,
        whether=unheld or (whether_text[at.start : at.end] if at else ""),
        whether_known=at is not None and not unheld and _held_word(whether_text[at.head : at.end], lexical),
        titles_absent=tuple(t for t in dict.fromkeys(_TITLE.findall(question)) if not _title_held(t, lexical)),
        schools_absent=tuple(
            name for name, fields in schools_named(question) if not _school_held(name, fields, lexical)
        ),
        partners_absent=tuple(p for p in partners_named(question) if not _partner_held(p, lexical)),
    )


_OPENS_IN_DOCUMENT = re.compile(IN_DOCUMENT)


# A school named by its field (`经贸职院`, `电子信息职院`, `科技工业学校`): common nouns before a school's ending, not a kind
# of school (`中职学校`, `职业学院`) nor the words any school's name has (`职业`, `技术`).
_SCHOOL_ENDS = ("学校", "学院", "职院", "大学")
# Nouns, not verbal nouns (`参观学校` is a visit); places too, which name schools as often (`郑州城市职业学院`, whose 城市
# jieba tags a place), though not a place said with its level (`郑州市`, `河南省`: where the school is, no name of it).
_FIELD_TAGS = ("n", "j", "ns")
_PLACE_LEVELS = "省市县区"
_GENERIC_FIELDS = frozenset(("职业", "技术", "职业技术", "工程"))
MOST_FIELD_WORDS = 2
MOST_NAMED_END = 3  # the fewest characters of a school's name said whole that name it (`农学院`)


def schools_named(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """The schools a question names by a field of their own (`经贸职院`), each with its field words, as it says them
    (read on its simplified form, taken back in its own script: a traditional corpus writes `學院`)."""
    plain = aligned_simplified(question)
    words = tag(plain)
    starts = offsets(words)
    found = []
    for i, (word, _) in enumerate(words):
        if word not in _SCHOOL_ENDS:
            continue
        first = i
        while first > max(0, i - MOST_FIELD_WORDS - 2):
            w, flag = words[first - 1]
            if flag not in _FIELD_TAGS or len(w) < 2 or not all(map(is_han, w)):
                break
            first -= 1
        before = [w for w, _ in words[first:i]]
        fields = [k for k in range(first, i) if _field_word(*words[k])][-MOST_FIELD_WORDS:]
        # a school said whole by one noun before its ending is as often no name (`合作方学校`, `农村学校`): two, or a
        # short one (`经贸职院`)
        if len(fields) < (1 if word == "职院" else 2):
            continue
        # a kind said from the start of a word (`中职学校`, `中等职业学校`), not from within one (the `技工` of `科技工业`)
        named = "".join(before) + word
        opens = {sum(map(len, before[:k])) for k in range(len(before))}
        if not any(m.start() in opens for m in school_kind_nouns(named)):
            own = tuple(question[starts[k] : starts[k + 1]] for k in fields)
            found.append((question[starts[first] : starts[i + 1]], own))
    return found


def _field_word(word: str, flag: str) -> bool:
    """Whether a word before a school's ending names the school (`经贸`, `城市`), not what every such name says (`职业`)
    nor the place with its level where it is (`郑州市`)."""
    return word not in _GENERIC_FIELDS and not (flag == "ns" and len(word) >= 3 and word[-1] in _PLACE_LEVELS)


_SCHOOL_ENDING = "(?:学校|学院|大学|院校|學校|學院|大學)"

# Something done with someone (`跟携程合作`, `与华为共建`, `和美团一起办`): the one it is done with, as said
_PARTNER = re.compile(
    r"(?:和|与|跟|同)(?P<partner>[\u4e00-\u9fffA-Za-z·]{2,10}?)(?:一起|一道|共同|联合|联手)?"
    rf"(?:有|开展了?|进行了?|建立了?|达成了?)?过?(?:{RELATION_WORDS}|合办|联办|携手|共办|办)"
)
_PARTNER_TAGS = ("n", "j", "eng")  # names and common nouns (`携程` n, `华为` nr, `腾讯` nz), not pronouns (`他们` r)


def _partner_held(partner: str, lexical: LexicalIndex) -> bool:
    """Whether some document holds a partner's name, whole or, said with a word after it (`宇通客车` for the documents'
    `宇通公司`), by its first two characters."""
    return lexical.holds(partner) or (len(partner) >= MOST_NAMED_END + 1 and lexical.holds(partner[:2]))


def partners_named(question: str) -> list[str]:
    """What a question says something was done with (`携程` of 跟携程合作开设的订单班), when jieba reads it as nouns: not
    a wh-phrase (`和哪些企业合作`), a pronoun (`跟他们合作`) or a kind of school (`与高职院校合作`), which no name is."""
    found = []
    for m in _PARTNER.finditer(aligned_simplified(question)):
        words = tag(m["partner"])
        nouns = bool(words) and all(flag.startswith(_PARTNER_TAGS) for _, flag in words)
        if nouns and not school_kinds(m["partner"]) and not _generic_partner(words):
            found.append(question[m.start("partner") : m.end("partner")])
    return found


# The last words of a kind of partner (`大牌酒店`, `客车厂`, `当地企业`), not of one partner's name
_KIND_ENDS = (
    "厂",
    "店",
    "企业",
    "公司",
    "集团",
    "单位",
    "机构",
    "学校",
    "院校",
    "大学",
    "学院",
    "医院",
    "银行",
    "平台",
    "商家",
)


def _generic_partner(words: tuple[tuple[str, str], ...]) -> bool:
    """Whether a partner is said by its kind (`大牌酒店`, `客车厂`): it ends as a kind of partner, and no word of it is a
    proper name by jieba's tag or a word its dictionary lacks (`美团`, which it guesses), as a name's first part is
    (`宇通客车`: `宇通` nz)."""
    proper = any(flag in NAME_PARTS or not dictionary_frequency(word) for word, flag in words)
    return words[-1][0].endswith(_KIND_ENDS) and not proper


def _school_held(named: str, fields: tuple[str, ...], lexical: LexicalIndex) -> bool:
    """Whether some document names a school by the field words a question says (`财税`, `金融` of 财税金融职业学院, said
    in 郑州财税金融职业学院; `旅游` of 旅游职院, said in 郑州旅游职业学院), or says the words named whole or their end
    (`产教融合学院` of the `办产教融合学院` jieba cuts as 办产教+融合+学院)."""
    # … from its last field word on at the latest: the generic end alone (`职业学院`) is said of any school
    last = named.rfind(fields[-1]) if fields else len(named)
    if any(lexical.holds(named[i:]) for i in range(min(last + 1, len(named) - MOST_NAMED_END))):
        return True
    gap = "[\u4e00-\u9fff]{0,4}?"
    pattern = gap.join(map(re.escape, fields)) + "[\u4e00-\u9fff]{0,8}?" + _SCHOOL_ENDING
    return bool(lexical.said(re.compile(pattern), most=1))


def _title_held(title: str, lexical: LexicalIndex) -> bool:
    """Whether some text holds a title the question quotes, read verbatim between its quote marks and spaces, which
    a question may write otherwise (`"十四五"` for `“十四五”`)."""
    return all(lexical.occurs(piece) for piece in _TITLE_BREAKS.split(title) if piece)


def topic_terms(text: str, lexical: LexicalIndex) -> dict[str, float]:
    """The bigrams `text` says once its filler and scope words go (`校企合作` of 在校企合作方面有哪些举措), by IDF; both
    found on its simplified form, as the patterns are written, and the bigrams kept in its own script (`這部分` goes
    from a question asked of a traditional document as `这部分` does)."""
    return {t: lexical.idf(t) for t in bigrams(without_filler(without_filler(text), SCOPE_WORDS)) if len(t) == 2}


_WH = re.compile(r"哪|什么|何")
_BETWEEN = ("m", "q")  # `哪一种税收`: a numeral or classifier between the wh-word and its noun


def checked_nouns(question: str) -> tuple[str, ...]:
    """The question's common nouns (`qa.answering.names.common_nouns`), as it says them, but the kind a wh-word asks
    for: the answer to `哪个政府` or `什么产业` is one of that kind (`江户幕府`, `农业`), often a sibling of its noun."""
    plain = aligned_simplified(question)
    words = tag(plain)
    starts = offsets(words)
    asked: set[int] = set()
    after_wh = False
    for i, (word, flag) in enumerate(words):
        if flag == "r" and _WH.match(word):
            after_wh = True
        elif after_wh and flag.startswith("n"):
            asked.add(starts[i])
        elif flag not in _BETWEEN:
            after_wh = False
    return tuple(dict.fromkeys(question[s:e] for s, e, _ in common_nouns(plain) if s not in asked))


def _as_said(form: str, question: str) -> str:
    """A detail as the question says it: a year with its 年 when the question writes one (`2019年`)."""
    return form + "年" if form.isdigit() and form + "年" in question else form


def _numbers_named(
    question: str, plain: str, years: tuple[str, ...], offered: Sequence[tuple[int, int]]
) -> tuple[tuple[str, ...], ...]:
    """The numbers with a unit `question` names (`94米`, `第10届`'s `10届`), each with the forms a text may write it
    in: as asked, in digits and in Chinese numerals (`十二个`, `12个`). Not a lone `一` (`一个城市` counts nothing),
    nor a year, which `years` holds; nor a lone 1, which is how `rewrite` may write that `一` (`哪1个`); nor the size
    of the answer asked for (`哪三所`, `举两个例子`, `三所…分别叫什么`: `kinds.answer_size`), nor a bound a
    question asking whether guesses (`是不是五十个以上`: `kinds.bound_named`), nor a value `offered` as a choice
    (`20个还是24个`: `kinds.choices`)."""
    found: dict[tuple[str, ...], None] = {}
    for m in NUMBER_NAMED.finditer(plain):
        value = m["value"]
        # `哪三所…` asks for three of them: the number is the size of the answer, not a detail a document must say.
        if value in ("一", "1") or (m["unit"] == "年" and value in years) or answer_size(plain, m.start(), m.end()):
            continue
        if bound_named(plain, m.start(), m.end()):  # `是不是五十个以上`: the asker's guess, which the figure answers
            continue
        if within(m.span(), offered):  # `20个还是24个`: guesses, one of which it may be
            continue
        unit = question[m.start("unit") : m.end("unit")]
        about = m["about"] or ""  # `200多个` is written `二百多个` too, not `200个`
        forms = [question[m.start() : m.end()]]
        # Only numerals `chinese_number` reads right: `一百二十` would come out as 10.
        if value.isdigit() or (len(value) <= 3 and all(c in DIGITS + "两十" for c in value)):
            number = chinese_number(value)
            written = (str(number), chinese_numeral(number)) if number else ()
            forms += [f"{numeral}{about}{unit}" for numeral in written if numeral]
        found[tuple(dict.fromkeys(forms))] = None
    return tuple(found)


_YEAR = re.compile(r"(?<!\d)((?:1[5-9]|20)\d{2})(?:年|$|(?!\d))")


# `什么是棱柱？`, `“乡里制”是什么？`, `MIT OpenCourseWare指什么？`; not `乡里制的特点是什么` (a property, not a definition)
_DEFINITION_Q = re.compile(
    r"^(?:请问)?(?:什么是|何为|何谓|什么叫)(?P<a>[^，,的？?]{1,20}?)[？?。！!]*$|"
    r"^(?:请问)?(?P<b>[^，,的？?]{1,20}?)(?:是什么|指什么|是指什么|是什么意思|是什么东西)[？?。！!]*$"
)


def defined_term(question: str) -> str:
    """The term a definition question asks about, without quotes; '' for any other question."""
    m = _DEFINITION_Q.search(question.strip())
    if m is None:
        return ""
    return (m.group("a") or m.group("b")).strip("“”\"'《》「」 ")


def without_filler(text: str, words: re.Pattern[str] = FILLER) -> str:
    """`text` with its question words and filler (`words`) blanked, found on its simplified form (the patterns'
    script)."""
    return blanked(text, words)


# Words saying a thing is related to another (`跟新能源车沾边的`, `和酒店挂钩的`): how the asker ties it to what they
# name, not a topic of its own.
_RELATION_WORDS = ("沾边", "挂钩", "相关", "有关", "关联")
# … and what is meant to be done, said as the asker's modal (`准备组建`, `郑州准备培养哪类专业群`): the sentence says
# the doing (`组建`, `培育`), often with no modal of its own.
_INTENT_WORDS = ("准备", "打算", "计划", "想要")
# … and what is asked of the tool (`帮我捋一遍`, `给我三句话总结`: `scope.REQUEST_WORDS`), and a comparison asked
# (`谁开的专业更多`): the sentences give the things and their numbers, not the asker's request or the comparing word.
_COMPARING_WORDS = ("更多", "更少", "更高", "更低", "更大", "更小")
# … and how the asker says the documents name things (`举到的例子`, `点到名的企业`) or how many (`列了一长串数字`), and that
# all of them are wanted (`全部说一下`, `统统列出来`: `scope.ALL_WORDS`).
_MENTION_WORDS = (
    *("举到", "举出", "举了", "举例", "例举", "点到名", "点了名", "点到", "谈到", "谈及"),
    *("举俩", "举两个", "举几个", "举一两个", "举个例子"),  # how many examples the asker wants (`随便举俩`)
)
# … and how the asker says the documents say it (`在回复里坦白…`, `所谓双元育人`): the sentence says the thing, not that
# it admits it or that it is so called.
_SAYING_WORDS = ("坦白", "坦言", "承认", "所谓")
_VAGUE_COUNTS = ("一长串", "一大串", "一连串", "一大堆", "一大批", "好几", "好些")
_ASKING_WORD = re.compile(
    "|".join(
        sorted(
            (
                *ANSWER_NOUNS,
                *_RELATION_WORDS,
                *_INTENT_WORDS,
                *REQUEST_WORDS,
                *_COMPARING_WORDS,
                *_MENTION_WORDS,
                *_SAYING_WORDS,
                *_VAGUE_COUNTS,
                *ALL_WORDS,
            ),
            key=len,
            reverse=True,
        )
    )
)


# Words for somewhere other than where the asker stands (`有没有派人去外地考察`): no document says them, the places it
# names are them
_ELSEWHERE = frozenset(("外地", "外省", "外市", "异地", "省外", "市外", "外埠"))


def _held_word(word: str, lexical: LexicalIndex) -> bool:
    """Whether some document holds `word`, or it is a word for somewhere else (`外地`), which the places named are."""
    return lexical.holds(word) or simplified(word) in _ELSEWHERE


def _unheld_word(word: str, lexical: LexicalIndex) -> bool:
    """Whether no document holds `word`, and it is no guess of jieba's (a word its dictionary does not list) around a
    shorter word they hold (`产教` of `学产教`); a word for somewhere else (`外地`) is held by the places they name."""
    if _held_word(word, lexical):
        return False
    guessed = not dictionary_frequency(word)
    return not (guessed and any(lexical.holds(word[i : i + 2]) for i in range(len(word) - 1)))


def _whole(at: Whether, start: int, end: int) -> tuple[int, int]:
    """Where the noun `start:end` of what a question asks whether of is said: the whole run when it is one of the words
    before the head (`交通运输` of 交通运输部门), else itself."""
    return (at.start, at.end) if at.start <= start < at.end else (start, end)


def without_asking_words(text: str, lexical: LexicalIndex) -> str:
    """`text` with the words saying what kind of answer is asked (`全称`, `原因`, `方式`), how the asker relates it to
    what they name (`沾边`) or means it to be done (`准备`) blanked where no document holds them: the sentence
    answering `全称是什么` gives the name without the word. One a document holds is a word it may be found by (`形式`
    of 多种形式)."""
    return blanked(text, _ASKING_WORD, keep=lexical.occurs)


def head_noun(question: str) -> str:
    """The words a wh-word asks for (`哪些职业学校` → `职业学校`), cut at the first particle; '' if none."""
    m = _WH_HEAD.search(question)
    if m is None:
        return ""
    phrase = m.group(1).rstrip("的")
    phrase = phrase.rsplit("的", 1)[-1]  # `本科层次的职业大学` asks for `职业大学`
    words = _HEAD_STOP.split(phrase)
    return words[0] if len(words[0]) >= 2 else ""


def listed_kind(question: str) -> tuple[str, str]:
    """What a question (simplified) asks to have named, several of them, and the classifier it counts them in:
    `("中职学校", "所")` of `…验收的中职学校具体是哪几所`, `("职业学校", "")` of `哪些本科层次的职业学校`, `("学校", "")` of
    `哪些学校的专业群进入了…` (what 的 owns then does something: the wh-word asks for the owner); `("", "")` when it
    asks for no list."""
    request = _LIST_ASKED.search(question)
    if request is not None:
        return _last_words(request["noun"]), ""
    each = _NAMES_EACH.search(question)
    if each is not None:  # `…共建的5个产业学院，名字各是什么`: the things counted before, each to be named
        clause = re.split(r"[，,。？?！!；;：:\s]", question[: each.start()].rstrip("，, "))[-1]
        noun = _uncounted(_asked_words(_last_words(_POINTING_COUNT.sub("", clause[-14:]))))
        if len(noun) >= 2:
            return noun, ""
    each = _EACH_WHAT.search(question)
    if each is not None and len(noun := _asked_words(each["noun"])) >= 2:
        return noun, ""
    m = _LISTED.search(question)
    if m is None:
        return "", ""
    noun = _asked_words(m["noun"])
    if len(noun) < 2:  # `订单班有哪些`: the words before the wh-word
        before = _LISTED_BEFORE.search(question[: m.start()])
        noun = _asked_words(_last_words(before["noun"])) if before else ""
    unit = m["unit"] or ""
    noun = _uncounted(noun)
    return (noun if len(noun) >= 2 else ""), unit


def _uncounted(noun: str) -> str:
    """`noun` without the count opening it (`10条暑期精品旅游线路` → `暑期精品旅游线路`): the things, not their count."""
    counted = NUMBER_WITH_UNIT.match(noun)
    return noun[counted.end() :] if counted else noun


def _last_words(phrase: str) -> str:
    """The words after the last 的, 所有 or 全部 (`计划中提到的所有中级工…证书` → `中级工…证书`; the 的 of 目的地 is no 的)."""
    words = [word for word, _ in tag(phrase)]
    cuts = [i for i, word in enumerate(words) if word in ("的", "所有", "全部")]
    return "".join(words[cuts[-1] + 1 :] if cuts else words)


def _asked_words(phrase: str) -> str:
    """The noun phrase a wh-word opens (`本科层次的职业学校` → `职业学校`), cut where a verb follows a noun
    (`企业能参加` → `企业`); the owner when what 的 owns goes on to do something (`学校的专业群进入了` → `学校`); '' when a
    verb opens it (`各有什么进入了建设行列` asks what kind of thing did)."""
    stop = _LISTED_STOP.search(phrase)
    words = list(tag(phrase[: stop.start()] if stop else phrase))
    # … a predicate opened by a word the phrase is cut at does something too (`高职的专业群在建设行列` → `高职`)
    acts = stop is not None and stop.group() not in _NO_PREDICATE and bool(phrase[stop.end() :].strip("？?。！! "))
    of = [i for i, (word, _) in enumerate(words) if word == "的"]
    if of:
        owned = words[of[0] + 1 :]
        # `主题推出的` (围绕哪几个主题推出的): nothing after 的, the words before it are the phrase
        if not owned or acts or any(flag == "v" for _, flag in owned):
            words = words[: of[0]]
            cuts = [i for i, (word, _) in enumerate(words) if word in ("所有", "全部")]
            words = words[cuts[-1] + 1 :] if cuts else words
        else:
            words = words[of[-1] + 1 :]
    kept: list[str] = []
    for word, flag in words:
        if not flag.startswith(_NOUN_LIKE):  # a verb first (`有什么进入了…`) asks what did it: the kind, not names
            break
        kept.append(word)
    return "".join(kept)


_COUNTED = re.compile(rf"(\d+|[{DIGITS}十百千两]+)(多|余)?([{UNITS}])")


def rewrite(question: str, lexical: LexicalIndex) -> str:
    """The question written as the documents write, so their words match it.

    Traditional characters become simplified ones when the documents are simplified, and the other way
    round (`鄭州市` → `郑州市`); levels and kinds of school (`省一级`, `技校`) and short university names (`郑大`) take
    the documents' words; counted numbers take the documents' form (`五个` → `5个` when only `5个` occurs, `6所` → `六所`
    when only `六所` does).
    """
    question = universities_as_written(kinds_as_written(in_documents_script(question, lexical), lexical), lexical)
    question = _YEAR_IN_CHINESE.sub(lambda m: _year_as_written(m.group(), lexical), question)
    question = _SHORT_YEAR.sub(_short_year, question)
    question = as_asked(question)
    return _COUNTED.sub(lambda m: _numeral_as_written(m.group(1), (m.group(2) or "") + m.group(3), lexical), question)


# A question checking a value it names (`…是不是就83个？`, `…才一两百家吧？`, `…是市教育局2022年发的吧？`): it ends on a
# particle asking for a yes or a no, or says `是不是`, and names a count, a year or a month after the word saying what
# the thing is (`是`, `有`, `才`, `超过`). The value is what it asks, not a detail narrowing what it asks about: the
# sentence giving another value answers it (`163个专业`: no, 163), and one giving none does not (`职教活动周…是不是放在
# 五月份` of a sentence giving no month).
_CHECKING = re.compile(r"是不是|(?:吧|吗|嘛|对吧|是吧|对吗|是吗|没错吧|对不对)[？?。！!\s]*$")
_CHECKED_AFTER = re.compile(r"是不是|是|有|才|就|只有|仅有|超过|不到|达到|将近|接近|不止")
_HEDGES = r"(?:已经|已|就|才|只|仅|大约|大概|约|差不多|超过|不到|达到|将近|接近|不止|有)*"
_CHECKED_VALUE = re.compile(
    _HEDGES
    + r"(?:(?P<year>(?<!\d)(?:19|20)\d{2}年(?!代))|(?P<month>(?<![\d一二三四五六七八九十])(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月份?)"
    + rf"|(?P<count>(?<![\d{CHINESE_DIGITS}])(?:\d+|[{CHINESE_DIGITS}]+)(?:[多余来])?(?P<unit>[{UNITS}])(?:以上|以下|左右|上下|出头|多)?))"
)
_AS_ASKED = {"year": "哪一年", "month": "几月"}
_SAYING = ("是", "是不是", "有")
CHECKED_REST = 3  # Chinese characters after the value that still close it (`发的`, `以上`)
COUNTED_NOUN = 6  # characters of the nouns after a count that say what it counts (`中职学校`)
_LEVEL_CHARS = "省市县区"  # the levels a body or a thing is said at (`市教育局`, `省一级`)


def _without_counted_nouns(rest: str) -> str:
    """`rest` without the nouns it opens with (`中职学校` of 中职学校？), up to `COUNTED_NOUN` characters."""
    words = tag(rest)
    cut = 0
    for word, flag in words:
        if not flag.startswith(("n", "j")) or cut + len(word) > COUNTED_NOUN:
            break
        cut += len(word)
    return rest[cut:]


def as_asked(question: str) -> str:
    """A question checking a value it names, read as the question asking for the value (`…是不是就83个？` → `…是多少个？`,
    `…是市教育局2022年发的吧？` → `…是哪一年发的？`); any other question as it is."""
    return _checking(question)[0]


def exact_values_checked(question: str) -> tuple[str, ...]:
    """The exact counts and years a question checks (`83个` of …是不是就83个？, `2022年`), as it says them; not a bound or
    a guess (`超过一千家`, `一两百家`, `四十来所`, `五十个以上`), which the documents' figure may bear out, nor a month."""
    return _checking(question)[1]


def _checking(question: str) -> tuple[str, tuple[str, ...]]:
    """`as_asked`'s reading and the exact values it took out. The value is looked for in the clause asking (after its
    last comma, or from `是不是` on), after the first word saying what the thing is."""
    checking = _CHECKING.search(question)
    if checking is None:
        return question, ()
    if checking.group() == "是不是":
        start = checking.start()
    else:
        start = max(question.rfind(mark, 0, checking.start()) for mark in "，,；;：:") + 1
    marker = _CHECKED_AFTER.search(question, start)
    if marker is None or (marker.start() >= checking.start() and checking.group() != "是不是"):
        return question, ()
    # a hedge said as the marker (`才一两百家`, `超过一千家`) goes with the value
    found = list(_CHECKED_VALUE.finditer(question, marker.end() if marker.group() in _SAYING else marker.start()))
    if not found:
        return question, ()
    out, done = [], 0
    # … and a body said as the one doing it (`是市教育局2022年发的`) is checked with it: the sentence naming another answers
    between = aligned_simplified(question[marker.end() : found[0].start()])
    bodies = sorted((s, e) for s, e, *_ in (*tagged_entities(between), *government_bodies(between, SAID_BODY_ENDS)))
    for s, e in bodies:
        cut = marker.end() + s - (s > 0 and between[s - 1] in _LEVEL_CHARS)
        if cut >= done:
            out.append(question[done:cut])
            done = marker.end() + e
    for m in found:
        asked = _AS_ASKED["year"] if m["year"] else _AS_ASKED["month"] if m["month"] else "多少" + m["unit"]
        out.append(question[done : m.start()] + asked)
        done = m.end()
    rest = question[done:]
    end = _CHECKING.search(rest)
    rest = rest[: end.start()] + "？" if end is not None and end.group() != "是不是" else rest
    # the value closes what is checked, with the things it counts (`…是不是就83个？`, `…2022年发的吧`, `有50所中职学校吗`);
    # words after it say more of the thing checked (`是不是41所学校都是公办的`), which is what is asked
    if han_length(_without_counted_nouns(rest)) > CHECKED_REST:
        return question, ()
    exact = tuple(m["year"] or m["count"] for m in found if _exact(m))
    return ("".join(out) + rest).replace("是不是", "是", 1), exact


_GUESSED_RANGE = re.compile("[一二三四五六七八九两]{2}")
_BOUNDS = re.compile(r"超过|不到|达到|将近|接近|不止|大约|大概|约|差不多|以上|以下|左右|上下|出头|[多余来]")


def _exact(m: re.Match[str]) -> bool:
    """Whether a checked value is exact: a year, or a count said with no bound or guess about it (`就83个`, not `超过一千
    家`, `一两百家`, `四十来所`); `chinese_number` reads one figure or none."""
    if m["month"]:
        return False
    if m["year"]:
        return True
    count = m["count"]
    figure = count[: -len(m["unit"])]
    # two digits side by side guess a range (`一两百`, `二三十`), unlike a figure's (`四十一`)
    return not _BOUNDS.search(m.group()) and chinese_number(figure) > 0 and not _GUESSED_RANGE.search(figure)


# A year said by its last two digits (`23年出去考察`, `24年新备案的专业`), not a number of years (`办学20年`, `近10年来`,
# `15年的时间`): one followed by what happened in it.
_SHORT_YEAR = re.compile(
    r"(?<![\d.年近])([1-3]\d)年(?=[\u4e00-\u9fff])(?![前后来间多底初末里内以中的时左上了过半後來間裡內時過])"
)


# … not one of an era (`明治29年`, `民国23年`, `公元23年`, `光绪30年`)
_ERA_WORDS = "公元 西元 明治 大正 昭和 平成 令和 民国 光绪 宣统 同治 咸丰 道光 嘉庆 乾隆 雍正 康熙 顺治 崇祯 万历 嘉靖 永乐 洪武 贞观 开元"
_ERAS = frozenset(_ERA_WORDS.split())


def _short_year(m: re.Match[str]) -> str:
    before = m.string[max(0, m.start() - 2) : m.start()]
    return m.group() if before in _ERAS or before.endswith(("前", "第")) else f"20{m.group(1)}年"


# A year written digit by digit in Chinese numerals (`二〇二三年`, `二零二一年`): the checks read years in Arabic digits.
_YEAR_DIGITS = {**{d: str(i) for i, d in enumerate(DIGITS)}, "〇": "0", "○": "0"}
_YEAR_IN_CHINESE = re.compile(rf"(?<![{DIGITS}〇○十百千万])[{DIGITS}〇○]{{4}}(?=年)")


def _year_as_written(year: str, lexical: LexicalIndex) -> str:
    """`二〇二三` → `2023`, unless the documents write it so."""
    return year if lexical.occurs(year + "年") else "".join(_YEAR_DIGITS[d] for d in year)


# A university or college said short (`郑大`, `河南农大`; `铁路职院`, `财税金融职院`): up to `reach` characters before its
# short suffix that are not a word of their own, the documents' pattern of the name they stand for, and whether that
# name is read as the documents name it (`旅游职业学院` of 郑州旅游职业学院, all common nouns to jieba) or only as jieba
# tags a name (`农业大学`; read as the documents name it, the `职大` of `中职大概` became `职业技术大学`).
_SHORT_NAMES = (
    ("大", 3, r"[\u4e00-\u9fff]{1,4}?大[学學]", False, 1),  # 河南农大 → 河南农业大学
    ("职院", 4, r"[\u4e00-\u9fff]{0,2}?职[业業][\u4e00-\u9fff]{0,2}?[学學]院", True, 1),  # 铁路职院 → 铁路职业技术学院
    # … or said whole with another ending than the documents' (郑州旅游学院 → 郑州旅游职业学院, 郑州国防科技学院 →
    # 郑州市国防科技学校): four characters at least before it, or any two words would do (`城市学院` → 城市中职学校)
    ("学院", 6, r"[\u4e00-\u9fff]{0,4}?[学學][院校]", True, 4),
    ("学校", 6, r"[\u4e00-\u9fff]{0,4}?[学學][院校]", True, 4),
)
# A word jieba's dictionary counts this often (`重大`, `扩大`) is no short name, unless tagged one (`北大`).
_COMMON_WORD = 100


def universities_as_written(question: str, lexical: LexicalIndex) -> str:
    """A university or college said short as the documents name it (`郑大和河大` → `郑州大学和河南大学`, `河南农大` →
    `河南农业大学`, `铁路职院` → `铁路职业技术学院`): the characters before a short suffix (`_SHORT_NAMES`) that no document
    says and that are no common word, followed in the documents by the rest of a name; the shortest such name, when only
    one is that short (`南大` of 南京大学 and 南开大学 stays) or only one of them says it straight on. Tried with the most
    characters first, so `河南农大` is not read as `农大`. A school said whole with another ending (`郑州旅游学院`) is
    read so too."""
    for suffix, reach, rest, as_named, fewest in _SHORT_NAMES:
        named = said_as_name(lexical) if as_named else None
        out, done = [], 0
        for at in (m.start() for m in re.finditer(rf"{suffix}(?![学學])", question)):
            for k in range(min(reach, at - done), fewest - 1, -1):
                start = question[at - k : at]
                short = start + suffix
                if not all(map(is_han, start)) or suffix in start or lexical.holds(short):
                    continue
                if dictionary_frequency(short) >= _COMMON_WORD and tag_in_dictionary(short) != "j":
                    break
                # Each character said may stand for a word of the name (`郑铁职院` for 郑州铁路职业技术学院).
                said = lexical.said(re.compile("[\u4e00-\u9fff]{0,2}?".join(map(re.escape, start)) + rest))
                # Each a name whole, not words before one (`除了台湾大学` of 除了大马哈鱼).
                names = [n for n in said if question_names(n, named) == [n]]
                shortest = [n for n in names if len(n) == min(map(len, names))] if names else []
                # Of several as short, the one the short name says straight on (`郑州职院` of 郑州职业技术学院, not of
                # 郑州旅游职业学院): a short name drops the generic words, not those telling the names apart.
                straight = [n for n in shortest if start + suffix[0] in n]
                shortest = straight if len(shortest) > 1 and len(straight) == 1 else shortest
                if len(shortest) == 1:
                    out.append(question[done : at - k] + shortest[0])
                    done = at + len(suffix)
                    break
        question = "".join(out) + question[done:]
    return question


# `省一级`, `市里级别`, `区里一级` for 省级…; not `国家一级`, a rank (国家一级保护动物), nor `城市级别` without its `里`
_LEVEL_SAID = re.compile(rf"([{_LEVEL_CHARS}])(?:里?一级|里级别|里(?:评|评定|认定|评选|评出)的)")


def levels_as_written(question: str, lexical: LexicalIndex) -> str:
    """A level said as the documents say it (`省一级的工作室`, `市里级别的基地`, `市里评的专业` → `省级的工作室`, `市级的基地`,
    `市级专业` when they say only `省级`, `市级`): the levels are a closed class the answer checks and follow-ups swap,
    so it must be read as the documents write it."""
    return _LEVEL_SAID.sub(
        lambda m: f"{m[1]}级" if lexical.occurs(f"{m[1]}级") and not lexical.occurs(m.group()) else m.group(), question
    )


# A kind of school said short (`技校`, `中专`, `职高`, `高专`, each also with `学校` after it), and the words documents name
# the kind by instead (`kinds.SCHOOL_KINDS` reads them as one kind).
_SCHOOL_SHORT = {
    "技校": ("技工院校", "技工学校"),
    "中专": ("中职学校", "中等职业学校", "中职"),
    "职高": ("职业高中", "中职学校", "中等职业学校"),
    "高专": ("高职院校", "高等专科学校", "高职"),
}


def school_kinds_as_written(question: str, lexical: LexicalIndex) -> str:
    """A kind of school said short as the documents name it (`技校` → `技工院校`, when they say that and no other of its
    long forms): like levels, the kinds are a closed class the answer checks and follow-ups swap, and a citizen's word
    for one is no word the documents lack. Only a word jieba reads whole (`中专`, not the 中专 of 其中专业); left as said
    when the documents say it, or say none or several of its long forms (`中职学校` and `中等职业学校` for 中专: whichever
    it became would draw the question to the sentences saying that one, as the dev set showed both ways)."""
    words = tag(question)
    if not any(word.removesuffix("学校") in _SCHOOL_SHORT for word, _ in words):
        return question
    starts = offsets(words)
    # … nor one ending a school's name after a field of its own (`郑州电力高专`), which is that school, not the kind
    name_ends = {
        e
        for s, e, _, kind in tagged_entities(aligned_simplified(question))
        if kind == "org" and _has_field(question[s:e])
    }
    out = []
    for i, (word, _) in enumerate(words):
        short = word.removesuffix("学校")
        forms = [form for form in _SCHOOL_SHORT.get(short, ()) if lexical.occurs(form)]
        named = starts[i + 1] in name_ends
        out.append(forms[0] if len(forms) == 1 and not lexical.occurs(short) and not named else word)
    return "".join(out)


def _has_field(name: str) -> bool:
    """Whether a school's name says more than a place and a kind (`电力` of 郑州电力高专; not `郑州高专`)."""
    return any(flag.startswith("n") and flag != "ns" and len(word) >= 2 for word, flag in tag(name)[:-1])


def kinds_as_written(question: str, lexical: LexicalIndex) -> str:
    """The closed classes a question names, levels and kinds of school, as the documents write them
    (`levels_as_written`, `school_kinds_as_written`). Also applied to the questions a follow-up leans on, before it is
    resolved (`qa.api`), so a follow-up swapping one for another reads the same words on both sides."""
    return school_kinds_as_written(levels_as_written(question, lexical), lexical)


def said_as_name(lexical: LexicalIndex) -> Callable[[str], bool]:
    """Whether the documents say a run of common nouns (`财税金融职业学院`) as an organisation's name: each time right
    after a place (`郑州财税金融职业学院`), not as a kind of thing (`共建5个产业学院`, `…行业职业教育校企合作指导委员会`)."""

    def said(run: str) -> bool:
        if not lexical.occurs(run):
            return False
        found = lexical.said_before(run, 4)
        return bool(found) and all(_after_place(text[: -len(run)]) for text in found)

    return said


def _after_place(before: str) -> bool:
    words = tag(before)
    return bool(words) and words[-1][1] == "ns"


def documents_hold(lexical: LexicalIndex) -> Callable[[str], bool]:
    """Whether some document holds a word, read as the documents write it (`rewrite`): what `followup.resolve` asks of
    a follow-up's own nouns."""
    return lambda word: lexical.holds(rewrite(word, lexical))


def in_documents_script(question: str, lexical: LexicalIndex) -> str:
    """The question in simplified or traditional characters, whichever shares more with the documents."""
    if question.isascii():
        return question
    best, best_known = question, _known_tokens(question, lexical)
    for convert in converters():
        converted = convert(question)
        known = _known_tokens(converted, lexical)
        if converted != question and known > best_known:
            best, best_known = converted, known
    return best


def _known_tokens(text: str, lexical: LexicalIndex) -> int:
    """How many of the text's characters and bigrams occur in the documents."""
    return sum(1 for token in tokenize(text) if lexical.df(token) > 0)


def _numeral_as_written(number: str, unit: str, lexical: LexicalIndex) -> str:
    if _count_said(number + unit, lexical):
        return number + unit
    value = chinese_number(number)
    if not value:
        return number + unit
    for form in (str(value), chinese_numeral(value)):
        if form and _count_said(form + unit, lexical):  # chinese_numeral is '' past 99: `2024年` must not become `年`
            return form + unit
    # a round number the documents give as `…多`/`…余` (`超过一千家` of `1000多家`)
    for approximately in ("多", "余"):
        if not unit.startswith(("多", "余")) and _count_said(f"{value}{approximately}{unit}", lexical):
            return f"{value}{approximately}{unit}"
    return number + unit


def _count_said(count: str, lexical: LexicalIndex) -> bool:
    """Whether some document says a count as written, not only as the end of a longer number (`1所` of `41所`: `一所`,
    the article of 跟一所中职共办了学院, must not become a count that matches it)."""
    if not lexical.occurs(count):
        return False
    if count[0] not in CHINESE_DIGITS + "0123456789":
        return True
    return bool(lexical.said(re.compile(rf"(?<![\d.{CHINESE_DIGITS}万]){re.escape(count)}"), most=1))


def chinese_numeral(value: int) -> str:
    """7 → `七`, 12 → `十二`, 30 → `三十`; '' past 99."""
    if value < 10:
        return DIGITS[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[ones] if ones else "")
    return ""


def meta_intents(question: str) -> list[str]:
    """Every question about the letter itself this asks (`谁写给谁` asks for the sender and the addressee). A part named
    only to say where a fact is (`答复第二部分讲内涵建设，给了市级和省级两组技能工作室数字，省级那组是多少？`) is no
    question about the part: the words after it ask something of their own (`_situated_in_part`)."""
    question = simplified(question)
    found = [intent for intent, pattern in META_PATTERNS.items() if pattern.search(question)]
    return [
        i
        for i in found
        if (i != "section" or not _situated_in_part(question))
        and (i not in _OF_A_PAPER or not _ANOTHER_PAPER.search(question))
    ]


# A paper the documents speak of, or one a person is given (`证书是哪个部门发的`), asked who wrote it or when
# (`专业结构调整优化的实施意见是谁发的`, `那个方案哪年出的`):
# a question about that paper, not about the letter itself (`这份计划是谁制定的` is, said with `这份`).
_OF_A_PAPER = ("sender", "date")
_ANOTHER_PAPER = re.compile(
    r"(?<!这份)(?<!这个)(?<!这篇)(?<![本该此])(?:意见|方案|规划|通知|办法|政策|规定|条例|纲要|措施|决定|实施计划|证书|证明|文凭|执照)"
    r"[^，,。？?]{0,3}(?:是|由)?(?:谁|哪个|哪家|哪一?年|什么时候|何时|啥时候)"
)


# What a question asks of a part itself (`标题叫什么`, `是什么主题`), beside the scope words (`内容`, `方面`, `主要`,
# `关于`, taken out first): none of it says what else it asks.
_OF_A_PART = re.compile(r"标题|题目|主题|讲|说|写|谈|放|叫|大意|要点|重点")
SITUATED_REST = 6  # content characters after the part that make it where a fact is, not what is asked


def _situated_in_part(question: str) -> bool:
    """Whether the words after the part a question names ask something of their own (`…省级那组是多少`), beyond what
    it says of the part (`讲的是什么内容`)."""
    m = META_PATTERNS["section"].search(question)
    if m is None:
        return False
    rest = _OF_A_PART.sub(" ", SCOPE_WORDS.sub(" ", without_filler(question[m.end() :], QUESTION_WORDS)))
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) > SITUATED_REST


def meta_intent(question: str) -> str | None:
    """The first question about the letter itself this asks (to whom, from whom, when, which proposal, a part).

    The patterns are simplified Chinese; a question in traditional characters is read in simplified ones.
    """
    return next(iter(meta_intents(question)), None)


LAST_PART = -1  # `最后一部分`'s number: the last of however many parts there are


def section_number(question: str) -> int:
    """The N of `第N部分` in a question (1-based), `LAST_PART` for `最后一部分`, 0 when absent."""
    m = META_PATTERNS["section"].search(question)
    if m is None:
        return 0
    number = m.group("number") or m.group("numbered")
    return chinese_number(number) if number else LAST_PART


def asks_an_item(question: str) -> bool:
    """Whether the part a question numbers is an item (`第二条具体说的啥`, `第三项`, `第一点`), which after an answer giving
    one part's items is one of them, not a part of the whole document (`第二部分`, `第三个板块`)."""
    m = META_PATTERNS["section"].search(simplified(question))
    return m is not None and m["unit"] in ("条", "项", "点")


def top_level(doc: Document) -> list[Heading]:
    """The document's parts: its headings of the highest level it has (what an outline lists)."""
    if not doc.structure.headings:
        return []
    level = min(h.level for h in doc.structure.headings)
    return [h for h in doc.structure.headings if h.level == level]


def part_heading(doc: Document, number: int) -> Heading | None:
    """The part numbered `number` (`三、…` for 3; the last for `LAST_PART`), if the document has one; in a document
    whose parts carry no numbers (a Word file's `培训目标`, `培训对象与规模`…), the `number`-th of them, as an outline
    counts them."""
    parts = top_level(doc)
    if number == LAST_PART:
        return parts[-1] if parts else None
    if any(chinese_number(h.title) for h in parts):
        return next((h for h in parts if chinese_number(h.title) == number), None)
    return parts[number - 1] if 0 < number <= len(parts) else None
