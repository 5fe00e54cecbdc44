"""Broad questions: outlines, summaries, sections, gatherings and several asks, each item an exact citation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa import QA, Answer
from qa.answering.followup import is_elliptical, resolve
from qa.answering.query import analyse
from qa.answering.scope import asks, gather_modifier, question_scope, set_aside_marks
from qa.script import TO_TRADITIONAL, converter
from qa.settings import BUNDLED_LETTER

REPO = Path(__file__).resolve().parent.parent


def _exact(bot: QA, answer: Answer) -> None:
    """Every citation is the document's text at its offsets, and every `[n]` marker names one of them."""
    for c in answer.citations:
        assert c.text == bot.document_text(c.doc_id)[c.start : c.end]
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)} == set(range(1, len(answer.citations) + 1))


def _headings(bot: QA, level: int) -> list[str]:
    doc = next(iter(bot.documents.values()))
    return [h.title for h in doc.structure.headings if h.level == level]


def test_outline_lists_every_part_counted_and_cited(bot: QA) -> None:
    answer = bot.ask("这封答复一共分为几个部分？")
    parts = _headings(bot, 1)
    assert answer.scope == "outline" and not answer.abstained
    assert "七个部分" in answer.text and len(parts) == 7
    assert [c.text for c in answer.citations] == parts
    _exact(bot, answer)


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        ("信里说了几件事？", "outline"),
        ("答复了哪几个问题？", "outline"),
        ("这封信的主题是什么？", "summary"),
        ("这封信的结论是什么？", "summary"),
        ("答复的正文一共分成了几大块？", "outline"),
        ("这份报告的要点有哪些？", "summary"),
        ("用一句话说,这封信的核心议题是什么？", "summary"),
        ("这份回函主要讨论了哪方面的工作？", "summary"),
        ("这篇文章主要论述了什么？", "summary"),
        # what it turns on, after a clause of the asker's own
        ("总的来说，这份回复围绕的主题是什么？", "summary"),
        ("简单讲，这份回复的核心议题是什么？", "summary"),
        # how far the parts are numbered, and the whole read for a kind of thing
        ("答复正文按一、二、三编号，最后一个编号是几？", "outline"),
        ("正文的大标题一直编到了第几？", "outline"),
        # its parts said as blocks or as top headings
        ("这封信是按什么样的板块来写的？", "outline"),
        ("说说答复里的一级标题。", "outline"),
        ("郑州有几件事做得好？", "fact"),  # not the document's parts
        ("用一句话介绍宇通学院？", "fact"),  # a sentence asked of a thing, not the gist
        # its frame in any word for it, and a request to the tool closing the question
        ("帮我把这份答复的框架梳理一下", "outline"),
        ("回信的脉络是怎样的？", "outline"),
        ("信中提到了哪些企业？帮我列一下", "gather"),
        ("这封信里点名的学校有哪些，麻烦整理一下。", "gather"),
        ("宇通学院是怎么培养人的，帮我看看", "fact"),
    ],
)
def test_the_parts_and_the_gist_are_asked_for_in_more_words(question: str, scope: str) -> None:
    assert question_scope(question) == scope


def test_summary_names_the_proposal_and_the_parts(bot: QA) -> None:
    answer = bot.ask("这封信主要讲了什么？")
    assert answer.scope == "summary"
    assert answer.citations[0].text == "关于深化产教融合提升人力资源质量的提案"
    assert [c.text for c in answer.citations[1:]] == _headings(bot, 1)
    _exact(bot, answer)


def test_section_question_gets_the_sub_headings_under_it(bot: QA) -> None:
    answer = bot.ask("下一步有什么打算？")
    cited = [c.text for c in answer.citations]
    assert answer.scope == "section"
    assert cited[0] == "七、下一步工作打算"
    assert [t[:3] for t in cited[1:]] == ["(一)", "(二)", "(三)"] and "加强顶层设计" in cited[1]
    _exact(bot, answer)


@pytest.mark.parametrize("sender", ["", "郑州市教育局", "市教育局"])
def test_naming_the_letter_s_sender_in_a_section_question_leaves_its_answer_as_it_was(bot: QA, sender: str) -> None:
    # the sender is who speaks, not a topic: it took the question away from the part on 校企合作 (and 措施, a scope
    # word, was then refused as a term the letter never uses)
    answer = bot.ask(f"{sender}在校企合作方面采取了哪些措施？")
    assert answer.scope == "section" and answer.citations[0].text == "四、促进校企深度合作"


@pytest.mark.parametrize("question", ["如何加强专业建设？", "什么是市域产教联合体？"])
def test_a_heading_is_never_the_whole_answer(bot: QA, question: str) -> None:
    answer = bot.ask(question)
    titles = set(_headings(bot, 1) + _headings(bot, 2))
    assert len(answer.citations) >= 2
    assert any(c.text not in titles for c in answer.citations)  # the section's own sentences are cited
    _exact(bot, answer)


def test_gathering_collects_companies_across_paragraphs_each_cited_at_a_mention(bot: QA) -> None:
    answer = bot.ask("信里提到了哪些企业？")
    assert answer.scope == "gather"
    for name in ("宇通", "郑州日产", "富士康", "希尔顿", "阿里巴巴"):
        assert name in answer.text
        assert any(name in c.text for c in answer.citations), name
    assert len({c.start for c in answer.citations}) >= 3  # more than one paragraph's mentions
    _exact(bot, answer)


