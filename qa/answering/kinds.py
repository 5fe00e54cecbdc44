"""Answer kinds: what a question asks for (a number, a date, a reason…) and whether a text can hold it.

Each kind is a row of data: the words that ask for it, and what a sentence shows when it holds it. The
ranker weighs every row as a feature (asked and held, asked and not held, not asked); no row vetoes an
answer on its own.

The checks after the rows read closed classes and counts, where a sentence naming others is certain not to answer:
things only counted where they are asked to be named (`counted_only`), a level (`level_unheld`), a kind of school
(`school_kind_unheld`), a count in a unit the sentence gives no number of (`count_unheld`), a count of all things of a
kind given by one of some (`count_qualified`), a share, a length of time or a count by no unit of a sentence giving
none (`rate_unheld`, `duration_unheld`, `count_unsaid`). The answerer refuses on them after the models have chosen a
sentence (`qa.answering.answer`), and reads values a question offers as a choice (`choices`) as its guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.answering.names import dictionary_frequency, offsets, tag
from qa.answering.scope import ITEM_BREAKS, PERSON_ROLES, asking_clause, without_set_aside

NUMERAL = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千万两]+)"
UNITS = "个所家项名人次条座批拨轮趟类种位届年月天亿万元"

# A number with its measure word (`41所`, `3.5万名`, `十二个`, `100米`, `15%`): a detail a question names, which
# a sentence must hold to answer it (`qa.answering.query`), and what the number look-alikes swap.
_MEASURE_WORDS = (
    "平方公里 平方米 平方千米 公顷 公里 千米 厘米 毫米 米 万元 亿元 美元 元 人次 人 名 位 所 个 家 座 项 条 次 届 倍 岁 "
    "天 小时 分钟 秒 周 月 年 吨 公斤 千克 克 台 辆 架 艘 本 册 篇 部 种 门 批 期 户 亩 张 件 套 场 层 间 床 %"
)
MEASURES = tuple(_MEASURE_WORDS.split())
DIGITS = "零一二三四五六七八九"  # 0-9, in order
CHINESE_DIGITS = "零一二两三四五六七八九十百千"
_VALUE = rf"(?<![\d.{CHINESE_DIGITS}])(?P<value>(?:\d+(?:\.\d+)?|[{CHINESE_DIGITS}]+)(?:万|亿)?)"
_MEASURE = rf"(?P<unit>{'|'.join(sorted(map(re.escape, MEASURES), key=len, reverse=True))})"
NUMBER_WITH_UNIT = re.compile(_VALUE + _MEASURE)
# The same, or a round number with `多`/`余` (`200多个`, `1000余家`): how a question names a figure it asks about.
NUMBER_NAMED = re.compile(_VALUE + r"(?P<about>[多余])?" + _MEASURE)


@dataclass(frozen=True)
class Kind:
    """A kind of answer: the words that ask for it and what a sentence holding it shows."""

    name: str
    asks: re.Pattern[str]
    holds: re.Pattern[str]


# A quantity in a sentence: digits, or a numeral with a measure word (`六所`, `三地`); not the 一 of
# `一种`, `一批`, `进一步`, which counts nothing.
QUANTITY = re.compile(rf"\d|[二三四五六七八九十两百千万]+[{UNITS}处门地米里尺亩倍岁]")
# `称为什么` / `更名为什么` / `称之为什么` ask for a name, not a reason.
REASON_ASKED = re.compile(r"(?<![称作名算成认视改译变选叫之])为什么|为何|什么原因|原因是什么")
_MONEY = r"(?:资金|经费|预算|补贴|补助|奖励|费用|金额|工资|收入|拨款|钱)"
_LENGTH = r"米|公里|公分|公尺|尺|寸|英尺|英寸|英里|层|楼"
# `多少所`, `几个`: a count, with the unit it counts in (group 1); not `近几年`, `几乎`.
COUNT_ASKED = re.compile(rf"(?:多少|(?<![近这那前哪好])几(?!乎))([{UNITS}]?)")

KINDS = (
    Kind("count", COUNT_ASKED, QUANTITY),
    # `有多高`, `面积多大`, `多长时间`: a measurement, answered by a number (not `多大的影响`).
    Kind("measure", re.compile(r"多[高大长重远深宽久厚](?!的|学|家|型|量|部|力|关系|作用|影响|意义|程度)"), QUANTITY),
    Kind(
        "date",
        re.compile(r"什么时候|何时|哪一?年|哪一?天|几月|哪个月|几号|日期|年份|日子|(?<!多长)(?<!多少)时间"),
        re.compile(
            r"\d{3,4}年|\d{1,2}月|\d{1,2}日|[〇零一二三四五六七八九]{4}年|\d+世纪|\d+年代|[春夏秋冬]季|"
            r"[\u4e00-\u9fff]{1,4}(?:时期|时代|年间|朝)|元年|[秦汉晋隋唐宋元明清][初末]|[\d一二三四五六七八九十]+岁"
        ),
    ),
    Kind(
        "money",
        re.compile(rf"{_MONEY}[^，,。]*(?:多少|几)|(?:多少|几)[^，,。]*{_MONEY}"),
        re.compile(
            r"\d[\d,.]*\s*(?:多|余)?(?:亿|万|千)?(?:[美港澳台新日欧]?元|美金|英镑|镑|法郎|卢布|马克)|[一二三四五六七八九十两百千万亿]+[美港澳台新日欧]?元"
        ),
    ),
    Kind(
        "rate",
        re.compile(r"(?:率|比例|比重|占比|百分)[^，,。]*(?:多少|几)"),
        re.compile(r"%|％|百分之|\d+成|\d\s*[:：比]\s*\d|率[为是达约近超过了]*\d"),
    ),
    Kind(
        "people",
        re.compile(r"(?:学生|人数|毕业生|在校生|教师|老师|员工)[^，,。]*(?:多少|几)|多少[人名]|几[人名]"),
        re.compile(rf"{NUMERAL}多?余?万?[人名]"),
    ),
    Kind("list", re.compile(r"哪些|哪几|包括|包含|有什么|都有|列举|分别"), re.compile(r"、|[；;]")),
    Kind(
        "person",
        re.compile(
            r"谁|哪一?位(?![\u4e00-\u9fff]{2})|哪几位|(?:领导|负责人|局长|市长|主任|校长|专家|联系人)[^，,。？?]{0,4}(?:名字|姓名)"
        ),
        re.compile(r"[\u4e00-\u9fff]{2,3}(?:同志|先生|女士|局长|市长|主任|书记|校长|院长|委员)(?!会)"),
    ),
    Kind(
        "reason",
        REASON_ASKED,
        re.compile(r"因|由于|为了|所以|故|导致|致使|使得|造成|影响|旨在|以便|目的|结果|于是|考虑|为此|所致|缘故"),
    ),
    Kind(
        "place",
        re.compile(r"在哪[里儿]|在哪[？?]|位于哪|什么地方|什么位置|哪个(?:区|县|镇|街道|园区|城市|国家)|哪里"),
        re.compile(
            r"位于|坐落|地处|落户|分布|赴[\u4e00-\u9fff]|(?:、[\u4e00-\u9fff]{2,4})+[两三四五六七八九十多等]地|"
            r"(?:(?<![正现存所实])在|(?<![关对由属基用等至终处])于|至|到)"
            r"[\u4e00-\u9fff]{1,12}?(?:区|县|省|市|州|国|路|街|镇|村|岛|境内|地区|一带|附近)"
        ),
    ),
    Kind(
        "opinion",
        re.compile(r"怎么评价|如何评价|怎样评价|评价如何|什么看法|满意"),
        re.compile(r"评价|认为|表示|满意|肯定|赞"),
    ),
    Kind(
        "procedure",
        re.compile(r"流程|程序|手续|步骤|(?:怎么|如何|怎样)(?:申请|加入|报名|办理)|申请条件"),
        re.compile(r"申请|申报|流程|程序|步骤|提交|审批|审核|条件"),
    ),
    Kind(
        "superlative",
        re.compile(r"最(?:多|少|大|小|高|低|早|晚|好|强|快|长|短|受欢迎|热门)"),
        re.compile(r"最|第一|首位|居首|之首|领先|位居|位列|多于|超过|高于"),
    ),
    Kind(
        "ranking",
        re.compile(r"排第几|排名|第几名|第几位"),
        re.compile(r"第[\d一二三四五六七八九十]+(?:名|位)|排名|位居|位列|排在"),
    ),
    Kind(
        "negation",
        re.compile(r"(?<!有)(?:没有|尚未|未能|未)(?!来)"),
        re.compile(r"没有|尚未|未|无|不(?!断|仅|同|少|久|但)"),
    ),
    # A measurement in the unit asked for: `面积多大` an area, `多高` a length (not `级别有多高`), `多久` a duration.
    Kind("area", re.compile(r"面积|占地"), re.compile(r"平方|亩|公顷|㎡")),
    Kind("length", re.compile(r"^(?!.*(?:级别|水平|等级|程度|地位)).*多[高长深宽远厚](?!时间)"), re.compile(_LENGTH)),
    Kind("duration", re.compile(r"多久|多长时间"), re.compile(r"年|月|天|日|周|星期|小时|分钟|秒|世纪")),
    Kind("weight", re.compile(r"多重|重量"), re.compile(r"(?:公|千|毫)?(?:克|斤)|吨|磅")),
)
KIND_NAMES = tuple(kind.name for kind in KINDS)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}
_MONEY_KIND = KIND_BY_NAME["money"]


def asked_kinds(question: str) -> frozenset[str]:
    """The kinds of answer a question (in simplified characters) asks for. `谁` asked of an organisation
    (`技工院校合作的大企业，信中举例提到了谁`, `…学院，学校一方是谁`), with no person's role said, asks for no person."""
    kinds = {kind.name for kind in KINDS if kind.asks.search(question)}
    if "person" in kinds and _ORGANISATION_ASKED.search(question) and not _PERSON_ASKED.search(question):
        kinds.discard("person")
    return frozenset(kinds)


