"""What a question gives rather than asks, found reading fresh28 (the thirty-seventh round): what the asker heard
(`听说…几所`), a count of the things it has just listed or takes as known (`市里、省里两个级别`, `那四门学科`), an
article (`跟一所中职`); and what it asks that a sentence must give: a length of time (`多长时间`, not a month's date),
people counted in 个, a school named by a place word, the plans named by their noun (`往后的打算`), a count of kinds
(`多少种`) that a text counts in 个, and an event said before (`那趟行程`)."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.followup import is_elliptical, resolve
from qa.answering.kinds import answer_size, count_unheld, counted_as_asked, duration_unheld, school_kind_unsaid
from qa.answering.query import analyse, rewrite, schools_named
from qa.answering.scope import asks, question_scope


def test_what_the_asker_heard_is_the_premise_of_the_ask_not_an_ask() -> None:
    question = "据说郑州要新添几所职业大学，规划里写了哪几所"
    assert asks(question) == [question]
    # … while two real asks still part
    assert len(asks("考察组什么时候去的，去了哪几个城市")) == 2


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("专业技能工作室分省级、市级两个层次，各有多少？", "两个"),
        ("去南京、武汉、广州这三个城市考察的是哪些部门？", "三个"),
        ("郑大、河大的那四个一流学科是什么？", "四个"),
    ],
)
def test_a_count_of_what_the_question_lists_or_takes_as_known_is_no_detail(question: str, count: str) -> None:
    at = question.index(count)
    assert answer_size(question, at, at + len(count))


def test_a_count_the_question_names_on_its_own_stays_a_detail() -> None:
    question = "郑州有二十个专业技能工作室吗？"
    at = question.index("二十个")
    assert not answer_size(question, at, at + 3)
    # … and a list of another length than the count says counts something else
    question = "市级、省级的工作室一共三个吗？"
    at = question.index("三个")
    assert not answer_size(question, at, at + 2)


def test_an_article_is_not_written_as_the_end_of_a_longer_number(bot: QA) -> None:
    # the letter says `41所`, whose end `1所` is no `一所`
    assert rewrite("宇通和一所中职合办了学院吗", bot.lexical) == "宇通和一所中职合办了学院吗"
    assert rewrite("郑州有四十一所中职通过验收吗", bot.lexical) == "郑州有41所中职通过验收吗"


def test_the_plans_named_by_their_noun_are_the_part_on_them(bot: QA) -> None:
    question = "关于以后的计划，市教育局打算从哪几条途径着手？"
    assert question_scope(question) == "section"
    answer = bot.ask(question)
    assert not answer.abstained
    assert "下一步工作打算" in answer.text
    assert "建设市域产教联合体" in answer.text


def test_a_plan_asked_of_a_topic_is_still_a_fact() -> None:
    assert question_scope("以后的计划是把产教联合体打造成什么？") == "fact"


@pytest.mark.parametrize("question", ["考察一共持续了多长时间？", "那次考察去了多久？"])
def test_a_length_of_time_asked_of_a_sentence_dating_its_event_is_named(question: str) -> None:
    sentence = "2024年8月,由市政府领导带队,赴南京、武汉、广州三地进行了实地考察"
    assert duration_unheld(question, sentence)
    assert not duration_unheld(question, "考察组在南京停留了3天")
    assert not duration_unheld(question, "为期两个月的调研")


def test_a_trips_length_is_refused_when_the_letter_gives_only_its_month(bot: QA) -> None:
    answer = bot.ask("去南京武汉广州考察花了多长时间？")
    assert answer.abstained
    assert "多长时间" in answer.text


def test_people_counted_in_ge_are_people() -> None:
    sentence = "建强郑州大学化学、材料科学与工程、临床医学和河南大学生物学4个一流建设学科"
    assert count_unheld("每个订单班有几个学员？", sentence) == "几个学员"
    assert count_unheld("每个订单班有几个学员？", "每班学员40人") == ""
    # … and things counted in 个 are answered by any count
    assert count_unheld("建了几个一流学科？", sentence) == ""


def test_a_school_named_by_a_place_word_is_a_name(bot: QA) -> None:
    assert schools_named("郑州城市职业学院升本了吗") == [("郑州城市职业学院", ("郑州", "城市"))]
    assert analyse("郑州城市职业学院升本了吗", bot.lexical).schools_absent == ("郑州城市职业学院",)
    # the letter's own schools stay held, and a place with its level names no school
    assert analyse("郑州旅游职业学院开了哪些订单班", bot.lexical).schools_absent == ()
    assert schools_named("河南省郑州市职业学院有哪些") == []


def test_a_school_the_letter_never_names_is_refused_by_name(bot: QA) -> None:
    answer = bot.ask("郑州城市职业学院的升本进展如何？")
    assert answer.abstained
    assert "郑州城市职业学院" in answer.text


def test_a_count_of_kinds_is_answered_by_a_count_in_ge() -> None:
    assert counted_as_asked("种") != counted_as_asked("所")
    import re

    assert re.search(counted_as_asked("种"), "共开设163个专业")
    assert not re.search(counted_as_asked("所"), "开设专业130多个")


def test_how_many_kinds_there_are_is_answered_by_the_total_not_the_added(bot: QA) -> None:
    answer = bot.ask("到2024年郑州的中职学校一共开了多少种专业？")
    assert not answer.abstained
    assert "163个" in answer.text


def test_an_event_said_before_points_back(bot: QA) -> None:
    earlier = "郑州有没有派人去外地考察过？"
    question = "那趟考察最后落脚在了哪几座城市？"
    assert is_elliptical(question, earlier=earlier)
    assert is_elliptical("那次出去考察的组是谁带的队？", earlier=earlier)
    assert resolve(question, [earlier]).text != question
    answer = bot.ask(question, history=[earlier])
    assert not answer.abstained
    assert "南京" in answer.text


def test_a_kind_of_school_no_document_says_is_refused_by_name(bot: QA) -> None:
    answer = bot.ask("在郑州读小学要准备什么材料？")
    assert answer.abstained
    assert "小学" in answer.text
    # … while a kind the letter says is still answered
    answer = bot.ask("郑州有多少所中专通过了标准化验收？")
    assert not answer.abstained
    assert "41所" in answer.text


def test_a_kind_is_held_by_any_of_its_words() -> None:
    said = {"义务教育"}
    assert school_kind_unsaid("小学有多少所？", lambda word: word in said) == ""
    assert school_kind_unsaid("小学有多少所？", lambda word: False) == "小学"
    # several kinds asked (a comparison) are for the other checks
    assert school_kind_unsaid("小学和高中哪个多？", lambda word: False) == ""