@pytest.mark.parametrize(
    "question", ["信中提到的企业有哪些？", "答复里提到的企业都是什么？", "整封回复里点了名的企业都有哪些"]
)
def test_a_gathering_may_name_its_type_before_the_wh_word(bot: QA, question: str) -> None:
    answer = bot.ask(question)
    assert answer.scope == "gather"
    assert all(name in answer.text for name in ("宇通", "富士康", "阿里巴巴"))


def test_a_gathering_of_one_kind_of_school_leaves_out_its_siblings(bot: QA) -> None:
    universities = bot.ask("答复里提到了哪些大学？")
    # a 学院 or a 学校 is no 大学; abbreviations in a list typed 大学 (`哈工大…等六所大学郑州研究院`) are
    for name in ("郑州职业技术大学", "哈工大", "香港大学", "河南农业大学"):
        assert name in universities.text
    for name in ("郑州旅游职业学院", "郑州市国防科技学校", "比亚迪"):
        assert name not in universities.text
    _exact(bot, universities)
    schools = bot.ask("信中提到了哪些学校？")  # the type's own word narrows nothing
    assert "郑州旅游职业学院" in schools.text and "郑州职业技术大学" in schools.text
    cities = bot.ask("信中提到了哪些城市？")
    assert "南京" in cities.text and "河南省" not in cities.text, "a province is no city"


def test_gathering_documents_cites_each_title(bot: QA) -> None:
    answer = bot.ask("信中提到了哪些文件？")
    assert answer.citations and all(c.text.startswith("《") and c.text.endswith("》") for c in answer.citations)
    assert len(answer.citations) >= 5


def test_a_type_the_letter_never_names_is_refused_naming_it(bot: QA) -> None:
    answer = bot.ask("信里提到了哪些医院？")
    assert answer.abstained and "医院" in answer.text


@pytest.mark.parametrize(
    ("question", "modifier"),
    [
        ("有哪些技工院校？", "技工"),
        ("都跟哪些有名的企业合作？", "有名"),
        ("信中提到的知名企业有哪些？", "知名"),
        ("列出文中的技工院校", "技工"),
        ("信中提到了哪些具体的企业？", ""),
        ("列举一下信中提到的所有数字", ""),
        ("通知里出现了哪些金额和数量？", ""),
        ("提到了哪些企业？", ""),
    ],
)
def test_a_gathering_keeps_the_words_before_its_type(question: str, modifier: str) -> None:
    assert gather_modifier(question) == modifier


SCHOOLS = (
    "青河市教育局2024年工作总结\n"
    "一、职业教育\n"
    "全市技工院校开设专业八十个，青河技师学院、青河市高级技工学校各新增两个专业。\n"
    "青河大学与青河职业技术学院共建实训基地。全市评出示范学校六所。\n"
    "二、基础教育\n"
    "全市新建幼儿园十所，新增学位三千个，青河实验学校新校区投入使用。\n"
    "三、下一步打算\n"
    "推进集团化办学，办好人民满意的教育。\n"
)


def test_a_modifier_the_document_says_narrows_a_gathering_to_what_it_is_said_of(tmp_path: Path) -> None:
    bot = _collection(tmp_path, "schools", {"summary.txt": SCHOOLS})
    everyone = bot.ask("文中提到了哪些学校？")
    assert "青河大学" in everyone.text and "青河实验学校" in everyone.text
    answer = bot.ask("有哪些技工院校？")
    assert answer.text.startswith("文中提到的技工院校有：")
    assert [c.text for c in answer.citations] == ["青河技师学院、青河市高级技工学校"]
    _exact(bot, answer)
    # It says 示范学校 and names none: every school of the summary would be a confident wrong answer.
    none_named = bot.ask("有哪些示范学校？")
    assert none_named.abstained and "“示范学校”" in none_named.text and not none_named.citations
    # A modifier it never says cannot be checked: the schools it names, under a line saying so.
    unchecked = bot.ask("有哪些民办学校？")
    assert not unchecked.abstained and unchecked.text.startswith("文中没有说哪些学校是“民办”的")
    assert "青河大学" in unchecked.text and "青河实验学校" in unchecked.text


def test_a_gathering_modifier_reads_the_heading_a_thing_sits_under(bot: QA) -> None:
    # 大国工匠进校园 sits under 三、坚持做好职教宣传; 比亚迪、丹尼斯工匠学院 (a model of school-enterprise work) does not.
    answer = bot.ask("信里提到了哪些宣传活动？")
    assert answer.text.startswith("信中提到的宣传活动有：")
    assert "大国工匠进校园" in answer.text and "丹尼斯" not in answer.text
    # The letter counts its 技工院校 and names none of them.
    assert bot.ask("有哪些技工院校？").abstained
    # 知名企业 are the five of `宇通、郑州日产、郑州海马、上海大众、富士康等知名企业`, not every company of the letter.
    known = bot.ask("信中提到了哪些知名企业？")
    assert [c.text for c in known.citations] == ["宇通、郑州日产、郑州海马、上海大众、富士康"]


@pytest.mark.parametrize("question", ["列举一下信中提到的城市", "请列出信中的城市。"])
def test_a_request_to_list_things_of_a_type_is_a_gathering(bot: QA, question: str) -> None:
    answer = bot.ask(question)
    assert answer.scope == "gather" and "南京、武汉、广州" in answer.text