# What `谁` may stand for: a kind of organisation (`企业`, `学校一方`) …
_ORGANISATION_ASKED = re.compile(r"企业|公司|单位|部门|机构|学校|院校|高校|大学|学院|集团|机关|政府|一方|哪方|双方")
# … or a person, by the role or the name asked (`带队领导是哪位`, `副组长由谁担任`, `请回学校的校友都有谁`)
_PERSON_ASKED = re.compile(
    rf"哪一?位|哪几位|名字|姓名|{PERSON_ROLES}|组长|联系人|工匠|校友|学生|教师|"
    r"人员|员工|作者|创始人|人物|先生|女士|同志|主席|总统|经理|董事长|队长|代表|选手|演员|歌手|作家|画家|导演"
)


# A title or a quoted name (`《…2035年远景目标方案》`, `“河南省2035年高等学校设置规划方案”`) names a thing: a year or a
# number in it is part of the name, none the sentence gives. The kinds a number shows are read outside them.
_TITLE = re.compile(r"《[^《》]*》|“[^“”]*”|「[^「」]*」")
_NUMBERED = frozenset(("count", "measure", "date", "money", "rate", "people", "area", "length", "duration", "weight"))


def kind_signals(asked: frozenset[str], plain: str) -> list[float]:
    """One value per kind, in `KINDS` order: 1 asked and held by `plain` (a number outside its titles and quoted names),
    -1 asked and not held, 0 not asked."""
    untitled = _TITLE.sub("", plain)

    def signal(kind: Kind) -> float:
        if kind.name not in asked:
            return 0.0
        return 1.0 if kind.holds.search(untitled if kind.name in _NUMBERED else plain) else -1.0

    return [signal(kind) for kind in KINDS]


def chinese_number(text: str) -> int:
    """`三` → 3, `十二` → 12, `一千` → 1000, `7` → 7, `二、深化…` → 2 (a heading's number); 0 when not a number."""
    text = re.split(r"[、.．]", text, maxsplit=1)[0]
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate(DIGITS)} | {"两": 2}
    places = {"十": 10, "百": 100, "千": 1000}
    if not text or any(c not in digits and c not in places for c in text):
        return 0
    total = digit = 0
    for c in text:  # `一千二百零五`: each digit times the place after it, `十` alone as 10
        if c in places:
            total += (digit or 1) * places[c]
            digit = 0
        else:
            digit = digits[c]
    return total + digit


def counted(unit: str) -> str:
    """A regex for a number followed by `unit` (`41所`, `130多个`, `2000万元`)."""
    return rf"{NUMERAL}多?余?{unit}"


_KIND_UNITS = "种类项门"  # units counting kinds of a thing, which a text counts in 个 as often (`163个专业`)


def counted_as_asked(unit: str) -> str:
    """A regex for a number in the unit a question counts in (`counted`), or in `个` when that unit counts kinds
    (`多少种专业` of `共开设163个专业`); not `个` for `所` (`几所` is no `130多个`, which `个` counts as well)."""
    return counted(f"[{unit}个]" if unit and unit in _KIND_UNITS else unit)


# The units that count the same things: a question's `多少名学生` is answered by `3万余人`, `几天` by `5日`, `多少家企业` by
# `1000多个`. `个` counts anything, so a question counting in it asks only for some count. Batches are counted in 个
# only as `3个批次`: `分批成立…10个…委员会` counts the committees, not the batches.
_SAME_UNITS = ("人名位", "天日", "家所个", "项个", "条个", "种类个", "场次个")
_AS_UNIT = {"批": "个批"}


def _in_units(unit: str) -> str:
    same = "".join(dict.fromkeys(unit + "".join(s for s in _SAME_UNITS if unit in s)))
    named = f"|{_AS_UNIT[unit]}" if unit in _AS_UNIT else ""
    return rf"(?:{NUMERAL}(?:万|亿)?[多余]?|多|若干)(?:[{same}]{named})"


# What else a question may ask beside its count (`哪位皇帝发动了几次战役`): the count is then no answer asked for.
_OTHER_ASK = re.compile(r"哪|谁|什么|何|怎|为啥|吗")


def _asks_beside_count(question: str) -> bool:
    """Whether a question (simplified) asks something besides its count (`哪位皇帝发动了几次战役`, `哪几所…`)."""
    return bool(_OTHER_ASK.search(COUNT_ASKED.sub("", question)))


# What makes a `几` no question: a number's digits before it (`20几所`, `十几个`), or `只有` (`只有几座山…` is "only a few").
_NO_COUNT_ASKED = re.compile(rf"(?:[\d{CHINESE_DIGITS}]|只有|仅有|只|仅)$")
# A head count given as a bare figure after the word for it (`人口达2,790,060`).
_HEADCOUNT = re.compile(r"(?:人口|人数|总数|总计|共计)[^，,。；;]{0,6}?\d")


# What was spent or is paid, asked (`总投入是多少`, `投资多少？`, `月薪大概多少`, `多少助学金`): a sum of money too, though none of the
# money kind's words says so; not when the question names what it is counted in (`耗资多少日圆`, `花费多少时间`,
# `投资了多少个项目`).
_SPENT_ASKED = re.compile(
    r"(?:投入|投资|花费|耗资|造价|成本|开支|支出|月薪|年薪|薪水|薪资|薪酬|待遇)[^，,。？?]{0,6}多少(?=[钱元？?，,。！!]|$)"
    # what a student pays or is paid (`多少国家助学金`, `学费一年多少`), which the money kind's words do not name either
    r"|(?:助学金|奖学金|学费|津贴)[^，,。？?]{0,6}多少(?=[钱元？?，,。！!]|$)|多少[^，,。？?]{0,4}(?:助学金|奖学金|学费|津贴)"
)


