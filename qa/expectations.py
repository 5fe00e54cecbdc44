"""Expectations: what a sentence must show to answer a question, and questions the documents cannot answer.

A number, date or person must sit in a sentence about the question's subject; a reason needs a causal
word; `哪些企业` needs the name next to `企业`; a question about a place or a quantity no document names
(`洛阳市…`, `…录取分数线是多少`) cannot be answered at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.lexical import LexicalIndex
from qa.question import NUMERAL, UNITS, Query
from qa.script import aligned_simplified, simplified

# A quantity in a sentence: digits, or a numeral with a measure word (`六所`, `三地`); not the 一 of
# `一种`, `一批`, `进一步`, which counts nothing.
QUANTITY = re.compile(rf"\d|[二三四五六七八九十两百千万]+[{UNITS}处门地米里尺亩倍岁]")
_NEGATION_IN_TEXT = re.compile(r"没有|尚未|未|无|不(?!断|仅|同|少|久|但)")
_YES_NO = re.compile(r"有没有|是否|能不能|会不会|可不可以|能否|是不是|吗[？?！!。.\s]*$")
_COMPARED = re.compile(r"(?:和|与|跟|同)([\u4e00-\u9fff]{2,8}?)(?:相比|比较|比起来)")


@dataclass(frozen=True)
class Expectation:
    """A kind of question, and what a sentence must show to answer it (e.g. a reason, a place)."""

    kind: str
    asks: re.Pattern[str]
    needs: re.Pattern[str]


# `称为什么` / `更名为什么` / `称之为什么` ask for a name, not a reason.
REASON_ASKED = re.compile(r"(?<![称作名算成认视改译变选叫之])为什么|为何|什么原因|原因是什么")

EXPECTATIONS = (
    Expectation(
        "a reason",
        REASON_ASKED,
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
            r"哪一?位(?![\u4e00-\u9fff]{2})|哪几位|(?:领导|负责人|局长|市长|主任|校长|专家|工匠|联系人|经办人)"
            r"(?:是谁|叫什么|[^，,。？?]{0,4}(?:名字|姓名))"
        ),
        re.compile(r"[\u4e00-\u9fff]{2,3}(?:同志|先生|女士|局长|市长|主任|书记|校长|院长|委员)(?!会)"),
    ),
    Expectation(
        "an opinion",
        # Someone's opinion; what the letter itself says is its own view (`答复里怎么评价的`).
        re.compile(
            r"(?<!答复里|答复中|回复里|回复中|信里面|信中是|信里是)(?:怎么评价|如何评价|怎样评价|评价如何|什么看法)|满意"
        ),
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
        re.compile(r"具体是哪|具体有哪|分别是(?!多少)|分别有(?!多少)|哪几[个所家位项种]"),
        re.compile(r"、|[；;]"),
    ),
    Expectation(
        "the figures",
        re.compile(r"分别[是有为]多少"),
        # two figures in separate clauses (`男子…31,875美元，女子…23,000美元`)
        re.compile(r"\d[^。]*?[，,；;、][^。]*?\d"),
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
# What a measurement question needs beyond a bare number: `多高` a length, `面积多大` an area.
_LENGTH = r"米|厘米|毫米|公里|千米|公分|公尺|尺|寸|里|英尺|英寸|英里|层|楼"
_MEASURE_UNITS = (
    (re.compile(r"多久|多长时间"), re.compile(r"年|月|天|日|周|星期|小时|分钟|秒|世纪")),
    (re.compile(r"面积|占地"), re.compile(r"平方|亩|公顷|㎡|m2")),
    (re.compile(r"多重|重量"), re.compile(r"(?:公|千|毫)?(?:克|斤)|吨|磅|两")),
    # `级别有多高` asks for a level, not a length
    (re.compile(r"^(?!.*(?:级别|水平|等级|程度|地位)).*多[高长深宽远厚]"), re.compile(_LENGTH)),
)


# `几所本科层次的职业大学`: the noun counted, after the count and its unit (and any `…的`).
_COUNTED_NOUN = re.compile(rf"(?:多少|几)[{UNITS}](?:[\u4e00-\u9fff]{{0,10}}?的)?([\u4e00-\u9fff]{{2,8}})")


def _lists_counted(question: str, plain: str) -> bool:
    """Whether `plain` names the counted things one by one (`郑州职业技术大学、郑州信息工程职业大学、…`).

    'How many X' is then answered by the list: every item ends with the counted noun's last two characters.
    """
    m = _COUNTED_NOUN.search(question)
    if m is None:
        return False
    noun = re.escape(m.group(1)[-2:])
    return bool(re.search(rf"[\u4e00-\u9fff]{{2,20}}?{noun}(?:、[\u4e00-\u9fff]{{2,20}}?{noun})+", plain))


def _measured(question: str, plain: str) -> bool:
    """Whether `plain` holds a quantity, in the unit the question's measurement needs when it names one."""
    if not QUANTITY.search(plain):
        return False
    for asks, unit in _MEASURE_UNITS:
        if asks.search(question):
            return bool(re.search(rf"{NUMERAL}\s*(?:多|余|几)?(?:{unit.pattern})", plain))
    return True


