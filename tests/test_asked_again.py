"""What a question asks, found reading fresh25 (the thirty-fifth round): a follow-up asking the earlier question again
of something else (`同样的数字，…`); the words saying the answer is a way of doing it (`思路`); what the letter opens by
saying, asked with a comma; the owner asked when what it owns goes on to a predicate; the things each of several has."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.followup import resolve
from qa.answering.query import analyse, listed_kind, meta_intents, without_asking_words


@pytest.mark.parametrize(
    ("history", "question", "resolved"),
    [
        ("郑州中职学校开设了多少个专业？", "同样的问题，技工院校呢？", "郑州技工院校开设了多少个专业？"),
        ("郑州中职学校开设了多少个专业？", "一样的数字，技工院校是多少？", "郑州技工院校开设了多少个专业？"),
    ],
)
def test_asking_the_earlier_question_again_swaps_what_follows_in(history: str, question: str, resolved: str) -> None:
    assert resolve(question, [history]).text == resolved


def test_a_question_saying_the_same_inside_stands_alone() -> None:
    # `同样` inside a question with its own subject and predicate is no lead back to the earlier one
    question = "技工院校是否同样开设了无人机专业？"
    assert resolve(question, ["郑州有几所职业大学列入了规划？"]).text == question


def test_a_way_of_doing_it_is_the_kind_of_answer_asked(bot: QA) -> None:
    assert "思路" not in without_asking_words("产教联合体按照什么思路培育", bot.lexical)
    answer = bot.ask("市域产教联合体是按照什么思路来培育的？")
    assert not answer.abstained
    assert "实体化运行的模式" in answer.text


@pytest.mark.parametrize(
    "question", ["信的开头，教育局先向委员说了些什么？", "答复的开头，先说了什么", "信的开头说了些什么"]
)
def test_what_the_letter_opens_by_saying_is_asked_with_or_without_a_comma(question: str) -> None:
    assert meta_intents(question) == ["stance"]


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("哪些高职的专业群在建设行列？", "高职"),
        ("哪些学校的专业群进入了国家级双高建设？", "学校"),
        ("有哪些学校的专业群？", "专业群"),  # nothing is done: what the wh-word names is asked for
        ("哪些学校的专业群和课程？", "专业群"),  # cut at a conjunction: no predicate
    ],
)
def test_the_owner_is_asked_when_what_it_owns_goes_on_to_a_predicate(question: str, listed: str) -> None:
    assert listed_kind(question)[0] == listed


def test_the_things_each_has_are_asked_to_be_named(bot: QA) -> None:
    assert listed_kind("各自入选的是什么专业群")[0] == "专业群"
    assert listed_kind("它们分别有什么专业群入选")[0] == "专业群"
    assert analyse("各自入选的是什么专业群", bot.lexical).listed == "专业群"
    answer = bot.ask("它们分别有什么专业群入选？", history=["国家级双高建设里有哪些高职院校入围？"])
    assert answer.abstained
    assert "只给出了数量" in answer.text


def test_the_schools_are_named_when_asked_as_owners(bot: QA) -> None:
    answer = bot.ask("哪些高职的专业群在国家级双高建设行列？")
    assert not answer.abstained
    assert "郑州铁路职业技术学院" in answer.text


def test_a_follow_up_pointing_back_is_merged_whatever_words_it_says_it_in() -> None:
    # `那一趟` points at the trip asked about: its `行程覆盖` says in its own way what it asks of it
    resolved = resolve("那一趟的行程覆盖了哪几座城？", ["市里2024年有没有派人出去取经职业教育？"])
    assert resolved.previous and "取经" in resolved.text
    # … and one pointing nowhere, with a new topic no document holds, stands alone (`郑州明天的天气怎么样？`)
    holds = {"订单班", "旅游职业学院"}.__contains__
    assert resolve("郑州明天的天气怎么样？", ["旅游职业学院开设了哪些订单班？"], holds).text == "郑州明天的天气怎么样？"


def test_a_merged_follow_up_asking_whether_is_held_to_what_the_documents_say(bot: QA) -> None:
    assert resolve("它有校车吗？", ["旅游职业学院开设了哪些订单班？"]).focus.endswith("吗")
    answer = bot.ask("它有校车吗？", history=["旅游职业学院开设了哪些订单班？"])
    assert answer.abstained
    assert "校车" in answer.text
    kept = bot.ask("它有酒店管理的订单班吗？", history=["旅游职业学院开设了哪些订单班？"])
    assert not kept.abstained
    assert "希尔顿" in kept.text


def test_the_writer_asked_as_the_one_replying(bot: QA) -> None:
    assert meta_intents("从行文看，出面作答的是郑州哪个机关？") == ["sender"]
    assert meta_intents("作答的是什么内容") == []


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("18家市级高技能人才实训基地分别坐落在哪些区县？", True),
        ("哪些区的市域产教联合体入选了省级建设单位？", False),  # the sentence names 高新区
    ],
)
def test_districts_asked_in_the_plural(bot: QA, question: str, refused: bool) -> None:
    answer = bot.ask(question)
    assert answer.abstained is refused
    if refused:
        assert "没有说在哪" in answer.text


def test_how_many_examples_are_wanted_is_no_term_asked(bot: QA) -> None:
    assert "举俩" not in without_asking_words("都偏哪些行业，随便举俩", bot.lexical)