def test_a_refusal_never_names_the_request_to_list_as_missing(bot: QA) -> None:
    answer = bot.ask("列出信中提到的所有医院")
    assert answer.abstained and "列出" not in answer.text


def test_two_asks_about_the_letter_are_both_answered(bot: QA) -> None:
    answer = bot.ask("这封信是谁写给谁的？")
    assert answer.scope == "multi"
    assert "郑州市教育局" in answer.text and "王素梅" in answer.text and len(answer.citations) == 2
    # … said with the verb of replying before `给` (`回给的是谁`, which was refused naming `回给`)
    answer = bot.ask("这封信是哪个单位写的，回给的是谁")
    assert "郑州市教育局" in answer.text and "王素梅" in answer.text and not answer.abstained


def test_two_questions_in_one_message_are_two_asks() -> None:
    assert question_scope("考察组什么时候去的？去了哪些城市？") == "multi"
    assert question_scope("考察组什么时候去的？") == "fact"


def test_what_a_gathering_sets_aside_narrows_nothing_and_is_left_out(bot: QA) -> None:
    answer = bot.ask("不算职业院校的话，信中出现过哪些大学")  # was the sentence on the three 职业大学
    assert answer.scope == "gather" and "郑州大学" in answer.text and "哈工大" in answer.text
    assert "职业技术大学" not in answer.text
    companies = bot.ask("除了宇通，信里还提到了哪些企业")
    assert "富士康" in companies.text and "宇通" not in companies.text
    assert set_aside_marks("不算职业院校的话，信中出现过哪些大学") == ("职业",)


def test_the_gist_of_one_thing_is_asked_of_it_not_of_the_letter(bot: QA) -> None:
    answer = bot.ask("宇通那个学院的校企共同培养模式是怎么概括的？")  # was the letter's gist
    assert answer.scope == "fact" and "招生即招工" in answer.text
    part = bot.ask("概括一下校企合作这部分")
    assert part.scope == "section" and part.citations[0].text == "四、促进校企深度合作"
    # words it never says narrow nothing in it
    assert bot.ask("用一句话概括这封信").scope == bot.ask("郑州市教育局这封回复主要讲了什么").scope == "summary"


def test_what_part_of_the_work_the_letter_is_about_asks_for_its_gist(bot: QA) -> None:
    answer = bot.ask("这份答复大体上是在讲哪方面的工作")  # was refused naming `大体` and `方面`
    assert answer.scope == "summary" and answer.citations[0].text == "关于深化产教融合提升人力资源质量的提案"
    assert question_scope("校企合作方面讲了哪些做法？") != "summary", "a topic's aspect is no gist"


def test_a_list_question_about_one_sentence_stays_a_fact() -> None:
    # It names much more than a type: one sentence answers it, not a gathering over the letter.
    assert question_scope("郑州大学有哪些学科属于一流建设学科？", content="郑州大学 学科属于一流建设学科") == "fact"
    assert question_scope("信里提到了哪些企业？", content="企业") == "gather"


def test_a_heading_whose_words_only_open_with_the_question_s_is_no_answer(bot: QA) -> None:
    """`委员` (the member) opens the heading's `委员会` (a committee): the section under it does not answer. A word the
    heading's words end in is their head, and its section answers (`建设` of `专业建设`)."""
    answer = bot.ask("委员建议了什么？")
    assert answer.abstained and answer.scope != "section", answer.text
    assert bot.ask("如何加强专业建设？").scope == "section"


def _collection(tmp_path: Path, name: str, files: dict[str, str]) -> QA:
    folder = tmp_path / name
    folder.mkdir()
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    return QA.create(name, sorted(folder.iterdir()), index_dir=tmp_path / "idx", embed_model="wordllama")


PLAIN = (
    "青河市今年推进垃圾分类工作。全市新建分类投放点三百个，覆盖全部社区。\n"
    "垃圾分类的关键在于居民参与，社区志愿者每天在投放点指导居民分类。\n"
    "市环卫部门新购置分类运输车四十辆，做到分类收集、分类运输。\n"
    "下一步，青河市将把垃圾分类纳入社区考核，推动居民养成分类习惯。\n"
)


def test_a_document_without_headings_is_summarised_by_its_central_sentences(tmp_path: Path) -> None:
    bot = _collection(tmp_path, "plain", {"waste.txt": PLAIN})
    answer = bot.ask("这篇文章主要讲了什么？")
    assert answer.scope == "summary" and 1 <= len(answer.citations) <= 3
    assert all("垃圾分类" in c.text or "分类" in c.text for c in answer.citations)
    _exact(bot, answer)