# People a count may ask for with no unit (`多少学生`, `几个老师`' 个 aside): read as counted in 名.
_PEOPLE = (
    "学生",
    "教师",
    "老师",
    "员工",
    "职工",
    "教职工",
    "毕业生",
    "新生",
    "研究生",
    "博士后",
    "博士",
    "硕士",
    "学员",
    "人员",
    "工人",
    "工程师",
    "技师",
    "志愿者",
    "游客",
    "居民",
    "家长",
    "人",
)

_PERSON_ENDS = "人员师生长授士手者"  # the last character of a word naming people (`教授`, `委员`, `学生`)


def _counts_people(noun: str) -> bool:
    """Whether a noun counted with no unit, or in `个`, names people (`学生`, `实习生`, `会员`, `院士`): read as counted
    in 名, which no count of things gives (`4个一流建设学科` for `几个学生`)."""
    return noun.endswith(_PEOPLE) or (len(noun) >= 2 and noun[-1] in _PERSON_ENDS)


# The verb a count is asked of (`撤销` of 同一年被撤销的有多少, `备案` of 新增备案了多少个专业): the two characters right
# before the count, past `了`, `的` and `有`.
_COUNTED_VERB = re.compile(
    r"([\u4e00-\u9fff]{2})(?:了|的)?(?:有|是)?(?:一共|总共|共)?(?:多少|(?<![近这那前哪好])几(?!乎))"
)


def _cut_doubtful(text: str, start: int, word: str) -> bool:
    """Whether the character before `word` makes a more common word with its first (`一共` of 一/共建了几个, which jieba
    cuts so): the word may not be the text's."""
    return start > 0 and dictionary_frequency(text[start - 1] + word[0]) > dictionary_frequency(word)


def count_verb_unsaid(question: str, sentence: str, held: Callable[[str], bool]) -> str:
    """The verb a count is asked of (`撤销` of 同一年被撤销的有多少) when the documents say it (`held`) and the sentence
    does not (`共开设163个专业`): the sentence counts another doing. '' when the word before the count is no verb to
    jieba (`郑州有多少`), or a verb no document says (`开着`: the asker's word for the sentence's), or the sentence says
    a character of it."""
    words = tag(question)
    verbs = {
        (start, start + len(word)) for start, (word, flag) in zip(offsets(words), words, strict=False) if flag == "v"
    }
    for m in _COUNTED_VERB.finditer(question):
        verb = m.group(1)
        # a word of the question's own (not the `共建` of 一共/建了几个); a sentence saying either character of it may say
        # the doing another way (`建设了…18家` for `建成了多少家`)
        if m.span(1) not in verbs or _cut_doubtful(question, m.start(1), verb):
            continue
        if held(verb) and not any(ch in sentence for ch in verb):
            return verb
    return ""


# Names listed one by one that end alike (`…职业大学、…职业大学`), and the units that count such named things
_NAMED_ALIKE = re.compile(
    r"[\u4e00-\u9fff]{1,12}?([\u4e00-\u9fff]{2})、(?:[\u4e00-\u9fff]{1,12}?\1、)*[\u4e00-\u9fff]{1,12}?\1"
)
_NAMED_UNITS = "所家位名座"


# A share asked (`录取率大概多少`, `占多大比例`, `百分之几`) and one given (`30%`, `三成`, `三分之一`, `比例为1:3`).
_RATE_ASKED = re.compile(
    r"(?P<rate>[\u4e00-\u9fff]{0,2}率(?![领先队部军众])|比例|比重|占比)[^，,。]*(?:多少|几)(?![个所家项座条种类批场门届位名人胜负次件年月天岁])|"
    r"(?:多大|多少|几成)的?(?P<share>比例|比重|占比)|"
    r"百分之几|几成|"
    # … or by its noun alone, closing the question (`技校学生毕业后找到工作的比例`, `…的就业率？`); not a speed or a
    # frequency (`效率`, `频率`), which no share answers
    r"(?P<bare>[\u4e00-\u9fff]{0,2}(?<![频效速概功汇利])率|比例|比重|占比)(?:是|为|有|大概|大约)*[？?。！!\s]*$"
)
_RATE_GIVEN = re.compile(
    rf"%|％|百分之|[\d一二三四五六七八九十]成|分之|一半|半数|过半|\d\s*[:：比]\s*\d|(?:率|比例|比重|占比)[为是达约近超过了多高]*{NUMERAL}"
)


def rate_unheld(question: str, sentence: str) -> str:
    """The words a question (simplified) asks a share by (`多大比例`) when the sentence (simplified) gives no share at
    all (no `%`, `三成`, `三分之一`, `比例为1:3`): it may speak of the same things, but says nothing of how many of
    them; named by the share's noun (`录取率`, `比例`). '' otherwise."""
    asked = _RATE_ASKED.search(question)
    if asked is None or _RATE_GIVEN.search(sentence):
        return ""
    return asked["rate"] or asked["share"] or asked["bare"] or asked.group()


# Classifiers that count things (`41所`, `9个`, `40场`), not measures (`600米`, `1962年`, `150人` of 员工 counting no
# certificates).
COUNTING = "个所家项座条种类批场门届位名支套处部本篇件台辆艘架张间期户"


# A length of time asked (`无人机那个读几年`, `要花几个月`, `几年制`, `学制`, `考察行程持续了多长时间`, `去了多久`), not a
# year (`哪几年`, `近几年`), and one given (`3年`, `两个学期`, `三年制`, `5天`, `三个月`); not a year's date (`2024年`,
# `二〇二四年`), whose digits come before the last two, nor a month's (`8月`: months are lengths as `个月`).
# `多久` and `多长时间` only after a verb of spending time: `花期约是多久`, `多久以前`, `多久一次` ask a span given by a
# range, an age or a frequency (`1-3月`, `800多年历史`, `每年一次`), which DRCD and CMRC answer.
_DURATION_VERBS = r"读|念|学|上|修|用|花|要|需要|持续|干|做|坚持|历时|进行|去|待|呆"
_DURATION_ASKED = re.compile(
    rf"(?:{_DURATION_VERBS})了?(?:几|多少)个?(?:年|月|学期|周|天)(?![级代份])|几年制|学制|"
    rf"(?:{_DURATION_VERBS})了?(?:(?:多长|多少)的?时间|多久)"
)
_DURATION_GIVEN = re.compile(
    rf"(?<![\d{CHINESE_DIGITS}〇])(?:\d{{1,2}}|[一二三四五六七八九十两半]{{1,3}})(?:个月|个?(?:年|学期|周|星期|天|小时))(?![级代份度])"
    r"|年制|学制"
    # … or the span between two dates (`7月1日至8月31日`)
    r"|\d{1,2}月(?:\d{1,2}日)?(?:至|到|—|－|~)"
)


def duration_unheld(question: str, sentence: str) -> str:
    """The words a question (simplified) asks a length of time by (`读几年`, `学制`) when the sentence (simplified) gives
    none (a year's date is none: `2024年…新增…专业` says when, not how long). '' otherwise."""
    asked = _DURATION_ASKED.search(question)
    return asked.group() if asked is not None and not _DURATION_GIVEN.search(sentence) else ""


