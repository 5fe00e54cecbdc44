"""What a question asks, read closer (the thirtieth round's fixes, found reading fresh20): whether a count or a
statement just made is true, the things set aside before `以外`, a comparison of two kinds of school or with one side
only, which came first, numbers in hundreds and thousands, places asked by their type word, a school asked to be
named, the things a list item is asked of, a request for examples, a part named by its words, the ending, how the
reply meets the proposal, the work done, a part said as what things relate to, how far something has got, and a
swapped part taking whole words' place."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.attributes import listed_only, whether_asked
from qa.answering.followup import is_elliptical, resolve
from qa.answering.kinds import chinese_number, compared_kind_unheld, order_unheld, school_kinds
from qa.answering.query import listed_kind, rewrite
from qa.answering.scope import asks, set_aside, without_set_aside


@pytest.mark.parametrize(
    "question",
    [
        "拿到省教育厅标准化工程验收合格的中职学校，数目是不是41所？",  # the count is asked, not whether of `数目`
        "听说郑州有7个专业挤进了省级高水平专业建设的序列，这个数准吗？",  # true, what was just said
        "市里有30个重点建设专业，这种说法对吗",
    ],
)
def test_asking_whether_a_count_or_what_was_said_is_true_asks_of_no_noun(question: str) -> None:
    assert whether_asked(question) is None


def test_asking_whether_of_an_abbreviated_noun_asks_it_of_that_noun_too() -> None:
    question = "产教融合统筹推进机制里有没有交通运输部门参与？"
    at = whether_asked(question)
    assert at is not None and question[at.head : at.end] == "部门"
    assert [question[a:b] for a, b in at.others] == ["交通运输"]


@pytest.mark.parametrize(
    ("question", "answered", "said"),
    [
        ("拿到省教育厅标准化工程验收合格的中职学校，数目是不是四十一所？", True, "41所"),
        ("听说郑州有七个专业挤进了省级高水平专业建设的序列，这个数准吗？", True, "7个专业"),
        ("产教融合统筹推进机制里有没有交通运输部门参与？", False, "交通运输"),
        ("产教融合统筹推进机制里有没有税务部门参与？", True, "税务"),
    ],
)
def test_whether_questions_are_answered_or_refused_by_what_they_ask_of(
    bot: QA, question: str, answered: bool, said: str
) -> None:
    answer = bot.ask(question)
    assert answer.abstained != answered and said in answer.text, answer.text


def test_things_said_before_yiwai_are_set_aside_and_ask_for_no_list_of_themselves() -> None:
    question = "签了合作协议的高校郑州研究院里，哈工大和上海交大以外还有哪几家？"
    assert set_aside(question) == ("哈工大", "上海交大")
    assert listed_kind(without_set_aside(question)) == ("", "家")
    assert set_aside("除了宇通还有哪些企业") == ("宇通",)  # as before


def test_the_rest_of_a_list_past_the_things_set_aside_is_answered_from_it(bot: QA) -> None:
    answer = bot.ask("签了合作协议的高校郑州研究院里，哈工大和上海交大以外还有哪几家？")
    assert not answer.abstained and "北理工" in answer.text and "香港大学" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "sentence", "unheld"),
    [
        ("通过省标准化验收的学校里，中职和技工院校哪一类更多？", "郑州市共有41所中职学校通过验收", "技工院校"),
        ("中职和技工院校开的专业哪个多", "全市中等职业学校共开设163个专业,全市技工院校开设专业130多个", ""),
        ("中职学校有几所通过了验收", "郑州市共有41所中职学校通过验收", ""),  # no comparison
    ],
)
def test_a_comparison_of_two_kinds_of_school_needs_each_in_the_sentence(
    question: str, sentence: str, unheld: str
) -> None:
    assert compared_kind_unheld(question, sentence) == unheld


@pytest.mark.parametrize(
    ("question", "sentence", "unheld"),
    [
        ("六所研究院里哪一家最先签的", "哈工大、上海交大、北理工等六所大学郑州研究院已经成功签定合作协议", "最先"),
        ("哪一家最早签约", "2019年哈工大郑州研究院率先签约,随后上海交大签约", ""),
        ("哪一家最早签约", "哈工大于2019年签约,上海交大于2021年签约", ""),
        ("一共有几家研究院", "哈工大、上海交大等六所大学郑州研究院已经成功签定合作协议", ""),
    ],
)
def test_which_came_first_needs_dates_or_an_order(question: str, sentence: str, unheld: str) -> None:
    assert order_unheld(question, sentence) == unheld


@pytest.mark.parametrize(
    ("text", "value"),
    [("三", 3), ("十二", 12), ("四十一", 41), ("一千", 1000), ("两百", 200), ("一千二百零五", 1205), ("多", 0)],
)
def test_chinese_numbers_are_read_in_hundreds_and_thousands(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_a_count_in_thousands_is_read_as_the_letter_writes_it_and_belongs_to_its_kind_of_school(bot: QA) -> None:
    # the letter's `1000多家` partners are 技工院校's, not 中职学校's
    answer = bot.ask("中职学校是靠什么办法拉到一千多家合作企业的？")
    assert answer.abstained and "1000多家" in answer.resolved_question, answer.text


def test_places_asked_by_their_type_word_keep_the_clause_saying_them(bot: QA) -> None:
    answer = bot.ask("二〇二四年八月，市政府领导带着几个局委出去取经，落脚了哪几座城市？")
    assert not answer.abstained and all(city in answer.text for city in ("南京", "武汉", "广州")), answer.text


def test_a_school_asked_to_be_named_moves_the_answer_to_a_close_sentence_naming_one(bot: QA) -> None:
    answer = bot.ask("教育局眼下还在协调推进哪所学院升为本科？")
    assert not answer.abstained and "郑州职业技术学院" in answer.text, answer.text


def test_things_a_list_item_is_asked_of_after_its_wh_word_are_no_fellows_named() -> None:
    sentence = "由市政府领导带队,组成考察组,赴南京、武汉、广州三地进行了实地考察"
    assert listed_only("武汉那一站都看了哪些院校和企业", "院校", sentence) == "武汉"
    assert listed_only("除了武汉和南京还去了哪些城市", "城市", sentence) == ""  # fellows asked


@pytest.mark.parametrize(
    ("question", "earlier"),
    [
        ("跟省级高水平那批比，哪个多？", "市里重点扶持建设的专业是多少个？"),
        ("和技工院校比，哪个多？", "2024年中职学校开了多少个专业？"),
    ],
)
def test_a_comparison_naming_one_side_leans_back_for_the_other(question: str, earlier: str) -> None:
    assert is_elliptical(question, earlier=earlier)
    assert resolve(question, [earlier]).text.endswith(earlier)


def test_a_comparison_naming_both_sides_stands_alone() -> None:
    assert not is_elliptical("中职和技工院校开的专业哪个多？", earlier="考察组去了哪些城市？")


def test_a_comparison_naming_one_side_is_answered_with_both_counts(bot: QA) -> None:
    answer = bot.ask("跟省级高水平那批比，哪个多？", history=["市里重点扶持建设的专业是多少个？"])
    assert not answer.abstained and "7个" in answer.text and "30个" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("郑州建了哪些类型的市级公共实训基地，能举两个例子吗？", 1),  # examples of what it asks
        ("郑州建了哪些公共实训基地，可以列几个例子吗", 1),
        ("考察组什么时候去的，去了哪些城市？", 2),  # two asks
    ],
)
def test_a_request_for_examples_is_no_ask_of_its_own(question: str, parts: int) -> None:
    assert len(asks(question)) == parts


def test_kinds_asked_for_with_a_request_for_examples_are_answered_by_the_sentence_naming_them(bot: QA) -> None:
    answer = bot.ask("郑州建了哪些类型的市级公共实训基地，能举两个例子吗？")
    assert answer.scope == "fact" and not answer.abstained, answer.text
    assert "汽车维修" in answer.text and "航空物流" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("讲政策支持的那一部分下面分了哪几个小标题？", "一、持续加大政策支持力度"),
        ("答复里讲校企合作那一块有哪些小标题", "四、促进校企深度合作"),
        ("这封答复分为几个部分？", None),  # the whole letter
        ("郑州市产教融合这封信分成几个部分", None),  # words no one heading holds
    ],
)
def test_a_part_named_by_its_words_is_that_part(bot: QA, question: str, heading: str | None) -> None:
    answer = bot.ask(question)
    if heading is None:
        assert answer.scope == "outline" and "共分为七个部分" in answer.text, answer.text
    else:
        assert answer.scope == "section" and answer.text.startswith(heading), answer.text
        assert "下分三项" in answer.text, answer.text


@pytest.mark.parametrize("question", ["收尾那一大块的标题是什么？", "结尾的部分讲了啥", "最后一部分的标题是什么？"])
def test_the_ending_said_many_ways_is_the_last_part(bot: QA, question: str) -> None:
    answer = bot.ask(question)
    assert not answer.abstained and "七、下一步工作打算" in answer.text, answer.text


@pytest.mark.parametrize(
    "question", ["对委员的建议，教育局是什么态度？", "这个提案被采纳了吗", "教育局怎么回应王素梅委员的提案的？"]
)
def test_how_the_reply_meets_the_proposal_is_its_opening_cited(bot: QA, question: str) -> None:
    answer = bot.ask(question)
    assert not answer.abstained and answer.scope == "summary", answer.text
    assert "已收悉" in answer.citations[0].text and "感谢" in answer.citations[1].text, answer.text
    assert "七个部分" in answer.text, answer.text


@pytest.mark.parametrize("question", ["答复对校企合作持什么态度", "学生对职业教育的态度怎么样"])
def test_an_attitude_to_anything_but_the_proposal_is_no_question_on_the_reply_s_stance(bot: QA, question: str) -> None:
    assert "回应这件提案" not in bot.ask(question).text


def test_what_the_member_suggested_is_the_proposal_s_title(bot: QA) -> None:
    answer = bot.ask("委员提了什么建议？")
    assert not answer.abstained and "关于深化产教融合提升人力资源质量的提案" in answer.text, answer.text


@pytest.mark.parametrize("question", ["教育局做了哪些工作", "信里讲了哪些已经做的工作", "目前已经取得了哪些成效"])
def test_the_work_done_is_the_parts_but_the_plans(bot: QA, question: str) -> None:
    answer = bot.ask(question)
    assert not answer.abstained and "六个部分" in answer.text, answer.text
    assert "一、持续加大政策支持力度" in answer.text and "下一步工作打算" not in answer.text, answer.text


def test_work_on_one_topic_done_is_its_part_and_the_plans_stay_the_plans(bot: QA) -> None:
    assert bot.ask("在校企合作方面做了哪些工作").text.startswith("四、促进校企深度合作")
    assert bot.ask("下一步有什么打算？").text.startswith("七、下一步工作打算")


def test_a_part_said_as_what_things_relate_to_is_the_thing(bot: QA) -> None:
    answer = bot.ask("其中跟酒店有关的有哪些？", history=["旅游职院开了哪些订单班？"])
    assert not answer.abstained and "希尔顿" in answer.text, answer.text


@pytest.mark.parametrize("question", ["进展到哪一步了？", "进展如何？", "现状怎么样？"])
def test_how_far_something_has_got_asked_of_no_owner_leans_back(question: str) -> None:
    assert is_elliptical(question, earlier="郑州职业技术学院升本的事怎么样了？")


def test_a_part_swapped_in_takes_the_place_of_whole_words_only() -> None:
    # `河南大学` shares only `学` with `流建设学` of 一流建设学科: no counterpart, so the follow-up joins the question
    resolved = resolve("河南大学的是哪个？", ["一流建设学科有几个？"])
    assert "一流建设学科" in resolved.text and "一河南大学科" not in resolved.text, resolved
    assert resolve("省级的呢？", ["市级专业技能工作室有多少个？"]).text == "省级专业技能工作室有多少个？"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("有多少所高中", {"普高"}),
        ("郑州职业高中", {"中职"}),
        ("提高中等职业学校办学水平", {"中职"}),
        ("有多少所初中", {"义务教育"}),
    ],
)
def test_a_high_school_said_alone_is_a_general_one(text: str, kinds: set[str]) -> None:
    assert set(school_kinds(text)) == kinds


def test_a_count_the_letter_gives_of_vocational_schools_is_refused_for_high_schools(bot: QA) -> None:
    answer = bot.ask("郑州有多少所高中通过了标准化验收？")
    assert answer.abstained and "高中" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("谁回的信？", "郑州市教育局"),
        ("信是啥时候回复的", "2024年9月27日"),
        ("讲了几块内容", "共分为七个部分"),
        ("答复最后说下一步要干嘛", "七、下一步工作打算"),
        ("答复开头感谢了谁", "王素梅委员"),
    ],
)
def test_questions_on_the_letter_asked_as_people_talk(bot: QA, question: str, said: str) -> None:
    answer = bot.ask(question)
    assert not answer.abstained and said in answer.text, answer.text


def test_when_something_came_back_is_no_question_on_the_letter_s_date(bot: QA) -> None:
    assert "落款日期" not in bot.ask("考察组啥时候回的").text


def test_a_round_number_the_letter_gives_as_more_than_it_is_read_so(bot: QA) -> None:
    # `超过一千家` of `1000多家`: not a count no document holds
    assert "1000多家" in rewrite("全市技工院校建立长期稳定合作关系的企业超过一千家，都是哪些企业？", bot.lexical)
    # … and asked whether, the letter's own figure answers it (`query.as_asked` reads it as `是多少家`)
    answer = bot.ask("全市技工院校建立长期稳定合作关系的企业，是不是超过一千家？")
    assert not answer.abstained and "1000多家" in answer.text, answer.text
