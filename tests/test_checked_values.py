"""Forms of a question read closer (the thirty-second round's fixes, found reading fresh22): a question checking a
value it names asks for the value, and its answer says first when the letter gives another; a year said by two digits; a person asked by name; the size of the answer said as
`两个数字`; a school named by a field no document names one by; the letter's writer said as `行文主体`, and its opening
asked for; a paper the letter speaks of asked who wrote it; and a question naming its own things after one that said
only their noun."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.answer import _thing_unnamed
from qa.answering.followup import resolve
from qa.answering.kinds import count_contradicted, value_contradicted
from qa.answering.query import analyse, as_asked, exact_values_checked, meta_intents, rewrite, schools_named
from qa.answering.scope import person_asked, thing_name_asked


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("新增备案的专业是不是就九十个？", "新增备案的专业是多少个？"),
        ("合作企业才三百来家吧？", "合作企业多少家？"),
        ("那份方案，是市人社局2021年出的吧？", "那份方案，是哪一年出的？"),
        ("职教活动周是不是定在六月份？", "职教活动周是定在几月？"),
        ("郑州有50所中职学校吗？", "郑州有多少所中职学校？"),
    ],
)
def test_a_question_checking_a_value_it_names_asks_for_the_value(question: str, asked: str) -> None:
    assert as_asked(question) == asked


@pytest.mark.parametrize(
    "question",
    [
        "2023年郑州中职新增备案了83个专业吗？",  # the count is said before any word saying what the thing is
        "41所通过验收的中职学校是不是都是公办的？",  # no value after `是不是`
        "宣传专栏是不是开在郑州教育信息网上？",
        "你好吗？",
    ],
)
def test_a_question_checking_no_value_of_its_own_is_read_as_it_is(question: str) -> None:
    assert as_asked(question) == question


def test_a_value_checked_against_the_letter_is_answered_with_the_letters_own(bot: QA) -> None:
    answer = bot.ask("2024年全市中职一共开设的专业是不是就九十个？")
    assert not answer.abstained and "163个专业" in answer.text, answer.text
    answer = bot.ask("技工院校签了长期合作的企业才二三百家吧？")
    assert not answer.abstained and "1000多家" in answer.text, answer.text
    # … and one the letter gives no value of is refused, not answered with the sentence on its topic
    assert bot.ask("职业教育活动周郑州是不是每年放在六月份？").abstained


def test_a_year_said_by_two_digits_is_that_year_and_a_number_of_years_is_not(bot: QA) -> None:
    assert "2023年出去考察" in rewrite("23年出去考察去了哪里", bot.lexical)
    assert rewrite("办学20年了有什么成绩", bot.lexical) == "办学20年了有什么成绩"
    assert rewrite("近10年来开了多少专业", bot.lexical) == "近10年来开了多少专业"


def test_a_person_asked_by_name_wants_a_name_not_a_role(bot: QA) -> None:
    assert person_asked("带队的市领导叫啥") == ("哪位领导", "领导")
    assert person_asked("谁带的队") == ("", "")
    answer = bot.ask("考察组带队的市领导叫什么？")
    assert answer.abstained and "哪位领导" in answer.text, answer.text


def test_the_number_of_figures_asked_for_is_no_count_the_sentence_must_give() -> None:
    sentence = "郑州市共有7个专业列入省级高水平专业建设序列,市级重点建设专业30个"
    assert count_contradicted("市级重点专业和省级高水平专业，两个数字各是多少", sentence) == ("", "")
    assert count_contradicted("市级重点专业是不是有两个", sentence) != ("", "")


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("经贸职院开了哪些订单班？", ["经贸职院"]),
        ("科技工业学校和宇通合作了吗", ["科技工业学校"]),
        ("财税金融职业学院建了几个产业学院", ["财税金融职业学院"]),
        ("合作方学校全称是什么", []),  # one noun before 学校: as often no name
        ("在网上参观学校的活动", []),  # a visit, not a school's field
        ("中等职业学校有几所", []),  # a kind of school
        ("技工学校开了多少专业", []),
        ("职业技术学院有哪些", []),  # no field of its own
    ],
)
def test_schools_named_by_a_field_of_their_own(question: str, named: list[str]) -> None:
    assert [name for name, _ in schools_named(question)] == named


def test_a_school_no_document_names_is_refused_by_name_and_one_said_short_is_answered(bot: QA) -> None:
    assert analyse("旅游职业学院跟哪些酒店开了订单班？", bot.lexical).schools_absent == ()
    answer = bot.ask("经贸职院跟哪些酒店开了订单班？")
    assert answer.abstained and "经贸职院" in answer.text, answer.text
    answer = bot.ask("旅游职院跟哪些酒店开了订单班？")
    assert not answer.abstained and "希尔顿" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "intents"),
    [
        ("行文主体是哪个局？", ["sender"]),
        ("答复开头先对委员表达了什么？", ["stance"]),
        ("深化专业结构调整优化的实施意见是谁发的？", []),  # a paper the letter speaks of, not the letter
        ("这份答复是谁写的？", ["sender"]),
    ],
)
def test_questions_about_the_letter_and_about_a_paper_it_speaks_of(question: str, intents: list[str]) -> None:
    assert meta_intents(question) == intents


def test_the_letters_opening_asked_for_is_its_thanks(bot: QA) -> None:
    answer = bot.ask("答复开头说了些什么？")
    assert not answer.abstained and "感谢" in answer.text, answer.text


def test_a_question_naming_its_own_things_after_one_saying_only_their_noun_stands_alone() -> None:
    assert resolve("撤掉的老专业有几个？", ["24年新备案的专业数？"]).previous == ""
    # a doing with someone still leans on the earlier question that says with whom
    assert resolve("合作的企业有哪些", ["财税金融职院跟企业一起建了多少个产业学院？"]).previous


@pytest.mark.parametrize(
    ("question", "sentence", "unnamed"),
    [
        ("宣传专栏在教育信息网上叫啥名", "在郑州教育信息网还开设宣传专栏,集中展示…经验和成果", "专栏"),
        ("那个栏目名称是什么", "在郑州教育信息网还开设宣传专栏,集中展示…经验和成果", "栏目"),
        ("在“双高”里入选的专业群叫什么名字", "在国家级高职“双高”建设中,…各1个专业群进入建设行列", "专业群"),
        # named: quoted, a longer word ending in it, a list closing on it
        ("合作建的学院叫什么", "与宇通公司合作,建立“宇通产教融合学院”", ""),
        ("那个活动叫什么名字", "举办“线上逛校园”“网上开放日”等活动", ""),
        ("新专业的名称是啥", "开设人工智能技术与应用、无人机操纵与维护等新兴专业", ""),
        ("这个基地叫什么", "建成郑州航空物流实训基地", ""),
        ("这个学院叫什么", "开设宣传专栏", ""),  # a school: `_ONE_NAMED`'s
    ],
)
def test_a_thing_asked_by_its_name_of_a_sentence_naming_none(question: str, sentence: str, unnamed: str) -> None:
    assert _thing_unnamed(question, sentence) == unnamed


def test_a_year_of_an_era_is_no_year_of_this_century(bot: QA) -> None:
    assert rewrite("明治29年台湾总督府补助哪儿的商船？", bot.lexical) == "明治29年台湾总督府补助哪儿的商船？"
    assert rewrite("公元23年发生了什么", bot.lexical) == "公元23年发生了什么"


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("宣传专栏在教育信息网上叫啥名", "专栏"),
        ("这个活动的名字是什么", "活动"),
        ("比赛官方吉祥物的名字代表什么", ""),  # the mascot's name, not the match's
        ("这场比赛中巴西获得什么名次", ""),  # a place, not a name
    ],
)
def test_the_thing_whose_name_is_asked(question: str, thing: str) -> None:
    assert thing_name_asked(question) == thing


@pytest.mark.parametrize(
    ("question", "exact"),
    [
        ("新增备案的专业是不是就九十个？", ("九十个",)),
        ("那份方案是2021年出的吧？", ("2021年",)),
        ("数目是不是四十一所？", ("四十一所",)),
        ("合作企业是不是超过一千家？", ()),  # a bound the letter's `1000多家` bears out
        ("合作企业才一两百家吧？", ()),  # a guessed range
        ("郑州是不是有四十来所？", ()),
    ],
)
def test_the_exact_values_a_question_checks(question: str, exact: tuple[str, ...]) -> None:
    assert exact_values_checked(question) == exact


def test_a_value_the_answer_gives_otherwise_is_said_to_be_another() -> None:
    assert value_contradicted(("83个",), "2024年全市中等职业学校共开设163个专业") == "83个"
    assert value_contradicted(("九十个",), "共开设90个专业") == ""
    assert value_contradicted(("2022年",), "2023年市政府制定了《…实施意见》") == "2022年"
    assert value_contradicted(("7个",), "郑州市共有7个专业列入…序列,市级重点建设专业30个") == ""
    assert value_contradicted(("30所",), "共开设163个专业") == "", "no number in its unit: nothing said otherwise"


def test_an_answer_to_a_question_checking_a_value_says_first_that_it_is_another(bot: QA) -> None:
    answer = bot.ask("2024年全市中职一共开设的专业是不是就九十个？")
    assert answer.text.startswith("不是九十个：") and "163个专业" in answer.text, answer.text