# A month asked (`哪个月份`, `几月`; not `几个月`, a length of time), and one given (`5月`, `十月`, `春季`, `上半年`, `年底`).
_MONTH_ASKED = re.compile(r"(?:哪一?个|什么)月份?|几月份?|哪月")
_MONTH_GIVEN = re.compile(
    r"\d{1,2}月|[一二三四五六七八九十正腊]{1,3}月|[春夏秋冬]季|[上下]半年|年[初底末中]|季度|寒假|暑假"
)


def month_unheld(question: str, sentence: str) -> str:
    """The words a question (simplified) asks a month by (`哪个月份`) when the sentence (simplified) gives no month nor a
    part of the year: it may say what is done every year, not when in it. '' otherwise."""
    asked = _MONTH_ASKED.search(question)
    return asked.group() if asked is not None and not _MONTH_GIVEN.search(sentence) else ""


# A count asked with no unit that says what it counts (`…老旧低质专业 数量`, `砍掉了多少`, `有几个`), which any number
# answers; and whatever a sentence may count with: a figure, a numeral, a vague count (`多所`, `若干`, `一批`), a share.
_COUNT_WORDS = r"数量|数目|个数|总数"  # a count said as a noun
_COUNT_NOUN_ASKED = re.compile(
    rf"(?P<noun>[\u4e00-\u9fff]{{0,2}})\s*(?:的)?(?P<word>{_COUNT_WORDS})(?:是|有|为)?(?:多少)?[？?。！!\s]*$"
)
_SOME_COUNT = re.compile(
    rf"\d|[二三四五六七八九十两百千万亿]|一[十百千万亿]|[多数几若][十百千万个所家名项批位种条类]|若干|大量|大批|众多|一[批些系]|不少|"
    # … or a share of them, which says how many as loosely (`一半以上病人…死亡` for `有多少病人…死亡`)
    r"半|[多少]数|全部|所有|部分|分之|%|％|"
    # … or one of them (`每立方公尺一个原子`, `仅一个月就毕业`), which `一个` as an article says too
    rf"一[{COUNTING}年月天日周岁元]"
)


def count_unsaid(question: str, sentence: str) -> str:
    """The words a question (simplified) asks a count by with no unit of its own (`数量`, `多少`, `几个`) when the
    sentence (simplified) gives no number of any kind, nor names the counted things one by one (`A专业、B专业`, `A、B等
    专业`): it says what is done, not how many. '' otherwise, and when the question asks something beside its count."""
    if _asks_beside_count(question) or _SOME_COUNT.search(_TITLE.sub("", sentence)):
        return ""
    noun = ""
    by_noun = _COUNT_NOUN_ASKED.search(question)
    if by_noun is not None:
        noun = by_noun["noun"]
        asked = noun + by_noun["word"]
    else:
        unitless = [m for m in COUNT_ASKED.finditer(question) if m.group(1) in ("", "个")]
        if not unitless or _NO_COUNT_ASKED.search(question[: unitless[0].start()]):
            return ""
        at = unitless[0]
        after = re.match(r"[\u4e00-\u9fff]{0,4}?(?=[，,。？?！!的\s]|$|有|是)", question[at.end() :])
        noun, asked = (after.group() if after else ""), at.group()
    if "、" in sentence and (
        len(noun) < 2 or re.search(rf"{noun[-2:]}、|、[^，,。；;]{{1,30}}?等[^，,。；;]{{0,6}}?{noun[-2:]}", sentence)
    ):
        return ""
    return asked if by_noun is not None else asked + noun


def count_unheld(question: str, sentence: str) -> str:
    """The count a question (simplified) asks in a unit that the sentence gives no number of (`几天` of `…一共考察了几
    天？` against `赴南京、武汉、广州三地进行了实地考察`), with the noun it counts (`多少家企业`). '' when the sentence holds
    a number in that unit or one counting the same things (`3万余人` for `多少名`), a vague one (`多家`), a head count
    (`人口达2,790,060`), or names the counted things one by one (`…骑士团、…骑士团和…骑士团`); and when the question
    counts in `个`, which any count answers, or in no unit, or asks something else beside (`哪位皇帝发动了几次…`). A
    count the question names itself is none of the sentence's (`10个` of `10个委员会分了几批成立`). A sum of money asked
    (`多少专项资金`) is a count in 元, and a measure (`多少平方米`) one in its unit."""
    if _asks_beside_count(question):
        return ""
    # A count the question names itself is what it asks about, not its answer (`10个` of `10个…委员会分了几批成立`).
    for figure in NUMBER_NAMED.finditer(question):
        sentence = re.sub(rf"(?<![\d.{CHINESE_DIGITS}]){re.escape(figure.group())}", "", sentence)
    for asked in COUNT_ASKED.finditer(question):
        unit = asked.group(1)
        noun = re.match(r"[\u4e00-\u9fff]{0,4}?(?=[，,。？?！!的\s]|$|有|是|参与|参加)", question[asked.end() :])
        counted_noun = noun.group() if noun else ""
        # People counted with no unit (`多少学生`) or in 个 (`几个学生`) are counted in 名 as `多少名学生` is: `163个专业`
        # gives no number of them.
        unit = "名" if unit in ("", "个") and _counts_people(counted_noun) else unit
        if not unit or unit == "个" or _NO_COUNT_ASKED.search(question[: asked.start()]):
            continue
        named = len(counted_noun) >= 2 and sentence.count(counted_noun[-2:]) >= 2 and "、" in sentence
        # … or names things of one kind one by one, each ending alike (`郑州职业技术大学、郑州信息工程职业大学、郑州嵩山
        # 职业大学` for `几所学校`): counting them answers
        # … people among them only when what they end alike in names people (`王教授、李教授`), not majors (`…技术与应用、
        # …技术与应用` for `多少新生`)
        alike = _NAMED_ALIKE.search(sentence) if unit in _NAMED_UNITS else None
        named = named or (alike is not None and (unit not in "名位" or alike.group(1)[-1] in _PERSON_ENDS))
        headcount = unit in "人名位" and _HEADCOUNT.search(sentence)
        if named or headcount or re.search(_in_units(unit), sentence):
            continue
        return asked.group() + counted_noun
    # A sum of money is a count in 元 (`多少专项资金`, `总投入是多少`): a sentence giving no sum does not answer it.
    money = _MONEY_KIND.asks.search(question) or _SPENT_ASKED.search(question)
    if money and not _MONEY_KIND.holds.search(sentence):
        return money.group()
    # … and so is a measure asked in its unit (`多少平方米`, `几公里`) of one giving none in it (`18家…基地` gives no area)
    measure = _MEASURE_ASKED.search(question)
    if measure and not re.search(rf"{NUMERAL}[多余]?(?:万|亿)?{measure.group(1)}", sentence):
        return measure.group()
    return ""


# A measure asked in a unit of its own, not a count of things (`多少平方米`, `几公里`, `多少吨`)
_MEASURE_ASKED = re.compile(r"(?:多少|几)(平方公里|平方千米|平方米|平米|公顷|亩|公里|千米|米|吨|公斤|千克)")


# A count with its unit: `41所`, `130多个`, and a vague one (`多所学校`, `若干家企业`), which counts as much without
# naming any; the vague units are those that still count when a noun follows (`多部门` is no count of 部).
_COUNT = re.compile(
    rf"(?<![\d.{CHINESE_DIGITS}])(?:(?P<value>{NUMERAL})[多余]?(?P<unit>[{COUNTING}])"
    rf"|(?P<vague>多|若干)(?P<vague_unit>[所家个项名位种批])(?=[\u4e00-\u9fff]))"
)
_CLAUSE = re.compile(r"[^，,；;。！？!?]+")
# What says the things are named next: `…方式：一是…`, `奖项包括…`, `分别是…`, `如宇通、富士康`.
_NAMED_NEXT = re.compile(r"[：:]|包括|包含|分别|即|如下|一是|其一|例如|比如|诸如|如[^，,；;。、]{1,20}、")


