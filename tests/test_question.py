"""Question analysis and expectations: what kind of answer a question expects, and when a sentence cannot give it."""

from __future__ import annotations

import pytest

from qa.expectations import asks_unknown_measure, type_mismatch, unknown_places
from qa.lexical import LexicalIndex
from qa.question import analyse, defined_term, in_documents_script, rewrite

CORPUS = LexicalIndex(
    ["学校与宇通公司合作。", "共有7个专业列入序列。", "考察组赴南京、武汉、广州三地。", "全市技工院校开设专业130多个。"]
)


def _mismatch(question: str, sentence: str) -> str:
    return type_mismatch(analyse(question, CORPUS), sentence, CORPUS, context=0.0)


@pytest.mark.parametrize(
    ("question", "silent", "answering"),
    [
        ("学校为什么选择和宇通公司合作？", "学校与宇通公司合作。", "由于宇通公司离学校近，学校与宇通公司合作。"),
        ("宇通学院位于哪里？", "宇通学院培养技能人才。", "宇通学院位于郑州市高新区。"),
        ("带队考察的领导是哪一位？", "由市政府领导带队考察。", "由张明副市长带队考察。"),
        ("宇通公司怎么评价这个模式？", "学校与宇通公司建立了这个模式。", "宇通公司认为这个模式效果很好。"),
        ("企业加入委员会需要什么申请流程？", "成立了10个委员会。", "企业提交申请后由委员会审核。"),
        ("郑州的专业数量在全省排第几？", "郑州共有163个专业。", "郑州的专业数量在全省排名第一。"),
        ("7个专业具体是哪几个？", "共有7个专业列入序列。", "7个专业包括汽车、电子商务。"),
        ("和武汉相比，郑州的专业多吗？", "郑州共有163个专业。", "和武汉相比，郑州的专业更多。"),
        ("企业有没有税收减免？", "企业参与的动力不足。", "参与的企业有税收减免。"),
        ("有多少所学校没有通过验收？", "41所学校通过验收。", "有3所学校未通过验收。"),
        ("这个项目投入了多少资金？", "项目建设了18家基地。", "项目投入资金2000万元。"),
        ("合作是哪一年开始的？", "学校与宇通公司合作。", "学校与宇通公司2019年开始合作。"),
        ("带队考察的领导叫什么名字？", "由市政府领导带队考察。", "由张明副市长带队考察。"),
        ("教育局局长叫什么名字？", "教育局落实王明书记的指示。", "教育局由张明局长主持工作。"),
        ("学校组建了几所职业大学？", "学校组建了职业大学。", "学校组建了郑州职业技术大学、郑州嵩山职业大学。"),
        ("哪个专业的学生最多？", "共有7个专业列入序列。", "汽车专业的学生最多。"),
        ("学院是与哪些企业共建产业学院的？", "学院与企业共建产业学院。", "学院与宇通公司等企业共建产业学院。"),
        ("哪个品种不需要冬眠？", "有的品种不需要冬眠。", "“Beerwah”这个品种不需要冬眠。"),
        ("签约的研究院有几家？", "研究院已经签约。", "六所大学的研究院已经签约。"),
        ("郑州有多少所技工院校？", "技工院校与1000多家企业合作。", "郑州有技工院校20所。"),
        ("这座塔有多高？", "这座塔是一种古建筑。", "这座塔高55米。"),
        ("研究院的校址在哪里？", "研究院落实关于郑州市的意见。", "研究院位于郑州市高新区。"),
        ("这所大学是哪一年升格的？", "大学被列入《2035年远景目标方案》。", "大学于2021年升格。"),
        ("这次收购花了多少钱？", "公司完成了这次收购。", "公司斥资77亿美元完成这次收购。"),
        ("学校男女生比例是多少？", "学校男女生都很多。", "学校男女生比例约为1：7。"),
        ("首集收视率是多少？", "首集播出后反响热烈。", "首集收视率为7.07。"),
        ("那场战乱是什么时候平息的？", "那场战乱非常激烈。", "那场战乱在承光元年平息。"),
        ("乡里组织是什么时候瓦解的？", "乡里组织管理户籍。", "乡里组织在唐末瓦解。"),
        ("他继位时多大？", "他继位时很受拥戴。", "他继位时年仅两岁。"),
        ("学校的占地面积多大？", "学校开设了163个专业。", "学校占地面积约180亩。"),
        ("这座楼有多高？", "这座楼里有20个教室。", "这座楼高55米。"),
        ("条约的有效期是多长时间？", "条约有3个条款。", "条约的有效期为二十年。"),
        ("这个职位的级别有多高？", "这个职位很重要。", "这个职位被定为21级。"),
        ("这个计划有多重？", "这个计划列入《2035年远景目标方案》。", "这个计划的文本重2公斤。"),
        ("男子和女子的平均身高分别是多少？", "男子和女子的平均身高不同。", "男子平均身高175厘米，女子163厘米。"),
        ("是哪位生物学家建立了这个名称？", "这个名称由生物学家正式建立。", "这个名称由美国生物学家汤玛斯正式建立。"),
    ],
)
def test_a_sentence_must_hold_the_kind_of_answer_asked_for(question: str, silent: str, answering: str) -> None:
    assert _mismatch(question, silent), f"{silent!r} should not answer {question!r}"
    assert _mismatch(question, answering) == "", f"{answering!r} should answer {question!r}"


