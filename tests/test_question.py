"""Question analysis and answer kinds: what kind of answer a question asks for, and whether a sentence holds it."""

from __future__ import annotations

import pytest

from qa.answering.answer import missing_terms
from qa.answering.kinds import asked_kinds, kind_signals
from qa.answering.query import analyse, defined_term, in_documents_script, rewrite
from qa.lexical import LexicalIndex

CORPUS = LexicalIndex(
    ["学校与宇通公司合作。", "共有7个专业列入序列。", "考察组赴南京、武汉、广州三地。", "全市技工院校开设专业130多个。"]
)


def _misses(question: str, sentence: str) -> bool:
    """Whether the sentence fails to hold some kind of answer the question asks for."""
    return -1.0 in kind_signals(analyse(question, CORPUS).kinds, sentence)


@pytest.mark.parametrize(
    ("question", "silent", "answering"),
    [
        ("学校为什么选择和宇通公司合作？", "学校与宇通公司合作。", "由于宇通公司离学校近，学校与宇通公司合作。"),
        ("宇通学院位于哪里？", "宇通学院培养技能人才。", "宇通学院位于郑州市高新区。"),
        ("带队考察的领导是哪一位？", "由市政府领导带队考察。", "由张明副市长带队考察。"),
        ("宇通公司怎么评价这个模式？", "学校与宇通公司建立了这个模式。", "宇通公司认为这个模式效果很好。"),
        ("企业加入委员会需要什么申请流程？", "成立了10个委员会。", "企业提交申请后由委员会审核。"),
        ("7个专业具体是哪几个？", "共有7个专业列入序列。", "7个专业包括汽车、电子商务。"),
        ("有多少所学校没有通过验收？", "41所学校通过验收。", "有3所学校未通过验收。"),
        ("这个项目投入了多少资金？", "项目建设了18家基地。", "项目投入资金2000万元。"),
        ("合作是哪一年开始的？", "学校与宇通公司合作。", "学校与宇通公司2019年开始合作。"),
        ("带队考察的领导叫什么名字？", "由市政府领导带队考察。", "由张明副市长带队考察。"),
        ("哪个专业的学生最多？", "共有7个专业列入序列。", "汽车专业的学生最多。"),
        ("签约的研究院有几家？", "研究院已经签约。", "六所大学的研究院已经签约。"),
        ("这座塔有多高？", "这座塔是一种古建筑。", "这座塔高55米。"),
        ("研究院的校址在哪里？", "研究院落实关于郑州市的意见。", "研究院位于郑州市高新区。"),
        # going somewhere (`赴…`) and places listed and counted (`…、上海、深圳等地`) give where
        ("考察组去了哪里？", "考察组组成后进行了实地考察。", "考察组赴南京、武汉、广州三地进行了实地考察。"),
        ("代表团去了哪里？", "代表团进行了交流。", "代表团前往北京、上海、深圳等地交流。"),
        ("这次收购花了多少钱？", "公司完成了这次收购。", "公司斥资77亿美元完成这次收购。"),
        ("学校男女生比例是多少？", "学校男女生都很多。", "学校男女生比例约为1：7。"),
        ("首集收视率是多少？", "首集播出后反响热烈。", "首集收视率为7.07。"),
        ("那场战乱是什么时候平息的？", "那场战乱非常激烈。", "那场战乱在承光元年平息。"),
        ("乡里组织是什么时候瓦解的？", "乡里组织管理户籍。", "乡里组织在唐末瓦解。"),
        ("他继位时多大？", "他继位时很受拥戴。", "他继位时年仅两岁。"),
        ("学校的占地面积多大？", "学校开设了163个专业。", "学校占地面积约180亩。"),
        ("条约的有效期是多长时间？", "条约有3个条款。", "条约的有效期为二十年。"),
        ("这个职位的级别有多高？", "这个职位很重要。", "这个职位被定为21级。"),
        ("这个计划有多重？", "这个计划列入《2035年远景目标方案》。", "这个计划的文本重2公斤。"),
        # a year or a number in a title or a quoted name is part of the name, none the sentence gives
        ("第一届本科生哪年入学？", "学校列入《2035年远景目标方案》。", "学校于2025年招收第一届本科生。"),
        ("第一届本科生哪年入学？", "学校列入“河南省2035年高校设置规划方案”。", "学校“本科”招生始于2025年。"),
        ("规划里有几所大学？", "规划名为《十四五规划和2035年远景目标》。", "规划列入3所大学。"),
    ],
)
def test_a_sentence_must_hold_the_kind_of_answer_asked_for(question: str, silent: str, answering: str) -> None:
    assert _misses(question, silent), f"{silent!r} does not answer {question!r}"
    assert not _misses(question, answering), f"{answering!r} answers {question!r}"