def test_word_heading_styles_give_the_outline(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for title, body in (
        ("培训目标", "提升员工技能水平。"),
        ("培训内容", "开设数控课程。"),
        ("保障措施", "落实培训经费。"),
    ):
        document.add_heading(title, level=1)
        document.add_paragraph(body)
    (tmp_path / "src").mkdir()
    document.save(str(tmp_path / "src" / "plan.docx"))
    bot = QA.create("plan", [tmp_path / "src" / "plan.docx"], index_dir=tmp_path / "idx", embed_model="wordllama")
    answer = bot.ask("这份计划分为几个部分？")
    assert [c.text for c in answer.citations] == ["培训目标", "培训内容", "保障措施"]
    assert "三个部分" in answer.text
    # Headings without numbers are counted as the outline counts them.
    second = bot.ask("第二部分讲的是什么？")
    assert second.citations[0].text == "培训内容" and "开设数控课程" in second.text
    beyond = bot.ask("第四部分讲的是什么？")
    assert beyond.abstained and beyond.text == "这份文件只有三个部分，没有第四部分。"
    # `这是什么文件？` asks about the whole plan, and gives the next question no topic to lean on.
    assert bot.ask("这是什么文件？").scope == "summary"
    assert resolve("一共开设了什么课程？", ["这是什么文件？"]).text == "一共开设了什么课程？"


def test_several_asks_in_one_question_are_answered_part_by_part(tmp_path: Path) -> None:
    bot = _collection(
        tmp_path,
        "school",
        {
            "school.txt": "青河一中简介\n青河一中创办于1952年，位于滨河路。\n学校现有教职工112人。\n现任校长是李明，他于2019年到任。\n"
        },
    )
    answer = bot.ask("青河一中创办于哪一年，现任校长是谁？")
    assert answer.scope == "multi" and not answer.abstained
    assert "1952" in answer.text and "李明" in answer.text and len(answer.citations) == 2
    _exact(bot, answer)


def test_things_named_then_asked_of_each_are_asked_one_by_one(bot: QA) -> None:
    assert asks("教职工，还有学生，分别有多少人？") == ["教职工有多少人", "学生有多少人"]
    assert asks("学校有112名教职工，分别是哪些？") == ["学校有112名教职工，分别是哪些"], "a clause, not a thing named"
    answer = bot.ask("市级重点建设专业，还有省品牌示范专业加特色专业，郑州分别有多少个？")  # was refused
    assert answer.scope == "multi" and "30个" in answer.text and "40个" in answer.text
    _exact(bot, answer)


@pytest.mark.parametrize(
    ("question", "leans_back"),
    [
        ("学校的游泳池有多大？", False),  # its own subject and predicate: never merged
        ("郑州市一共有多少所普通高中？", False),
        ("去了哪些城市？", True),  # no subject
        ("是谁带队去的？", True),
        ("那技工院校呢？", True),
        ("市级的？", True),  # asks nothing of its own
        ("那些过时、质量差的专业会怎么处理？", False),  # a determiner before what the question itself describes
        ("这些企业的名字是什么？", True),  # a determiner before a noun: the earlier question's companies
        ("那些呢？", True),
        ("那省级的有几个？", True),  # a leading 那 before a short question
        ("那郑州旅游职业学院开了哪些订单班？", False),  # ... but not before a whole one
        ("那一年新增备案的专业有多少个？", True),  # `那一年` points back however long the question
        ("其中哪一个是2023年市政府制定的？", True),
        ("如何加强专业建设？", False),  # how something is done, of a noun it names itself: the author's doing
        ("为什么要调整专业结构？", False),
        ("如何保障？", True),  # how, of nothing it names
        ("怎么去的？", True),
        ("怎么收费？", True),  # the word after 怎么 says what is done, however jieba tags it
    ],
)
def test_follow_ups_are_decided_by_their_form(question: str, leans_back: bool) -> None:
    assert is_elliptical(question) is leans_back


def test_how_a_part_of_the_letter_is_done_gets_its_section_after_any_question(bot: QA) -> None:
    # merged with the earlier question for want of a subject, it got one sentence of the section
    answer = bot.ask("如何加强专业建设？", ["在校企合作方面有哪些举措？"])
    assert answer.scope == "section" and answer.citations[0].text == "(二)对接产业需求,加强专业建设"


def test_a_standalone_question_is_not_merged_with_an_unrelated_earlier_one() -> None:
    assert resolve("学校的游泳池有多大？", ["机器人社团获得了什么奖？"]).text == "学校的游泳池有多大？"


def test_what_there_is_of_a_type_is_gathered_by_its_own_words_after_any_question(bot: QA) -> None:
    # Merged with the earlier question's words it was a fact question, answered from the 活动周 sentence at 0.45.
    answer = bot.ask("有哪些技工院校？", ["职教活动周是什么时候？"])
    assert answer.abstained and "“技工院校”" in answer.text
    # A question about where the earlier subject went is still read with it.
    went = bot.ask("去了哪些城市？", ["2024年8月考察组是谁带队的？"])
    assert went.scope == "fact" and "南京" in went.text


def test_the_whole_read_for_a_kind_of_thing_is_a_gathering(bot: QA) -> None:
    # `通读全文`, `里面`, `点名` were read as words naming what to gather of, and the question as a fact question
    assert analyse("通读全文，里面点名提到过哪些企业？", bot.lexical).scope == "gather"
    assert analyse("通篇看下来，信里点到名字的高校有哪些？", bot.lexical).scope == "gather"


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        # words saying how the question is put (`仔细`, `下来`) do not narrow a gathering
        ("从头读下来，文中点名说到的企业都有哪些？", "gather"),
        ("仔细读下来，信里提到的大学都有哪些？", "gather"),
        # words that may narrow it still do: a verb and its object, a name, a place word, a pronoun for the subject
        ("新增备案的专业有哪些？", "fact"),
        ("线上举办了哪些活动？", "fact"),
        ("此鱼分布在哪些地区？", "fact"),
        ("五月艾分布在哪些地区？", "fact"),  # a time word with a numeral is a date, or a name's part
        ("郑州大学有哪些学科属于一流建设学科？", "fact"),
    ],
)
def test_words_saying_how_a_gathering_is_put_narrow_nothing(bot: QA, question: str, scope: str) -> None:
    assert analyse(question, bot.lexical).scope == scope