def counts_exactly(text: str) -> bool:
    """Whether `text` holds a count with a number (`41所`), not only a vague one (`多所`)."""
    return any(c["value"] for c in _COUNT.finditer(text))


# What opens a list in the sentences after a count (`有多种原因导致了本次事故。首先是…`).
_LIST_OPENS = re.compile(r"\s*(?:首先|第一[，,、是]|一是|其一|[1１][.．、)）]|[（(][1１一][)）])")


def counted_only(plain: str, noun: str, unit: str = "", after: str = "") -> list[tuple[int, int]]:
    """The clauses of a sentence (simplified) that count the things a question asks to have named (`noun`, or any
    thing counted in `unit` when it names none) without naming them: `郑州市共有41所中职学校通过…验收` for `…中职学校具体是
    哪几所`, `省级专业技能工作室9个` for `有哪些省级专业技能工作室`. As (start, end) within `plain`.

    [] when the sentence names them somewhere it speaks of them: a list before them (`汽车维修、航空物流等18家…基地`,
    but not the owners of `A、B和C各1个专业群`), a list of names each ending in the noun (those owners, when 学院 is
    asked), words that open a list after them (`…方式：一是…`, `奖项包括…`), a
    clause speaking of them with no count (`积极组建…共同体`); and when it does not speak of them at all (the last two
    or more characters of `noun` are nowhere in it), since another sentence's words may name them; and when the text
    `after` it (simplified) opens a list (`首先…`, `一是…`, `1.`)."""
    if _LIST_OPENS.match(after):
        return []
    form = next((noun[k:] for k in range(len(noun) - 1) if noun[k:] in plain), "") if noun else ""
    if noun and not form:
        return []
    counting: list[tuple[int, int]] = []
    for clause in _CLAUSE.finditer(plain):
        text = clause.group()
        counts = [c for c in _COUNT.finditer(text) if c["value"] != "一"]  # `一批`, `一个` count nothing
        at = text.find(form) if form else next((c.start() for c in counts if unit in (c["unit"], c["vague_unit"])), -1)
        if at < 0:
            continue
        if not counts or _NAMED_NEXT.search(plain, clause.start() + at):
            return []
        owners = all(text[c.start() - 1 : c.start()] == "各" for c in counts)
        if "、" in text[:at] and not owners:
            return []
        # The things named one by one, each ending in the noun (`河南农业职业学院、…和郑州铁路职业技术学院` of 学院).
        if "、" in text and len(form) >= 2 and text.count(form) >= 2:
            return []
        counting.append(clause.span())
    return counting


# The levels of a ranked thing (`省级专业技能工作室`): a closed class, like years, so a sentence naming the thing only
# at other levels (`市级…38个,省级…9个`) does not answer a question about a level it never gives it (`国家级…`).
LEVEL = r"国家级|省部级|省级|市级|地市级|县级|区级|校级|院级"
# A level and the thing said at it, 的 between them or not (`省级的双高名单`)
_LEVEL_ASKED = re.compile(rf"(?P<level>{LEVEL})的?(?P<thing>[\u4e00-\u9fff]{{2,}})")
# The levels a thing is said at, joined, and up to two characters of a kind between (`国家级高职双高`)
_LEVELS_BEFORE = re.compile(rf"(?:(?:{LEVEL})(?:、|和|及|与|或|以及)?)+[\u4e00-\u9fff]{{0,2}}$")
# Quote marks a question may type in place of the documents' own (`"十四五"` for `“十四五”`), or the documents put
# inside a name (`国家级高职“双高”建设`)
QUOTE_MARKS = re.compile(r"[“”\"'‘’「」『』]")


def level_unheld(question: str, sentence: str) -> str:
    """What a question (simplified) asks at a level the sentence gives its thing only at others: `国家级专业技能工作室`
    of `有多少个国家级专业技能工作室` against `市级专业技能工作室38个,省级专业技能工作室9个`. The thing is the longest
    start of the words after the level that the sentence says; levels joined before it (`国家级、省级市域产教联合体`)
    all count. '' when the sentence gives the asked level, or never names the thing at a level. Quote marks aside."""
    question, sentence = QUOTE_MARKS.sub("", question), QUOTE_MARKS.sub("", sentence)
    for asked in _LEVEL_ASKED.finditer(question):
        words = asked["thing"]
        thing = next((words[:k] for k in range(len(words), 1, -1) if words[:k] in sentence), "")
        if not thing:
            continue
        levels: set[str] = set()
        for at in (m.start() for m in re.finditer(re.escape(thing), sentence)):
            before = _LEVELS_BEFORE.search(sentence[max(0, at - 24) : at])
            levels.update(re.findall(LEVEL, before.group()) if before else ())
        if levels and asked["level"] not in levels:
            return asked["level"] + thing
    return _level_apart(question, sentence)


def own_level_unheld(own: str, sentence: str) -> str:
    """A level a follow-up's own words name (`省级` of 省一级的这种基地有几家, merged with a question on 市级 bases) when the
    sentence gives its things at other levels only; '' when it names that level, or none."""
    said = set(re.findall(LEVEL, sentence))
    return next((level for level in re.findall(LEVEL, own) if said and level not in said), "")


def _level_apart(question: str, sentence: str) -> str:
    """A level a question (simplified) says apart from its thing (`有没有国家级评定的…专业技能工作室`, as a follow-up may be
    merged), of a sentence giving that thing only at other levels: the first start of two or more of the words after
    each of the sentence's levels (`专业技能` of `省级专业技能工作室9个`) that the question says; '' when the sentence
    names the asked level anywhere."""
    asked = [m.group() for m in re.finditer(LEVEL, question) if m.group() not in sentence]
    if not asked:
        return ""
    for said in _LEVEL_ASKED.finditer(sentence):
        words = said["thing"]
        thing = next((words[:k] for k in range(len(words), 1, -1) if words[:k] in question), "")
        if thing:
            return asked[0] + thing
    return ""


# Kinds of school, a closed class like levels: a sentence counting 中职 and 技工 schools says nothing of 高职 ones. Each
# kind with the words that name it (`中职学校`, `中等职业学校` and `中专` are one kind); `提高职业` is no 高职.
SCHOOL_KINDS = {
    "中职": r"中职|中等职业|中专|职业高中|职高",
    "技工": r"技工|技师学院|技校",
    "高职": r"(?<!提)高职|高等职业|高专",
    "本科": r"本科",
    # a 高中 said alone is a general one (`职业高中`, `职高` are 中职's), as are the schools before it
    "普高": r"普通高中|普高|(?<!职业)(?<![职提])高中(?![职等]|阶段)",  # not 职业高中, nor 提高中等职业教育's
    "义务教育": r"初中|小学|义务教育",
}
_SCHOOL_KIND = {kind: re.compile(words) for kind, words in SCHOOL_KINDS.items()}
_SCHOOL_NAMED = re.compile(
    rf"(?:{'|'.join(SCHOOL_KINDS.values())})[\u4e00-\u9fff]{{0,2}}?(?:学校|院校|学院|教育|大学|高校)"
)


# A kind of school said as a noun (`中等职业学校`, `技工院校`, `职业院校`): what schools are, not which one.
_SCHOOL_KIND_NOUN = re.compile(rf"{_SCHOOL_NAMED.pattern}|(?:职业|各类|各级)(?:学校|院校)")


def school_kind_nouns(text: str) -> list[re.Match[str]]:
    """Where `text` (simplified) says a kind of school as a noun, whole (`中等职业学校`, not its `职业学校`)."""
    return [m for m in _SCHOOL_KIND_NOUN.finditer(text) if school_kinds(m.group())]


