"""Proper names in Chinese text, by jieba's part-of-speech tagger: who, where, which organisation a question names.

Term types come from jieba's POS tagger (`nr` person, `ns` place, `nt` organisation, `nz` other proper noun) plus
suffix patterns that join a proper noun with the words before an organisation's or a place's suffix
(`宇通` + `客车` + `公司`). The look-alike recipe swaps these names (`qa.answering.lookalikes`), and question
analysis checks them against the documents (`qa.answering.query`). jieba is imported on first use: importing
`qa` never pays for its dictionary.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any, Literal

from qa.script import aligned_simplified, is_han


def _words(text: str) -> tuple[str, ...]:
    """The space-separated words of `text`: long word lists read better as one string."""
    return tuple(text.split())


EntityType = Literal["person", "place", "org", "other"]

# jieba's proper-noun tags and the entity type each stands for.
TAGS: dict[str, EntityType] = {
    "nr": "person",
    "nrt": "person",
    "nrfg": "person",
    "ns": "place",
    "nt": "org",
    "nz": "other",
}
SHORT_SCHOOL_ENDS = _words("职院 职大 工大 农大 师大 高专 师专 医专")
# Words that end an organisation's or a place's name when jieba leaves them apart from it (`宇通/客车/公司`).
SUFFIXES: dict[str, EntityType] = {
    **dict.fromkeys(
        _words(
            "大学 学院 学校 公司 有限公司 集团 银行 医院 研究院 研究所 委员会 协会 学会 基金会 出版社 电视台 酒店 中学 小学 俱乐部"
        ),
        "org",
    ),
    # a college or university said short after its place or field (`郑州电子信息职院`, `河南工大`, `郑州电力高专`)
    **dict.fromkeys(SHORT_SCHOOL_ENDS, "org"),
    **dict.fromkeys(_words("市 省 县 区 镇 乡 村 州 岛 山 河 湖"), "place"),
}
_ORG_SUFFIXES = tuple(word for word, kind in SUFFIXES.items() if kind == "org" and len(word) >= 2)
# The kinds of school a place and a suffix make a category of, not a name: `郑州中职学校` is Zhengzhou's vocational
# schools, `郑州市电子信息工程学校` one school.
SCHOOL_TYPES = frozenset(_words("中职 中等职业 中等 高职 技工 普通 普通高中 中专 职业 公办 民办 重点"))
NAME_PARTS = frozenset(("nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng"))  # a proper part of a merged name
_NOUNS = ("n", "vn", "nz", "j", "eng", "b")  # tags that may sit inside a merged name (`客车`, `汽车`, `高等`)
_MERGE_WORDS = 4  # words joined before a suffix at most
_HOW_MANY = frozenset(("所有", "全部", "全体", "一切", "各个", "各类", "各级", "每个", "每所", "整个", "多所", "几所"))
_PARTICLES = ("的", "了", "着", "过", "地", "得")


def tagged_entities(text: str) -> Iterator[tuple[int, int, str, EntityType]]:
    """(start, end, name, type) of each proper name jieba tags in `text` (simplified), suffix-joined names included."""
    words = tag(text)
    starts = offsets(words)
    skip_until = 0
    for i, (word, flag) in enumerate(words):
        kind = _merged_kind(words, i)
        if kind is not None:
            first = kind[0]
            if starts[first] >= skip_until:
                yield starts[first], starts[i + 1], text[starts[first] : starts[i + 1]], kind[1]
                skip_until = starts[i + 1]
            continue
        tagged = TAGS.get(flag)
        # jieba tags a verb's end with its particle as a person now and then (`谢的` of 谢的是什么): no name ends so
        if tagged == "person" and word.endswith(_PARTICLES):
            continue
        if tagged is not None and len(word) >= 2 and starts[i] >= skip_until and not _is_numeric(word):
            # A name followed by its suffix is yielded whole at the suffix (`宇通` waits for `宇通客车公司`).
            merged = _merged_kind(words, _suffix_end(words, i))
            if merged is not None and merged[0] <= i:
                continue
            yield starts[i], starts[i + 1], word, tagged


def _merged_kind(words: Sequence[tuple[str, str]], i: int) -> tuple[int, EntityType] | None:
    """When word `i` is a suffix after up to `_MERGE_WORDS` name words, one proper: (first word, the type)."""
    if i < 1 or i >= len(words) or _suffix_of(words[i][0]) is None:
        return None
    first = i
    while first > 0 and i - first < _MERGE_WORDS and words[first - 1][1].startswith(_NOUNS + tuple(NAME_PARTS)):
        first -= 1
    proper = [j for j in range(first, i) if words[j][1] in NAME_PARTS]
    if not proper or (i > proper[-1] + 1 and all(word in SCHOOL_TYPES for word, _ in words[proper[-1] + 1 : i])):
        return None
    # A word saying how many of a kind (`郑州所有中等职业学校`, `郑州全部中职学校`) makes it all of them there, not one
    if any(word in _HOW_MANY for word, _ in words[proper[-1] + 1 : i]):
        return None
    # A word ending in a suffix is a name's end only after a noun of its own (`郑州/电力/高等/专科学校`): right after a
    # place, or after a locative or an attributive alone, it is a kind of school there (`郑州/中小学`, `杨浦区/内/高等学校`,
    # `武昌/高等/师范学校`).
    own = words[proper[-1] + 1 : i]
    if words[i][0] not in SUFFIXES and not any(flag.startswith("n") and len(word) >= 2 for word, flag in own):
        return None
    return proper[0], _suffix_of(words[i][0]) or "org"


def _suffix_of(word: str) -> EntityType | None:
    """The type a name ending in `word` is: a suffix (`学院`, `市`), or a word jieba cuts whole that ends in an
    organisation's (`专科学校`, `师范大学`)."""
    if word in SUFFIXES:
        return SUFFIXES[word]
    return "org" if len(word) > 2 and word.endswith(_ORG_SUFFIXES) else None


