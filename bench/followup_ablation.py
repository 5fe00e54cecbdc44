"""Ablation of the follow-up rule: which questions lean on the earlier ones (`qa.answering.followup.is_elliptical`).

`length` is the first rule (a question with at most six content characters leans back); `lead` the next (it leans
back only when it says so, has no subject of its own, or asks nothing, and any question opening with `那` says so);
`subject` the rule now (a leading `那` leans back only before a short question, or as `那一年`). `subject, kept` is
the rule now without moving a merged follow-up off a repeated earlier answer that says none of its new words
(`qa.answering.answer._something_new`: the earlier answer is kept); `subject, unknown merged` without taking alone
a follow-up whose own nouns no document holds (`qa.answering.followup.resolve`'s `holds`: `郑州明天的天气怎么样？`);
`subject, determiners back` with every determiner leaning back, whether or not the earlier question says the nouns it
opens (`本地那些技校…？` after a question on 示范性专业点: `qa.answering.followup._said_before`); `subject, swap
unheld` without refusing a follow-up whose answer does not say the part it swapped in or added (`那高职院校呢？` answered
with 技工院校's count: `qa.answering.answer._swapped_unsaid`); `subject, fragment whole` swapping the whole fragment
again, not the part before its question words (`那省级的有几家？`, `那高职院校有几所？`: `followup._PART_THEN_ASK`,
`followup._nouns_then_ask`), and with it a question of a part, 的 and question words only (`省级的有几家？`) no longer
leaning back for that alone (`followup._only_part_asked`); `subject, own ask unchecked` without refusing a merged
follow-up given the earlier answer back when that answer says none of its words and lacks what it asks (`一共考察了几天？`
after `…去了哪三个城市？`: `answer._own_ask_unheld`); `subject, asked swap held` holding the answer to a fragment that
asks something itself and took an earlier follow-up's place (`是哪一年去的` for `是谁带队去的`: `followup._part_to_say`);
`subject, how merged` leaning back with a question asking how or why of a noun it says itself (`如何加强专业建设？`:
`followup._asks_how_of_its_own`), as any question without a subject does; `subject, swapped by length` swapping a
level or a proper name by aligning equal lengths, as every part was before (`省级` for the `家级` of `国家级`:
`followup._swap_level`, `followup._swap_name`); `subject, kinds by their words` reading a kind of school swapped in as
said only in its own words (`中职学校`, not `中等职业学校`: `answer.names_school_kind`); `subject, years as said`
reading a year said relative to the earlier question's as it is said (`前一年` after a question on 2024, not `2023年`:
`followup._absolute_years`); `subject, each unread` with `每所`/`每家`/`各自` no pronoun leaning back
(`每所学校各进了几个？`: `followup._EACH`); `subject, levels as said` reading a level as it is said, in the question and
the ones it leans on (`省一级的有几个？` after a question on the 市级 count, not `省级…`: `query.levels_as_written`);
`subject, level apart unchecked` without refusing a level said apart from its thing, as a merged follow-up says it
(`…有没有国家级评定的` of the 省级 count: `kinds._level_apart`); `subject, own words unread` reading a merged follow-up's
year and kind of school in the whole merged question, the earlier question's included (`那2023年新增了多少？` after a
question on 2024, `要是换成高职院校…` after one on 中职学校: `answer._own_words`); `subject, few unread` with `这几所`,
`那几个` no determiner (`这几所学校的全称各是什么？` after `…一共有几所？`: `followup._COUNTED`); `subject, that year
merged` reading `那一年`, `这一年`, `那年` as pointing back only, not as the year the earlier question names
(`那一年全市中职学校一共开设了多少个专业？` after a question on 2024's new majors: `followup.POINTED_YEARS`); `subject, name
nouns new` counting a noun asking for the name (`全称`), or since the twenty-seventh round any noun saying what kind of
answer is asked (`原因`, `方式`: `attributes.ANSWER_NOUNS`), as a topic no document holds, which keeps a follow-up alone
(`followup._adds_only_unknown`); `subject, verb and 的 unread` without leaning back on a question that says the verb
or noun of one opening with a verb and 的 (`合作的都是哪些企业？` after `…跟企业一起建了多少个产业学院？`:
`followup._done_with_whom_said_before`); `subject, any verb's noun said before` leaning such a question back on one that
says only its noun whatever its verb, not only a doing with someone's (`砍掉的老专业有几个？` after `24年新备案的专业数？`,
thirty-second round: `scope.RELATION_WORDS`); `subject, places in a list unread` without reading a place in the earlier
answer's list as leaning back and merged (`排在第二个的是哪座城市？` after `一共去了几个城市？`:
`followup._place_in_earlier_list`); `subject, lists of all` gathering a merged follow-up's list from the whole
document, not from the sentences the earlier question speaks of (`都有哪些企业？` after `…与企业共建了几个产业学院？`:
`answer._earlier_sentences`); `subject, swap frame unread` without a swap frame leaning back and putting the part
after it in its counterpart's place (`换作技工院校，过关的有几所` after a question on 中职学校: `followup._SWAP_LEAD`);
`subject, that side unread` without a short question setting a thing against the earlier one leaning back
(`技校那边能选的有多少？`: `followup._CONTRASTED`); `subject, ownerless unread` without one opening with a noun whose
owner it leaves unsaid leaning back (`目的地是哪几座城`: `followup._OWNERLESS`); `subject, not as sure as earlier`
without a merged follow-up asking nothing the earlier sentence does not say taking the earlier answer's confidence
(`都叫啥名字`: `answer._as_sure_as_earlier`). The last four are the twenty-ninth round's, found on fresh19; `subject,
one side unread` without a comparison naming one side only leaning back for the other (`跟省级高水平那批比，哪个多？` after
a question on the 市级 count: `followup._ONE_SIDE`), the thirtieth round's, found on fresh20; `subject, places and kinds
new` counting a place or a kind of school among the new words whose all being unknown keeps a follow-up alone (`郑州明天
天气怎么样？` after a question on 旅游职院 was merged for its held `郑州`; `技工学校那头呢？` was kept alone for the letter's
`技工院校`: `followup._names_the_topic`), and `subject, what is to come unread` without a merged follow-up asking of what
is to come (`以后打算把它们建成什么样的平台？`) moving off a repeated earlier answer to the sentence beside it that says so
(`未来将把…打造成…多功能平台`, wherever it ranks: `answer._something_new`), the thirty-third round's, found on fresh23 and
the round before (`subject, kept` keeps the earlier answer then too); `subject, wh-word nouns whole` reading a wh-word
jieba cuts with its noun (`哪些地方` of `都跑了哪些地方呀？`) as a new word, so a follow-up asking only it was kept alone
(`followup._WH_OPENING`), the thirty-fourth round's, found on fresh24; `subject, verb openings alone` without a short
question opening with a verb leaning back (`合作成立了什么？` after `宇通和哪所学校合作？`, `采取的是什么样的模式？`:
`followup._opens_with_verb`), the thirty-sixth round's, found on fresh27.
Each letter set is asked as the page
asks it, after the three questions before it (`eval/run.py --conversation 3`), and the hand-written conversations as
written. Printed: follow-ups' all-keys, unanswerable follow-ups refused, and the share of answers that unrelated
history changed. `conversations_fresh3` was written after every rule here (eighth round) and read once, with all of
them, before it joined this table; `conversations_fresh4` (eleventh round) before the last five;
`conversations_fresh7` (sixteenth round, written blind) before the two after `subject, how merged`, which were found on
it; `conversations_fresh8` (seventeenth round, blind) with every rule before the last two, and `conversations_fresh9`
(eighteenth round, blind) the same, the last two found on it; `conversations_fresh10` (nineteenth round, blind) with
every rule before the last two, which were found on it; `conversations_fresh11` (twentieth round, blind) with every
rule before `own words unread`, which was found on it (the last three, twenty-first round, were found on fresh11 and
fresh4); `conversations_fresh12` (twenty-second round, blind) and `conversations_fresh13` (twenty-third round,
blind) with every rule; `conversations_fresh14` (twenty-fourth round, blind) with every rule before the last three,
the first of which was found on fresh11 and the other two on fresh14; `conversations_fresh15` (twenty-fifth round,
blind) and `conversations_fresh16` (the same round, blind, scored and never read) with every rule;
`conversations_fresh17` (twenty-sixth round, blind, read at the twenty-seventh round's start) and
`conversations_fresh18` (twenty-seventh round, blind, read at the twenty-eighth round's start) and
`conversations_fresh19` (twenty-eighth round, blind, read at the twenty-ninth round's start) with every rule before
the last five, the first four of which were found on it, and `conversations_fresh20` (twenty-ninth round, blind, read at the thirtieth
round's start) with every rule before the last, which was found on it, `conversations_fresh21` (thirtieth round,
blind, read at the thirty-first round's start) with every rule, the swap frame `放到…身上` found on it, and
`conversations_fresh22` (thirty-first round, blind, read at the thirty-second round's start) with every rule, the
last row's reading found on it, and `conversations_fresh23` (thirty-second round, blind, read at the thirty-third
round's start) with every rule before the last two, the next to last found on it, and `conversations_fresh24`
(thirty-third round, blind, read at the thirty-fourth round's start) with every rule before the last, which was found
on it, and `conversations_fresh25` to `conversations_fresh27` (thirty-fourth and thirty-fifth rounds, blind, read in
the thirty-fifth and thirty-sixth) with every rule before the last, which was found on fresh27. `broad` is the broad
dev set, asked after its three questions before.

    python bench/followup_ablation.py [--rules "subject" "subject, verb openings alone"]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import re
import tempfile
from pathlib import Path
from unittest import mock

from qa import QA
from qa.answering import answer, followup, kinds, query
from qa.answering.attributes import ANSWER_NOUNS
from qa.evaluation import evaluate, read_questions, score
from qa.evaluation.questions import in_conversation

REPO = Path(__file__).resolve().parent.parent
POINTED = frozenset(followup.POINTED_YEARS)
# heldout2's `郑州明天的天气怎么样？` is read only by `make heldout`
SETS = (
    "questions",
    "fresh2",
    "broad",
    "conversations",
    "conversations_fresh3",
    "conversations_fresh4",
    "conversations_fresh7",
    "conversations_fresh8",
    "conversations_fresh9",
    "conversations_fresh10",
    "conversations_fresh11",
    "conversations_fresh12",
    "conversations_fresh13",
    "conversations_fresh14",
    "conversations_fresh15",
    "conversations_fresh16",
    "conversations_fresh17",
    "conversations_fresh18",
    "conversations_fresh19",
    "conversations_fresh20",
    "conversations_fresh21",
    "conversations_fresh22",
    "conversations_fresh23",
    "conversations_fresh24",
    "conversations_fresh25",
    "conversations_fresh26",
    "conversations_fresh27",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rules", nargs="+", help="only these rows (as printed), e.g. 'subject'")
    wanted = parser.parse_args().rules
    with tempfile.TemporaryDirectory() as tmp:
        bot = QA.from_path(index_dir=Path(tmp) / "index", embed_model="wordllama")
        print("| rule | set | follow-ups all keys | unanswerable follow-ups refused | changed by unrelated history |")
        print("|---|---|---|---|---|")
        rules = (
            "length",
            "lead",
            "subject",
            "subject, kept",
            "subject, unknown merged",
            "subject, determiners back",
            "subject, swap unheld",
            "subject, fragment whole",
            "subject, own ask unchecked",
            "subject, asked swap held",
            "subject, how merged",
            "subject, swapped by length",
            "subject, kinds by their words",
            "subject, years as said",
            "subject, each unread",
            "subject, levels as said",
            "subject, level apart unchecked",
            "subject, own words unread",
            "subject, few unread",
            "subject, that year merged",
            "subject, name nouns new",
            "subject, verb and 的 unread",
            "subject, any verb's noun said before",
            "subject, places in a list unread",
            "subject, lists of all",
            "subject, swap frame unread",
            "subject, that side unread",
            "subject, ownerless unread",
            "subject, one side unread",
            "subject, not as sure as earlier",
            "subject, places and kinds new",
            "subject, what is to come unread",
            "subject, wh-word nouns whole",
            "subject, verb openings alone",
        )
        unknown_rules = set(wanted or ()) - set(rules)
        if unknown_rules:
            parser.error(f"no such rule: {', '.join(sorted(unknown_rules))}")
        for rule in (r for r in rules if not wanted or r in wanted):
            patched = functools.partial(followup.is_elliptical, rule=rule.split(",")[0])
            # The change a row makes: the part after the comma, read whole (not by its ending, which two rows may share).
            off = rule.split(", ", 1)[1] if ", " in rule else ""
            among = 1 if off == "kept" else answer.SOMETHING_NEW_AMONG
            unknown = followup._adds_only_unknown if off != "unknown merged" else (lambda *_: False)
            said = followup._said_before if off != "determiners back" else (lambda *_: True)
            unsaid = answer._swapped_unsaid if off != "swap unheld" else (lambda *_: "")
            whole = off == "fragment whole"
            own = answer._own_ask_unheld if off != "own ask unchecked" else (lambda *_: "")
            to_say = followup._part_to_say if off != "asked swap held" else (lambda swapped: swapped)
            how = followup._asks_how_of_its_own if off != "how merged" else (lambda _: False)
            by_length = off == "swapped by length"
            school_kinds = answer.names_school_kind if off != "kinds by their words" else (lambda *_: False)
            years = followup._absolute_years if off != "years as said" else (lambda question, _: question)
            pronouns = {
                "each unread": re.compile(f"{followup._POINTING}|{followup._COUNTED}"),
                "few unread": re.compile(f"{followup._POINTING}|{followup._EACH}"),
            }.get(off, followup._PRONOUN)
            determiner = followup._DETERMINER if off != "few unread" else re.compile(followup._DETERMINERS)
            relative = [word for word in followup._RELATIVE_YEARS if off != "that year merged" or word not in POINTED]
            relative_year = re.compile("|".join(sorted(relative, key=len, reverse=True)))
            name_nouns = ANSWER_NOUNS if off != "name nouns new" else frozenset()
            levels = query.levels_as_written if off != "levels as said" else (lambda question, _: question)
            apart = kinds._level_apart if off != "level apart unchecked" else (lambda *_: "")
            own_words = answer._own_words if off != "own words unread" else (lambda _: "")
            verb_of = followup._done_with_whom_said_before if off != "verb and 的 unread" else (lambda *_: False)
            # the noun said before leaning any verb's fragment back, not only a doing with someone's (`砍掉的老专业…`)
            with_whom = followup.RELATION_WORDS if off != "any verb's noun said before" else "."
            place = followup._place_in_earlier_list if off != "places in a list unread" else (lambda *_: False)
            earlier = answer._earlier_sentences if off != "lists of all" else (lambda *_: [])
            never = re.compile("(?!)")
            swap_lead = followup._SWAP_LEAD if off != "swap frame unread" else never
            that_side = followup._CONTRASTED if off != "that side unread" else never
            ownerless = followup._OWNERLESS if off != "ownerless unread" else never
            one_side = followup._ONE_SIDE if off != "one side unread" else never
            as_sure = answer._as_sure_as_earlier
            if off == "not as sure as earlier":
                as_sure = lambda ctx, reading, scores, confidence: confidence  # noqa: E731
            topic = followup._names_the_topic if off != "places and kinds new" else (lambda *_: True)
            wh_opening = followup._WH_OPENING if off != "wh-word nouns whole" else never
            verb_opening = followup._opens_with_verb if off != "verb openings alone" else (lambda _: False)
            to_come = answer._FUTURE if off not in ("kept", "what is to come unread") else re.compile("(?!)")
            patches = (
                mock.patch.object(followup, "is_elliptical", patched),
                mock.patch.object(followup, "_names_the_topic", topic),
                mock.patch.object(followup, "_WH_OPENING", wh_opening),
                mock.patch.object(followup, "_opens_with_verb", verb_opening),
                mock.patch.object(answer, "_FUTURE", to_come),
                mock.patch.object(answer, "SOMETHING_NEW_AMONG", among),
                mock.patch.object(followup, "_adds_only_unknown", unknown),
                mock.patch.object(followup, "_said_before", said),
                mock.patch.object(answer, "_swapped_unsaid", unsaid),
                mock.patch.object(followup, "_PART_THEN_ASK", re.compile("(?!)") if whole else followup._PART_THEN_ASK),
                mock.patch.object(followup, "_nouns_then_ask", (lambda _: None) if whole else followup._nouns_then_ask),
                mock.patch.object(answer, "_own_ask_unheld", own),
                mock.patch.object(followup, "_part_to_say", to_say),
                mock.patch.object(followup, "_asks_how_of_its_own", how),
                mock.patch.object(followup, "_swap_level", (lambda *_: None) if by_length else followup._swap_level),
                mock.patch.object(followup, "_swap_name", (lambda *_: None) if by_length else followup._swap_name),
                mock.patch.object(answer, "names_school_kind", school_kinds),
                mock.patch.object(followup, "_absolute_years", years),
                mock.patch.object(followup, "_PRONOUN", pronouns),
                mock.patch.object(followup, "_DETERMINER", determiner),
                mock.patch.object(followup, "_RELATIVE_YEAR", relative_year),
                mock.patch.object(followup, "ANSWER_NOUNS", name_nouns),
                mock.patch.object(query, "levels_as_written", levels),
                mock.patch.object(kinds, "_level_apart", apart),
                mock.patch.object(answer, "_own_words", own_words),
                mock.patch.object(followup, "_done_with_whom_said_before", verb_of),
                mock.patch.object(followup, "_place_in_earlier_list", place),
                mock.patch.object(followup, "RELATION_WORDS", with_whom),
                mock.patch.object(answer, "_earlier_sentences", earlier),
                mock.patch.object(followup, "_SWAP_LEAD", swap_lead),
                mock.patch.object(followup, "_CONTRASTED", that_side),
                mock.patch.object(followup, "_OWNERLESS", ownerless),
                mock.patch.object(followup, "_ONE_SIDE", one_side),
                mock.patch.object(answer, "_as_sure_as_earlier", as_sure),
            )
            with contextlib.ExitStack() as stack:  # more patches than Python nests in one `with`
                for patch in patches:
                    stack.enter_context(patch)
                for name in SETS:
                    questions = read_questions(REPO / "eval" / f"{name}.jsonl")[0]
                    if not name.startswith("conversations"):
                        questions = in_conversation(questions, 3)
                    outcomes = evaluate(bot, questions, progress=False)
                    follow = [o for o in outcomes if o.question.type == "followup"]
                    unanswerable_follow = [
                        o
                        for o in outcomes
                        if o.question.history and not o.question.answerable and not o.question.unrelated_history
                    ]
                    changed = score(outcomes).get("changed_by_unrelated_history")
                    keys = _share([o.keys_found == len(o.question.keys) and not o.answer.abstained for o in follow])
                    refused = _share([o.answer.abstained for o in unanswerable_follow])
                    print(f"| {rule} | {name} | {keys} | {refused} | {_fmt(changed)} |")


def _share(flags: list[bool]) -> str:
    return f"{sum(flags) / len(flags):.3f} ({sum(flags)}/{len(flags)})" if flags else "–"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