def school_kind_words(text: str) -> list[re.Match[str]]:
    """Where `text` (simplified) says a kind of school by its word alone (`中职` of 全部中职开设的专业, `高职`)."""
    return list(_SCHOOL_KIND_WORD.finditer(text))


_SCHOOL_KIND_WORD = re.compile("|".join(SCHOOL_KINDS.values()))


def without_school_kinds(text: str) -> str:
    """`text` (simplified) without the kinds of school it says as nouns (`…提升中等职业学校办学水平`): a word ending as a
    school's name that is a kind of school names none."""
    return _SCHOOL_KIND_NOUN.sub("", text)


def school_kinds(text: str) -> set[str]:
    """The kinds of school a text (simplified) names, in any of each kind's words."""
    return {kind for kind, words in _SCHOOL_KIND.items() if words.search(text)}


def names_school_kind(word: str, sentence: str) -> bool:
    """Whether `word` names one kind of school (`中职学校`) that the sentence (simplified) names too, in any of the kind's
    words (`中等职业学校`)."""
    kinds = school_kinds(word)
    return len(kinds) == 1 and kinds <= school_kinds(sentence)


def _kinds_asked(question: str) -> list[tuple[str, re.Match[str]]]:
    """Each kind of school a question (simplified) names, with where it first says it."""
    return [(kind, found) for kind, words in _SCHOOL_KIND.items() if (found := words.search(question))]


def school_kind_unheld(question: str, sentence: str) -> str:
    """The kind of school a question (simplified) asks about (`高职院校`) when the sentence names schools of other kinds
    only (`中等职业学校…,技工院校…`); '' when it names that kind too, names no kind of school, or the question names
    none or several (a comparison). The kinds it sets aside (`不算中职和技工，…`) it does not ask about, nor those of the
    clauses before the one asking when that one names a kind (`在纠结读中职还是高职。郑州高职院校一共开了多少个专业`)."""
    asked = _one_kind_asked(question)
    if asked is None:
        return ""
    kind, words = asked
    said = school_kinds(sentence)
    return "" if not said or kind in said else words


def _one_kind_asked(question: str) -> tuple[str, str] | None:
    """The one kind of school a question (simplified) asks about, with the words it says it by (`高职院校`: with the word
    for the school after it, else as asked); None when it names none or several. Not the kinds it sets aside, nor those
    of the clauses before the one asking when that one names a kind."""
    question = without_set_aside(question)
    clause = asking_clause(question)
    if school_kinds(clause):
        question = clause
    asked = _kinds_asked(question)
    if len(asked) != 1:
        return None
    kind, found = asked[0]
    named = _SCHOOL_NAMED.search(question)
    return kind, (named or found).group()


# The words each kind of school is said by, without the patterns' conditions (`高中` of 普高's): what a document holding
# the kind at all must say.
_KIND_WORDS = {kind: tuple(re.sub(r"\(\?<?[!=][^)]*\)", "", words).split("|")) for kind, words in SCHOOL_KINDS.items()}


def school_kind_unsaid(question: str, holds: Callable[[str], bool]) -> str:
    """The one kind of school a question (simplified) asks about (`小学` of 孩子在郑州上小学…要准备啥材料) when no
    document says that kind at all (`holds`: read in the documents' script): what they say of schools is said of other
    kinds, whatever sentence is closest. '' when some document says it, or the question names none or several."""
    asked = _one_kind_asked(question)
    if asked is None:
        return ""
    kind, words = asked
    return "" if any(holds(word) for word in _KIND_WORDS[kind]) else words


# A question comparing how many (`中职和技工院校哪一类更多`, `比技工院校多吗`): it needs the count of each side.
_COMPARES_HOW_MANY = re.compile(
    r"更[多少大小高低]|哪一?[个类种边方项]?[多少](?!少)|多还是少|比[^，,。；;？?]{1,12}[多少]"
)


def compared_kind_unheld(question: str, sentence: str) -> str:
    """The first of the kinds of school a question (simplified) compares how many of (`中职和技工院校哪一类更多`) that
    the sentence does not name: it gives one side of the comparison only. '' when it names each, or the question
    compares no two kinds (`school_kind_unheld` reads one)."""
    question = without_set_aside(question)
    if not _COMPARES_HOW_MANY.search(question):
        return ""
    asked = _kinds_asked(question)
    said = school_kinds(sentence)
    if len(asked) < 2 or not said:
        return ""
    unsaid = next((found for kind, found in asked if kind not in said), None)
    if unsaid is None:
        return ""
    named = _SCHOOL_NAMED.match(question, unsaid.start())  # with the word for the school after it (`技工院校`)
    return (named or unsaid).group()


# Which came first or last asked (`其中哪一家最先签的`): an order in time, which a sentence gives by dates or by words
# ordering what it names (`率先`, `随后`); a list of names alone (`哈工大、上海交大…等六所…已经成功签定`) gives none.
_ORDER_ASKED = re.compile(r"最(?:先|早|晚|迟)|率先|头一[个家所批]|第一[家所批]")
_ORDER_SAID = re.compile(r"最早|最先|率先|首先|首[个家所批次]|第一|先后|随后|之后|此后|其后|然后|依次|陆续|早在")


def order_unheld(question: str, sentence: str) -> str:
    """The words a question (simplified) asks which came first or last by (`最先`), when the sentence (simplified)
    says no date and nothing ordering what it names; '' otherwise."""
    asked = _ORDER_ASKED.search(question)
    if asked is None or _ORDER_SAID.search(sentence) or KIND_BY_NAME["date"].holds.search(sentence):
        return ""
    return asked.group()


def closed_class_unheld(question: str, sentence: str) -> str:
    """The kind of school or the level a question (simplified) asks about that the sentence gives its fact of only at
    others (`school_kind_unheld`, `level_unheld`); '' when none."""
    return school_kind_unheld(question, sentence) or level_unheld(question, sentence)


# A count a text names with a counting classifier (`二十个`, `41所`, `1900多个`) or a length, area or weight (`五十米`):
# not an ordinal (`第二个`), a round guess (`几十个`, `数千名`, `约100米`), or a number running on from another (`1900`'s
# `900个`, `99.5米`'s `5米`).
_MEASURED = (
    "平方公里|公里|千米|公斤|千克|米|吨|公顷"  # lengths, areas and weights, longest first where one ends another
)
# What makes a number the size of the answer asked for, not a count the documents must give: a word before it asking
# for that many (`哪三所`, `举两个例子`), or, after it in its clause, each of them asked to be named (`三所…分别叫什么`).
_SIZE_BEFORE = re.compile(r"(?:哪|举|列举|列出|举出|说出|(?<![\u4e00-\u9fff])[这那]|(?<=[，,的])[这那])$")
_SIZE_AFTER = re.compile(
    r"[^，,。；;！!？?]*?(?:分别|各自|各|都(?=叫))(?:叫|是|为)?(?:什么|哪|谁|啥)(?!时候|时间)"
    # … or counts the figures or names asked for (`两个数字报一下`, `这三个名字`)
    r"|(?:个|项)?(?:数字|数据|数值|名字|名称)"
)
# An ordinal asked to be named (`…两所都写进了规划，第三所是哪所？`, `第二个呢？`) points into a list the question or the
# documents give, as `哪三所` sizes one: `第10届运动会` names something, and stays a detail.
_ORDINAL_ASKED = re.compile(r"的?(?:是|为|叫)?(?:哪|什么|谁|啥)|的?呢")