def _suffix_end(words: Sequence[tuple[str, str]], i: int) -> int:
    """The first suffix word within `_MERGE_WORDS` after word `i` (or `i + 1`)."""
    for j in range(i + 1, min(len(words), i + 1 + _MERGE_WORDS)):
        if _suffix_of(words[j][0]) is not None:
            return j
        if not words[j][1].startswith(_NOUNS + tuple(NAME_PARTS)):
            break
    return i + 1


# The commonest Chinese surnames: jieba tags many words `nr` (`修道院`, `望远镜`); a harvested Chinese name must
# start with one. Transliterated names (`汤姆森`, tagged `nrt`) are not checked.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易"
    "乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "慕容", "令狐", "长孙", "宇文")


# Common words jieba's dictionary tags as names (`城市` ns, `联合体` nt, `申报` nz, `博士后` nr): never swapped
# as entities, nor harvested.
NOT_NAMES = frozenset(
    _words(
        "城市 东西 大国 中考 上岗 普通高中 联合体 国防科技 中专学校 印发 申报 正宗 本科生 培训基地 博士后 宣传周 "
        "高新区 高水平 胡辣汤 连成 封信 国家 全国 世界 地方 中央 政府 学校 公司 企业 社会"
    )
)


def plausible(name: str, kind: EntityType) -> bool:
    """Whether a tagged name is likely a real one of its type (a replacement must read like the original, and
    an original must be a name: jieba tags `博士后` a person and `城市` a place)."""
    if name in NOT_NAMES:
        return False
    if kind == "person" and all(is_han(ch) for ch in name):
        return 2 <= len(name) <= 4 and (name[0] in _SURNAMES or name.startswith(_COMPOUND_SURNAMES))
    if name[-1] in "市省县区镇乡村":
        return len(name) >= 3  # `泽市` is jieba cutting `润泽市场`
    if kind == "place" and all(is_han(ch) for ch in name):
        # Without a suffix, a place must be one jieba's dictionary knows (`巴黎`, `宣城`): its guesses for unknown
        # words (`之沟`, `陕新`, `镇域`) are rarely places.
        return tag_in_dictionary(name) == "ns"
    return len(name) >= 2