def test_a_kind_no_number_shows_is_read_inside_quotes_too() -> None:
    assert "list" in asked_kinds("宇通学院的培养模式包括哪些环节？")
    assert not _misses("宇通学院的培养模式包括哪些环节？", "形成“招生即招工、上课即上岗、毕业即就业”的模式。")
    assert _misses("宇通学院的培养模式包括哪些环节？", "形成“招生即招工”的模式。")


def test_naming_questions_are_not_reason_questions() -> None:
    for question in ("这种鱼又被称为什么？", "医院后来更名为什么？", "这种草在四川被称之为什么？"):
        assert "reason" not in asked_kinds(question)
    assert "reason" in asked_kinds("学校为什么选择和宇通公司合作？")


def test_a_follow_up_is_judged_by_its_own_words() -> None:
    # The earlier question was a yes/no question; the follow-up asks for a list.
    query = analyse("去了哪些城市 有没有组织去经济发达地区学习？", CORPUS, focus="去了哪些城市")
    assert "list" in query.kinds
    assert not _misses("去了哪些城市", "考察组赴南京、武汉、广州三地。")


def test_words_no_document_uses_are_measured_as_missing() -> None:
    assert analyse("全市技工院校开设了多少个专业？", CORPUS).missing == 0.0
    assert analyse("洛阳市技工院校开设了多少个专业？", CORPUS).missing > 0.0, "洛阳 is in no document"


def test_counted_numbers_are_written_as_the_documents_write_them() -> None:
    corpus = LexicalIndex(["共建5个产业学院。", "六所大学签定协议。"])
    assert rewrite("哪所学校共建了五个产业学院？", corpus) == "哪所学校共建了5个产业学院？"
    assert rewrite("签约的6所是哪几所？", corpus) == "签约的六所是哪几所？"
    assert rewrite("那十二个专业是什么？", corpus) == "那十二个专业是什么？", (
        "a number the documents lack stays as asked"
    )
    # a question checking a number it names asks for the number (`query.as_asked`)
    assert rewrite("签约的有6所吗？", corpus) == "签约的有多少所？"
    years = LexicalIndex(["截至2015年，该院有教师836人。"])
    assert rewrite("截至2024年，该院有多少名教师？", years) == "截至2024年，该院有多少名教师？", (
        "a year past 99 stays whole"
    )
    assert rewrite("这120名教师都教什么？", years) == "这120名教师都教什么？"


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
    for question in ("宇通公司何时成立？", "宇通公司在哪儿？", "宇通公司何处可以参观？", "宇通公司是哪类企业？"):
        named = missing_terms(question, CORPUS)
        assert not any(word in term for term in named for word in ("何时", "哪儿", "何处", "哪类")), named