def test_naming_questions_are_not_reason_questions() -> None:
    assert _mismatch("这种鱼又被称为什么？", "这种鱼又名龙尖。") == ""
    assert _mismatch("医院后来更名为什么？", "医院更名为华西医院。") == ""
    assert _mismatch("这种草在四川被称之为什么？", "这种草在四川称作白蒿。") == ""


def test_a_follow_up_is_judged_by_its_own_words() -> None:
    # The earlier question was a yes/no question; the follow-up asks for a list.
    query = analyse("去了哪些城市 有没有组织去经济发达地区学习？", CORPUS, focus="去了哪些城市")
    assert type_mismatch(query, "考察组赴南京、武汉、广州三地。", CORPUS, context=0.5) == ""


def test_words_the_documents_never_use_are_not_demanded_of_the_sentence() -> None:
    # 技校 and 设置 are the asker's words (a paraphrase); the sentence holds every known term and the number.
    assert _mismatch("全市技校设置了多少个专业？", "全市技工院校开设专业130多个。") == ""


def test_the_letters_own_assessment_needs_no_word_of_opinion() -> None:
    assert _mismatch("答复里怎么评价企业的参与？", "企业参与的动力不足。") == ""
    assert _mismatch("宇通公司怎么评价企业的参与？", "企业参与的动力不足。") != ""


def test_an_exclusion_question_needs_an_item_it_did_not_name() -> None:
    asked = "除了汽车和电子商务，还有哪些行业？"
    assert _mismatch(asked, "成立汽车、电子商务等10个行业委员会。") != ""
    assert _mismatch(asked, "成立汽车、电子商务、物流等10个行业委员会。") == ""
    other_list = "成立汽车、电子商务等10个行业委员会，形成“规划、布局”的体系。"
    assert _mismatch(asked, other_list) != "", "another list in the sentence is about something else"


def test_subject_must_be_in_the_sentence_for_a_number() -> None:
    # `41所` is a number of schools, but the sentence is not about technical colleges.
    assert _mismatch("郑州市共有多少所技工院校？", "全市共有41所中职学校通过验收。") != ""
    assert _mismatch("郑州市共有多少所技工院校？", "郑州市共有12所技工院校。") == ""