def _is_numeric(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


_jieba: Any = None


def tag_in_dictionary(word: str) -> str | None:
    """The POS tag jieba's dictionary gives `word`, None for a word it does not list."""
    tag("")  # loads jieba
    flag = _jieba.dt.word_tag_tab.get(word)
    return str(flag) if flag is not None else None


def dictionary_frequency(word: str) -> int:
    """How often jieba's dictionary counts `word` (0 for a word it does not list): `学校` 17,020, `修院` 5."""
    tag("")  # imports jieba; its dictionary is read at the first cut, which an empty text never makes
    _jieba.dt.tokenizer.check_initialized()
    return int(_jieba.dt.tokenizer.FREQ.get(word) or 0)


def asked_names(question: str) -> list[tuple[int, int, str, EntityType]]:
    """(start, end, name, type) of each proper name a question says (`洛阳市`, `清华大学`), tagged on its simplified
    form and taken back in its own script; common words jieba tags as names (`城市`) are not. No surname check
    (`plausible`): foreign and Japanese names (`尤金`, `松平康忠`) are asked about too."""
    found = tagged_entities(aligned_simplified(question))
    return [(s, e, question[s:e], kind) for s, e, name, kind in found if name not in NOT_NAMES]


NOUN_LENGTHS = (2, 4)  # a common noun's length in characters, fewest and most


def common_nouns(text: str, flag: str = "n") -> list[tuple[int, int, str]]:
    """(start, end, word) of each common noun jieba tags in `text` (simplified): `n` (or `flag`: `vn` for the verbal
    ones, `经费`), two to four Han characters, outside the proper names (`中职` and `学校` of 多少所中职学校; not `学校` of
    郑州市国防科技学校)."""
    words = tag(text)
    starts = offsets(words)
    inside = [(s, e) for s, e, _, _ in tagged_entities(text)]
    return [
        (starts[i], starts[i + 1], word)
        for i, (word, tagged) in enumerate(words)
        if tagged == flag
        and NOUN_LENGTHS[0] <= len(word) <= NOUN_LENGTHS[1]
        and all(is_han(ch) for ch in word)
        and not any(s <= starts[i] < e for s, e in inside)
    ]


def offsets(words: Sequence[tuple[str, str]]) -> list[int]:
    """Where each of `tag`'s words starts in the text it cut, then where the last one ends."""
    starts = [0]
    for word, _ in words:
        starts.append(starts[-1] + len(word))
    return starts


@lru_cache(maxsize=4096)
def tag(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's (word, POS flag) pairs; jieba is imported and its dictionary loaded on first use (0.9–1.6 s, then
    about 0.25 ms a question: `bench/results/taggers.md` compares the taggers that install offline).

    The last 4,096 texts' pairs are kept: question analysis reads a question's names and the noun it asks for from
    one cut, and a gathering question re-reads the sentences of its document."""
    global _jieba
    if _jieba is None:
        try:
            import jieba
            import jieba.posseg
        except ImportError as exc:  # a dependency of qa: only a broken install lacks it
            raise ImportError("names need jieba: pip install 'jieba>=0.42'") from exc
        jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" notes go to stderr otherwise
        _jieba = jieba.posseg
    return tuple((w.word, w.flag) for w in _jieba.cut(text))


# A government body jieba tags a common noun (`教育部`, `教育厅`, `教育局`; it tags `外交部`, `财政局` `nt`), with the
# place it belongs to when one comes right before (`河南省教育厅`): a question naming one names an organisation. Not
# a part or a side of something (`上半部`, `东北部`). A sentence's `市政府` is a body too (`教育局` asked of a sentence on
# what `市政府` did); a question's is not read as a name, since the models count the names a question says and `市政府`
# is the letter's everyday subject (read so, the follow-up `它统筹实施了哪些重点任务？` after `…是2023年市政府制定的？`
# lost its answer).
_BODY_ENDS = ("部", "厅", "局")
SAID_BODY_ENDS = (*_BODY_ENDS, "政府")
_SIDES = "东西南北中上下内外前后左右全半"


def _opens_body(word: str, flag: str) -> bool:
    """Whether a word may open an abbreviated body's name (`人` of 人社厅, `省人` of 省人社厅): a short common noun."""
    return flag in ("n", "j") and len(word) <= 2 and all(map(is_han, word)) and word not in SUFFIXES


def government_bodies(text: str, ends: tuple[str, ...] = _BODY_ENDS) -> list[tuple[int, int, str, EntityType]]:
    """(start, end, name, "org") of each government body in `text` (simplified) that jieba tags a common noun, its
    last word ending in one of `ends`."""
    words = tag(text)
    starts = offsets(words)
    found: list[tuple[int, int, str, EntityType]] = []
    for i, (word, flag) in enumerate(words):
        # an abbreviated body jieba cuts short (`人`+`社厅` of 人社厅, no word of its dictionary; not `布局` of 学科布局):
        # the body with the noun before it
        if (
            flag == "n"
            and len(word) == 2
            and word.endswith(ends)
            and not dictionary_frequency(word)
            and i > 0
            and _opens_body(*words[i - 1])
        ):
            found.append((starts[i - 1], starts[i + 1], text[starts[i - 1] : starts[i + 1]], "org"))
            continue
        if (
            flag != "n"
            or len(word) < 3
            or not word.endswith(ends)
            or word[0] in _SIDES
            or word in SUFFIXES
            or not all(map(is_han, word))
        ):
            continue
        first = i - 1 if i > 0 and words[i - 1][1] == "ns" else i
        found.append((starts[first], starts[i + 1], text[starts[first] : starts[i + 1]], "org"))
    return found


def question_names(question: str, named: Callable[[str], bool] | None = None) -> list[str]:
    """The proper names a question says (`asked_names`) and the government bodies it names (`government_bodies`), in
    its own script and in order. A place right before an organisation is part of its name (`河南省教育厅`, `河南农业大学`
    where jieba tags `河南` and `农业大学` apart). With `named` (whether the documents say a text as a name), common nouns
    before an organisation's suffix are a name too when they say it as one (`财税金融职业学院` of 郑州财税金融职业学院, all
    of whose words jieba tags common nouns), unless a name read otherwise holds them."""
    bodies = [(s, e, kind) for s, e, _, kind in government_bodies(aligned_simplified(question))]
    tagged = [
        (s, e, kind) for s, e, _, kind in asked_names(question) if not any(b <= s and e <= f for b, f, _ in bodies)
    ]
    runs: list[tuple[int, int, EntityType]] = []
    if named is not None:
        plain = aligned_simplified(question)
        # Asked of the documents (a scan) only for runs no name read otherwise holds (`旅游职业学院` of 郑州旅游职业学院).
        held = (*tagged, *bodies)
        runs = [
            (s, e, "org")
            for s, e in _noun_runs(plain)
            if not any(b <= s and e <= f for b, f, _ in held) and named(plain[s:e])
        ]
    found = sorted(tagged + bodies + runs)
    names: list[tuple[int, int, str]] = []
    for s, e, kind in found:
        if names and kind == "org" and names[-1][1] == s and names[-1][2] == "place":
            s = names.pop()[0]
        names.append((s, e, kind))
    return list(dict.fromkeys(question[s:e] for s, e, _ in names))


def _noun_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of two or more common nouns (`财税/金融/职业/学院`) ending in an organisation's suffix,
    naming more than a kind of school (`职业/学院`, `中职/学校`): a name when the documents say it as one."""
    words = tag(text)
    starts = offsets(words)
    found = []
    for i, (word, flag) in enumerate(words):
        if _suffix_of(word) != "org" or not flag.startswith("n"):
            continue
        first = i
        while first > 0 and i - first < _MERGE_WORDS and words[first - 1][1] in ("n", "nz", "vn"):
            first -= 1
        own = [w for w, _ in words[first:i]]
        if own and not all(w in SCHOOL_TYPES for w in own):
            found.append((starts[first], starts[i + 1]))
    return found


# Kinds of organisation by the word their names end in, one for each of `SUFFIXES`' organisations: a name stands for
# others of its kind (a school for a school, a foundation for an association).
BODIES = ("部", "厅", "局", "政府", "委员会")  # government's
NAME_GROUPS = (
    ("大学", "学院", "学校", "中学", "小学", "院校", *SHORT_SCHOOL_ENDS),
    ("公司", "集团", "银行"),
    ("研究院", "研究所"),
    ("俱乐部",),
    BODIES,
    ("医院",),
    ("协会", "学会", "基金会", "联合会"),
    ("出版社",),
    ("电视台",),
    ("酒店",),
)


def name_group(name: str, groups: Sequence[tuple[str, ...]] = NAME_GROUPS) -> int:
    """Which of `groups` a name belongs to by its last word (`郑州大学` 0); -1 for none, and for a word that is only a
    suffix and one character (`都市`, `城市`: no name)."""
    if len(name) < 3:
        return -1
    return next((i for i, ends in enumerate(groups) if name.endswith(ends)), -1)


# Kinds of place by their suffix, beside the kinds of organisation: a city stands for other cities (`京都市` asked of a
# sentence on `彰化市`), not a county. Only for `name_unheld`: a follow-up swaps a place for any place.
PLACE_GROUPS = (("市",), ("省",), ("县",))
_PLACE_ENDS = tuple(end for ends in PLACE_GROUPS for end in ends)
_KINDS_OF_NAME = (*NAME_GROUPS, *PLACE_GROUPS)


def name_unheld(names: Sequence[str], question: str, sentence: str, around: str) -> tuple[str, str]:
    """The organisation or place a question (simplified) names (`教育部`, one of `names`, simplified) that neither a
    sentence nor the text `around` it (its passage and its document's opening, simplified) says in any of its forms
    (`_forms`; a passage naming `该银行`'s bank speaks of it), while the sentence names another of its kind
    (`河南省教育厅`) that is not the same name written another way (`林务局` for `林业局`, `_one_apart`): the sentence speaks
    of that other one. Returned with that other name; ('', '') when there is none, or when the question asks for one of
    that kind (`创办了什么大学`, `哪个部门`), which the sentence then names."""
    for name in names:
        group = name_group(name, _KINDS_OF_NAME)
        if (
            group < 0
            or _asks_for(group, question)
            or any(form in text for form in _forms(name) for text in (sentence, around))
            or _said_by_level(name, sentence, around)
        ):
            continue
        # The sentence's names, read only for a name asked that it does not say (most questions name none).
        said = [found for _, _, found, _ in (*tagged_entities(sentence), *government_bodies(sentence, SAID_BODY_ENDS))]
        other = _another_of_its_kind(name, group, said)
        if other:
            return name, other
    return "", ""


def _another_of_its_kind(name: str, group: int, said: Sequence[str]) -> str:
    """The first of the names a text says (`said`) that is of `name`'s kind (`group` of `_KINDS_OF_NAME`) and not part
    of it; '' when there is none, or when one is the same name written another way (`林务局` for `林业局`)."""
    others = [other for other in said if name_group(other, _KINDS_OF_NAME) == group and other not in name]
    return "" if not others or any(_one_apart(name, other) for other in others) else others[0]


def _forms(name: str) -> list[str]:
    """How a text may say an organisation's name (`郑州市教育局`): whole; a body's without the place it starts with
    (`教育局`; not a school's: `职业技术学院` is any town's); by the proper name jieba tags before its suffix word (`阿森纳`
    of `阿森纳俱乐部`; not a place: `河南` is no `河南大学`); and a place's without its suffix (`郑州` of `郑州市`)."""
    words = tag(name)
    forms = [name]
    if len(words) > 1 and words[0][1] == "ns" and name.endswith(BODIES):
        forms.append(name[len(words[0][0]) :])
    if (
        len(words) > 1
        and words[-1][0] in SUFFIXES
        and words[-2][1] in ("nr", "nrt", "nt", "nz")
        and len(words[-2][0]) >= 2
    ):
        forms.append(words[-2][0])
    if name.endswith(_PLACE_ENDS) and len(name) >= 3:
        forms.append(name[:-1])  # `郑州` says `郑州市`
    return forms


def _said_by_level(name: str, sentence: str, around: str) -> bool:
    """Whether a town's body jieba tags whole (`郑州市政府` nt) is said by its level (`市政府`) in a sentence whose
    passage or document names the town (`郑州`): the town's own documents say it so, not another town's."""
    town = _TOWN_BODY.match(name)
    if town is None or not name.endswith(BODIES):
        return False
    place = name[: town.end() - 1]
    return name[town.end() - 1 :] in sentence and any(place in text for text in (sentence, around))


_TOWN_BODY = re.compile(r"[\u4e00-\u9fff]{2,3}?[省市县区](?=[\u4e00-\u9fff]{2})")


def _one_apart(name: str, other: str) -> bool:
    """Whether two names of one length (three characters or more) differ in one character before the same last one."""
    return (
        len(name) == len(other) >= 3
        and name[-1] == other[-1]
        and sum(a != b for a, b in zip(name, other, strict=True)) == 1
    )


def _asks_for(group: int, question: str) -> bool:
    """Whether a question (simplified) asks for an organisation or place of a kind (`哪一个学院`, `创办什么大学`, `单位是？`,
    `最大的都市是哪一个？`)."""
    kind = "|".join((*_KINDS_OF_NAME[group], "单位", "部门", "机构"))
    return (
        re.search(rf"(?:哪|什么)[^，,。？?]{{0,6}}?(?:{kind})|(?:{kind})(?:是|为)(?:[？?]?$|哪|什么)", question)
        is not None
    )


_CLAUSE_BREAKS = re.compile(r"[，,；;：:。！？!?]")  # not `、`: the items of a list stay in their clause


def name_apart(names: Sequence[str], asked: Sequence[str], question: str, sentence: str) -> tuple[str, str, str]:
    """An organisation or place a question (simplified) names (one of `names`, simplified) that a sentence says, but
    in no clause holding the noun the question asks for (one of `asked`: `学科` of 河南农业大学有哪些学科; its last two
    characters when the sentence says it whole nowhere), while those
    clauses name another of its kind: they speak of that other one's (`建强郑州大学化学…4个一流建设学科` names
    郑州大学's subjects, and 河南农业大学 is in the clause before, as one 双一流 creates). Returned with that other name
    and the noun; ('', '', '') when there is none, when the question asks for one of that kind (`合建的学院叫什么`), or
    when no clause holds the noun."""
    asked = [noun for noun in asked if len(noun) >= 2]
    pieces = _CLAUSE_BREAKS.split(sentence)
    if not any(noun in piece for noun in asked for piece in pieces):
        # Said another way, by its head noun: `一流学科` as `一流建设学科` (not `建立` of `企业合作建立`, no noun).
        asked = [noun[-2:] for noun in asked if (tag_in_dictionary(noun[-2:]) or "").startswith("n")]
    clauses = [c for c in pieces if any(noun in c for noun in asked)]
    for name in names:
        group = name_group(name, _KINDS_OF_NAME)
        if (
            group < 0
            or not clauses
            or any(noun in name or noun.endswith(_KINDS_OF_NAME[group]) for noun in asked)
            or _asks_for(group, question)
            or not any(form in sentence for form in _forms(name))
            or any(form in clause for form in _forms(name) for clause in clauses)
        ):
            continue
        said = [
            found for clause in clauses for _, _, found, _ in (*tagged_entities(clause), *government_bodies(clause))
        ]
        other = _another_of_its_kind(name, group, said)
        if other:
            return name, other, next(noun for noun in asked if any(noun in clause for clause in clauses))
    return "", "", ""


def listed_name_unheld(names: Sequence[str], question: str, sentence: str) -> tuple[str, str]:
    """A name of a kind the documents name (`names`, simplified: the companies they list, `郑州日产` of `宇通、郑州日产…等
    知名企业`) that a question (simplified) says and the sentence (simplified) does not, while the sentence says another
    of them the question does not (`宇通公司`): it speaks of that other one's. Returned with that other name; ('', '')
    when there is none. One name inside another is said by it (`宇通` of `宇通公司`)."""
    asked = [name for name in names if name in question and name not in sentence]
    others = [name for name in names if name in sentence and name not in question and not any(a in name for a in asked)]
    return (asked[0], others[0]) if asked and others else ("", "")