# … and read whole: one place in a list asked to be named, with its number and classifier (`第二个` of 排在第二个的是
# 哪座城市, of a follow-up's own `第二个呢？`, which the resolver keeps as `第二个`).
_PLACE_ASKED = re.compile(
    r"第(?P<number>[一二两三四五六七八九十]{1,2}|\d{1,2})(?P<unit>[个所家位座份项条种])"
    rf"(?=(?:{_ORDINAL_ASKED.pattern})|[？?]?$)"
)


def place_asked(plain: str) -> tuple[str, str]:
    """The number and classifier of one place in a list asked to be named (`二`, `个` of 排在第二个的是哪座城市), ('', '')
    when none is."""
    m = _PLACE_ASKED.search(plain)
    return (m["number"], m["unit"]) if m else ("", "")


def answer_size(question: str, start: int, end: int) -> bool:
    """Whether the number at `start:end` of `question` (simplified) is the size of the answer asked for (`哪三所`,
    `举两个例子`, `三所本科层次职业学校分别叫什么`), or of a set the question takes as known (`那四门一流学科是啥`) or has
    just listed (`市里、省里两个级别`, `南京、武汉、广州这三地`), not a count a document must give; an ordinal asked to be
    named (`第三所是哪所`) is a place in that answer."""
    if question[start - 1 : start] == "第" and _ORDINAL_ASKED.match(question, end):
        return True
    if _SIZE_BEFORE.search(question, 0, start) or _SIZE_AFTER.match(question, end):
        return True
    number = _NUMBER_OPENING.match(question, start)
    return number is not None and _size_of_list_before(question, start, chinese_number(number.group()))


_NUMBER_OPENING = re.compile(rf"\d+|[{CHINESE_DIGITS}]+")
# The words that may stand between the last thing a question lists and a count of them (`南京、武汉、广州这三地`).
_BEFORE_COUNT = re.compile(r"(?:这|那|等|共|总共|一共)+$")


def _size_of_list_before(question: str, start: int, value: int) -> bool:
    """Whether the clause before `start` lists exactly `value` things (two or more), parted as a question parts the
    things it sets aside (`scope.ITEM_BREAKS`), which the count then counts."""
    clause = re.split(r"[，,。；;？?！!：:]", question[:start])[-1]
    clause = _BEFORE_COUNT.sub("", clause)
    items = [item for item in ITEM_BREAKS.split(clause) if item]
    return value >= 2 and len(items) == value and len(ITEM_BREAKS.findall(clause)) == value - 1


# A number named as a bound the asker guesses (`是不是已经建了五十个以上`, `有没有超过1000家`, `是否不到30个`): asked
# whether, the documents' own figure answers it, above or below; it need not say the bound.
_BOUND_AFTER = re.compile(r"(?:以上|以下|以内|之多|开外|出头)")
_BOUND_BEFORE = re.compile(r"(?:超过|超出|突破|不到|不足|不止|多于|少于|高于|低于|上了|达到|过了)$")
_WHETHER_ASKED = re.compile(r"是不是|是否|有没有|有无|吗|么[？?]?$|没有[？?]?$")


def bound_named(question: str, start: int, end: int) -> bool:
    """Whether the number at `start:end` of `question` (simplified) is a bound a question asking whether guesses
    (`五十个以上`, `超过1000家`), not a figure a document must give."""
    if not _WHETHER_ASKED.search(question):
        return False
    return bool(_BOUND_AFTER.match(question, end) or _BOUND_BEFORE.search(question, 0, start))


# Values a question offers to choose between (`郑州是20个还是24个`, `20还是24个`, `2022年还是2023年`): the asker's
# guesses, of which the documents' figure may be one; none a document must say.
_CHOICE = re.compile(
    rf"(?<![\d.{CHINESE_DIGITS}])(?P<a>(?:\d+(?:\.\d+)?|[{CHINESE_DIGITS}]+)(?:万|亿)?[多余]?{_MEASURE}?)(?:呢)?[，,]?"
    rf"还是(?:说|是)?(?P<b>(?:\d+(?:\.\d+)?|[{CHINESE_DIGITS}]+)(?:万|亿)?[多余]?{_MEASURE.replace('unit', 'unit_b')})"
)