def test_counted_numbers_are_written_as_the_documents_write_them() -> None:
    corpus = LexicalIndex(["共建5个产业学院。", "六所大学签定协议。"])
    assert rewrite("哪所学校共建了五个产业学院？", corpus) == "哪所学校共建了5个产业学院？"
    assert rewrite("签约的有6所吗？", corpus) == "签约的有六所吗？"
    assert rewrite("有十二个专业吗？", corpus) == "有十二个专业吗？", "a number the documents lack stays as asked"


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("洛阳市有多少所中职学校？", ["洛阳市"]),
        ("开封市和郑州市哪个专业多？", ["开封市"]),
        ("郑州市有多少所中职学校？", []),
        ("全市有多少家市级实训基地？", []),
        ("前一年市里下发的文件叫什么？", []),
        ("哪些城市去考察了？", []),
        ("市属高校有几所？", []),
        ("房地产市场对专业设置有影响吗？", []),
        ("其他兄弟省份怎么做的？", []),
    ],
)
def test_places_the_documents_never_mention_are_named(question: str, places: list[str]) -> None:
    corpus = LexicalIndex(["郑州市共有41所中职学校。", "全市建设18家市级实训基地。"])
    assert unknown_places(question, corpus) == places


def test_places_and_measures_are_read_in_simplified_characters_on_traditional_documents() -> None:
    corpus = LexicalIndex(["鄭州市共有41所中職學校。", "全市開設專業130多個。"])
    assert unknown_places("洛陽市有多少所中職學校？", corpus) == ["洛陽市"]
    assert unknown_places("這個市有多少所中職學校？", corpus) == [], "這個 is an ordinary word, as 这个 is"
    assert asks_unknown_measure("錄取分數線是多少？", corpus)
    assert not asks_unknown_measure("專業總數是多少？", corpus)


def test_the_value_of_something_the_documents_never_name_cannot_be_given() -> None:
    corpus = LexicalIndex(["市级重点建设专业30个。", "全市技工院校开设专业130多个。"])
    assert asks_unknown_measure("普通高中的录取分数线是多少？", corpus)
    assert asks_unknown_measure("学费是多少？", corpus)
    assert not asks_unknown_measure("市级重点建设专业是多少个？", corpus)
    assert not asks_unknown_measure("技工院校开设了多少个专业？", corpus), "only `…是多少` names the measured thing"
    assert not asks_unknown_measure("技工院校的专业总数是多少？", corpus), "a generic measure of a known thing"
    assert not asks_unknown_measure("重点建设专业的数量是多少？", corpus)


def test_a_question_is_written_in_the_documents_script() -> None:
    simplified = LexicalIndex(["郑州市共有41所中职学校通过验收。"])
    traditional = LexicalIndex(["鄭州市共有41所中職學校通過驗收。"])
    assert in_documents_script("鄭州市有多少所中職學校？", simplified) == "郑州市有多少所中职学校？"
    assert in_documents_script("郑州市有多少所中职学校？", traditional) == "鄭州市有多少所中職學校？"
    assert in_documents_script("郑州市有多少所中职学校？", simplified) == "郑州市有多少所中职学校？"
    assert in_documents_script("How many schools?", simplified) == "How many schools?"


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("什么是棱柱？", "棱柱"),
        ("什么是“乡里制”？", "乡里制"),
        ("冠夫姓是什么？", "冠夫姓"),
        ("MIT OpenCourseWare指什么？", "MIT OpenCourseWare"),
        ("“乡里制”的特点是什么？", ""),  # a property, not a definition
        ("郑州有多少所中职学校？", ""),
    ],
)
def test_definition_questions_name_the_term_to_define(question: str, term: str) -> None:
    assert defined_term(question) == term


def test_why_is_not_what() -> None:
    """`为什么X` asks for a reason, not for a kind of X: X is no head noun the answer must name."""
    assert analyse("为什么宇通公司和学校合作？", CORPUS).head == ""
    assert analyse("学校和什么样的公司有合作？", CORPUS).head == "公司"


def test_question_words_are_never_named_as_missing_from_the_documents() -> None:
    from qa.answering import missing_terms

    for question in ("宇通公司何时成立？", "宇通公司在哪儿？", "宇通公司何处可以参观？", "宇通公司是哪类企业？"):
        named = missing_terms(question, CORPUS)
        assert not any(word in term for term in named for word in ("何时", "哪儿", "何处", "哪类")), named
