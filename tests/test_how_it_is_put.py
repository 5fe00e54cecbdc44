"""How a question puts what it asks, found reading fresh29 (the thirty-eighth round): a part's measures counted as
they are asked for (`讲了哪几项举措`), the letter's writer said with the writing (`哪个部门出具的回函`) and a
certificate's issuer, which is no question about the letter; those who did what the earlier question spoke of
(`参加的都是哪些单位的人`); and a measure asked in a unit of its own (`多少平方米`)."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.followup import is_elliptical
from qa.answering.kinds import count_unheld
from qa.answering.query import meta_intents
from qa.answering.scope import question_scope


@pytest.mark.parametrize(
    ("question", "part", "measure"),
    [
        ("政策支持那一块，教育局具体讲了哪几项举措？", "持续加大政策支持力度", "支持职业院校升本"),
        ("关于产教融合载体平台，文中介绍了哪几方面的建设", "产教融合载体平台建设", "加强产教融合实训基地建设"),
    ],
)
def test_a_parts_measures_counted_as_asked_are_the_part(bot: QA, question: str, part: str, measure: str) -> None:
    assert question_scope(question) == "section"
    answer = bot.ask(question)
    assert not answer.abstained
    assert part in answer.text and measure in answer.text


def test_a_count_asked_of_one_fact_stays_a_fact() -> None:
    assert question_scope("郑州市有哪几所大学的研究院签了合作协议？") != "section"


def test_the_writer_said_with_the_writing_asks_who_wrote_the_letter(bot: QA) -> None:
    question = "这是哪个部门出具的回函，是回给哪位委员的？"
    assert "sender" in meta_intents(question)
    answer = bot.ask(question)
    assert "郑州市教育局" in answer.text and "王素梅委员" in answer.text


@pytest.mark.parametrize("question", ["职业技能等级证书是哪个部门出具的？", "职业技能等级证书是哪个部门发的？"])
def test_a_certificates_issuer_is_no_question_about_the_letter(question: str) -> None:
    assert "sender" not in meta_intents(question)


def test_those_who_did_what_was_spoken_of_lean_back(bot: QA) -> None:
    earlier = "2024年郑州组织人去南京考察过职业教育吗？"
    assert is_elliptical("参加的都是哪些单位的人？", earlier=earlier)
    answer = bot.ask("参加的都是哪些单位的人？", [earlier])
    assert not answer.abstained
    assert "市人社局" in answer.text
    # … while a verb and 的 before a noun still name the question's own things
    assert not is_elliptical("撤掉的老专业有几个？", earlier="2024年新增备案了多少个专业？")


def test_a_measure_in_its_own_unit_is_given_only_in_that_unit() -> None:
    sentence = "建设了汽车维修、航空物流等18家市级高技能人才公共实训基地"
    assert count_unheld("18家市级公共实训基地加起来有多少平方米？", sentence) == "多少平方米"
    assert count_unheld("实训基地占地多少平方米？", "实训基地占地3.5万平方米") == ""
    assert count_unheld("实训基地占地多少亩？", "实训基地占地200余亩") == ""


def test_a_doing_with_someone_leans_on_one_said_in_another_word(bot: QA) -> None:
    earlier = "郑州财税金融职业学院共建了几个产业学院？"
    assert is_elliptical("合作的企业分别是谁？", earlier=earlier)
    # the letter names none of the college's partners
    assert bot.ask("合作的企业分别是谁？", [earlier]).abstained
    # … while after a question saying no doing with someone it asks the documents
    assert not is_elliptical("合作的企业有哪些？", earlier="考察组去了哪些城市？")


def test_somewhere_else_is_the_places_the_letter_names(bot: QA) -> None:
    answer = bot.ask("郑州有没有派人去外地考察过？")
    assert not answer.abstained
    assert "南京" in answer.text
    # … while a noun no document holds is still refused by name
    assert "游泳池" in bot.ask("郑州的中职学校有没有游泳池？").text


def test_a_follow_ups_refusal_names_its_own_words_not_the_earlier_questions(bot: QA) -> None:
    answer = bot.ask("那它们的学费是多少？", ["旅游职院跟携程合开的订单班叫什么？"])
    assert answer.abstained
    assert "学费" in answer.text
    assert "合开" not in answer.text  # the earlier question's wording, not what this one asks


@pytest.mark.parametrize("question", ["下一阶段教育局准备干些什么？", "接下来要做啥？", "以后干点什么？"])
def test_the_plans_asked_as_a_person_talks_are_the_part_on_them(bot: QA, question: str) -> None:
    answer = bot.ask(question)
    assert not answer.abstained
    assert "下一步工作打算" in answer.text and "加强顶层设计" in answer.text


def test_the_names_of_the_things_asked_for_are_the_things(bot: QA) -> None:
    assert question_scope("回函里都点到了哪几家企业的名字？") == "gather"
    assert question_scope("这份答复的核心意思是什么？") == "summary"
    answer = bot.ask("回函里都点到了哪几家企业的名字？")
    assert all(name in answer.text for name in ("宇通", "希尔顿", "阿里巴巴", "富士康", "比亚迪"))