MONEY = re.compile(r"资金|经费|预算|补贴|补助|奖励|费用|金额|工资|收入|拨款|钱")
RATE = re.compile(r"率|比例|比重|占比|百分")
# A rate is given as a percentage, a ratio (`1：7`) or a figure after the rate's name (`收视率为7.07`).
RATE_IN_TEXT = re.compile(r"%|％|百分之|\d+成|\d\s*[:：比]\s*\d|率[为是达约近超过了]*\d")
# A sum of money in yuan or another currency (`77亿美元`, `31,875美元`).
SUM_IN_TEXT = re.compile(
    r"\d(?:[\d,.]*\d)?\s*(?:多|余)?(?:亿|万|千)?(?:[美港澳台新日欧]?元|美金|英镑|镑|法郎|卢布|马克)|[一二三四五六七八九十两百千万亿]+(?:[美港澳台新日欧]?元)"
)
PEOPLE = re.compile(r"学生|人数|毕业生|在校生|教师|老师|员工|人才数")
DATE_IN_TEXT = re.compile(
    r"\d{3,4}年|\d{1,2}月|\d{1,2}日|[〇零一二三四五六七八九]{4}年|\d+世纪|\d+年代|[春夏秋冬]季|"
    r"[\u4e00-\u9fff]{1,4}(?:时期|时代|年间|朝)|"
    # an era's first year (`承光元年`), a dynasty's end (`唐末`), an age (`九岁的一天`)
    r"元年|[秦汉晋隋唐宋元明清][初末]|[\d一二三四五六七八九十]+岁(?:时|那年|的)"
)

MIN_TYPED_COVERAGE = 0.4
MIN_SPECIFIC_HEAD = 3


def counted(unit: str) -> str:
    """A regex for a number followed by `unit` (`41所`, `130多个`, `2000万元`)."""
    return rf"{NUMERAL}多?余?{unit}"


# `几家高校` is answered by `六所`: 家 counts any organisation; 所 counts schools only, so `多少所学校`
# is not answered by `1000多家` (companies).
_ALSO_COUNTED_AS = {"家": "[家所]"}


# A place named as `洛阳市`: two characters before 市/省/县, none of which makes it an ordinary word
# (`全市`, `城市`, `直辖市`, `省市`, `节省`, `几家市级`), and no `级`/`属`/`场`… after it (`市级`, `市场`, `省份`).
_PLACE_SUFFIX = re.compile(r"[市省县](?![级属里委政内外域直长民场份值面价容况])")  # on simplified text
_NOT_A_NAME = set(
    "全本该各我你他她外此每同这那哪城都在的和与及到去从等为是了中上超股节反省市县区级辖会大小新老某其一二三四五六七八九十几多少个所家年名"
)


def unknown_places(question: str, lexical: LexicalIndex) -> list[str]:
    """Places the question names (`洛阳市`) that no document mentions: they cannot answer for it.

    The patterns read the question in simplified characters; the documents are searched in their script.
    """
    plain = aligned_simplified(question)
    found = []
    for m in _PLACE_SUFFIX.finditer(plain):
        start = max(0, m.start() - 2)
        name = question[start : m.start()]
        ordinary = set(plain[start : m.start()]) & _NOT_A_NAME
        if len(name) == 2 and is_han(name) and not ordinary and not lexical.occurs(name):
            found.append(question[start : m.end()])
    return found


