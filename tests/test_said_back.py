"""What a question asks, found reading fresh27 (the thirty-sixth round): follow-ups saying how much as a noun (`…的数量呢`),
asking for a thing's counterpart (`…的对应数字`), speaking of the two the earlier question named (`两家…`), asking what
was done with no doer (`采取的是…`) or of another year (`上一年…呢`); a town's body said by its level (`市政府`); a
word jieba guessed around one the documents hold; several parts of the letter asked at once; and a school or company
asked for by the list it is named with."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.followup import is_elliptical, resolve
from qa.answering.kinds import count_unheld, month_unheld
from qa.answering.names import asked_names, name_unheld
from qa.answering.query import analyse, documents_hold, partners_named
from qa.answering.scope import asks, others_asked


def test_a_count_said_as_a_noun_asks_the_earlier_question_of_the_level_swapped_in(bot: QA) -> None:
    earlier = "专业技能工作室在省级层面建成多少了？"
    resolved = resolve("那市级层面的数量呢？", [earlier], holds=documents_hold(bot.lexical))
    assert resolved.text == "专业技能工作室在市级层面建成多少了？"
    assert resolved.swapped_in == "市级"
    answer = bot.ask("那市级层面的数量呢？", history=[earlier])
    assert not answer.abstained
    assert "38个" in answer.text


def test_a_things_counterpart_is_asked_of_what_the_earlier_question_asked(bot: QA) -> None:
    earlier = "2024年全市中职开设的专业总数是多少"
    resolved = resolve("技工院校的相应数字呢？", [earlier])
    assert resolved.text == "2024年全市技工院校开设的专业总数是多少"
    answer = bot.ask("技工院校的相应数字呢？", history=[earlier])
    assert not answer.abstained
    assert "130多个" in answer.text


def test_a_counterpart_inside_a_question_of_its_own_does_not_point_back() -> None:
    question = "与汽车产业对应的专业有哪些？"
    assert resolve(question, ["郑州有几所职业大学列入了规划？"]).text == question


def test_the_two_the_earlier_question_named_are_its_subject(bot: QA) -> None:
    earlier = "宇通客车和哪所学校有合作？"
    assert is_elliptical("两家共建的学院叫什么？", earlier=earlier)
    answer = bot.ask("两家共建的学院叫什么？", history=[earlier])
    assert not answer.abstained
    assert "宇通产教融合学院" in answer.text


@pytest.mark.parametrize("question", ["采取的是什么样的模式？", "依托的是什么？", "合作成立了什么？", "开设了几个？"])
def test_what_was_done_asked_with_no_doer_leans_on_the_earlier_subject(question: str) -> None:
    assert is_elliptical(question, earlier="郑州在培育市域产教联合体吗？")


def test_a_doer_said_before_the_verb_stands_alone() -> None:
    assert not is_elliptical("旅游学院采取的是什么模式？", earlier="郑州在培育市域产教联合体吗？")
    # … and so does a noun jieba tags a verb, said with a locative (`通知里`)
    assert not is_elliptical("通知里提到了哪些景区？", earlier="列出通知中所有旅游安全方面的文件")


def test_another_year_asked_of_the_earlier_question_must_be_said(bot: QA) -> None:
    earlier = "2024年中职新增备案了多少个专业？"
    resolved = resolve("上一年新增的有多少呢？", [earlier])
    assert "2023年中职新增备案" in resolved.text
    assert "2024年" not in resolved.text
    answer = bot.ask("上一年新增的有多少呢？", history=[earlier])
    assert answer.abstained
    assert "说的是“2024年”，不是“2023年”" in answer.text
    # … and so does a count said as a noun
    answer = bot.ask("前一年新增的数量呢？", history=[earlier])
    assert answer.abstained
    assert "不是“2023年”" in answer.text
    # … while the year asked before is answered again
    assert not bot.ask("同一年新增的有多少呢？", history=[earlier]).abstained


def test_a_towns_body_is_said_by_its_level_in_the_towns_own_documents() -> None:
    sentence = "2024年8月,由市政府领导带队,市教育局、市财政局等相关部门组成考察组"
    opening = "郑州市教育局关于市政协委员提案的答复"
    assert name_unheld(["郑州市政府"], "郑州市政府带队去了哪里", sentence, opening) == ("", "")
    # another town's is not said by the level alone
    assert name_unheld(["开封市政府"], "开封市政府带队去了哪里", sentence, opening)[0] == "开封市政府"


def test_a_word_jieba_guessed_around_a_held_one_is_not_what_is_asked_whether(bot: QA) -> None:
    query = analyse("市政府有没有带人出去学产教融合的经验？", bot.lexical)
    assert query.whether == "经验"
    # … while a company no document names is
    assert analyse("郑州旅游职业学院有没有拉携程来开订单班？", bot.lexical).whether == "携程"


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("信的第一、第三部分分别讲了什么", ["信的第一部分讲了什么", "信的第三部分讲了什么"]),
        ("第二部分和第五部分的标题是什么", ["第二部分的标题是什么", "第五部分的标题是什么"]),
        ("第二、三部分说的啥", ["第二部分说的啥", "第三部分说的啥"]),
    ],
)
def test_several_parts_asked_at_once_are_asked_one_by_one(question: str, parts: list[str]) -> None:
    assert asks(question) == parts


def test_several_parts_are_answered_each_with_its_title(bot: QA) -> None:
    answer = bot.ask("第二和第四部分的标题分别是什么？")
    assert not answer.abstained
    assert "深化实施职业教育专业结构调整优化" in answer.text
    assert "促进校企深度合作" in answer.text


def test_a_school_asked_for_by_the_list_it_is_named_with_is_answered(bot: QA) -> None:
    answer = bot.ask("哪所学校跟阿里巴巴合作开了订单班？")
    assert not answer.abstained
    assert "郑州旅游职业学院" in answer.text
    # … while what one item of a list has is still not said
    assert bot.ask("丹尼斯工匠学院开设了哪些课程？").abstained


@pytest.mark.parametrize("question", ["活动周通常放在一年中哪个月份搞", "活动周一般是几月办", "哪月举办"])
def test_a_month_asked_of_a_sentence_giving_none_is_named(question: str) -> None:
    assert month_unheld(question, "近年来,郑州市每年坚持办好职业教育活动周、全民终身学习活动周等活动")
    assert not month_unheld(question, "2024年8月,由市政府领导带队…组成考察组")
    assert not month_unheld(question, "每年上半年举办职业教育活动周")


def test_a_length_of_months_is_no_month_asked() -> None:
    assert not month_unheld("考察组去了几个月", "近年来,郑州市每年坚持办好职业教育活动周")


def test_the_month_the_documents_give_is_answered(bot: QA) -> None:
    answer = bot.ask("考察组是哪个月出发的？")
    assert not answer.abstained
    assert "2024年8月" in answer.text


@pytest.mark.parametrize(
    ("question", "partners"),
    [
        ("跟携程合作开设的订单班全称是什么", ["携程"]),
        ("与华为共建了什么学院", ["华为"]),
        ("同宇通客车一起共建的是什么学院", ["宇通客车"]),
        ("和哪些企业合作", []),  # asked for, not named
        ("跟他们合作的学校", []),
        ("与高职院校合作办学", []),
        ("有没有跟大牌酒店合作的班", []),  # a kind of partner, not one
        ("学校跟客车厂合办了个学院", []),
    ],
)
def test_the_partner_a_question_names_is_read(question: str, partners: list[str]) -> None:
    assert partners_named(question) == partners


def test_a_partner_no_document_names_is_refused_by_name(bot: QA) -> None:
    answer = bot.ask("旅游职院跟美团合作开的订单班叫什么？")
    assert answer.abstained
    assert "“美团”" in answer.text
    # … while one the documents name with another word after it is answered
    answer = bot.ask("国防科技学校与宇通客车合作共建了什么？")
    assert not answer.abstained
    assert "宇通产教融合学院" in answer.text


@pytest.mark.parametrize("question", ["郑州所有中等职业学校开了多少专业", "郑州全部中职学校有几所"])
def test_all_schools_of_a_kind_somewhere_are_no_name(question: str) -> None:
    assert not any(kind == "org" for _, _, _, kind in asked_names(question))


def test_a_school_named_by_its_place_and_field_is_still_a_name() -> None:
    assert [name for _, _, name, _ in asked_names("郑州市国防科技学校和谁合作")] == ["郑州市国防科技学校"]


def test_how_many_there_are_is_not_answered_by_how_many_were_added(bot: QA) -> None:
    answer = bot.ask("郑州中职学校开设了多少个专业？")
    assert not answer.abstained
    assert "163个" in answer.text
    assert "83个" not in answer.text
    # … while new ones asked for are
    answer = bot.ask("郑州中职学校新增了几个专业？")
    assert not answer.abstained
    assert "83个" in answer.text


def test_others_of_a_kind_asked_of_a_sentence_on_the_one_set_aside_are_refused(bot: QA) -> None:
    answer = bot.ask("除了旅游职业学院以外，还有哪些学校办了订单班？")
    assert answer.abstained
    assert "只说了" in answer.text
    # … and asked as a follow-up of the one the earlier question named
    answer = bot.ask("别的学校也开订单班吗？", history=["郑州旅游职业学院开设了哪些订单班？"])
    assert answer.abstained
    # … while others a sentence lists beside it are answered
    answer = bot.ask("除了宇通，还有哪些企业和技工院校建立了合作关系？")
    assert not answer.abstained
    assert "郑州日产" in answer.text


def test_others_of_a_kind_are_read() -> None:
    assert others_asked("别的学校也开订单班吗") == "school"
    assert others_asked("其他企业有没有参与") == "company"
    assert others_asked("别的城市呢") == ""


@pytest.mark.parametrize("noun", ["实习生", "技术员", "设计师", "管理者"])
def test_people_counted_with_no_unit_are_counted_in_people(noun: str) -> None:
    sentence = "全市技工院校与宇通、富士康等知名企业共建立长期、稳定的校企合作关系1000多家"
    assert count_unheld(f"富士康每年接收多少{noun}", sentence) == f"多少{noun}"
    assert not count_unheld(f"富士康每年接收多少{noun}", "每年接收实习生3000余人")
