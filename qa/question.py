"""Question analysis: content terms, the answer type a question expects, and questions about the letter itself."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from qa.lexical import LexicalIndex, bigrams, tokenize
from qa.types import Document, Heading

# Question words and filler carry no content; they are removed before terms are weighed.
FILLER = re.compile(
    r"请问|请|一下|信中|文中|信里|这封信|本信|该信|答复中|答复里|回复中|这份答复|提到|提及|说到|讲到|写到|介绍|"
    r"具体|主要|分别|都|有哪些|哪些|哪几个|哪几|哪个|哪家|哪所|哪位|哪里|是什么|什么时候|时候|什么|多少|几个|几家|几所|几|"
    r"怎么样|怎么|怎样|如何|为什么|为何|是否|有没有|多[高大长重远深宽久厚]|吗|呢|吧|啊|了|是|的|有|和|与|及|在|对|把|被|将|会|能|要|"
    r"这些|那些|他们|她们|它们|其中|这个|这种|那个|那种|上述|该"
)
NUMERAL = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千万两]+)"
_UNITS = "个所家项名人次条座批类种位届年月天亿万元"
_COUNT = re.compile(rf"(?:多少|(?<![近这那前哪好])几(?!乎))([{_UNITS}]?)")
# `有多高`, `面积多大`, `多长时间`: a measurement, answered by a number (not `多大的影响`).
_MEASURE_Q = re.compile(r"多[高大长重远深宽久厚](?!的|学|家|型|量|部|力|关系|作用|影响|意义|程度)")
# A quantity in a sentence: digits, or a numeral with a measure word (`六所`, `三地`); not the 一 of
# `一种`, `一批`, `进一步`, which counts nothing.
QUANTITY = re.compile(rf"\d|[二三四五六七八九十两百千万]+[{_UNITS}处门地米里尺亩倍]")
_DATE_Q = re.compile(r"什么时候|何时|哪一?年|哪一?天|几月|哪个月|几号|日期|时间")
_LIST_Q = re.compile(r"哪些|哪几|包括|包含|有什么|都有|列举|分别")
_WH_HEAD = re.compile(
    r"(?:什么样的?|什么(?!时候)|哪一些|哪些|哪几[个所家位类种项]?|哪[个所家位类种项]|哪一[个所家位类种项])([\u4e00-\u9fff]{1,12})"
)
_HEAD_STOP = re.compile(r"[了呢吗是有在和与跟把被将会能去来给对为从于上中里]")
_NEGATED = re.compile(r"(?<!有)(?:没有|尚未|未能|未)(?!来)")
_NEGATION_IN_TEXT = re.compile(r"没有|尚未|未|无|不(?!断|仅|同|少|久|但)")
_PERSON_TITLES = re.compile(r"局长|主任|市长|书记|校长|院长|负责人|委员长|厅长|部长|处长|科长|董事长|总经理")
_ASKING = re.compile(r"什么|哪|谁|几|多少|怎|如何|为何|是否|有没有|吗|呢|何时")
_YES_NO = re.compile(r"有没有|是否|能不能|会不会|可不可以|能否|是不是|吗[？?！!。.\s]*$")
_COMPARED = re.compile(r"(?:和|与|跟|同)([\u4e00-\u9fff]{2,8}?)(?:相比|比较|比起来)")


@dataclass(frozen=True)
class Expectation:
    """A kind of question, and what a sentence must show to answer it (e.g. a reason, a place)."""

    kind: str
    asks: re.Pattern[str]
    needs: re.Pattern[str]


EXPECTATIONS = (
    Expectation(
        "a reason",
        # `称为什么` / `更名为什么` ask for a name, not a reason.
        re.compile(r"(?<![称作名算成认视改译变选叫])为什么|为何|什么原因|原因是什么"),
        re.compile(
            r"因|由于|为了|所以|故|导致|致使|使得|造成|影响|旨在|以便|以免|以防|目的|结果|于是|遂|考虑|考量|被迫|为此|所致|缘故"
        ),
    ),
    Expectation(
        "a place",
        re.compile(r"在哪[里儿]|在哪[？?]|位于哪|什么地方|什么位置|哪个(?:区|县|镇|街道|园区)|建在哪"),
        re.compile(
            r"位于|坐落|地处|落户|分布|"
            # `关于郑州市`, `由于`, `正在` are no `于`/`在` of place
            r"(?:(?<![正现存所实])在|(?<![关对由属基用等至终处])于|至|到)"
            r"[\u4e00-\u9fff]{1,12}?(?:区|县|省|市|州|国|路|街|镇|村|岛|境内|地区|一带|附近)"
        ),
    ),
    Expectation(
        "a person",
        re.compile(
            r"哪一?位|哪几位|(?:领导|负责人|局长|市长|主任|校长|专家|工匠|联系人|经办人)"
            r"(?:是谁|叫什么|[^，,。？?]{0,4}(?:名字|姓名))"
        ),
        re.compile(r"[\u4e00-\u9fff]{2,3}(?:同志|先生|女士|局长|市长|主任|书记|校长|院长|委员)(?!会)"),
    ),
    Expectation(
        "an opinion",
        re.compile(r"怎么评价|如何评价|怎样评价|评价如何|什么看法|满意"),
        re.compile(r"评价|认为|表示|满意|肯定|赞"),
    ),
    Expectation(
        "a procedure",
        re.compile(r"流程|程序|手续|步骤|(?:怎么|如何|怎样)(?:申请|加入|报名|办理)|申请条件"),
        re.compile(r"申请|申报|流程|程序|步骤|提交|审批|审核|条件"),
    ),
    Expectation(
        "a superlative",
        re.compile(r"最(?:多|少|大|小|高|低|早|晚|好|强|快|长|短|受欢迎|热门)"),
        re.compile(r"最|第一|首位|居首|之首|领先|位居|位列|多于|超过|高于"),
    ),
    Expectation(
        "a ranking",
        re.compile(r"排第几|排名|第几名|第几位"),
        re.compile(r"第[\d一二三四五六七八九十]+(?:名|位)|排名|位居|位列|排在"),
    ),
    Expectation(
        "the items themselves",
        re.compile(r"具体是哪|具体有哪|分别是|分别有|哪几[个所家位项种]"),
        re.compile(r"、"),
    ),
)
YES_NO_COVERAGE = 0.75
_EXCLUDED = re.compile(r"除了?.{1,30}?(?:以外|之外)?[，,]?\s*(?:还|另外|其他|其余|别的)")
_ITEM = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_ENUMERATION = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{1,12}(?:、[\u4e00-\u9fffA-Za-z0-9]{1,12})+")


def _names_something_else(question: str, text: str) -> bool:
    """Whether an enumeration in `text` (`甲、乙、丙`) has an item the question does not already name.

    When an enumeration holds an item the question names (`汽车维修、航空物流等`), only that one
    counts: another list in the same sentence is about something else.
    """
    runs = _ENUMERATION.findall(text)
    named = [run for run in runs if any(item[:2] in question for item in _ITEM.findall(run))]
    for run in named or runs:
        for item in _ITEM.findall(run):
            if len(item) >= 2 and item[:2] not in question and item[-2:] not in question:
                return True
    return False


# A date inside a title (`《…2035年远景目标方案》`) names a plan, not when something happened.
_TITLES = re.compile(r"《[^》]*》|“[^”]*”")
MONEY = re.compile(r"资金|经费|预算|补贴|补助|奖励|费用|金额|工资|收入|拨款|钱")
RATE = re.compile(r"率|比例|比重|占比|百分")
PEOPLE = re.compile(r"学生|人数|毕业生|在校生|教师|老师|员工|人才数")
DATE_IN_TEXT = re.compile(
    r"\d{4}年|\d{1,2}月|\d{1,2}日|[〇零一二三四五六七八九]{4}年|\d+世纪|\d+年代|[春夏秋冬]季|"
    r"[\u4e00-\u9fff]{1,4}(?:时期|时代|年间|朝)"
)

META_PATTERNS: dict[str, re.Pattern[str]] = {
    "addressee": re.compile(
        r"写给谁|致谁|给谁|寄给|收信人|答复对象|答复(?:的是)?谁|回复(?:的是)?谁|哪位委员|提案人|谁提(?:出|的)"
    ),
    "sender": re.compile(
        r"谁写|谁发|谁答复|谁回复|由谁(?:答复|回复|写|发)|(?:哪个|哪家|什么)(?:单位|部门|机构)(?:答复|回复|写|发|作答|作出|做出|给出)|"
        r"(?:答复|回复|回函|复函|这封信)[^，,。]{0,6}(?:哪个|哪家|什么)(?:单位|部门|机构)|"
        r"(?:答复|回复|发文|落款|来信|写信)(?:单位|部门|机构|人)是(?:谁|哪|什么)|写信人|发信人"
    ),
    "date": re.compile(
        r"(?:信|答复|复函|回函|回复|回信|落款|签发|成文)[^，,。]{0,6}(?:日期|时间|什么时候|何时|哪天|哪一天|几号)"
        r"|(?:什么时候|何时|哪天|哪一天)(?:写的|发的|签发|发出|答复的|回复的)"
    ),
    "proposal": re.compile(
        r"什么提案|哪个提案|哪项提案|哪份提案|提案[^，,。]{0,4}(?:名称|题目|标题|叫什么|是什么)|答复[^，,。]{0,4}什么提案"
    ),
    "section": re.compile(r"第([一二三四五六七八九十]{1,3}|\d{1,2})(?:部分|点|条|项|个方面|方面|大部分|个部分|节)"),
}


@dataclass(frozen=True)
class Query:
    """A question reduced to what is scored: weighted content bigrams and the answer type it expects."""

    text: str
    terms: dict[str, float]
    chars: dict[str, float]
    count_unit: str | None
    wants_count: bool
    wants_measure: bool
    wants_date: bool
    wants_list: bool
    head: str
    person_title: str
    negated: bool
    kind_text: str  # the words that say what kind of answer is wanted (a follow-up's own, if it has any)

    @property
    def typed(self) -> bool:
        """Whether the question asks for a number, a date or a person: a fact a sentence holds or not."""
        return self.wants_count or self.wants_date or bool(self.person_title)

    def coverage(self, text: str) -> float:
        """Share of the question's term weight found in `text` (1.0 for a question with no terms)."""
        return share(self.terms, text)

    def known_coverage(self, text: str, lexical: LexicalIndex) -> float:
        """Coverage counting only terms the documents use: a paraphrase's own words cannot be expected."""
        return share({t: w for t, w in self.terms.items() if lexical.df(t) > 0}, text)

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
    """Weigh the question's content bigrams by IDF (doubled for a follow-up's own words)."""
    content = FILLER.sub(" ", question)
    focus_terms = set(bigrams(FILLER.sub(" ", focus))) if focus else set()
    terms: dict[str, float] = {}
    for term in bigrams(content):
        if len(term) == 1:  # a lone character or digit says little about what is asked
            continue
        terms[term] = lexical.idf(term) * (2.0 if term in focus_terms else 1.0)
    chars = {ch: lexical.idf(ch) for ch in content if "\u4e00" <= ch <= "\u9fff"}
    count = _COUNT.search(question)
    title = _PERSON_TITLES.search(question)
    return Query(
        text=question,
        terms=terms,
        chars=chars,
        count_unit=(count.group(1) or None) if count else None,
        wants_count=count is not None,
        wants_measure=bool(_MEASURE_Q.search(question)),
        wants_date=bool(_DATE_Q.search(question)),
        wants_list=bool(_LIST_Q.search(question)),
        head=head_noun(focus or question),
        person_title=title.group(0) if title and "谁" in question else "",
        negated=bool(_NEGATED.search(question)),
        kind_text=focus if focus and _ASKING.search(focus) else question,
    )