_MEASURED = re.compile(r"([\u4e00-\u9fff]{2,8})(?:是|为)多少")
_GENERIC_MEASURE = re.compile(
    r"的?(?:总数|数量|数目|个数|人数|总量|规模|总额|金额|面积|比例|比重|占比|数字|总和|总计|合计)$"
)


def asks_unknown_measure(question: str, lexical: LexicalIndex) -> bool:
    """Whether `…是多少` asks the value of something the documents never name (`录取分数线`).

    That is a run of characters just before `是多少` covered only by bigrams no document contains.
    """
    m = _MEASURED.search(aligned_simplified(question))
    if m is None:
        return False
    # `专业总数`, `专业的数量`: a generic measure of something named before it; that something decides.
    generic = _GENERIC_MEASURE.search(m.group(1))
    words = question[m.start(1) : generic.start() + m.start(1) if generic else m.end(1)]
    if len(words) < 2:
        return False
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


def type_mismatch(
    query: Query, text: str, lexical: LexicalIndex, context: float = 0.0, plain: str | None = None
) -> str:
    """Why `text` cannot hold the kind of answer the question expects ('' when it can).

    A number, date or person must sit in a sentence about the question's subject; a question about
    what did *not* happen needs a sentence that says so; a question asking for a specific kind of
    thing the document names (`哪些职业学校`) needs a sentence naming it. Coverage is measured in the
    documents' script, the patterns on the sentence in simplified characters (`plain`, when the caller
    has it already).
    """
    if query.typed and max(query.known_coverage(text, lexical), context) < MIN_TYPED_COVERAGE:
        return "the sentence is not about the question's subject"
    plain = simplified(text) if plain is None else plain
    if query.negated and not _NEGATION_IN_TEXT.search(plain):
        return "nothing is said about what did not happen"
    # A specific compound the document uses (`职业学校`, not a category word like `城市`) must be named.
    if len(query.head) >= MIN_SPECIFIC_HEAD and lexical.occurs(query.head) and query.head not in plain:
        return f"the sentence names no {query.head}"
    which = _WHICH.search(query.kind_text)
    if which and which.group(1) in plain and not _names_which(which.group(1), query.plain, plain):
        return f"the sentence does not say which {which.group(1)}"
    if query.wants_count and not _lists_counted(query.plain, plain):
        unit = query.count_unit or ""
        if MONEY.search(query.plain) and not SUM_IN_TEXT.search(plain):
            return "no sum of money"
        if RATE.search(query.plain) and not RATE_IN_TEXT.search(plain):
            return "no rate"
        if (unit == "人" or PEOPLE.search(query.plain)) and not re.search(counted("(?:万)?(?:人|名)"), plain):
            return "no number of people"
        if unit and unit not in "年月天" and not re.search(counted(_ALSO_COUNTED_AS.get(unit, unit)), plain):
            return f"no number of {unit}"
        if not re.search(NUMERAL, plain):
            return "no number"
    if query.wants_measure and not _measured(query.plain, _TITLES.sub("", plain)):
        return "no measurement"
    if query.wants_date and not DATE_IN_TEXT.search(_TITLES.sub("", plain)):
        return "no date"
    if query.person_title and query.person_title not in plain:
        return f"no {query.person_title}"
    for expectation in EXPECTATIONS:
        if expectation.asks.search(query.kind_text) and not expectation.needs.search(plain):
            return f"the sentence gives no {expectation.kind}"
    excluded = _EXCLUDED.search(query.kind_text)
    if excluded and not _names_something_else(query.plain, plain):
        return "the sentence names nothing beyond what the question already lists"
    compared = _COMPARED.search(query.kind_text)
    if compared and compared.group(1) not in plain:
        return f"nothing is compared with {compared.group(1)}"
    # A yes/no question is answered only by a sentence that mentions what it asks about.
    if _YES_NO.search(query.kind_text) and max(query.coverage(text), context) < YES_NO_COVERAGE:
        return "the sentence does not mention what the question asks about"
    return ""