def choices(question: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    """The values a question (simplified) offers to choose between, each with its unit (`20个`, `24个` of
    `…是20个还是24个`, the unit said once after both as in `20还是24个`), and where each is said."""
    found: list[tuple[str, tuple[int, int]]] = []
    for m in _CHOICE.finditer(question):
        first = m["a"] if m["unit"] else m["a"] + m["unit_b"]
        found += [(first, m.span("a")), (m["b"], m.span("b"))]
    return tuple(found)


def choice_given(question: str, sentence: str) -> str:
    """The one of a question's choices (simplified, `20个还是24个`) that the sentence (simplified) gives in its unit
    (`24个`); '' when it gives none of them, or the question offers none."""
    for value, _ in choices(question):
        asked = NUMBER_NAMED.fullmatch(value)
        if asked is None:
            continue
        if chinese_number(asked["value"]) in figures_in(sentence, asked["unit"]) or (
            asked["unit"] == "年" and value in sentence
        ):
            return value
    return ""


def figures_in(sentence: str, unit: str) -> set[int]:
    """The numbers a sentence (simplified) gives in `unit` (`163` of `…共开设163个专业` in 个)."""
    return {chinese_number(m["value"]) for m in NUMBER_NAMED.finditer(sentence) if m["unit"] == unit}


def within(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether `span` lies inside one of `spans`."""
    return any(start <= span[0] and span[1] <= end for start, end in spans)


_NAMED_COUNT = re.compile(
    rf"(?<!第)(?<![几数上近约\d.{CHINESE_DIGITS}])(?P<value>\d+|[{CHINESE_DIGITS}]+)[多余]?"
    rf"(?P<unit>[{COUNTING}]|{_MEASURED})"
)


_RANGE_MARK = r"[至到～~－\-—]"  # what joins the two ends of a range (`一至八届`, `2020—2023年`)
_RANGE = re.compile(rf"{_RANGE_MARK}$")


def count_contradicted(question: str, sentence: str) -> tuple[str, str]:
    """A count or measure a question (simplified) names (`二十个国家`'s `二十个`, `二十米`) where the sentence
    (simplified) gives other numbers in that unit and not it (`两个`, `五十米`): the sentence speaks of another count, as
    a sentence naming only 2024 speaks of another year. Returned with the sentence's count; ('', '') when the sentence
    gives the count (`两次` for `二次`), no number in that unit, or only `一` (`一种` is mostly an article), or a range
    (`一至八届`), or when the question's count is one, unread, the size of the answer asked (`举两个例子`), or a bound
    guessed (`五十个以上`), or one of the choices it offers when the sentence gives another (`20个还是24个`)."""
    offered = [span for _, span in choices(question)] if choice_given(question, sentence) else []
    for asked in _NAMED_COUNT.finditer(question):
        value = chinese_number(asked["value"])
        if value <= 1 or answer_size(question, asked.start(), asked.end()) or bound_named(question, *asked.span()):
            continue
        if within(asked.span(), offered):
            continue
        said = [m for m in _NAMED_COUNT.finditer(sentence) if m["unit"] == asked["unit"]]
        values = {chinese_number(m["value"]) for m in said} - {0, 1}
        # A range (`一至八届`) counts the asked number's neighbours too.
        ranged = any(_RANGE.search(sentence, 0, m.start()) for m in said)
        if values and value not in values and not ranged:
            return asked.group(), next(m.group() for m in said if chinese_number(m["value"]) in values)
    return "", ""


# A year's digits (`1949`, `2024`), and a year a text dates something in (`2024年`), not one in a longer number or a
# decade (`2000年代`).
YEAR = r"(?:1[5-9]|20)\d{2}"
_DATED = re.compile(rf"(?<!\d)({YEAR})年(?!代)")
# A year asked as a bound or a span, not as the time of the thing (`2019年以来`, `1949年后`, `2020至2023年`), and a
# question asking for a year, whose years are its context (`2008年奥运会在哪年申办成功`).
_YEAR_BOUND = re.compile(
    rf"(?<!\d){YEAR}年?(?:以来|以[前后]|之[前后]|[前后起初末底]|{_RANGE_MARK})|{_RANGE_MARK}{YEAR}"
)
_YEAR_ASKED = re.compile(r"哪一?年|何年|几几年|什么时[候间]|何时|多少年|几年")
# A sentence counting from another year (`次年`, `三年后`): its own years are not the whole of when it speaks of.
_YEAR_RELATIVE = re.compile(rf"[次翌同上下去今明前后]一?年|年[后前]|[此之以][后前]|期间|{_RANGE_MARK}")


# What follows a year that bounds a time (`2019年以来`, `2020年以后`), from which what the documents say may run though
# they never name it; not a part of the year (`2021年底` is in 2021).
_BOUNDING = ("以来", "以后", "之后", "至今", "以前", "之前", "起", "开始")
_YEAR_SAID = re.compile(rf"{YEAR}年?")
# A five-year plan's period (`十四五`) names a time as a year does: a plan of a period no document names is not asked of.
PLAN_PERIOD = re.compile(r"(?<![一二三四五六七八九十])十[一二三四五六七八九]五(?![一二三四五六七八九十])")


def year_unheld(absent: Sequence[str], question: str) -> str:
    """The first year or five-year plan's period (`十三五`) a question (simplified) names that no document holds
    (`absent`, the details no document holds as the question says them: `Query.details_absent`), unless it bounds a
    time (`2019年以来`); '' when there is none. The documents say nothing of that time, whatever the sentence says of
    another or of none."""
    for detail in absent:
        at = question.find(detail)
        dated = _YEAR_SAID.fullmatch(detail) or PLAN_PERIOD.fullmatch(detail)
        if dated and at >= 0 and not question[at + len(detail) :].startswith(_BOUNDING):
            return detail
    return ""


# A district, county or town asked to be named (`落在郑州哪个区`, `分别坐落在哪些区县`), and its unit.
_PLACE_UNIT_ASKED = re.compile(r"哪(?:一?个|些|几个)(乡镇|县市|县区|区县|市县|区|县|镇|乡|街道|园区)(?!域)")
_PLACE_UNITS = {"乡镇": "乡|镇", "县市": "县|市", "县区": "县|区", "区县": "区|县", "市县": "市|县"}  # either answers


def place_unit_unheld(question: str, sentence: str) -> str:
    """The district, county or town a question (simplified) asks for (`哪个区` of 港大那家落在郑州哪个区), when the sentence
    (simplified) names no place in that unit (`…郑州研究院已经成功签定合作协议`): it says what is there, not where. ''
    when none is asked or the sentence names one (`高新区`, and any word ending in the unit, `发达地区` too)."""
    m = _PLACE_UNIT_ASKED.search(question)
    if m is None or re.search(rf"[\u4e00-\u9fff](?:{_PLACE_UNITS.get(m[1], m[1])})", sentence):
        return ""
    return m.group()


_COUNT_AS_NOUN = re.compile(_COUNT_WORDS)


def year_contradicted(years: tuple[str, ...], question: str, sentence: str) -> tuple[str, str]:
    """A year a count question (simplified) dates what it counts in (one of `years`: `2023` of 2023年新增了多少个专业)
    where the sentence (simplified) dates its own in other years and never in it (`2024年…新增备案83个专业`): a count
    is of its year, and the sentence gives another year's. Returned as the asked year and the sentence's; ('', '')
    when the sentence names the year or none, counts from another one (`次年`, `三年后`, `2020至2023年`), when the
    question asks for a year or names one as a bound (`2019年以来`), and when it asks for no count: an event's year
    is often context (`1744年…再次入侵奥地利，在哪个国家介入下…` of a sentence on the 1748 peace), unless the sentence
    dates what it tells to a month (`2024年8月…赴南京、武汉、广州…考察` for `2023年…考察组去过哪些城市`, `2023年8月…`): that
    is when it happened, not context."""
    if not years or _YEAR_ASKED.search(question) or _YEAR_BOUND.search(question):
        return "", ""
    # a count said as a noun (`2023年新增的数量`) asks one as `多少` does
    if not (COUNT_ASKED.search(question) or _COUNT_AS_NOUN.search(question)) and _YEAR_MONTH.search(sentence) is None:
        return "", ""
    said = _DATED.findall(sentence)
    if not said or any(year in sentence for year in years) or _YEAR_RELATIVE.search(sentence):
        return "", ""
    return f"{years[0]}年", f"{said[0]}年"


def value_contradicted(values: Sequence[str], sentence: str) -> str:
    """The first of the exact values a question checks (`83个`, `2022年`: `query.exact_values_checked`) that the sentence
    answering it (simplified) gives otherwise: it holds numbers in that unit, or years, and not that one (`163个专业`,
    `2023年`). '' when it gives each, or none in its unit."""
    for value in values:
        year = _DATED.fullmatch(value)
        if year is not None:
            said = set(_DATED.findall(sentence))
            if said and year.group(1) not in said:
                return value
            continue
        asked = NUMBER_NAMED.fullmatch(value)
        if asked is None:
            continue
        said = figures_in(sentence, asked["unit"])
        if said and chinese_number(asked["value"]) not in said:
            return value
    return ""


_YEAR_MONTH = re.compile(rf"(?<!\d)({YEAR})年的?(\d{{1,2}})月")  # `2023年8月`, `2023年的8月`


# A clause saying what a question asks not only of (`不光是过验收的那些`, `不只是公办的`): it asks of all of them.
_NOT_ONLY = re.compile(r"(?:不光|不只|不仅|不单|不止|不限于)是?[^，,。？?！!；;]*")


def count_qualified(question: str, sentence: str) -> tuple[str, str]:
    """The things a question (simplified) asks the count of (`中职学校` of `一共有多少所中职学校？`), and what the sentence
    (simplified) says of the ones it counts when the question says none of it (`通过河南省教育厅标准化建设工程验收` of
    `共有41所中职学校通过…验收`): the sentence counts some of them, not all. ('', '') when the question asks no count in a
    unit (`第几位` is a rank), its noun is not right after the sentence's number, what follows it in its clause opens
    with no verb or preposition (`3座中世纪的塔楼：凯撒塔…`, `五个赛季的小联盟生涯`), or the question shares a word with it
    (`通过验收的有多少所`) outside what it asks not only of (`…，不光是过验收的那些`)."""
    if _asks_beside_count(question):
        return "", ""
    # what the question says it asks not only of (`不光是过验收的那些`) is no qualifier of its own
    said_of = _NOT_ONLY.sub(" ", question)
    for asked in COUNT_ASKED.finditer(question):
        unit = asked.group(1)
        noun = re.match(r"[\u4e00-\u9fff]{2,6}?(?=[，,。？?！!]|$)", question[asked.end() :])
        if not unit or noun is None or question[: asked.start()].endswith("第"):
            continue
        thing = noun.group()
        found = re.search(rf"{_in_units(unit)}{re.escape(thing)}(?P<rest>[^，,；;。！？!?]*)", sentence)
        if found is None:
            continue
        rest = found.group("rest")
        said = {rest[i : i + 2] for i in range(len(rest) - 1)}
        opening = tag(rest)[0][1] if rest else ""
        if opening.startswith(("v", "p")) and not any(bigram in said_of for bigram in said):
            return thing, rest
    return "", ""