def test_a_word_for_the_same_kind_before_the_type_narrows_nothing(bot: QA) -> None:
    # `企业品牌` listed only the companies of the sentence saying `知名企业`
    answer = bot.ask("信里出现过的企业品牌都有哪些？")
    assert answer.scope == "gather" and "希尔顿" in answer.text and "阿里巴巴" in answer.text
    assert "希尔顿" not in bot.ask("信里提到了哪些知名企业？").text  # a word that does narrow still narrows


def test_an_item_asked_after_a_part_is_that_parts_item(bot: QA) -> None:
    # `第二条` after the plans was the letter's part two
    answer = bot.ask("第二条讲了什么？", ["教育局接下来在产教融合方面有哪些打算？"])
    assert not answer.abstained and answer.citations[0].text == "(二)对接产业需求,加强专业建设"
    alone = bot.ask("第二条讲了什么？")  # asked alone, or as a part, it is the letter's own
    assert alone.citations[0].text == "二、深化实施职业教育专业结构调整优化"
    part = bot.ask("第二部分讲了什么？", ["教育局接下来在产教融合方面有哪些打算？"])
    assert part.citations[0].text == "二、深化实施职业教育专业结构调整优化"


def test_plans_asked_at_the_end_of_the_letter_are_its_plans(bot: QA) -> None:
    answer = bot.ask("教育局在信的结尾对以后的工作有什么安排？")
    assert answer.scope == "section" and "七、下一步工作打算" in answer.text


def test_a_follow_up_opening_with_a_verb_and_的_leans_back_only_on_a_question_saying_it() -> None:
    """`合作的都是哪些企业` asks for those that worked with someone the earlier question names; after a question saying
    neither the verb nor the noun, it asks the documents."""
    earlier = "财税金融职业学院同企业共建了多少个产业学院？"
    merged = resolve("合作的都是哪些企业？", [earlier])
    assert merged.previous == earlier and merged.pointed
    assert resolve("合作的企业有哪些？", ["考察组去了哪些城市？"]).text == "合作的企业有哪些？"
    assert not is_elliptical("合作的企业有哪些？")  # without an earlier question


def test_a_fragment_asking_something_is_not_swapped_for_words_that_ask_nothing() -> None:
    # aligned by its last characters, `有哪些企业` replaced `学院与企业`: `郑州财税金融职业有哪些企业共建了几个产业学院？`
    resolved = resolve("有哪些企业？", ["郑州财税金融职业学院与企业共建了几个产业学院？"])
    assert "郑州财税金融职业学院" in resolved.text and resolved.focus == "有哪些企业"


def test_a_follow_up_list_is_asked_of_the_earlier_answer_when_that_speaks_of_what_it_lists(bot: QA) -> None:
    # It listed every company the letter names, though the earlier answer names none.
    refused = bot.ask("都有哪些企业？", ["郑州财税金融职业学院与企业共建了几个产业学院？"])
    assert refused.abstained and "没有列出" in refused.text and "宇通" not in refused.text
    # An earlier answer naming them gives them, and one speaking of something else leaves the documents' list.
    named = bot.ask("都有哪些企业？", ["全市技工院校与多少家企业建立了合作关系？"])
    assert not named.abstained and "郑州海马" in named.text
    listed = bot.ask("有哪些企业？", ["考察组去了几个城市？"])
    assert listed.scope == "gather" and "宇通" in listed.text


def test_a_follow_up_adding_only_a_verbal_noun_no_document_holds_is_taken_alone(bot: QA) -> None:
    # jieba tags 经费 `vn`: merged with the earlier question, it was answered from that question's sentence at 0.45.
    assert resolve("有没有提到经费？", ["存在什么问题？"], holds=lambda word: word != "经费").text == "有没有提到经费？"
    answer = bot.ask("有没有提到经费？", history=["存在什么问题？"])
    assert answer.abstained and "经费" in answer.text


def test_a_merge_says_whether_the_question_pointed_back_or_only_lacked_a_subject() -> None:
    assert not resolve("谁负责安全？", ["活动持续多久？"]).pointed  # merged for want of a subject of its own
    assert resolve("它们是什么时候签的？", ["哪些大学在郑州设立了研究院？"]).pointed
    assert resolve("那技工院校的呢？", ["郑州市中职学校有多少个专业？"]).pointed


def test_a_question_merged_only_for_want_of_a_subject_is_read_alone_when_the_merge_is_refused(tmp_path: Path) -> None:
    notice = (REPO / "eval" / "docs" / "notice.txt").read_text(encoding="utf-8")
    bot = _collection(tmp_path, "notice", {"notice.txt": notice})
    alone = bot.ask("谁是联系人？")
    assert not alone.abstained and "刘晓燕" in alone.text
    # Merged with `发生事故怎么办？`, it was refused for the earlier question's `发生事故`.
    assert bot.ask("谁是联系人？", history=["发生事故怎么办？"]).text == alone.text
    refused = bot.ask("谁负责安全？", history=["活动持续多久？"])
    assert refused.abstained and "负责" in refused.text and "持续" not in refused.text


