"""Look-alike unanswerable questions: each recipe on a tiny corpus, absence of the replacement, determinism."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest

from qa.answering.lookalikes import ALL_KINDS, ATTRIBUTES, KINDS, Lookalike, Pool, make_lookalike
from qa.answering.names import common_nouns, tagged_entities
from qa.script import is_traditional, simplified

ARTICLE = (
    "郑州市共有41所中职学校通过了标准化建设工程验收。2023年，郑州大学的校长出席了职业教育活动周。"
    "全市开设了38个专业，在校生3.5万人。"
)
COLLECTION = [ARTICLE, "开封市的体育馆有一个游泳池。"]
OTHER_TEXTS = [
    "洛阳市有很多中职学校，成都市也有。王小明是北京大学的学生，李华在清华大学读书。",
    "新乡市建有12所学校，招收了300名学生。宇通客车公司和南阳酒店合作。",
]


def occurs(text: str) -> bool:
    return any(text in doc for doc in COLLECTION)


@pytest.fixture(scope="module")
def pool() -> Pool:
    return Pool.from_texts(OTHER_TEXTS)


def swap(question: str, pool: Pool, kind: str, seed: int = 0, evidence: str = ARTICLE) -> Lookalike:
    made = make_lookalike(question, evidence, occurs, pool, random.Random(seed), kinds=[kind])
    assert made is not None, f"no {kind} look-alike of {question}"
    assert made.kind == kind
    assert made.question == question.replace(made.original, made.replacement, 1)
    return made


def test_pool_harvests_typed_entities_and_numbers_from_other_texts(pool: Pool) -> None:
    assert {"洛阳市", "成都市", "新乡市"} <= set(pool.entities["place"])
    assert {"北京大学", "清华大学", "宇通客车公司"} <= set(pool.entities["org"])
    assert "王小明" in pool.entities["person"]
    assert "12" in pool.numbers["所"] and "300" in pool.numbers["名"]
    limited = Pool.from_texts(OTHER_TEXTS, limit=1)
    assert all(len(names) == 1 for names in limited.entities.values())


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a school's name is joined whole before `学校` too, and across four words before its suffix
        ("郑州市电子信息工程学校与宇通公司合作", "郑州市电子信息工程学校"),
        ("郑州财税金融职业学院开设了订单班", "郑州财税金融职业学院"),
    ],
)
def test_a_school_named_in_several_words_is_one_organisation(text: str, name: str) -> None:
    assert (name, "org") in [(found, kind) for _, _, found, kind in tagged_entities(text)]


@pytest.mark.parametrize(("text", "found"), [("全市中职学校与企业共建", []), ("郑州中职学校与企业共建", ["郑州"])])
def test_a_school_type_after_a_place_is_no_organisation(text: str, found: list[str]) -> None:
    assert [name for _, _, name, _ in tagged_entities(text)] == found


def test_entity_is_swapped_for_a_pool_name_of_the_same_type_absent_from_the_collection(pool: Pool) -> None:
    made = swap("郑州市有多少所中职学校通过了标准化建设工程验收？", pool, "entity")
    assert made.original == "郑州市"
    assert made.replacement in {"洛阳市", "成都市"}  # a city for a city: 新乡市 too, but 开封市 is in the collection
    made = swap("郑州大学的校长是谁？", pool, "entity")
    assert made.original == "郑州大学" and made.replacement in {"北京大学", "清华大学"}


def test_number_keeps_its_unit_and_takes_a_value_the_collection_lacks(pool: Pool) -> None:
    for seed in range(10):
        made = swap("郑州市41所中职学校都通过验收了吗？", pool, "number", seed)
        assert made.original == "41所"
        assert re.fullmatch(r"\d+所", made.replacement) and not occurs(made.replacement)


def test_year_is_swapped_for_a_year_the_collection_never_mentions(pool: Pool) -> None:
    for seed in range(10):
        made = swap("2023年郑州大学的校长出席了什么活动？", pool, "year", seed)
        assert made.original == "2023年"
        assert re.fullmatch(r"\d{4}年", made.replacement) and not occurs(made.replacement[:4])


def test_attribute_is_swapped_within_its_group_for_one_the_article_lacks(pool: Pool) -> None:
    made = swap("郑州大学的校长是谁？", pool, "attribute")
    assert made.original == "校长" and made.replacement in ATTRIBUTES["person"]
    assert made.replacement not in ARTICLE
    made = swap("郑州市职业教育的财政预算是多少？", pool, "attribute")
    assert made.original == "财政预算" and made.replacement in ATTRIBUTES["quantity"]
    made = swap("郑州市有多少所中职学校？", pool, "attribute")
    assert made.original == "中职学校" and made.replacement in ATTRIBUTES["institutions"]


def test_pool_harvests_common_nouns_by_their_last_character(pool: Pool) -> None:
    assert "学校" in pool.nouns["校"] and "学生" in pool.nouns["生"]
    assert all(noun.endswith(last) for last, nouns in pool.nouns.items() for noun in nouns)
    # Names are not common nouns: 北京大学 and 宇通客车公司 are tagged whole, so their parts are not harvested.
    assert "大学" not in pool.nouns.get("学", ()) and "公司" not in pool.nouns.get("司", ())


def test_common_nouns_are_jieba_nouns_outside_the_names() -> None:
    words = [w for _, _, w in common_nouns("郑州市有多少所中职学校通过了标准化建设工程验收？")]
    assert "中职" in words and "学校" in words and "郑州市" not in words
    # `客车` and `公司` inside the name of a company are part of the name.
    assert [w for _, _, w in common_nouns("宇通客车公司和哪家学校合作建了实训基地？")] == ["学校", "基地"]


def test_noun_is_swapped_for_a_sibling_whose_noun_phrase_the_collection_lacks() -> None:
    # `高职` occurs in the collection, `高职学校` does not: the swapped phrase is what must be absent.
    collection = ["郑州市共有41所中职学校通过了验收。高职院校也在发展。"]
    nouns = Pool(nouns={"职": ("高职", "兼职"), "校": ("党校",)})
    made = make_lookalike(
        "郑州市有多少所中职学校通过了验收？",
        collection[0],
        lambda s: any(s in doc for doc in collection),
        nouns,
        random.Random(0),
        kinds=["noun"],
    )
    assert made is not None and made.kind == "noun"
    assert (made.original, made.replacement) in {("中职", "高职"), ("中职", "兼职"), ("学校", "党校")}
    phrase = "中职学校".replace(made.original, made.replacement)
    assert phrase in made.question and phrase not in collection[0]
    # A sibling E5 finds unlike the noun (`制度` / `力度`, cosine 0.86) is no look-alike, only a word that shares a
    # character.
    unlike = Pool(nouns={"度": ("力度",)})
    assert (
        make_lookalike(
            "郑州市的职业教育制度是什么？",
            "郑州市的职业教育制度很完善。",
            lambda s: False,
            unlike,
            random.Random(0),
            ["noun"],
        )
        is None
    )
    # The noun recipe is a fifth: `eval/run.py --twins` keeps the four it was measured with unless asked.
    assert "noun" in ALL_KINDS and "noun" not in KINDS
    assert (
        make_lookalike("郑州市有多少所中职学校？", collection[0], lambda s: False, Pool(), random.Random(0), ["noun"])
        is None
    )


def test_no_recipe_applies_gives_none(pool: Pool) -> None:
    assert make_lookalike("请问怎么样？", ARTICLE, occurs, pool, random.Random(0)) is None
    # A year the collection does not hold is not swapped: the question is already unanswerable.
    assert make_lookalike("1990年发生了什么？", ARTICLE, occurs, pool, random.Random(0), kinds=["year"]) is None
    # `是什么形状` asks for a shape, not for the noun before it: no attribute to swap.
    assert (
        make_lookalike("郑州大学的树叶是什么形状？", ARTICLE, occurs, pool, random.Random(0), kinds=["attribute"])
        is None
    )
    with pytest.raises(ValueError, match="unknown look-alike kinds"):
        make_lookalike("郑州大学的校长是谁？", ARTICLE, occurs, pool, random.Random(0), kinds=["colour"])


def test_same_seed_same_lookalike_and_seeds_vary_the_recipe(pool: Pool) -> None:
    question = "2023年郑州大学的校长出席了什么活动？"
    made = [make_lookalike(question, ARTICLE, occurs, pool, random.Random(seed)) for seed in range(12)]
    again = [make_lookalike(question, ARTICLE, occurs, pool, random.Random(seed)) for seed in range(12)]
    assert made == again
    assert all(m is not None and not occurs(m.replacement) for m in made)
    assert {m.kind for m in made if m is not None} >= {"entity", "year"}
    assert set(KINDS) == {"entity", "number", "year", "attribute"}


def test_traditional_question_gets_a_traditional_replacement(pool: Pool) -> None:
    article = "鄭州市共有41所中職學校通過了標準化建設工程驗收。"
    made = make_lookalike(
        "鄭州市有多少所中職學校？", article, lambda s: s in article, pool, random.Random(0), kinds=["entity"]
    )
    assert made is not None and made.original == "鄭州市"
    assert simplified(made.replacement) in {"洛阳市", "成都市", "新乡市"}
    assert is_traditional(made.question)


def test_importing_the_module_does_not_load_the_tagger() -> None:
    code = "import sys, qa.answering.lookalikes; sys.exit('jieba' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_an_entity_is_swapped_for_one_shaped_like_it_and_common_words_are_not_names() -> None:
    pool = Pool.from_texts(["洛阳和阿肯色州都有很多学校。"])
    assert {"洛阳", "阿肯色州"} <= set(pool.entities["place"])
    article = "郑州出台了很多政策，城市面貌一新。"
    for seed in range(5):
        made = make_lookalike("郑州出台了哪些政策？", article, lambda s: s in article, pool, random.Random(seed))
        assert made is not None and made.replacement == "洛阳"  # as long as 郑州, not 阿肯色州
    # jieba's dictionary tags 城市 a place; it is a common word, not a name to swap.
    assert (
        make_lookalike("城市面貌怎么样？", article, lambda s: s in article, pool, random.Random(0), ["entity"]) is None
    )