def head_noun(question: str) -> str:
    """The words a wh-word asks for (`哪些职业学校` → `职业学校`), cut at the first particle; '' if none."""
    m = _WH_HEAD.search(question)
    if m is None:
        return ""
    phrase = m.group(1).rstrip("的")
    phrase = phrase.rsplit("的", 1)[-1]  # `本科层次的职业大学` asks for `职业大学`
    words = _HEAD_STOP.split(phrase)
    return words[0] if len(words[0]) >= 2 else ""


_DIGITS = "零一二三四五六七八九"
_COUNTED = re.compile(rf"(\d+|[{_DIGITS}十两]+)([{_UNITS}])")


def rewrite(question: str, lexical: LexicalIndex) -> str:
    """The question written as the documents write, so their words match it.

    Traditional characters become simplified ones when the documents are simplified, and the other way
    round (`鄭州市` → `郑州市`); counted numbers take the documents' form (`五个` → `5个` when only `5个`
    occurs, `6所` → `六所` when only `六所` does).
    """
    question = in_documents_script(question, lexical)
    return _COUNTED.sub(lambda m: _numeral_as_written(m.group(1), m.group(2), lexical), question)


_CONVERSIONS = ("t2s", "s2t")  # OpenCC configurations: traditional to simplified, and back


def in_documents_script(question: str, lexical: LexicalIndex) -> str:
    """The question in simplified or traditional characters, whichever shares more with the documents."""
    if question.isascii():
        return question
    converters = _converters()
    if not converters:
        return question
    best, best_known = question, _known_tokens(question, lexical)
    for converter in converters:
        converted = converter.convert(question)
        known = _known_tokens(converted, lexical)
        if converted != question and known > best_known:
            best, best_known = converted, known
    return best