@pytest.mark.parametrize(
    ("question", "earlier", "merged"),
    [
        # The nouns a determiner opens were never asked about: it points into the documents, not back.
        ("本地那些技校总共设置了多少门学科？", "郑州市有多少个河南省示范性专业点？", False),
        ("这些名校在郑州设的研究机构将服务于哪些方面的产业需要？", "各职业学校通过哪些形式进行线上展示？", False),
        # The earlier question says them, or a part of them (`考察` of `考察组`): a follow-up.
        ("这些研究院主要招收什么样的人才？", "哪些大学在郑州设立的研究院已经签了合作协议？", True),
        ("这个考察组由哪些部门组成？", "2024年8月郑州市组织了一次赴外地的考察，是由谁带队的？", True),
        ("这个是什么意思？", "郑州市有多少个河南省示范性专业点？", True),  # nothing determined: only back
        # `这几所` determines as `这些` does, and points back at a count in its classifier too; `这几年` is a time
        ("这几所学校的全称各是什么？", "被列进规划方案的高等学校有哪些？", True),
        ("这几所学校的全称各是什么？", "被列进规划方案的职业大学一共有几所？", True),
        ("这几所学校开了哪些专业？", "郑州市有多少个河南省示范性专业点？", False),
        ("这几年郑州新增了多少专业？", "宇通公司和哪所学校合作？", False),
    ],
)
def test_a_determiner_leans_back_only_on_what_the_earlier_question_said(
    question: str, earlier: str, merged: bool
) -> None:
    assert (resolve(question, [earlier]).text != question) is merged


def test_a_last_item_is_split_at_its_and_not_cut_mid_name() -> None:
    from qa.answering.gather import gather
    from qa.loading import document_from_bytes

    def names(text: str, kind: str) -> list[str]:
        return [m.name for m in gather(document_from_bytes(text.encode(), "x.txt"), kind)]

    # The last item, 19 characters with its 和, was cut at 16: `河南职业技术学院和郑州铁路职业`.
    text = "河南农业职业学院、河南职业技术学院和郑州铁路职业技术学院各1个专业群进入建设行列。"
    assert names(text, "school") == ["河南农业职业学院", "河南职业技术学院", "郑州铁路职业技术学院"]
    assert names("开设人工智能技术与应用、大数据技术与应用等专业。", "major") == [
        "人工智能技术与应用",
        "大数据技术与应用",
    ]
    # One item ending as an organisation does (`加工中心`) does not make a list of courses organisations.
    assert names("开设数控车床、加工中心和工业机器人操作课程。", "organisation") == []


_SAMPLES = [BUNDLED_LETTER, *sorted((REPO / "eval" / "docs").iterdir())]