def test_who_and_which_are_never_named_as_missing_in_either_script() -> None:
    """`由谁`, `哪一地区`, `甚麼`: a question word joined to the word beside it is no term a refusal names (DRCD writes
    哪一 in half its questions)."""
    for question, word in (
        ("该公司是由谁创办的？", "谁"),
        ("学校开创了哪一地区的研究？", "哪"),
        ("學校開創了哪一地區的研究？", "哪"),
        ("宇通公司為誰生產客車？", "誰"),
        ("宇通公司生產甚麼？", "甚"),
        ("宇通公司為什麼在鄭州？", "麼"),
    ):
        named = missing_terms(question, CORPUS)
        assert not any(word in term for term in named), (question, named)
    assert missing_terms("该公司是由谁创办的？", CORPUS) == ["创办"], "the words around it are still named"


def test_localizers_a_colloquial_what_and_a_bare_还有_are_never_named_as_missing() -> None:
    """`之外`, `内`, `后`, `啥` and `还有` name nothing: a refusal naming `块还有` or `啥短板` reads as garbage."""
    for question in ("宇通公司之外，还有哪个企业？", "宇通公司这块还有啥短板？", "剑桥郡内的宇通公司在哪里？"):
        named = missing_terms(question, CORPUS)
        assert not any(word in term for term in named for word in ("之外", "还有", "啥", "内")), (question, named)
    assert "短板" in missing_terms("宇通公司这块还有啥短板？", CORPUS), "the noun beside them is still named"


def test_a_locative_or_measure_word_is_trimmed_from_a_named_term_only_when_it_is_a_word_of_its_own() -> None:
    """`预算里` names `预算`, but the 中 of `中专` is part of the word: `中专现在` is not named `专现在`."""
    named = missing_terms("宇通公司的中专现在开了什么？", CORPUS)
    assert named and all(not term.startswith("专") for term in named), named
    assert missing_terms("宇通公司预算里有多少钱？", CORPUS) == ["预算"]
    assert missing_terms("宇通公司每个车间有多少人？", CORPUS) == ["车间"], "`每个` goes whole"


def test_how_a_chat_moves_on_and_an_idiom_asking_who_are_never_named_as_missing() -> None:
    for question in ("顺便问下，宇通公司有多少员工？", "换个话题：宇通公司有多少员工？"):
        named = missing_terms(question, CORPUS)
        assert not any(word in term for term in named for word in ("顺便", "话题")), named
    named = missing_terms("宇通公司的课程答复说由谁来确定？", CORPUS)
    assert not any("谁" in term for term in named), named


def test_jieba_s_dictionary_is_read_before_its_first_cut() -> None:
    import subprocess
    import sys

    code = "from qa.answering.names import dictionary_frequency as f; print(f('预算'))"
    counted = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(counted) > 0, "an empty cut never loads the dictionary: every word counted 0 in a fresh process"


def test_the_names_a_question_asks_about_are_found_and_checked_against_the_documents() -> None:
    asked = analyse("洛阳市有多少所学校与华为公司合作？", CORPUS)
    assert set(asked.names) == {"洛阳市", "华为公司"}
    assert asked.names_missing == 1.0, "neither name is in any document"
    held = analyse("学校与宇通公司合作建了什么学院？", CORPUS)
    assert held.names == ("宇通公司",) and held.names_missing == 0.0
    assert analyse("这座城市有多少学校？", CORPUS).names == (), "城市 is a common word jieba tags as a place"


def test_the_years_and_numbers_a_question_names_are_found_in_every_form_a_text_may_write_them() -> None:
    asked = analyse("2023年郑州市有12个专业和94米跑道吗？", CORPUS)
    assert asked.details == (("2023",), ("12个", "十二个"), ("94米", "九十四米"))
    assert analyse("第二十张专辑是什么？", CORPUS).details == (("二十张", "20张"),)
    assert analyse("一个城市有3.5万名学生吗？", CORPUS).details == (("3.5万名",),), "a lone 一 counts nothing"
    assert analyse("郑州市有多少所中职学校？", CORPUS).details == ()
    assert analyse("哪1个是2023年制定的？", CORPUS).details == (("2023",),), "rewrite writes 哪一个 as 哪1个"