def _known_tokens(text: str, lexical: LexicalIndex) -> int:
    """How many of the text's characters and bigrams occur in the documents."""
    return sum(1 for token in tokenize(text) if lexical.df(token) > 0)


@functools.cache
def _converters() -> tuple[Any, ...]:
    """OpenCC's converters, built once; none when the package is missing (questions are then taken as typed)."""
    try:
        import opencc
    except ImportError:
        return ()
    return tuple(opencc.OpenCC(config) for config in _CONVERSIONS)


def _numeral_as_written(number: str, unit: str, lexical: LexicalIndex) -> str:
    if lexical.occurs(number + unit):
        return number + unit
    value = chinese_number(number)
    if not value:
        return number + unit
    for form in (str(value), _chinese_numeral(value)):
        if lexical.occurs(form + unit):
            return form + unit
    return number + unit


def _chinese_numeral(value: int) -> str:
    """7 → `七`, 12 → `十二`, 30 → `三十`; '' past 99."""
    if value < 10:
        return _DIGITS[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")
    return ""


MIN_TYPED_COVERAGE = 0.4
MIN_SPECIFIC_HEAD = 3


def counted(unit: str) -> str:
    """A regex for a number followed by `unit` (`41所`, `130多个`, `2000万元`)."""
    return rf"{NUMERAL}多?余?{unit}"


# `几家高校` is answered by `六所`: 家 counts any organisation; 所 counts schools only, so `多少所学校`
# is not answered by `1000多家` (companies).
_ALSO_COUNTED_AS = {"家": "[家所]"}


# A place named as `洛阳市`: two characters before 市/省/县, none of which makes it an ordinary word
# (`全市`, `城市`, `直辖市`, `省市`, `节省`, `几家市级`), and no `级`/`属`/`里` after it (`市级`, `市属`).
_PLACE_SUFFIX = re.compile(r"[市省县](?![级属里委政内外域直长民])")
_NOT_A_NAME = set(
    "全本该各我你他她外此每同这那哪城都在的和与及到去从等为是了中上超股节反省市县区级辖会大小新老某其一二三四五六七八九十几多少个所家年名"
)


def unknown_places(question: str, lexical: LexicalIndex) -> list[str]:
    """Places the question names (`洛阳市`) that no document mentions: they cannot answer for it."""
    found = []
    for m in _PLACE_SUFFIX.finditer(question):
        name = question[max(0, m.start() - 2) : m.start()]
        if len(name) == 2 and is_han(name) and not set(name) & _NOT_A_NAME and not lexical.occurs(name):
            found.append(name + m.group(0))
    return found


_MEASURED = re.compile(r"([\u4e00-\u9fff]{2,8})(?:是|为)多少")


def asks_unknown_measure(question: str, lexical: LexicalIndex) -> bool:
    """Whether `…是多少` asks the value of something the documents never name (`录取分数线`).

    That is a run of characters just before `是多少` covered only by bigrams no document contains.
    """
    m = _MEASURED.search(question)
    if m is None:
        return False
    words = m.group(1)
    present = [lexical.df(words[i : i + 2]) > 0 for i in range(len(words) - 1)]
    first = len(present)
    while first > 0 and not present[first - 1]:
        first -= 1
    return len(present) - first >= 2 or (first == 0 and len(present) == 1 and not present[0])


def is_han(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


# `哪所学校`, `哪些企业`, `哪家公司`: the two characters after the question word name what is asked for.
_WHICH = re.compile(r"哪(?:一)?[个所家位类种项些](?![个所家位类种项些])([\u4e00-\u9fff]{2})")
_FUNCTION_CHARS = "的了是有在和与及等也都就而被把对为从"  # they fill no name
SLOT = 3  # characters before the asked-for noun where its name would stand (`宇通公司`, `…等企业`)


def _names_which(noun: str, question: str, text: str) -> bool:
    """Whether some mention of `noun` in `text` has, just before or after it, words the question lacks.

    `与企业共建` repeats the question's `与哪些企业共建` with the name left out: it says no which.
    """
    for m in re.finditer(re.escape(noun), text):
        before = text[max(0, m.start() - SLOT) : m.start()]
        if re.search(r"(?:[这该此那][个种位所家些]?|等)$", before):  # `Beerwah这个品种`, `甲、乙等企业`
            return True
        for side in (before, text[m.end() : m.end() + SLOT]):
            if sum(1 for ch in side if ch.isalnum() and ch not in question and ch not in _FUNCTION_CHARS) >= 2:
                return True
    return False


def type_mismatch(query: Query, text: str, lexical: LexicalIndex, context: float = 0.0) -> str:
    """Why `text` cannot hold the kind of answer the question expects ('' when it can).

    A number, date or person must sit in a sentence about the question's subject; a question about
    what did *not* happen needs a sentence that says so; a question asking for a specific kind of
    thing the document names (`哪些职业学校`) needs a sentence naming it.
    """
    if query.typed and max(query.known_coverage(text, lexical), context) < MIN_TYPED_COVERAGE:
        return "the sentence is not about the question's subject"
    if query.negated and not _NEGATION_IN_TEXT.search(text):
        return "nothing is said about what did not happen"
    # A specific compound the document uses (`职业学校`, not a category word like `城市`) must be named.
    if len(query.head) >= MIN_SPECIFIC_HEAD and lexical.occurs(query.head) and query.head not in text:
        return f"the sentence names no {query.head}"
    which = _WHICH.search(query.kind_text)
    if which and which.group(1) in text and not _names_which(which.group(1), query.text, text):
        return f"the sentence does not say which {which.group(1)}"
    if query.wants_count:
        unit = query.count_unit or ""
        if MONEY.search(query.text) and not re.search(counted("(?:亿|万)?元"), text):
            return "no sum of money"
        if RATE.search(query.text) and not re.search(r"%|％|百分之|\d+成", text):
            return "no rate"
        if (unit == "人" or PEOPLE.search(query.text)) and not re.search(counted("(?:万)?(?:人|名)"), text):
            return "no number of people"
        if unit and unit not in "年月天" and not re.search(counted(_ALSO_COUNTED_AS.get(unit, unit)), text):
            return f"no number of {unit}"
        if not re.search(NUMERAL, text):
            return "no number"
    if query.wants_measure and not QUANTITY.search(text):
        return "no measurement"
    if query.wants_date and not DATE_IN_TEXT.search(_TITLES.sub("", text)):
        return "no date"
    if query.person_title and query.person_title not in text:
        return f"no {query.person_title}"
    for expectation in EXPECTATIONS:
        if expectation.asks.search(query.kind_text) and not expectation.needs.search(text):
            return f"the sentence gives no {expectation.kind}"
    excluded = _EXCLUDED.search(query.kind_text)
    if excluded and not _names_something_else(query.text, text):
        return "the sentence names nothing beyond what the question already lists"
    compared = _COMPARED.search(query.kind_text)
    if compared and compared.group(1) not in text:
        return f"nothing is compared with {compared.group(1)}"
    # A yes/no question is answered only by a sentence that mentions what it asks about.
    if _YES_NO.search(query.kind_text) and max(query.coverage(text), context) < YES_NO_COVERAGE:
        return "the sentence does not mention what the question asks about"
    return ""


def meta_intent(question: str) -> str | None:
    """Which question about the letter itself this is (to whom, from whom, when, which proposal, a part)."""
    for intent, pattern in META_PATTERNS.items():
        if pattern.search(question):
            return intent
    return None


def section_number(question: str) -> int:
    """The N of `第N部分` in a question (1-based), 0 when absent."""
    m = META_PATTERNS["section"].search(question)
    if m is None:
        return 0
    return chinese_number(m.group(1))


def part_heading(doc: Document, number: int) -> Heading | None:
    """The top-level heading numbered `number` (`三、…` for 3), if the document has one."""
    return next((h for h in doc.structure.headings if h.level == 1 and chinese_number(h.title) == number), None)


def chinese_number(text: str) -> int:
    """`三` → 3, `十二` → 12, `7` → 7, `二、深化…` → 2 (a heading's number); 0 when not a number."""
    text = re.split(r"[、.．]", text, maxsplit=1)[0]
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text, 0)