@pytest.mark.parametrize("path", _SAMPLES, ids=[p.name for p in _SAMPLES])
def test_gathering_tags_only_sentences_that_may_name_and_finds_the_same(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sentences without a `、`, quoted names or a word a type's names end in are not tagged (the slow part): every
    type's mentions are the same as with every sentence tagged, in the letter and each sample document."""
    from qa.answering import gather
    from qa.chunking import split_spans
    from qa.loading import load_path

    kinds = [*gather.TYPE_PHRASE, "document", "figure", "date"]
    for doc in load_path(path):
        sentences = [doc.text[s.start : s.end] for s in split_spans(doc.text, 0, len(doc.text))]
        assert not all(gather._may_name(s, "company") for s in sentences), "some sentence is left untagged"
        found = {kind: gather.named(doc, kind) for kind in kinds}
        with monkeypatch.context() as patched:
            patched.setattr(gather, "_may_name", lambda sentence, kind: True)
            assert {kind: gather.named(doc, kind) for kind in kinds} == found
        assert any(found.values())


def test_a_gathered_name_ends_at_the_name_and_a_list_of_kinds_names_no_school(tmp_path: Path) -> None:
    text = (
        "经过努力，组建青河职业技术大学、青河信息工程职业大学、青河嵩山职业大学在规划中被列入计划。\n"
        "联合体集聚职业院校、高等学校、重点企业、科研机构等资源。\n"
    )
    bot = _collection(tmp_path, "schools", {"schools.txt": text})
    answer = bot.ask("提到了哪些大学？")
    cited = [c.text for c in answer.citations]
    assert answer.scope == "gather" and "青河嵩山职业大学" in answer.text
    assert not any(t.endswith("在") for t in cited)  # the preposition after the list is not part of its last name
    assert "科研机构" not in answer.text  # `高等学校` is a kind, not a school's name: its list is not schools


NOTICE = (
    "青河市文化和旅游局关于开展暑期文旅消费季活动的通知\n\n"
    "各县（市、区）文化和旅游局，各有关景区：\n\n"
    "市文化和旅游局决定在全市开展暑期文旅消费季活动。市财政安排资金500万元，分四批发放文旅消费券。\n\n"
    "青河市文化和旅游局\n2025年6月10日\n"
)


def test_a_notice_is_spoken_of_as_a_document_not_a_letter(tmp_path: Path) -> None:
    bot = _collection(tmp_path, "notice", {"notice.txt": NOTICE})
    sender = bot.ask("这个通知是谁发的？")
    assert "发文单位是青河市文化和旅游局" in sender.text and "答复" not in sender.text
    assert sender.citations[0].section == "落款"  # the signature closes the notice
    refused = bot.ask("白鹭湖湿地公园的门票多少钱？")
    assert refused.abstained and refused.text.startswith("文中")
    assert bot.ask("这个通知是谁发布的？").text == sender.text  # the notice itself as the subject
    addressee = bot.ask("这份通知是发给谁的？")
    assert "这份文件是发给各县（市、区）文化和旅游局，各有关景区的" in addressee.text


PLAN = (
    "员工技能提升培训计划\n"
    "一、培训内容\n开设数控车床课程，每期培训36学时。\n"
    "二、工作要求\n各部门要明确责任人，按时报送名单。\n"
    "三、保障措施\n全年培训经费预算186万元，列入年度财务预算。\n"
)


@pytest.mark.parametrize(
    ("question", "heading"),
    [("有哪些要求？", "二、工作要求"), ("有哪些保障措施？", "三、保障措施"), ("有哪些培训内容？", "一、培训内容")],
)
def test_a_question_asking_for_a_kind_of_content_gets_the_part_named_for_it(
    tmp_path: Path, question: str, heading: str
) -> None:
    bot = _collection(tmp_path, "plan", {"plan.txt": PLAN})
    answer = bot.ask(question)
    assert answer.scope == "section" and answer.citations[0].text == heading
    _exact(bot, answer)


def test_a_kind_of_content_asked_after_another_question_is_read_from_its_own_words(tmp_path: Path) -> None:
    # Merged with the earlier question, `有哪些要求` no longer ends the text the part is looked for in.
    bot = _collection(tmp_path, "plan", {"plan.txt": PLAN})
    answer = bot.ask("有哪些要求？", ["这份计划是哪个公司的？"])
    assert answer.resolved_question != "有哪些要求？" and answer.citations[0].text == "二、工作要求"


def test_a_kind_of_content_no_heading_names_goes_back_to_the_fact_answerer(bot: QA) -> None:
    # `重点任务` names no part of the letter: the section scope finds no heading and hands it back.
    question = "《关于郑州市深化现代职业教育专业结构调整优化的实施意见》统筹实施了哪些重点任务？"
    assert question_scope(question) == "section"
    answer = bot.ask(question)
    assert answer.scope == "fact" and not answer.abstained and "重点任务" in answer.text


PARTNERS = (
    "学校与科大讯飞股份有限公司合作建设智慧课堂。3名学生被清华大学、北京大学录取。\n"
    "学校严格落实《中小学幼儿园安全管理办法》。学校与南溪县人民医院签订校医合作协议，与中国移动南溪分公司合作完成校园网络改造。\n"
)


def test_a_gathering_of_partners_keeps_those_named_where_the_relation_is_said(tmp_path: Path) -> None:
    bot = _collection(tmp_path, "partners", {"report.txt": PARTNERS})
    answer = bot.ask("学校和哪些单位合作？")
    assert answer.scope == "gather" and answer.text.startswith("文中提到合作的单位有：")
    named = [c.text for c in answer.citations]
    # 科大讯飞 is cut by jieba as 科大/讯/飞: its legal suffix names it. The universities only admitted students.
    assert named == ["科大讯飞股份有限公司", "南溪县人民医院", "中国移动南溪分公司"]
    _exact(bot, answer)
    everyone = bot.ask("文中提到了哪些单位？")
    assert "清华大学、北京大学" in everyone.text
    assert "中小学" not in everyone.text  # inside a cited title, not a mention
    # A question about one partnership stays a fact question.
    assert question_scope("学校与哪家企业合作建设智慧课堂？") == "fact"


OWN_PLAN = (
    "中原智造装备有限公司2025年员工技能提升培训计划\n"
    "为提升一线员工技能水平，公司与华中数控股份有限公司合作开设数控课程，"
    "并与许昌职业技术学院签订校企合作协议。\n"
    "中原智造装备有限公司\n2025年1月6日\n"
)


def test_a_document_is_not_its_own_partner(tmp_path: Path) -> None:
    bot = _collection(tmp_path, "plan", {"plan.txt": OWN_PLAN})
    partners = bot.ask("计划中提到了哪些合作企业？")
    assert "华中数控股份有限公司" in partners.text
    assert "中原智造装备有限公司" not in partners.text, "the plan's sender works with the others"
    assert "中原智造装备有限公司" in bot.ask("计划中提到了哪些企业？").text  # as a company mentioned, it is one


REPORT = (
    "南溪县第一中学2024年度工作报告\n"
    "一、学校基本情况\n学校现有教学班48个，在校学生2310人。\n"
    "二、教育教学工作\n全年开展公开课和示范课136节。\n"
    "三、2025年工作思路\n一是深化新课程实施，二是启动新建学生宿舍楼项目，计划投资2800万元。\n"
)


def test_a_report_without_a_signature_is_sent_by_the_body_its_title_opens_with(tmp_path: Path) -> None:
    bot = _collection(tmp_path, "report", {"report.txt": REPORT})
    answer = bot.ask("这份报告是哪个学校的？")
    assert answer.text.startswith("发文单位是南溪县第一中学[1]") and "标题" in answer.text
    # Something the report names is no question about the report itself.
    assert "发文单位" not in bot.ask("南溪县第一中学是哪个学校的？").text


@pytest.mark.parametrize("question", ["明年有什么打算？", "今后有什么计划？", "接下来要做什么？", "有什么安排？"])
def test_a_question_about_what_comes_next_gets_the_part_setting_out_the_plans(tmp_path: Path, question: str) -> None:
    bot = _collection(tmp_path, "report", {"report.txt": REPORT})
    answer = bot.ask(question)
    assert answer.scope == "section" and answer.citations[0].text == "三、2025年工作思路"
    assert "新建学生宿舍楼" in answer.text
    _exact(bot, answer)


@pytest.mark.parametrize(
    "question",
    [
        "接下来教育局在产教融合上准备从哪几方面着手？",
        "今后在产教融合方面有什么计划？",
        # the future said as `往后`, the work carried on (`接着推进`), and how briefly (`简单列一下`): was a refusal naming
        # `往后`, `准备` and `方面`
        "往后教育局准备从哪几方面接着推进，简单列一下",
    ],
)
def test_what_comes_next_on_the_documents_own_topic_gets_the_plans(bot: QA, question: str) -> None:
    answer = bot.ask(question)  # was the outline, then a refusal naming `准备`
    assert answer.scope == "section" and answer.citations[0].text == "七、下一步工作打算"
    _exact(bot, answer)
    # a topic of its own narrower than the document's is still asked of its part
    assert bot.ask("下一步在职教宣传方面有什么打算？").citations[0].text != "七、下一步工作打算"


def test_a_topic_of_its_own_is_read_in_the_documents_script_in_a_plans_question(tmp_path: Path) -> None:
    # Asked of the report in traditional characters, `教學工作` was read apart from the simplified words asking for
    # plans and dropped: the plans' part answered, where the simplified question gets the teaching part.
    traditional = converter(TO_TRADITIONAL)
    bot = _collection(tmp_path, "report", {"report.txt": traditional(REPORT)})
    for question in ("明年在教學工作上有什麼打算？", "接下來在學校的教學工作方面準備做什麼？"):
        assert bot.ask(question).citations[0].text == "二、教育教學工作"
    assert bot.ask("明年有什麼打算？").citations[0].text == "三、2025年工作思路"  # no topic of its own: the plans
    assert bot.ask("概括一下教育教學工作這部分").citations[0].text == "二、教育教學工作"  # `這部分` is no topic


def test_a_broad_question_naming_a_year_the_documents_lack_is_refused_naming_it(tmp_path: Path) -> None:
    bot = _collection(tmp_path, "report", {"report.txt": REPORT})
    answer = bot.ask("2030年有什么计划？")  # was the plans of 2025
    assert answer.abstained and "2030年" in answer.text and answer.scope == "fact"
    assert bot.ask("2025年有什么计划？").citations[0].text == "三、2025年工作思路"


def test_how_something_is_arranged_or_deployed_is_asked_of_its_section(bot: QA) -> None:
    assert question_scope("组织实施是怎么安排的？") == question_scope("经费如何保障？") == "section"
    assert question_scope("活动是怎么开始的？") == "fact"
    answer = bot.ask("专业结构调整是如何部署的？")  # was one sentence at 0.25
    assert answer.scope == "section" and answer.citations[0].text == "二、深化实施职业教育专业结构调整优化"
    _exact(bot, answer)


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        ("有没有提到比亚迪？", "mention"),
        ("信里提到富士康了吗？", "mention"),
        ("提到经费了没有？", "mention"),
        ("提到了哪些企业？", "gather"),
        ("有没有提到宇通公司的招生情况？", "fact"),  # about the thing, not whether it is named
        ("郑州有没有本科职业大学？", "fact"),
    ],
)
def test_whether_the_documents_mention_something_is_its_own_scope(question: str, scope: str) -> None:
    assert question_scope(question) == scope


