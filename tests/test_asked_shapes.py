"""What a question asks, read from how it is put (the thirty-third round's fixes, found reading fresh23): values offered
to choose between; a five-year plan's period; a share, a length of time or a count asked by its noun alone; a count
asked of all things `不光是` the ones a sentence counts; people asked to be named as a group; a follow-up whose new words
are a place or a kind of school, and one asking of what is to come; the letter's writer said as `回函单位`, its thanks
asked for; a topic summarised; and two asks in one, each refused alone."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.answer import _person_unnamed
from qa.answering.followup import resolve
from qa.answering.kinds import (
    choice_given,
    choices,
    count_contradicted,
    count_qualified,
    count_unsaid,
    duration_unheld,
    rate_unheld,
    year_unheld,
)
from qa.answering.query import analyse, meta_intents
from qa.answering.scope import asks, person_asked, question_scope

_COUNTS = "郑州市共有7个专业列入省级高水平专业建设序列,市级重点建设专业30个,河南省示范性专业点24个"


def test_values_offered_to_choose_between_are_the_askers_guesses() -> None:
    assert [v for v, _ in choices("示范性专业点是20个还是24个？")] == ["20个", "24个"]
    assert [v for v, _ in choices("市级重点专业30还是40个")] == ["30个", "40个"]  # the unit said once, after both
    assert [v for v, _ in choices("意见是2022年还是2023年出的？")] == ["2022年", "2023年"]
    assert choices("示范性专业点有24个吗？") == ()
    assert choice_given("示范性专业点是20个还是24个？", _COUNTS) == "24个"
    assert choice_given("示范性专业点是20个还是21个？", _COUNTS) == ""


def test_a_choice_the_sentence_settles_is_no_count_it_contradicts() -> None:
    assert count_contradicted("示范性专业点是20个还是24个？", _COUNTS) == ("", "")
    # … but a choice it settles with neither is: the sentence gives another count
    assert count_contradicted("省级高水平专业是5个还是6个？", _COUNTS)[0] == "5个"


def test_a_choice_is_answered_with_the_one_the_letter_gives(bot: QA) -> None:
    question = "省里认定的示范性专业点，郑州有20个还是24个？"
    assert analyse(question, bot.lexical).details_absent == ()
    answer = bot.ask(question)
    assert not answer.abstained
    assert answer.text.startswith("是24个：")


def test_a_five_year_plan_no_document_names_is_a_time_the_documents_say_nothing_of(bot: QA) -> None:
    assert year_unheld(("十三五",), "十三五期间规划了哪些职业大学") == "十三五"
    assert year_unheld(("2019年",), "2019年以来新增了哪些专业") == ""  # a bound, from which the documents may run
    answer = bot.ask("十二五规划里郑州要建哪几所职业大学？")
    assert answer.abstained
    assert "十二五" in answer.text


@pytest.mark.parametrize(
    ("question", "share"),
    [
        ("技工院校毕业生找到工作的比例", "比例"),
        ("中职学生的升学率？", "升学率"),
        ("双师型教师占多大比例", "比例"),
        ("订单班学生的就业率是多少", "就业率"),
    ],
)
def test_a_share_asked_by_its_noun_alone_of_a_sentence_giving_none(question: str, share: str) -> None:
    assert rate_unheld(question, "全市技工院校与知名企业共建立校企合作关系1000多家") == share


def test_a_speed_or_a_share_given_is_no_share_missing() -> None:
    assert rate_unheld("实训基地的使用效率", "建成实训基地18家") == ""
    assert rate_unheld("毕业生就业率", "毕业生就业率达98%") == ""


@pytest.mark.parametrize(
    ("question", "sentence", "asked"),
    [
        ("无人机专业读几年", "2024年中职新增备案83个专业,有多所学校开设无人机操纵与维护等新兴专业", "读几年"),
        ("订单班的学制是怎么定的", "开设希尔顿、万达等酒店管理人才订单班", "学制"),
        ("无人机专业读几年", "无人机操纵与维护专业学制三年", ""),
        ("考察要花几个月", "历时两个月完成考察", ""),
        ("哪几年新增了专业", "2024年新增备案83个专业", ""),  # a year asked, not a length of time
    ],
)
def test_a_length_of_time_asked_of_a_sentence_giving_only_dates(question: str, sentence: str, asked: str) -> None:
    assert duration_unheld(question, sentence) == asked


@pytest.mark.parametrize(
    ("question", "sentence", "asked"),
    [
        ("被淘汰的老旧低质专业 数量", "并及时淘汰撤销老旧低质专业,进行专业设置的动态调整", "专业数量"),
        ("撤掉了多少个老专业", "并及时淘汰撤销老旧低质专业,进行专业设置的动态调整", "多少个老专业"),
        ("新增了多少个专业", "2024年中职学校共新增备案83个专业", ""),
        ("建了多少个联合体", "培育市域产教联合体,多个园区入选省级建设单位", ""),  # a vague count counts
        ("开设了几个新兴专业", "开设人工智能技术与应用专业、大数据技术与应用专业", ""),  # named one by one
        ("为什么淘汰了几个专业", "并及时淘汰撤销老旧低质专业", ""),  # asks something beside its count
    ],
)
def test_a_count_with_no_unit_asked_of_a_sentence_giving_no_number(question: str, sentence: str, asked: str) -> None:
    assert count_unsaid(question, sentence) == asked


def test_a_count_of_all_asked_not_only_of_the_ones_the_sentence_counts() -> None:
    sentence = "目前,郑州市共有41所中职学校通过河南省教育厅标准化建设工程验收"
    assert count_qualified("全市总共有多少所中职学校，不只是验收过的那些", sentence)[0] == "中职学校"
    assert count_qualified("验收通过的一共有多少所中职学校", sentence) == ("", "")


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("考察组是哪几位领导带的队", ("哪几位领导", "领导")),
        ("请进学校的都是哪些大国工匠", ("哪些大国工匠", "工匠")),
        ("校企合作委员会的专家名单有吗", ("专家名单", "专家")),
        ("参加评审的有哪些专家", ("", "")),  # a kind of expert may answer
    ],
)
def test_people_asked_to_be_named_as_a_group(question: str, asked: tuple[str, str]) -> None:
    assert person_asked(question) == asked


def test_people_asked_by_name_of_a_sentence_giving_their_role_only(letter_text: str) -> None:
    # the whole sentence: jieba tags words of its other clauses (`建立健全`, `宝贵`) as people's names
    start = letter_text.index("2024年8月")
    sentence = letter_text[start : letter_text.index("。", start)]
    assert _person_unnamed("去南京武汉广州考察，是哪几位领导带队的？", sentence) == "哪几位领导"
    assert _person_unnamed("是哪几位领导带队的？", "由王建国副市长等领导带队") == ""


def test_a_follow_up_whose_new_words_are_a_place_and_a_thing_no_document_holds_stands_alone() -> None:
    def holds(word: str) -> bool:
        return word in "郑州旅游职业学院开设酒店管理人才订单班技工院校开设专业130多个"

    earlier = ["旅游职院跟哪些酒店开了订单班？"]
    assert resolve("郑州下周天气怎么样？", earlier, holds=holds).text == "郑州下周天气怎么样？"
    # … a kind of school is swapped in, whatever the documents call it
    merged = resolve("技工学校那头呢？", ["中职一共开了多少专业？"], holds=holds)
    assert merged.focus


def test_a_swapped_kind_of_school_said_otherwise_than_the_documents_is_answered(bot: QA) -> None:
    answer = bot.ask("技工学校那边呢？", history=["2024年中职一共开设了多少个专业？"])
    assert not answer.abstained
    assert "130多个" in answer.text


@pytest.mark.parametrize(
    ("question", "intents"),
    [
        ("复函单位是哪个", ["sender"]),
        ("回函单位为谁", ["sender"]),
        ("信一开篇有没有道谢", ["stance"]),
        ("教育局对这个提案是什么态度", ["stance"]),
        ("这个提案是什么", ["proposal"]),
    ],
)
def test_the_letters_writer_and_its_thanks_said_otherwise(question: str, intents: list[str]) -> None:
    assert meta_intents(question) == intents


def test_a_topic_summarised_asks_for_what_is_said_of_it() -> None:
    assert question_scope("概括一下校企合作这块的情况", content="校企合作这块的情况") == "section"
    assert question_scope("用一句话概括这封信", content="用一句话 这封信") == "summary"
    assert question_scope("主要讲了什么", content="") == "summary"


def test_a_share_of_them_says_how_many_as_loosely() -> None:
    assert count_unsaid("有多少病人在发病一小时内死亡", "一半以上病人在征状出现的首个小时内死亡") == ""


def test_asking_whether_and_how_are_asks_of_their_own() -> None:
    assert asks("职校老师有没有编制，工资待遇如何") == ["职校老师有没有编制", "工资待遇如何"]
    assert asks("考察组什么时候去的，去了哪里") == ["考察组什么时候去的", "去了哪里"]
    assert asks("郑州有41所中职学校，是不是都是公办的") == ["郑州有41所中职学校，是不是都是公办的"]


def test_a_question_every_part_of_which_is_refused_alone_is_refused(bot: QA) -> None:
    # the whole is answered, at 0.94 under wordllama, with a sentence sharing its school words only
    answer = bot.ask("职业学校老师有没有编制，薪资待遇怎样")
    assert answer.abstained
    assert "职业学校老师" in answer.text


def test_a_follow_up_asking_what_is_to_come_gets_the_sentence_on_it_beside_the_earlier_answer(bot: QA) -> None:
    answer = bot.ask("将来准备把它们做成什么？", history=["哪几个市域产教联合体成了省级建设单位？"])
    assert not answer.abstained
    assert "多功能平台" in answer.text
    assert "已成功入选" not in answer.text  # not the earlier answer again
