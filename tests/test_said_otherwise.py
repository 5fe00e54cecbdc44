"""What a question asks, said otherwise than before (the thirty-fourth round's fixes, found reading fresh24): the
letter's writer asked as its `机关`, whom it is written to asked as `写给哪位`, what its thanks are for; a verb and its
particle jieba tags as a person (`谢的`); a year of what a sentence dates to a month in another year; the aspects of
a topic, not the parts of the document; a follow-up asking for places; each one's name asked before the ask; an ask
leaning on a first part the documents do not answer; a question on what is to come, answered from the plans; `谁`
asking for an organisation; and how the asker says the letter says it (`坦白`, `举例`)."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.followup import resolve
from qa.answering.kinds import asked_kinds, year_contradicted
from qa.answering.names import asked_names
from qa.answering.query import analyse, meta_intents

_TRIP = "2024年8月,由市政府领导带队,市教育局、市人社局等相关部门组成考察组,赴南京、武汉、广州三地进行了实地考察"


@pytest.mark.parametrize(
    ("question", "intents"),
    [
        ("出这份回函的是哪个机关", ["sender"]),
        ("这封信的发文机关是哪个", ["sender"]),
        ("回函是写给哪位的", ["addressee"]),
        ("开头先向委员致谢，谢的是什么", ["stance"]),
        ("答复感谢了委员什么", ["stance"]),
        ("答复感谢了谁", ["addressee"]),
    ],
)
def test_the_letters_writer_reader_and_thanks_said_otherwise(question: str, intents: list[str]) -> None:
    assert meta_intents(question) == intents


def test_a_verb_and_its_particle_is_no_person() -> None:
    assert asked_names("开头先向委员致谢，谢的是什么") == []
    assert [name for _, _, name, _ in asked_names("王素梅委员提了什么建议")] == ["王素梅"]


def test_a_year_of_what_a_sentence_dates_to_a_month_in_another_is_contradicted() -> None:
    assert year_contradicted(("2023",), "2023年暑期郑州考察组去过哪些城市", _TRIP) == ("2023年", "2024年")
    assert year_contradicted(("2024",), "2024年暑期考察组去了哪些城市", _TRIP) == ("", "")
    assert year_contradicted(("2023",), "2023年郑州考察组去过哪些城市", _TRIP) == ("2023年", "2024年")
    # a year beside a sentence dated to no month is context (`1744年…` of a sentence on 1748)
    assert year_contradicted(("2023",), "2023年郑州考察组去过哪些城市", "2024年,考察组赴南京考察") == ("", "")


def test_a_year_asked_is_refused_of_the_sentence_dated_otherwise(bot: QA) -> None:
    answer = bot.ask("2023年暑期郑州考察组去过哪些城市")
    assert answer.abstained
    assert "2024年" in answer.text


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        ("请记者进学校采访报道，聚焦的是职教的哪几方面", "section"),
        ("校企合作有哪几方面", "section"),
        ("分为哪几个部分", "outline"),
        ("一共几个部分组成", "outline"),
        ("这份东西由几个部分构成", "outline"),
        ("每个部分的标题是什么", "outline"),
        ("讲政策支持的那一部分下面分了哪几个小标题？", "outline"),
        ("正文用“一、二、三……”编号，一直编到了第几？", "outline"),
        ("这篇东西主要讲了啥", "summary"),
        ("下一阶段的工作计划总共几条？大概讲讲", "section"),
    ],
)
def test_the_parts_of_a_topic_are_no_outline_of_the_document(bot: QA, question: str, scope: str) -> None:
    assert analyse(question, bot.lexical).scope == scope


def test_the_parts_of_a_topic_are_answered_from_its_sentence(bot: QA) -> None:
    answer = bot.ask("请记者进学校采访报道，聚焦的是职教的哪几方面")
    assert not answer.abstained
    assert "突破点" in answer.text


def test_a_follow_up_asking_for_places_leans_back() -> None:
    def holds(word: str) -> bool:
        return word in "2024年8月考察组赴南京、武汉、广州三地进行了实地考察"

    earlier = ["2024年市里有没有组团去外地学职教经验？"]
    assert resolve("都跑了哪些地方呀？", earlier, holds=holds).previous == earlier[0]
    # a new thing no document holds still stands alone
    assert resolve("都有哪些游泳馆？", earlier, holds=holds).previous == ""


def test_each_ones_name_asked_before_the_ask_asks_a_list(bot: QA) -> None:
    question = "财税金融那所职院建的产业学院，各自的名称信里有写吗"
    assert analyse(question, bot.lexical).listed == "产业学院"
    answer = bot.ask(question)
    assert answer.abstained
    assert "5个产业学院" in answer.text


def test_an_ask_leaning_on_a_first_part_the_documents_do_not_answer_is_refused(bot: QA) -> None:
    answer = bot.ask("有学校开过洲际酒店集团的订单班吗，哪一所")
    assert answer.abstained
    # … and one sentence answering both asks is said once
    answered = bot.ask("有学校开过希尔顿的订单班吗，哪一所")
    assert not answered.abstained
    assert answered.text.count("希尔顿") == 1


def test_a_question_on_what_is_to_come_is_answered_from_the_plans(bot: QA) -> None:
    # the ranker puts the sentence on the six departments' past notice first, the plan's second
    answer = bot.ask("以后产教融合要多部门协同，具体点了哪些部门")
    assert not answer.abstained
    assert "国资" in answer.text
    assert answer.citations[0].section.startswith("七、")


def test_who_asked_of_an_organisation_asks_for_no_person() -> None:
    assert "person" not in asked_kinds("技工院校那边合作的大企业，信中举例提到了谁")
    assert "person" not in asked_kinds("宇通公司那家产教融合学院，学校一方是谁")
    # a person's role said keeps it asked
    assert "person" in asked_kinds("郑州市国防科技学校目前由谁担任校长？")
    assert "person" in asked_kinds("带队赴南京考察的市政府领导是哪一位？")
    assert "person" in asked_kinds("考察谁带队？")


def test_companies_asked_with_who_are_answered(bot: QA) -> None:
    answer = bot.ask("技工院校那边合作的大企业，信中举例提到了谁")
    assert not answer.abstained
    assert "郑州日产" in answer.text


def test_how_the_asker_says_the_letter_says_it_is_no_term(bot: QA) -> None:
    terms = analyse("教育局在回复里坦白目前还有啥短板没解决", bot.lexical).terms
    assert "坦白" not in terms
    assert "短板" in terms
    assert "举例" not in analyse("信中举例提到了哪些企业", bot.lexical).terms