def test_a_mention_is_answered_by_the_clauses_naming_it_or_refused_naming_it(bot: QA) -> None:
    # It was answered at 0.59 with the sentence listing 宇通、郑州日产…富士康, which does not name 比亚迪.
    answer = bot.ask("有没有提到比亚迪？")
    assert answer.scope == "mention" and answer.text.startswith("信中提到了“比亚迪”")
    assert [c.text for c in answer.citations] == ["打造比亚迪、丹尼斯工匠学院等样板模式"]
    _exact(bot, answer)
    many = bot.ask("有没有提到产教融合？")
    assert "共" in many.text.split("\n")[0] and len(many.citations) == 3  # the first three of many, counted
    refused = bot.ask("有没有说到经费？")
    assert refused.abstained and "没有提到“经费”" in refused.text


def test_a_layout_is_no_office(bot: QA) -> None:
    # `…未来产业前瞻布局` and `…专业建设格局` end in 局 without naming an office.
    answer = bot.ask("信中提到了哪些部门？")
    assert "市财政局" in answer.text and "布局" not in answer.text and "格局" not in answer.text


def test_a_count_of_the_words_before_its_question_is_the_number_beside_them(tmp_path: Path) -> None:
    """`班组长有多少人？` was answered with the sentence on all 420 trainees (`…班组长及技术骨干，共计420人`), and
    `技术骨干有几个？` with the lectures given to them (`…技术骨干和班组长…12场讲座`): the count stands beside what it
    counts, in the sentence after (`班组长48人，技术骨干60人`)."""
    plan = (REPO / "eval" / "docs" / "training_plan.md").read_text(encoding="utf-8")
    bot = _collection(tmp_path, "plan", {"plan.md": plan})
    for question, count in (
        ("班组长有多少人？", "48人"),
        ("技术骨干有几个？", "60人"),
        ("培训对象一共有多少人？", "420人"),
    ):
        answer = bot.ask(question)
        assert not answer.abstained and count in answer.text, (question, answer.text)
    # The words counted as a merged follow-up says them, 的 and all (`新入职的员工` of `新入职员工86人`)
    followup = bot.ask("其中新入职的员工有多少？", history=["今年培训对象总共有多少人？"])
    assert "86人" in followup.text, followup.text
