"""Forms of a question read closer (the thirty-first round's fixes, found reading fresh21): a number guessed as a
bound in a question asking whether, a year asked as `年份`, a count in a spoken classifier (`几拨`), a part swapped in
by `放到…身上`, a kind of school taking the whole of the earlier one's noun, and questions about the letter itself in
another word order (`哪天落款`), said as a person speaks (`在讲啥`), or of `这件提案`."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.followup import resolve
from qa.answering.kinds import asked_kinds, bound_named, count_contradicted, count_unheld
from qa.answering.query import analyse, meta_intents
from qa.answering.scope import question_scope


@pytest.mark.parametrize(
    ("question", "number", "bound"),
    [
        ("郑州是不是已经建了五十个以上？", "五十个", True),
        ("合作企业有没有超过1000家", "1000家", True),
        ("是否不到30个？", "30个", True),
        ("郑州建了五十个以上的专业", "五十个", False),  # no whether asked: a figure a document must give
        ("郑州是不是建了五十个专业？", "五十个", False),  # no bound: the figure itself is asked about
    ],
)
def test_a_number_guessed_as_a_bound_in_a_whether_question_is_no_detail(
    question: str, number: str, bound: bool
) -> None:
    start = question.index(number)
    assert bound_named(question, start, start + len(number)) is bound


def test_a_bound_is_neither_a_detail_no_document_holds_nor_a_count_the_sentence_contradicts(bot: QA) -> None:
    question = "省级品牌示范专业和特色专业，郑州是不是已经建了五十个以上？"
    assert analyse(question, bot.lexical).details_absent == ()
    assert count_contradicted(question, "郑州市共有7个专业列入省级高水平专业建设序列") == ("", "")
    answer = bot.ask(question)
    assert not answer.abstained and "40个" in answer.text, answer.text


def test_a_year_asked_as_nianfen_or_a_date_as_rizi_asks_a_date() -> None:
    assert "date" in asked_kinds("那份关于专业结构调优的市级意见，出台年份是？")
    assert "date" in asked_kinds("考察是哪个日子去的")


def test_a_count_in_a_spoken_classifier_is_one_the_sentence_must_give() -> None:
    sentence = "分批成立汽车、电子商务等10个行业职业教育校企合作指导委员会"
    assert count_unheld("10个行业指导委员会是分几拨建起来的？", sentence).startswith("几拨")
    assert count_unheld("一共成立了几个行业指导委员会？", sentence) == ""  # 个: any count answers


@pytest.mark.parametrize(
    ("earlier", "question", "resolved"),
    [
        ("中职学校开设了多少专业？", "放到技工院校身上呢？", "技工院校开设了多少专业？"),
        # the whole of `中等职业学校` is the kind swapped, not its `职业学校` (which left `中等技工院校`)
        ("中等职业学校开设了多少专业？", "那技工院校呢？", "技工院校开设了多少专业？"),
        ("2024年中职学校新增备案多少个专业？", "技工院校呢？", "2024年技工院校新增备案多少个专业？"),
    ],
)
def test_a_part_swapped_in_takes_its_counterparts_whole_place(earlier: str, question: str, resolved: str) -> None:
    assert resolve(question, [earlier]).text == resolved


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("这封函是哪天落款的", "date"),
        ("对委员这件提案，教育局持何种态度？", "stance"),
    ],
)
def test_questions_about_the_letter_in_another_word_order(question: str, intent: str) -> None:
    assert meta_intents(question) == [intent]


def test_what_the_letter_says_asked_as_a_person_speaks_asks_for_its_gist() -> None:
    assert question_scope("这份答复总体上在讲啥？") == "summary"
    assert question_scope("学校在讲什么课？") == "fact"  # not of the document


def test_a_count_asked_in_any_classifier_and_a_spoken_aside_are_no_terms(bot: QA) -> None:
    # `几门` is asking words as `几个` is: its `门` joined to `专业` made a bigram (`门专`) no document holds, which read as
    # a question about what the letter lacks
    assert "门专" not in analyse("技工院校一共几门专业", bot.lexical).terms
    assert "一句" not in analyse("顺便问一句，郑州有几所中职学校？", bot.lexical).terms
    answer = bot.ask("技校一共几门专业")
    assert not answer.abstained and "130多" in answer.text, answer.text


def test_people_counted_are_answered_by_names_of_people_not_of_other_things_one_by_one() -> None:
    majors = "郑州市中职学校共新增备案83个专业,有多所学校开设人工智能技术与应用、大数据技术与应用、新能源汽车运用与维修等新兴专业"
    assert count_unheld("郑州中职在2024年计划招多少新生？", majors) == "多少新生"
    assert count_unheld("有几位教授参加？", "王教授、李教授和张教授参加了") == ""
    assert count_unheld("有几所大学？", "郑州职业技术大学、郑州信息工程职业大学、郑州嵩山职业大学") == ""