def test_a_follow_up_asks_for_the_details_it_names_itself_not_the_earlier_question_s() -> None:
    merged = "它统筹实施了哪些重点任务 其中哪一个是2023年市政府制定的？"
    assert analyse(merged, CORPUS, focus="它统筹实施了哪些重点任务").details == ()
    assert analyse("2019年呢 " + merged, CORPUS, focus="2019年呢").details == (("2019",),)


def test_a_detail_no_document_holds_in_any_form_is_missing() -> None:
    letter = LexicalIndex(["2024年全市中等职业学校共开设163个专业。", "郑州市共有41所中职学校通过验收。"])
    assert analyse("2024年开设了多少个专业？", letter).details_missing == 0.0
    asked = analyse("2019年有41所中职学校吗？", letter)
    assert asked.details_missing == 0.5 and asked.details_absent == ("2019年",), "2019 is nowhere, 41所 is"
    assert analyse("有94米吗？", letter).details_absent == ("94米",)
    assert analyse("有四十一所中职学校通过验收吗？", letter).details_missing == 0.0, "the letter writes 41所"
    # a round figure with 多/余 is a detail too, in that form: the letter's 130多个 is no 200多个
    letter = LexicalIndex(["全市技工院校开设专业130多个。"])
    assert analyse("哪类学校开设的专业有200多个？", letter).details_absent == ("200多个",)
    assert analyse("技工院校开设专业130多个吗？", letter).details == (("130多个",),)
    assert analyse("有十多个专业吗？", letter).details == (("十多个", "10多个"),)
    # a five-year plan's period names a time as a year does (`十五五` of a letter naming only `十四五`)
    letter = LexicalIndex(["在《河南省高等学校设置“十四五”规划》中被列入。"])
    assert analyse("“十五五”规划列入了哪些学校？", letter).details_absent == ("十五五",)
    assert analyse("“十四五”规划列入了哪些学校？", letter).details == (("十四五",),)
    assert analyse("十五所学校有哪些？", letter).details == (("十五所", "15所"),), "a count, not a period"


def test_the_noun_a_question_asks_for_is_found_and_checked_against_the_documents() -> None:
    letter = LexicalIndex(["郑州市共有41所中职学校通过验收。", "学校有教职工112人。"])
    counted = analyse("郑州市有多少所技工院校通过了验收？", letter)
    assert counted.attribute == "技工院校" and not counted.attribute_known
    held = analyse("学校有多少名教职工？", letter)
    assert held.attribute == "教职工" and held.attribute_known
    assert analyse("学校的校长是谁？", letter).attribute == "校长", "the head before 是谁"
    assert analyse("学校的校長是誰？", letter).attribute == "校長", "said in the question's own script"
    assert analyse("下一步有什么打算？", letter).attribute == "", "no noun is asked for"


def test_a_traditional_question_keeps_its_own_script_for_the_names_it_asks_about() -> None:
    assert analyse("洛陽市有多少名教師？", CORPUS).names == ("洛陽市",)


def test_a_title_is_absent_only_when_no_document_holds_it_verbatim() -> None:
    corpus = LexicalIndex(["《real world》是EXILE的单曲。", "市政府印发《职业学校校企合作促进办法》。"])
    assert analyse("《real world》什么时候发行的？", corpus).titles_absent == (), (
        "Latin words are no bigrams: read verbatim"
    )
    assert analyse("《职业学校校企合作促进办法》是谁印发的？", corpus).titles_absent == ()
    quoted = LexicalIndex(["列入《河南省高等学校设置“十四五”规划》。"])
    assert analyse('《河南省高等学校设置"十四五"规划》列入了哪些学校？', quoted).titles_absent == (), (
        "quotes typed otherwise"
    )
    absent = analyse("《产教融合型企业认定管理办法》是谁印发的？", corpus).titles_absent
    assert absent == ("产教融合型企业认定管理办法",)


