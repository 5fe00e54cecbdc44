"""Checks of a candidate answer against what the question asks for: a share, names asked one by one, a month in
another year, a kind of school that names no school, a body jieba cuts short, a quoted word; and follow-ups that
open by swapping a part in, set a thing against the earlier one, or ask only for names."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answering.answer import missing_terms
from qa.answering.followup import is_elliptical, resolve
from qa.answering.kinds import rate_unheld, without_school_kinds, year_contradicted
from qa.answering.names import government_bodies, question_names
from qa.answering.query import listed_kind
from qa.answering.scope import question_scope


@pytest.mark.parametrize(
    ("question", "sentence", "unheld"),
    [
        ("郑州职业院校里双师型教师占多大比例", "全市技工院校与宇通等知名企业共建立校企合作关系1000多家", "比例"),
        ("河南中职生参加职教高考，本科录取率大概多少", "目前我们正在协调各方积极推进升本工作", "录取率"),
        ("女生占百分之几", "学校共有学生1200人", "百分之几"),
        # a share given in any of its forms answers it
        ("女生占多大比例", "女生占全校学生的三分之一", ""),
        ("就业率是多少", "毕业生就业率达98%", ""),
        ("就业率是多少", "毕业生就业率为九成", ""),
        ("男女比例是多少", "男女生比例约为1:2", ""),
        # no share asked
        ("一共有多少所中职学校", "郑州市共有41所中职学校通过验收", ""),
        ("纳哈出率领多少蒙古军驻扎在金山", "纳哈出将军统领20万蒙古军", ""),  # 率领 leads, it is no rate
        ("球队历史上的胜率新纪录是多少胜", "取得61胜21负的最好成绩", ""),  # 多少胜 asks a count of wins
    ],
)
def test_a_share_asked_of_a_sentence_giving_none_is_unheld(question: str, sentence: str, unheld: str) -> None:
    assert rate_unheld(question, sentence) == unheld


def test_a_share_the_letter_never_gives_is_refused_naming_it(bot: QA) -> None:
    answer = bot.ask("郑州职业院校里双师型教师占多大比例")
    assert answer.abstained and "比例" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("财税金融职业学院所共建的5个产业学院，名字各是什么", "产业学院"),
        ("六所大学的郑州研究院名称分别叫什么", "郑州研究院"),
        ("它们分别是什么", ""),
    ],
)
def test_names_asked_one_by_one_list_the_things_counted_before(question: str, listed: str) -> None:
    assert listed_kind(question)[0] == listed


def test_names_asked_one_by_one_of_a_sentence_only_counting_them_are_refused(bot: QA) -> None:
    answer = bot.ask("财税金融职院所共建的五个产业学院，名字各是什么")
    assert answer.abstained and "只给出了数量" in answer.text, answer.text


def test_a_month_dated_with_de_in_another_year_than_the_sentence_s_is_contradicted() -> None:
    sentence = "2024年8月,由市政府领导带队,组成考察组,赴南京、武汉、广州三地进行了实地考察"
    assert year_contradicted(("2023",), "2023年的8月，考察组去了哪些城市", sentence) == ("2023年", "2024年")
    assert year_contradicted(("2024",), "2024年的8月，考察组去了哪些城市", sentence) == ("", "")


def test_a_kind_of_school_names_no_school() -> None:
    assert "学校" not in without_school_kinds("通过示范引领,不断提升中等职业学校办学水平")
    assert "职业院校" not in without_school_kinds("推动职业院校与企业合作")
    assert "郑州市国防科技学校" in without_school_kinds("郑州市国防科技学校与宇通公司合作")


def test_which_schools_asked_of_a_sentence_naming_only_a_kind_of_school_is_refused(bot: QA) -> None:
    answer = bot.ask("它们都设在哪些学校?", history=["省一级的技能工作室，郑州建成几个"])
    assert answer.abstained and "学校" in answer.text, answer.text


def test_a_body_jieba_cuts_short_is_named_whole() -> None:
    assert [name for *_, name, _ in government_bodies("河南省人社厅验收通过的学校")] == ["人社厅"]
    assert question_names("河南省人社厅验收通过的郑州中职学校有几所")[0] == "河南省人社厅"
    assert government_bodies("学生社团有几个") == []
    assert government_bodies("调整职校学科布局的文件") == []  # 布局 is a word, no body


def test_a_body_no_document_names_is_refused_naming_it(bot: QA) -> None:
    answer = bot.ask("河南省人社廳驗收通過的鄭州中職學校有幾所")
    assert answer.abstained and "人社" in answer.text, answer.text


def test_a_quoted_word_moves_the_answer_to_a_close_sentence_saying_it(bot: QA) -> None:
    answer = bot.ask("为营造崇尚技能的氛围，郑州年年都办的两个“周”是啥？")
    assert not answer.abstained and "职业教育活动周" in answer.text, answer.text


def test_a_question_opening_by_swapping_a_part_in_leans_back() -> None:
    assert is_elliptical("换作技工院校，过关的有几所")
    assert is_elliptical("要是换成高职院校，开设的专业有多少个？")
    assert not is_elliptical("技工院校通过验收的有几所")
    resolved = resolve("换作技工院校，过关的有几所", ["哪个部门给中职学校做标准化验收、过了的有几所"])
    assert "标准化" in resolved.text, resolved


def test_a_kind_of_school_swapped_in_by_its_opening_is_refused_when_the_letter_never_counts_it(bot: QA) -> None:
    answer = bot.ask("换作技工院校，过关的有几所", history=["哪个部门给中职学校做标准化验收、过了的有几所"])
    assert answer.abstained and "技工院校" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        ("通篇点到名的企业品牌有哪些？统统列出来", "gather"),
        ("帮我把这份答复提炼成几条要点，按它自己的大标题来", "outline"),
    ],
)
def test_how_a_list_or_the_outline_is_asked_for_does_not_hide_it(question: str, scope: str) -> None:
    assert question_scope(question) == scope


@pytest.mark.parametrize(
    ("question", "unheld"),
    [
        ("有好几所学校开了新兴专业，举到的例子全部说一下", ()),
        ("信里列了一长串数字，其中进了省级高水平专业建设序列的是几个专业？", ()),
        ("通篇点到名的企业有哪些？统统列出来", ()),
        ("市里组团外出考察是几月份的事？", ()),
        # a word of the topic no document holds is still named
        ("举到的例子里有没有游泳馆", ("游泳馆",)),
    ],
)
def test_words_saying_how_the_letter_names_things_or_how_many_are_not_missing(
    bot: QA, question: str, unheld: tuple[str, ...]
) -> None:
    assert tuple(missing_terms(question, bot.lexical)) == unheld


@pytest.mark.parametrize(
    ("question", "earlier"),
    [
        ("河大那边对应的又是哪一个？", "郑大有几个学科被列为一流建设学科重点支持？分别是啥"),
        ("技校那边能选的有多少？", "郑州中职2024年开出来的专业有几个？"),
    ],
)
def test_a_thing_set_against_the_earlier_question_s_leans_back(question: str, earlier: str) -> None:
    assert is_elliptical(question, earlier=earlier)
    assert resolve(question, [earlier]).previous == earlier


def test_that_side_in_a_long_question_sets_nothing_against_the_earlier_one() -> None:
    assert not is_elliptical("郑州这边进国家级双高建设的高职是哪几所", earlier="最近有什么好看的电影")


def test_a_thing_set_against_the_earlier_question_s_is_answered_of_it(bot: QA) -> None:
    answer = bot.ask("技校那边能选的有多少？", history=["郑州中职2024年开出来的专业有几个？"])
    assert not answer.abstained and "130多个" in answer.text, answer.text


def test_a_follow_up_asking_only_for_names_is_as_sure_as_the_earlier_answer(bot: QA) -> None:
    earlier = "郑州有几所学校被列进省2035年高校设置规划、准备组建职业本科？"
    first = bot.ask(earlier)
    assert not first.abstained, first.text
    answer = bot.ask("都叫啥名字", history=[earlier])
    assert not answer.abstained and "郑州嵩山职业大学" in answer.text, answer.text
    assert answer.confidence is not None and first.confidence is not None
    assert answer.confidence >= first.confidence


@pytest.mark.parametrize(
    ("question", "earlier", "key"),
    [
        ("目的地是哪几座城", "市里组织外出学习考察是哪年哪个月去的？", "广州"),
        ("领队是什么身份？", "2024年8月那趟外出考察，都有哪些部门的人？", "市政府领导"),
    ],
)
def test_a_follow_up_opening_with_a_noun_whose_owner_it_leaves_unsaid_leans_back(
    bot: QA, question: str, earlier: str, key: str
) -> None:
    assert is_elliptical(question, earlier=earlier)
    answer = bot.ask(question, history=[earlier])
    assert not answer.abstained and key in answer.text, answer.text
    # with its owner said, the same words stand alone
    assert not is_elliptical("考察组的目的地是哪几座城", earlier=earlier)


@pytest.mark.parametrize(
    ("question", "earlier"),
    [
        ("它们是什么时候签的协议？", "在郑州设研究院的是哪六所大学？"),  # a date the sentence does not give
        ("它们分别叫什么名字?", "郑州财税金融职业学院共建的产业学院数量是多少?"),  # names it does not list
        ("它们各自有多少家企业参与？", "哪几个园区的产教联合体被评上了省级建设单位？"),  # a count it does not give
    ],
)
def test_a_follow_up_asking_what_the_earlier_sentence_does_not_give_is_not_made_surer(
    bot: QA, question: str, earlier: str
) -> None:
    answer = bot.ask(question, history=[earlier])
    assert answer.abstained, answer.text


def test_a_swap_frame_before_a_name_not_of_a_closed_class_may_be_read_alone(bot: QA) -> None:
    earlier = "郑州财税金融职业学院在校企合作上有什么动作？"
    resolved = resolve("换到旅游职业学院，又是怎么个合作法？", [earlier])
    assert "财税旅游" not in resolved.text, resolved  # no name put in by its last characters
    answer = bot.ask("换到旅游职业学院，又是怎么个合作法？", history=[earlier])
    assert not answer.abstained and "订单班" in answer.text, answer.text


def test_a_level_after_a_swap_frame_is_what_the_answer_must_say_not_its_head_said_short(bot: QA) -> None:
    earlier = "想了解一下郑州市级技能工作室现在建成多少个"
    assert resolve("要是换成省级工作室，数目是多少", [earlier]).swapped_in == "省级"
    answer = bot.ask("要是换成省级工作室，数目是多少", history=[earlier])
    assert not answer.abstained and "9个" in answer.text, answer.text
