"""A question asking to have several things named is not answered by a sentence that only counts them."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import QA
from qa.answering.kinds import counted_only
from qa.answering.query import listed_kind


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("信中提到了哪些本科层次的职业学校？", ("职业学校", "")),
        ("通过验收的中职学校具体是哪几所？", ("中职学校", "所")),
        ("列出计划中提到的所有中级工以上职业技能等级证书", ("中级工以上职业技能等级证书", "")),
        ("学生研学旅行都有哪些目的地城市？", ("目的地城市", "")),  # the 的 of 目的地 is part of a word
        ("有哪些学校的专业群进入了建设行列？", ("学校", "")),  # what 的 owns goes on to act: the owner is asked
        ("哪些企业能参加？", ("企业", "")),
        ("通知里提到了哪些A级景区？", ("A级景区", "")),
        ("活动是围绕哪几个主题开展的？", ("主题", "个")),  # nothing after 的: the words before it
        ("5个产业学院分别是哪几个？", ("产业学院", "个")),  # the colleges, not their count
        ("暑期线路是围绕哪几个主题？", ("主题", "个")),  # not `暑期线路`, which no 是/有 joins to the wh-word
        # a verb after the wh-word asks what kind of thing did it (`专业群` of 各1个专业群进入), not names
        ("三所学院在双高建设中各有什么进入了建设行列？", ("", "")),
        ("有多少所学校？", ("", "")),
        ("学校在哪里？", ("", "")),
    ],
)
def test_what_a_question_asks_to_have_named(question: str, listed: tuple[str, str]) -> None:
    assert listed_kind(question) == listed


@pytest.mark.parametrize(
    ("sentence", "noun", "unit", "counting"),
    [
        ("目前,郑州市共有41所中职学校通过验收。", "中职学校", "所", ["郑州市共有41所中职学校通过验收"]),
        ("", "", "所", []),
        ("市级专业技能工作室38个,省级专业技能工作室9个。", "省级专业技能工作室", "", ["省级专业技能工作室9个"]),
        ("全市技工院校开设专业130多个,积极服务支柱产业。", "专业", "", ["全市技工院校开设专业130多个"]),
        # the owners of what is counted are no names of it
        (
            "河南农业职业学院、河南职业技术学院各1个专业群进入建设行列。",
            "专业",
            "",
            ["河南农业职业学院、河南职业技术学院各1个专业群进入建设行列"],
        ),
        # but asked for the owners, the list names them, each ending in the noun
        ("河南农业职业学院、河南职业技术学院和郑州铁路职业技术学院各1个专业群进入建设行列。", "学院", "", []),
        # a vague count counts as much (`多所`), but `多部门` is a word, not a count of 部
        (
            "有多所学校开设人工智能技术与应用、大数据技术与应用等新兴专业。",
            "学校",
            "所",
            ["有多所学校开设人工智能技术与应用、大数据技术与应用等新兴专业"],
        ),
        ("建立多部门联动机制。", "部门", "", []),
        # a list before them names them, and so does one `如` opens after them
        ("与多家企业合作,如宇通、富士康。", "企业", "", []),
        ("建设了汽车维修、航空物流等18家市级公共实训基地。", "实训基地", "", []),
        # words after them open their list
        ("箭竹的繁殖有两种方式：一是从地下茎繁发竹笋。", "繁殖方式", "", []),
        ("其获得的奖项包括第8回文艺春秋漫画赏等3个奖项。", "奖项", "", []),
        # a measure is no count of things
        ("生长于海拔250米至600米的地区。", "地区", "", []),
        # a clause speaking of them without a number, and a sentence not speaking of them at all
        ("积极组建跨区域行业产教融合共同体。", "产教融合共同体", "", []),
        ("全市共有41所中职学校。", "龙头企业", "", []),
    ],
)
def test_a_sentence_only_counts_what_it_names_no_instance_of(
    sentence: str, noun: str, unit: str, counting: list[str]
) -> None:
    assert [sentence[s:e] for s, e in counted_only(sentence, noun, unit)] == counting


def test_a_count_the_next_sentence_goes_on_to_list_is_no_bare_count() -> None:
    sentence = "随后的调查发现有多种原因导致了本次事故。"
    assert counted_only(sentence, "原因", "", after="首先是应该对飞机") == []
    assert counted_only(sentence, "原因", "", after="机上其他乘客") == [(0, len(sentence) - 1)]


REPORT = (
    "南溪县第一中学2024年度工作报告\n"
    "一、学生活动\n"
    "学校现有学生社团15个，全年共举办活动60余场。\n"
    "学校与科大讯飞股份有限公司、中国移动南溪分公司等3家企业签订了合作协议。\n"
    "二、教师发展\n"
    "全年选派45名教师参加省级培训。\n"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> QA:
    folder = tmp_path_factory.mktemp("report")
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    return QA.from_path(folder / "report.txt", index_dir=folder / "index", embed_model="none")


def test_asking_which_of_things_the_document_only_counts_is_refused_quoting_the_count(report: QA) -> None:
    answer = report.ask("学校有哪些学生社团？")
    assert answer.abstained
    assert "“学校现有学生社团15个”" in answer.text and "没有列出具体是哪些学生社团" in answer.text


def test_asking_which_of_things_the_document_names_is_answered(report: QA) -> None:
    answer = report.ask("学校和哪些企业签订了合作协议？")
    assert not answer.abstained
    assert "科大讯飞股份有限公司" in answer.text


def test_asking_how_many_of_them_is_answered_by_the_count(report: QA) -> None:
    answer = report.ask("学校有多少个学生社团？")
    assert not answer.abstained and "15个" in answer.text


def test_a_letter_question_asking_which_of_what_it_only_says_there_are_several_of_is_refused_quoting_it(
    tmp_path: Path,
) -> None:
    bot = QA.from_path(index_dir=tmp_path / "index", embed_model="none")
    answer = bot.ask("开设了人工智能技术与应用专业的是哪几所学校？")  # was the sentence itself, at 0.98
    assert answer.abstained
    assert "只说了“有多所学校开设人工智能技术与应用" in answer.text and "没有列出具体是哪些学校" in answer.text


def test_a_letter_question_asking_which_of_what_it_counts_is_refused_quoting_its_own_count(tmp_path: Path) -> None:
    bot = QA.from_path(index_dir=tmp_path / "index", embed_model="none")
    answer = bot.ask("全市技工院校开设了哪些专业？")
    assert answer.abstained
    # the clause counting what is asked, not its neighbour counting 中职学校's
    assert "“全市技工院校开设专业130多个”" in answer.text and "163" not in answer.text