def test_a_refusal_names_words_not_pieces_of_them_nor_words_naming_nothing() -> None:
    corpus = LexicalIndex(["中等职业学校标准化达标工程。", "专业结构调整,人才培养针对性不断提高。"])
    named = missing_terms("中专搞标准化达标工程是为了什么？", corpus)
    assert "中专" in named and "专搞" not in named, "中 is part of 中专, not a locative; 搞 is a verb at the end"
    assert missing_terms("随着专业结构调整，人才培养在哪两类岗位上不断提高？", corpus) == ["岗位"], "随着 names nothing"
    # … nor `方面`, which says how much is asked (`scope.SCOPE_WORDS`), not about what
    assert missing_terms("随着专业结构调整，人才培养在哪两方面不断提高？", corpus) == []
    # `这次` is a demonstrative: the run of unknown bigrams `这次回应` named `次回应`
    letter = LexicalIndex(["市教育局答复委员的提案。"])
    assert missing_terms("教育局这次回应的是哪位委员？", letter) == ["回应"]
    assert missing_terms("教育局那次回应的是哪份提案？", letter) == ["回应"]
    # `各` names nothing: it named `全称各`
    assert missing_terms("这几所学校的校训各是什么？", LexicalIndex(["几所学校是什么。"])) == ["校训"]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("那份实施意见的全称是什么？", []),  # the sentence gives the name, without the word
        ("旅游职院以什么方式和企业合作？", []),
        ("升本工作的进展如何？", []),
        ("旅游职院经费预算的原因是什么？", ["预算"]),  # the noun beside them is still named
        # … nor a word saying what the asker relates it to (`沾边`), which jieba also tags a name
        ("跟升本工作沾边的职院有哪些？", []),
        # … nor the asker's modal of what is meant to be done (`准备组建`): the sentence says the doing
        ("旅游职院准备和哪些企业合作？", []),
    ],
)
def test_a_noun_saying_what_kind_of_answer_is_asked_is_not_named_missing(question: str, named: list[str]) -> None:
    corpus = LexicalIndex(
        ["《关于郑州市深化现代职业教育专业结构调整优化的实施意见》。", "旅游职院与企业合作,推进升本工作。经费"]
    )
    assert missing_terms(question, corpus) == named
    assert "沾边" not in analyse(question, corpus).names
    # … unless a document holds it: then it is a word to find the answer by
    assert "形式" in analyse("以什么形式合作？", LexicalIndex(["以多种形式合作。"])).terms


def test_a_document_mentioned_as_the_asker_says_it_is_filler_and_no_name() -> None:
    corpus = LexicalIndex(["行业校企合作指导委员会10个,如汽车、电子商务。"])
    assert missing_terms("整封回复里一共有几个委员会？", corpus) == []  # named `整封回复`
    assert analyse("信里拿哪几个行业举例？", corpus).names == ()  # jieba tags `信里拿` a place
    assert "方案" in analyse("实施方案是哪年出台的？", LexicalIndex(["实施方案。"])).terms, (
        "a document named is a topic"
    )


def test_what_the_documents_say_just_before_a_string_is_read_from_where_it_occurs() -> None:
    corpus = LexicalIndex(
        ["郑州财税金融职业学院共建5个产业学院。", "A职业学院与郑州旅游职业学院合作。", "郑州旅游职业学院开设订单班。"]
    )
    assert corpus.said_before("职业学院", 4) == ["财税金融职业学院", "职业学院", "郑州旅游职业学院"], (
        "up to four Chinese characters, in order of first occurrence, each once"
    )
    assert corpus.said_before("产业学院", 2) == ["个产业学院"], "a digit is no Chinese character"
    assert corpus.said_before("职业学院", 4, most=1) == ["财税金融职业学院"]
    assert corpus.said_before("高等学校", 4) == []
