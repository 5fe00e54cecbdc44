"""The eval: metric definitions on hand-made inputs, question-file parsing, and end-to-end runs (offline)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from qa.errors import InputError
from qa.evaluation import (
    METRICS,
    Fold,
    Outcome,
    Question,
    absent_articles,
    abstention_at,
    abstention_tradeoff,
    answerability,
    by_scope,
    by_type,
    calibration,
    check_floors,
    claimed_probability,
    hit_rank,
    in_conversation,
    in_script,
    is_right,
    key_found,
    load_floors,
    lookalike_figures,
    main,
    mrr,
    parse_key,
    percentile,
    read_questions,
    recall_at,
    score,
    squad_questions,
    strip_markers,
    supports,
)
from qa.evaluation.report import write_plots
from qa.types import Answer, Citation, Passage

ROWS = [
    {
        "id": "q1",
        "question": "郑州市有多少所中职学校通过了标准化建设工程验收？",
        "answers": ["41所|41"],
        "evidence": ["郑州市共有41所中职学校通过河南省教育厅标准化建设工程验收"],
        "type": "fact",
        "source": "hand-written",
    },
    {
        "id": "q2",
        "question": "这封答复是写给谁的？",
        "answers": ["王素梅"],
        "evidence": ["尊敬的王素梅委员:"],
        "type": "meta",
    },
    {
        "id": "q3",
        "question": "市级的呢？",
        "answers": ["38个|38"],
        "evidence": ["市级专业技能工作室38个"],
        "type": "followup",
        "history": ["省级专业技能工作室有几个？"],
    },
    {
        "id": "q4",
        "question": "郑州成立了多少个行业职业教育校企合作指导委员会？",
        "answers": ["10个|十个"],
        "evidence": ["分批成立汽车、电子商务等10个行业职业教育校企合作指导委员会"],
        "type": "fact",
    },
    {"id": "q5", "question": "郑州市教育局局长是谁？", "answers": [], "evidence": [], "type": "unanswerable"},
]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    user_index = tmp_path / "user-index"
    monkeypatch.setenv("QA_INDEX_DIR", str(user_index))
    return user_index


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _passage(text: str, doc_id: str = "d.txt") -> Passage:
    return Passage(doc_id, 0, len(text), text, "", 1.0)


def _outcome(q: Question, text: str, abstained: bool = False, rank: int | None = 1, ms: float = 1.0) -> Outcome:
    retrieved = tuple(_passage("hit " + " ".join(q.evidence) if i + 1 == rank else "miss") for i in range(10))
    answer = Answer(q.question, text, (), (), abstained)
    return Outcome(q, answer, q.question, retrieved, ms, (), None)


def test_keys_accept_any_alternative_once_markers_are_stripped() -> None:
    assert parse_key("41所|41") == ("41所", "41")
    assert parse_key(" a | |b ") == ("a", "b")
    assert strip_markers("共有41[1]所，另[12]有") == "共有41所，另有"
    assert key_found(parse_key("41所|四十一所"), strip_markers("共有41[1]所"))
    assert not key_found(parse_key("七个"), "共有7个")


def test_hit_rank_recall_and_mrr_on_a_fake_ranking() -> None:
    q = Question("x", "?", evidence=("关键证据",))
    ranking = [_passage("无关"), _passage("也无关"), _passage("前文关键证据后文")]
    assert hit_rank(q, ranking) == 3
    assert hit_rank(q, ranking[:2]) is None
    by_doc = Question("y", "?", keys=(("a",),), doc_id="p2.txt")
    assert hit_rank(by_doc, [_passage("a", "p1.txt"), _passage("b", "p2.txt")]) == 2
    ranks = [1, 3, None, 11]
    assert recall_at(ranks, 1) == 0.25
    assert recall_at(ranks, 3) == 0.5
    assert mrr(ranks) == pytest.approx((1 + 1 / 3) / 4)
    assert recall_at([], 5) is None


def test_support_needs_half_of_the_shorter_of_citation_and_evidence() -> None:
    text = "甲乙丙丁戊己庚辛壬癸。其他内容。"

    def cite(start: int, end: int) -> Citation:
        return Citation("d.txt", start, end, text[start:end], "")

    evidence = ["甲乙丙丁戊己庚辛"]  # chars 0..8
    assert supports([cite(0, 4)], evidence, lambda _: text)  # half of the evidence
    assert supports([cite(2, 3)], evidence, lambda _: text)  # a short citation inside the evidence
    assert not supports([cite(6, 16)], evidence, lambda _: text)  # 2 of 8 evidence chars, 2 of 10 cited
    assert supports([cite(0, 2), cite(2, 4)], evidence, lambda _: text)  # spans are merged
    assert not supports([cite(11, 15)], evidence, lambda _: text)


def test_percentile_matches_numpy() -> None:
    values = [5.0, 1.0, 9.0, 3.0, 7.5]
    for q in (0, 50, 95, 100):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))
    assert percentile([], 50) is None


def test_malformed_lines_are_reported_with_their_number_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    lines = [
        json.dumps(ROWS[0], ensure_ascii=False),
        "{not json",
        "",
        json.dumps({"id": "b", "question": "缺答案？", "evidence": []}),
        json.dumps(ROWS[0], ensure_ascii=False),
        "[1, 2]",
        json.dumps(ROWS[4], ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    questions, problems = read_questions(path)
    assert [q.id for q in questions] == ["q1", "q5"]
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 4", "line 5", "line 6"]
    assert "'answers'" in problems[1] and "duplicate" in problems[2]
    assert questions[0].extra == {"source": "hand-written"}
    assert questions[0].keys == (("41所", "41"),) and not questions[1].answerable


def test_unanswerable_questions_count_only_in_abstention_metrics() -> None:
    fact = Question("a", "?", keys=(("41",), ("所",)), evidence=("41所",), type="fact")
    outcomes = [
        _outcome(fact, "共有41所[1]。", rank=1, ms=1.0),
        _outcome(fact, "41个[1]。", rank=4, ms=2.0),  # half the keys
        _outcome(fact, "信中没有找到答案：41所。", abstained=True, rank=None, ms=3.0),  # abstained: no keys count
        _outcome(Question("u", "?", type="unanswerable"), "没有找到。", abstained=True, ms=4.0),
        _outcome(Question("v", "?", type="unanswerable"), "乱答。", ms=100.0),
    ]
    metrics = score(outcomes)
    assert metrics["recall@1"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["recall@5"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics["mrr@10"] == pytest.approx((1 + 1 / 4) / 3, abs=1e-4)
    assert metrics["answer_key_recall"] == pytest.approx((1 + 0.5 + 0) / 3, abs=1e-4)
    assert metrics["answer_all_keys"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["false_abstain_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["abstain_rate_unanswerable"] == 0.5
    assert metrics["latency_ms_p50"] == 3.0
    assert metrics["answer_median_chars"] == 5.0  # "共有41所。" and "41个。" once markers are stripped
    assert metrics["citation_offsets_valid"] is None  # no citation was given
    assert [o.cause for o in outcomes] == [None, "wrong clause", "false abstention", None, "missed abstention"]


def test_floors_are_minimums_or_maximums_and_unmeasured_ones_fail(tmp_path: Path) -> None:
    metrics = {"recall@1": 0.8, "latency_ms_p95": 50.0, "abstain_rate_unanswerable": None}
    assert check_floors(metrics, {"min": {"recall@1": 0.75}, "max": {"latency_ms_p95": 200}}) == []
    failed = check_floors(
        metrics, {"min": {"recall@1": 0.9, "abstain_rate_unanswerable": 0.5}, "max": {"latency_ms_p95": 10}}
    )
    assert failed == [
        "recall@1 = 0.8 is below the floor 0.9",
        "abstain_rate_unanswerable was not measured (its min is 0.5)",
        "latency_ms_p95 = 50.0 is above the ceiling 10",
    ]
    bad = tmp_path / "floors.json"
    bad.write_text(json.dumps({"recall@1": 0.5}), encoding="utf-8")
    with pytest.raises(InputError, match=r'must be a JSON object \{"min"'):
        load_floors(bad)


def test_repository_floors_file_is_valid() -> None:
    floors = load_floors(Path(__file__).resolve().parents[1] / "eval" / "floors.json")
    assert set(floors["min"]) | set(floors["max"]) <= {*METRICS, "answer_median_chars"}


def test_end_to_end_run_writes_every_output(tmp_path: Path, _offline: Path) -> None:
    questions = _jsonl(tmp_path / "five.jsonl", ROWS)
    out = tmp_path / "out"
    assert main([str(questions), "--out", str(out), "--embed-model", "none"]) == 0
    for name in ("metrics.json", "per_question.jsonl", "report.md", "recall_at_k.png", "latency.png", "by_type.png"):
        assert (out / name).stat().st_size > 0, name
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    for name in METRICS:
        assert metrics[name] is not None, name
        upper = float("inf") if name.startswith("latency") else 1.0
        assert 0.0 <= metrics[name] <= upper, name
    assert metrics["embedder"]["id"] == "none" and metrics["manifest"]["counts"]["documents"] == 1
    assert set(metrics["by_type"]) == {"fact", "meta", "followup", "unanswerable"}
    assert metrics["citation_offsets_valid"] == 1.0
    rows = [json.loads(line) for line in (out / "per_question.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3", "q4", "q5"]
    assert rows[0]["source"] == "hand-written"  # unknown fields are kept
    assert rows[2]["query"] != rows[2]["question"]  # the follow-up was retrieved as resolved
    assert "## By type" in (out / "report.md").read_text(encoding="utf-8")
    calibrated = metrics["calibration"]  # the letter's questions are scored by the answerability model
    assert calibrated["questions"] >= 3 and 0.0 <= calibrated["ece"] <= 1.0 and len(calibrated["bins"]) == 10
    assert (out / "reliability.png").stat().st_size > 0 and "## Calibration" in (out / "report.md").read_text()
    # The eval indexes into a temporary folder: nothing left in --out, nothing in the user's index.
    assert not [p for p in out.iterdir() if p.is_dir()]
    assert not _offline.exists()


def test_check_floors_sets_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = _jsonl(tmp_path / "five.jsonl", ROWS)
    impossible = tmp_path / "impossible.json"
    impossible.write_text(json.dumps({"min": {"recall@5": 1.01}, "max": {}}), encoding="utf-8")
    met = tmp_path / "met.json"
    met.write_text(json.dumps({"min": {"recall@5": 0.0}, "max": {"latency_ms_p95": 1e6}}), encoding="utf-8")
    args = [str(questions), "--out", str(tmp_path / "out"), "--embed-model", "none", "--check-floors"]
    assert main([*args, str(impossible)]) == 1
    assert "recall@5 = " in capsys.readouterr().err
    assert main([*args, str(met)]) == 0


def test_squad_file_makes_each_paragraph_a_document(tmp_path: Path) -> None:
    squad = {
        "data": [
            {
                "paragraphs": [
                    {
                        "context": "长江是中国第一长河，全长约6300公里，流经青海、西藏、四川等十一个省级行政区。",
                        "qas": [{"id": "a1", "question": "长江全长约多少公里？", "answers": [{"text": "6300公里"}]}],
                    },
                    {
                        "context": "熊猫主要生活在四川、陕西和甘肃的山区，以竹子为主要食物，是中国的国宝。",
                        "qas": [{"id": "b1", "question": "熊猫以什么为主要食物？", "answers": [{"text": "竹子"}]}],
                    },
                ]
            }
        ]
    }
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(squad, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--squad", str(path), "--out", str(out), "--embed-model", "none"]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["questions"] == 2 and metrics["manifest"]["counts"]["documents"] == 2
    assert metrics["recall@1"] == 1.0  # each question's own paragraph ranks first
    assert 0.0 <= metrics["answer_contains_gold"] <= 1.0
    assert metrics["abstain_rate_unanswerable"] is None
    rows = [json.loads(line) for line in (out / "per_question.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in rows] == ["p0001.txt", "p0002.txt"]
    # The naive baseline answers with the whole best-overlapping sentence of the top paragraph.
    assert rows[1]["baseline"].startswith("熊猫主要生活在") and metrics["baseline_contains_gold"] == 1.0


def test_baseline_is_scored_on_the_keys_like_the_answer() -> None:
    q = Question("x", "郑州有多少所中职学校？", keys=(("41所",),), evidence=("41所",))
    right = replace(_outcome(q, "共有41所[1]。"), baseline="郑州市共有41所中职学校。")
    wrong = replace(_outcome(q, "共有41所[1]。"), baseline="郑州市有中职学校。")
    assert score([right, wrong])["baseline_all_keys"] == 0.5
    assert score([right, wrong])["answer_all_keys"] == 1.0


def test_qa_eval_subcommand_and_its_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qa.cli import main as qa_main

    questions = _jsonl(tmp_path / "five.jsonl", ROWS)
    out = tmp_path / "out"
    assert qa_main(["eval", str(questions), "--out", str(out), "--embed-model", "none", "--limit", "2"]) == 0
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["questions"] == 2
    assert qa_main(["eval", str(tmp_path / "missing.jsonl"), "--out", str(out)]) == 2
    assert "missing.jsonl does not exist" in capsys.readouterr().err
    assert main([str(questions), "--squad", str(questions), "--out", str(out)]) == 2
    assert "--squad brings its own questions" in capsys.readouterr().err


def test_questions_can_be_asked_in_traditional_characters(tmp_path: Path) -> None:
    converted = in_script(
        [Question("q", "郑州市级重点建设专业有多少个？", history=("这封信是写给谁的？",))], "traditional"
    )
    assert converted[0].question == "鄭州市級重點建設專業有多少個？"
    assert converted[0].history == ("這封信是寫給誰的？",)
    out = tmp_path / "out"
    questions = _jsonl(tmp_path / "five.jsonl", ROWS)
    assert main([str(questions), "--out", str(out), "--embed-model", "none", "--script", "traditional"]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["script"] == "traditional" and metrics["answer_key_recall"] > 0.5


def test_the_letter_can_be_scored_in_traditional_characters(tmp_path: Path) -> None:
    out = tmp_path / "out"
    questions = _jsonl(tmp_path / "five.jsonl", ROWS)
    assert main([str(questions), "--out", str(out), "--embed-model", "none", "--doc-script", "traditional"]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["doc_script"] == "traditional" and metrics["answer_key_recall"] > 0.5
    rows = [json.loads(line) for line in (out / "per_question.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "鄭州" in "".join(r["answer"] for r in rows)  # answers quote the converted letter


def test_skip_and_limit_take_a_slice_of_the_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    questions = _jsonl(tmp_path / "five.jsonl", ROWS)
    assert main([str(questions), "--out", str(out), "--embed-model", "none", "--skip", "1", "--limit", "2"]) == 0
    rows = [json.loads(line) for line in (out / "per_question.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [row["id"] for row in ROWS[1:3]]
    assert main([str(questions), "--out", str(out), "--skip", "-1"]) == 2


# ---- SQuAD --absent and the abstention trade-off -------------------------------------------------

ARTICLES = [  # question counts 1, 2, 3, 2: eight questions in four articles, one of two paragraphs
    [("长江是中国第一长河，全长约6300公里，流经十一个省级行政区。", [("a1", "长江全长约多少公里？", "6300公里")])],
    [
        ("熊猫主要生活在四川、陕西和甘肃的山区，以竹子为主要食物。", [("b1", "熊猫以什么为主要食物？", "竹子")]),
        ("大熊猫的寿命在野外约为二十年，圈养时可达三十年。", [("b2", "大熊猫在野外能活多少年？", "二十年")]),
    ],
    [
        (
            "泰山位于山东省泰安市，主峰玉皇顶海拔1545米，是五岳之首。",
            [
                ("c1", "泰山主峰叫什么？", "玉皇顶"),
                ("c2", "泰山主峰海拔多少米？", "1545米"),
                ("c3", "泰山位于哪个省？", "山东省"),
            ],
        )
    ],
    [
        (
            "西湖位于浙江省杭州市西部，湖面面积约6.38平方千米，有断桥等名胜。",
            [("d1", "西湖在哪个城市？", "杭州市"), ("d2", "西湖湖面面积约多少？", "6.38平方千米")],
        )
    ],
]


def _squad(tmp_path: Path) -> Path:
    data = {
        "data": [
            {
                "id": f"art{i}",
                "paragraphs": [
                    {
                        "context": context,
                        "qas": [
                            {"id": qid, "question": q, "answers": [{"text": gold, "answer_start": context.find(gold)}]}
                            for qid, q, gold in qas
                        ],
                    }
                    for context, qas in paragraphs
                ],
            }
            for i, paragraphs in enumerate(ARTICLES)
        ]
    }
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "per_question.jsonl").read_text(encoding="utf-8").splitlines()]


def test_absent_sample_leaves_out_whole_articles_holding_n_questions(tmp_path: Path) -> None:
    counts = [len(qas) for article in ARTICLES for _, qas in article]  # per paragraph
    article_of = [i for i, article in enumerate(ARTICLES) for _ in article]
    path = _squad(tmp_path)
    samples = set()
    for seed in range(8):
        folder = tmp_path / f"corpus{seed}"
        folder.mkdir()
        questions = squad_questions(path, folder, absent=3, seed=seed)
        absent = [q for q in questions if q.absent]
        assert len(absent) >= 3 and {q.type for q in absent} == {"absent"}
        assert not any(q.answerable or q.doc_id for q in absent)
        written = {f.name for f in folder.iterdir()}
        left_out = set(article_of) - {article_of[int(name[1:5]) - 1] for name in written}
        # Every paragraph of a left-out article is missing, every other one is there, and its questions are
        # exactly the absent ones.
        assert len(written) + sum(len(ARTICLES[a]) for a in left_out) == len(counts)
        absent_ids = {qid for a in left_out for _, qas in ARTICLES[a] for qid, _, _ in qas}
        assert {q.id for q in absent} == absent_ids
        assert all((folder / q.doc_id).is_file() for q in questions if not q.absent and q.doc_id)
        # Same seed, same sample (and the pure sampler agrees with what was written).
        again = tmp_path / f"again{seed}"
        again.mkdir()
        assert squad_questions(path, again, absent=3, seed=seed) == questions
        assert set(absent_articles([1, 2, 3, 2], 3, seed)) == left_out
        samples.add(frozenset(left_out))
    assert len(samples) > 1  # the seed matters
    with pytest.raises(InputError, match="--absent 8 would leave no article"):
        absent_articles([1, 2, 3, 2], 8)


def test_abstention_at_a_false_abstention_rate_takes_the_highest_threshold_within_it() -> None:
    answerable = [(i / 10, True) for i in range(1, 11)]  # 0.1 … 1.0: 10% is one question below the threshold
    scored = [*answerable, (0.05, False), (0.15, False), (0.95, False)]
    at = abstention_at(scored, most=0.1)
    assert at is not None and at["threshold"] == 0.2 and at["false_abstain_rate"] == 0.1
    assert at["abstain_rate_unanswerable"] == pytest.approx(2 / 3, abs=1e-4)
    assert at["auc"] == pytest.approx((10 + 9 + 1) / 30, abs=1e-4)  # pairs ordered right, of 10 x 3
    assert abstention_at(answerable) is None  # no unanswerable question to count
    assert answerability(None, abstained=True) == 0.0 and answerability(None, abstained=False) == 1.0
    assert answerability(0.4, abstained=True) == 0.4
    # a refusal a check made after the models stands at any threshold, whatever the model's confidence
    assert answerability(0.9, abstained=True, checked=True) == 0.0


def test_absent_questions_count_only_in_the_abstention_metrics() -> None:
    fact = Question("a", "?", keys=(("41",),), evidence=("41",), type="squad")
    gone = Question("g", "?", type="absent", absent=True)
    outcomes = [
        _outcome(fact, "共有41所[1]。", rank=1),
        _outcome(fact, "没有。", abstained=True, rank=None),
        _outcome(gone, "没有找到。", abstained=True, rank=None),
        _outcome(gone, "乱答41。", rank=None),
        _outcome(gone, "没有找到。", abstained=True, rank=None),
    ]
    metrics = score(outcomes)
    assert metrics["abstain_rate_absent"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics["abstain_rate_unanswerable"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics["false_abstain_rate"] == 0.5 and metrics["answer_all_keys"] == 0.5 and metrics["recall@1"] == 0.5
    assert score(outcomes[:2])["abstain_rate_absent"] is None
    assert [o.cause for o in outcomes[2:]] == [None, "missed abstention", None]


def test_squad_absent_run_abstains_on_left_out_articles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = _squad(tmp_path)
    assert main(["--squad", str(path), "--absent", "3", "--seed", "1", "--out", str(out), "--embed-model", "none"]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    rows = _rows(out)
    absent = [r for r in rows if r["type"] == "absent"]
    assert metrics["questions"] == 8 and metrics["absent_questions"] == len(absent) >= 3
    assert metrics["absent"] == 3 and metrics["absent_seed"] == 1
    assert metrics["manifest"]["counts"]["documents"] == 5 - len({r["left_out"] for r in absent})
    assert metrics["abstain_rate_absent"] == pytest.approx(sum(r["abstained"] for r in absent) / len(absent), abs=1e-4)
    assert metrics["by_type"]["absent"]["questions"] == len(absent)
    assert metrics["by_type"]["squad"]["questions"] == 8 - len(absent)
    assert metrics["by_type"]["absent"]["recall@1"] is None  # no passage to find
    assert metrics["recall@1"] == 1.0  # counted over the asked-normally questions only
    assert all("confidence" in r for r in rows) and all(r["gold"] for r in absent)
    assert "abstain_rate_absent" in (out / "report.md").read_text(encoding="utf-8")
    assert main(["--absent", "3", "--out", str(out)]) == 2  # needs --squad


def test_a_fold_asks_only_its_articles_questions_against_every_article(tmp_path: Path) -> None:
    path = _squad(tmp_path)
    everything = tmp_path / "all"
    everything.mkdir()
    asked = {q.id for q in squad_questions(path, everything, fold=None)}
    ids = [{qid for _, qas in article for qid, _, _ in qas} for article in ARTICLES]
    folds = []
    for number in range(2):
        folder = tmp_path / f"fold{number}"
        folder.mkdir()
        questions = squad_questions(path, folder, fold=Fold(number, 2))
        assert {f.name for f in folder.iterdir()} == {f.name for f in everything.iterdir()}  # the corpus is whole
        folds.append({q.id for q in questions})
        assert folds[-1] == set().union(*ids[number::2])
    assert folds[0] | folds[1] == asked and not folds[0] & folds[1]
    out = tmp_path / "out"
    assert main(["--squad", str(path), "--articles", "1/2", "--out", str(out), "--embed-model", "none"]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["articles"] == "1/2" and {r["id"] for r in _rows(out)} == folds[1]


@pytest.mark.parametrize("text", ["2/2", "-1/2", "1", "a/b", "0/0"])
def test_a_fold_that_is_not_k_of_n_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(InputError, match="must be K/N"):
        Fold.parse(text)


def test_a_bad_fold_option_is_a_usage_error_not_a_traceback(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--squad", "x.json", "--articles", "3/2"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "must be K/N" in err and "Traceback" not in err


def test_eval_reads_the_models_it_is_told_to_and_names_a_missing_folder(tmp_path: Path, capsys) -> None:
    path = _squad(tmp_path)
    out = tmp_path / "out"
    assert main(["--squad", str(path), "--models", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "qa train" in err and "Traceback" not in err


def test_off_topic_asks_every_squad_question_of_the_letter_as_one_to_abstain_on(tmp_path: Path) -> None:
    path = _squad(tmp_path)
    out = tmp_path / "out"
    assert main(["--squad", str(path), "--off-topic", "--out", str(out), "--embed-model", "none"]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    rows = _rows(out)
    assert metrics["absent_questions"] == metrics["questions"] == 8 and {r["type"] for r in rows} == {"absent"}
    assert metrics["manifest"]["collection"] == "letter"  # asked of the bundled letter, not the set's paragraphs
    assert metrics["abstain_rate_absent"] == pytest.approx(sum(r["abstained"] for r in rows) / 8, abs=1e-4)
    assert main(["--squad", str(path), "--off-topic", "--absent", "2", "--out", str(out)]) == 2


def test_squad_contexts_and_golds_can_be_indexed_in_traditional_characters(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = _squad(tmp_path)
    assert main(["--squad", str(path), "--doc-script", "traditional", "--out", str(out), "--embed-model", "none"]) == 0
    rows = {r["id"]: r for r in _rows(out)}
    assert rows["b1"]["answers"] == ["竹子"] and rows["c3"]["answers"] == ["山東省"]  # golds converted
    assert rows["a1"]["question"] == "长江全长约多少公里？"  # the question stays as written
    # The index holds the converted contexts: the (deterministic) baseline quotes them, golds and all.
    assert rows["a1"]["baseline"].startswith("長江是中國第一長河") and "山東省" in rows["c3"]["baseline"]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["doc_script"] == "traditional" and metrics["baseline_contains_gold"] == 1.0


def _scored(q: Question, confidence: float | None, abstained: bool = False) -> Outcome:
    return replace(
        _outcome(q, "答。", abstained=abstained), answer=Answer(q.question, "答。", (), (), abstained, "", confidence)
    )


def test_tradeoff_sweep_abstains_below_the_threshold_and_keeps_unscored_decisions(tmp_path: Path) -> None:
    yes = Question("y", "?", keys=(("答",),), evidence=("答",))
    no = Question("n", "?")
    outcomes = [
        _scored(yes, 0.9),
        _scored(yes, 0.6),
        _scored(yes, 0.2, abstained=True),
        _scored(yes, None),  # not scored, answered: answered at every threshold
        _scored(no, 0.1, abstained=True),
        _scored(no, 0.4, abstained=True),
        _scored(no, 0.7),
        _scored(no, None, abstained=True),  # not scored, abstained: abstains at every threshold
    ]
    points = abstention_tradeoff(outcomes, steps=3)
    assert [(p.threshold, p.false_abstain_rate, p.abstain_rate_unanswerable) for p in points] == [
        (0.0, 0.0, 0.25),
        (0.5, 0.25, 0.75),
        (1.0, 0.75, 1.0),
    ]
    assert len(abstention_tradeoff(outcomes)) == 21
    # a refusal a check made after the models (confident as the model was) abstains at every threshold
    checked = replace(outcomes[6], answer=replace(outcomes[6].answer, abstained=True, checked=True))
    swept = abstention_tradeoff([*outcomes[:6], checked, outcomes[7]], steps=3)
    assert [p.abstain_rate_unanswerable for p in swept] == [0.5, 1.0, 1.0]
    assert abstention_tradeoff([_scored(yes, None), _scored(no, None)]) == []  # no confidences
    assert abstention_tradeoff([o for o in outcomes if o.question.answerable]) == []  # nothing to abstain on
    metrics = {"by_type": by_type(outcomes), **score(outcomes)}
    out = tmp_path / "plots"
    out.mkdir()
    assert "abstention_tradeoff.png" in write_plots(out, metrics, outcomes)
    assert (out / "abstention_tradeoff.png").stat().st_size > 0
    unscored = [replace(o, answer=replace(o.answer, confidence=None)) for o in outcomes]
    assert "abstention_tradeoff.png" not in write_plots(tmp_path, metrics, unscored)


def test_twins_ask_each_answerable_questions_lookalike_beside_it(tmp_path: Path, capsys) -> None:
    path = _squad(tmp_path)
    pool = tmp_path / "pool.txt"
    pool.write_text("黄山位于安徽省黄山市，主峰莲花峰海拔1864米。\n洛阳市的白马寺建于东汉。\n", encoding="utf-8")
    out, fold_out = tmp_path / "out", tmp_path / "fold"
    common = ["--squad", str(path), "--twins", "--twins-pool", str(pool), "--seed", "3", "--embed-model", "none"]
    assert main([*common, "--out", str(out)]) == 0
    metrics, rows = json.loads((out / "metrics.json").read_text(encoding="utf-8")), _rows(out)
    twins = [r for r in rows if r["type"] == "lookalike"]
    originals = {r["id"]: r for r in rows if r["type"] == "squad"}
    corpus = "".join(context for article in ARTICLES for context, _ in article)
    assert len(originals) == 8 and len(twins) + metrics["twins"]["unmade"] == 8 and twins
    for twin in twins:
        original = originals[twin["twin_of"]]
        assert twin["question"] == original["question"].replace(twin["original"], twin["replacement"], 1)
        assert twin["replacement"] not in corpus and twin["doc_id"] == original["doc_id"]
        assert twin["answers"] == [] and twin["id"] == f"{twin['twin_of']}~{twin['lookalike']}"
    figures = metrics["lookalikes"]
    assert figures["questions"] == len(twins)
    assert figures["abstain_rate"] == pytest.approx(sum(t["abstained"] for t in twins) / len(twins), abs=1e-4)
    assert sum(k["questions"] for k in figures["by_kind"].values()) == len(twins)
    assert metrics["abstain_rate_lookalike"] == figures["abstain_rate"]
    assert metrics["false_abstain_rate"] == pytest.approx(
        sum(r["abstained"] for r in originals.values()) / 8, abs=1e-4
    )  # the originals alone count as answerable
    assert "look-alikes made by `--twins`" in (out / "report.md").read_text(encoding="utf-8")
    # A fold's questions get the twins they get in the whole set: the recipe is seeded per question.
    assert main([*common, "--articles", "0/2", "--out", str(fold_out)]) == 0
    fold_twins = {r["id"]: r["question"] for r in _rows(fold_out) if r["type"] == "lookalike"}
    assert fold_twins and fold_twins == {t["id"]: t["question"] for t in twins if t["id"] in fold_twins}
    # `--twin-kinds` picks the recipes; the report says which.
    assert main([*common, "--twin-kinds", "entity,year", "--out", str(fold_out)]) == 0
    picked = [r for r in _rows(fold_out) if r["type"] == "lookalike"]
    assert picked and {r["lookalike"] for r in picked} <= {"entity", "year"}
    assert json.loads((fold_out / "metrics.json").read_text(encoding="utf-8"))["twins"]["kinds"] == ["entity", "year"]
    assert metrics["twins"]["kinds"] == ["entity", "number", "year", "attribute"]
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main([*common, "--twin-kinds", "colour", "--out", str(fold_out)])
    assert "unknown look-alike kinds ['colour']" in capsys.readouterr().err
    assert main(["--squad", str(path), "--twins", "--off-topic", "--out", str(out)]) == 2
    assert "drop --off-topic" in capsys.readouterr().err
    assert main(["--squad", str(path), "--twins", "--twins-pool", str(path), "--out", str(out)]) == 2
    assert "is the asked set" in capsys.readouterr().err


def test_conversation_puts_the_k_questions_before_each_one_into_its_history() -> None:
    asked = [
        Question("a", "甲？"),
        Question("b", "乙？"),
        Question("c", "那丙呢？", history=("乙？",)),
        Question("d", "丁？", history=("戊？",), unrelated_history=True),
        Question("e", "己？"),
    ]
    talk = in_conversation(asked, 2)
    assert [q.history for q in talk] == [
        (),
        ("甲？",),
        ("甲？", "乙？", "乙？"),
        ("乙？", "那丙呢？", "戊？"),
        ("那丙呢？", "丁？"),
    ]
    # Standing alone after others (b, e), or flagged (d): compared with the question asked alone; the first
    # question has no history and the follow-up (c) needs its own.
    assert [q.unrelated_history for q in talk] == [False, True, False, True, True]


def test_unrelated_history_changes_count_abstentions_and_answered_texts_not_refusal_wording() -> None:
    q = Question("x", "郑州有多少所中职学校？", keys=(("41所",),), evidence=("41所",), unrelated_history=True)
    answered, refused = (
        Answer(q.question, "共有41所[1]。", (), (), False),
        Answer(q.question, "没有找到。", (), (), True),
    )
    other_refusal = Answer(q.question, "没有找到：信中没有提到。", (), (), True)
    base = _outcome(q, "共有41所[1]。")
    cases = [(answered, answered, False), (answered, refused, True), (refused, other_refusal, False)]
    outcomes = [replace(base, answer=with_history, alone=alone) for with_history, alone, _ in cases]
    assert [o.changed_by_history for o in outcomes] == [changed for _, _, changed in cases]
    moved = replace(base, answer=Answer(q.question, "共有42所[1]。", (), (), False), alone=answered)
    assert moved.changed_by_history is True and base.changed_by_history is None
    assert score([*outcomes, moved, base])["changed_by_unrelated_history"] == 0.5
    assert score([base])["changed_by_unrelated_history"] is None


def test_conversation_run_asks_standalone_questions_again_alone(tmp_path: Path, capsys) -> None:
    rows = [*ROWS, {**ROWS[0], "id": "q6", "history": ["这封答复是写给谁的？"], "unrelated_history": True}]
    questions = _jsonl(tmp_path / "six.jsonl", rows)
    out = tmp_path / "out"
    assert main([str(questions), "--conversation", "2", "--out", str(out), "--embed-model", "none"]) == 0
    metrics, scored = json.loads((out / "metrics.json").read_text(encoding="utf-8")), _rows(out)
    assert metrics["conversation"] == 2
    compared = {r["id"] for r in scored if "alone_answer" in r}
    assert compared == {"q2", "q4", "q5", "q6"}  # q1 comes first, q3 is a follow-up
    assert scored[3]["history"] == [ROWS[1]["question"], ROWS[2]["question"]]
    changed = [r["changed_by_history"] for r in scored if r["id"] in compared]
    assert metrics["changed_by_unrelated_history"] == pytest.approx(sum(changed) / 4, abs=1e-4)
    assert "## Changed by unrelated history" in (out / "report.md").read_text(encoding="utf-8")
    # Without --conversation, only the flagged row is asked again alone.
    assert main([str(questions), "--out", str(out), "--embed-model", "none"]) == 0
    assert {r["id"] for r in _rows(out) if "alone_answer" in r} == {"q6"}
    capsys.readouterr()
    assert main([str(questions), "--conversation", "0", "--out", str(out)]) == 2
    assert "--conversation 0 needs a JSONL set" in capsys.readouterr().err
    bad = _jsonl(tmp_path / "bad.jsonl", [{**ROWS[0], "unrelated_history": "yes"}, ROWS[1]])
    assert read_questions(bad)[1] == ["line 1: 'unrelated_history' must be true or false"]


def test_calibration_error_weighs_each_bins_gap_between_claimed_and_right() -> None:
    fact = Question("a", "?", keys=(("41",),), evidence=("41",))
    none = Question("u", "?")

    def asked(q: Question, text: str, abstained: bool, confidence: float | None) -> Outcome:
        return replace(
            _outcome(q, text, abstained), answer=Answer(q.question, text, (), (), abstained, confidence=confidence)
        )

    outcomes = [
        asked(fact, "共有41所[1]。", False, 0.95),  # right, claims 0.95
        asked(fact, "共有40所[1]。", False, 0.91),  # answered without the key: wrong, claims 0.91
        asked(none, "没有找到。", True, 0.2),  # refused an unanswerable one: right, claims 1 - 0.2 = 0.8
        asked(fact, "没有找到。", True, 0.35),  # refused an answerable one: wrong, claims 0.65
        asked(fact, "共有41所[1]。", False, None),  # not scored by the model: left out
    ]
    assert [is_right(o) for o in outcomes] == [True, False, True, False, True]
    assert [claimed_probability(o.answer) for o in outcomes] == [0.95, 0.91, pytest.approx(0.8), 0.65, None]
    figures = calibration(outcomes)
    assert figures is not None and figures["questions"] == 4 and figures["accuracy"] == 0.5
    # Bins: [0.9, 1.0] holds 0.95 (right) and 0.91 (wrong): mean 0.93, right 0.5; [0.8, 0.9) holds 0.8 (right);
    # [0.6, 0.7) holds 0.65 (wrong). ECE = 2/4 * 0.43 + 1/4 * 0.2 + 1/4 * 0.65.
    assert figures["ece"] == pytest.approx(0.5 * 0.43 + 0.25 * 0.2 + 0.25 * 0.65, abs=1e-4)
    top = figures["bins"][9]
    assert top["questions"] == 2 and top["accuracy"] == 0.5 and top["mean_probability"] == pytest.approx(0.93)
    # Raw confidence against answerable: 0.95, 0.91, 0.35 answerable, 0.2 not.
    assert figures["ece_answerable"] == pytest.approx(0.25 * 0.05 + 0.25 * 0.09 + 0.25 * 0.65 + 0.25 * 0.2, abs=1e-4)
    assert calibration(outcomes[4:]) is None


@dataclass(frozen=True)
class _ScopedAnswer(Answer):
    scope: str = "fact"  # the field the lead's Answer gains; the eval reads it with getattr


def test_a_gathering_answer_is_scored_for_what_it_lists_wrongly() -> None:
    q = Question("b", "信中提到了哪些知名企业？", items=(("宇通",), ("郑州日产", "日产")), scope="gather", type="broad")
    run = Citation("d.txt", 0, 8, "宇通、郑州日产、希尔顿", "")
    listing = _ScopedAnswer(q.question, "宇通、郑州日产、希尔顿[1]", (run,), (), False, scope="gather")
    alone = _ScopedAnswer(q.question, "宇通[1]", (replace(run, text="宇通"),), (), False, scope="gather")
    as_fact = Answer(q.question, "宇通、郑州日产、希尔顿[1]。", (run,), (), False)  # one sentence: no list to score
    outcomes = [replace(_outcome(q, ""), answer=a) for a in (listing, alone, as_fact)]
    assert outcomes[0].listed == ["宇通", "郑州日产", "希尔顿"]
    clause = (
        "全市技工院校与宇通、郑州日产等知名企业共建立长期、稳定的校企合作关系1000多家"  # a figure's clause is one piece
    )
    figure = _ScopedAnswer(q.question, clause + "[1]", (replace(run, text=clause),), (), False, scope="gather")
    assert replace(_outcome(q, ""), answer=figure).listed == [clause]
    assert [o.item_precision for o in outcomes] == [pytest.approx(2 / 3), 1.0, None]
    assert score(outcomes)["gather_item_precision"] == pytest.approx((2 / 3 + 1.0) / 2, abs=1e-4)  # rounded


def test_broad_questions_score_items_named_cited_and_the_shape_given() -> None:
    q = Question("b", "信里提到了哪些企业？", items=(("宇通",), ("郑州日产", "日产")), scope="gather", type="broad")
    cite = Citation("d.txt", 0, 6, "宇通客车公司", "")
    both = _ScopedAnswer(
        q.question, "宇通[1]、郑州日产[2]。", (cite, replace(cite, text="其他")), (), False, scope="gather"
    )
    half = Answer(q.question, "宇通[1]。", (cite,), (), False)
    outcomes = [replace(_outcome(q, ""), answer=a) for a in (both, half)]
    outcomes.append(replace(_outcome(q, ""), answer=Answer(q.question, "没有找到。", (), (), True)))
    assert [o.item_recall for o in outcomes] == [1.0, 0.5, 0.0]
    # 郑州日产 is named but inside no cited span: half of both's named items are supported.
    assert [o.item_citation_support for o in outcomes] == [0.5, 1.0, None]
    assert [o.multi_citation for o in outcomes] == [True, False, False]
    assert [o.answer_scope for o in outcomes] == ["gather", "fact", "fact"]
    assert [o.cause for o in outcomes] == ["uncited items", "missing items", "false abstention"]
    metrics = score(outcomes)
    assert metrics["key_phrase_recall"] == 0.5 and metrics["item_citation_support"] == 0.75
    assert metrics["multi_citation_rate"] == 0.5 and metrics["scope_agreement"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["recall@1"] is None  # a broad question has no one passage to find
    refused = _outcome(Question("u", "信里提到了哪些医院？", scope="gather", type="unanswerable"), "没有。", True)
    scopes = by_scope([*outcomes, refused])
    assert scopes["gather"]["questions"] == 4 and scopes["gather"]["abstain_rate_unanswerable"] == 1.0
    assert scopes["gather"]["false_abstain_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert "key_phrase_recall" not in score([refused])


def test_broad_rows_are_read_with_items_and_a_document_next_to_the_set(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "plan.txt").write_text("一、目标\n提高技能。\n二、措施\n加强培训。\n", encoding="utf-8")
    broad = {
        "id": "b1",
        "question": "分为几个部分？",
        "type": "broad",
        "scope": "outline",
        "answers": [],
        "evidence": [],
    }
    rows = [
        {**broad, "items": [["目标"], ["措施"]], "document": "docs/plan.txt"},
        {**broad, "id": "b2", "items": [["目标"]], "document": "docs/missing.txt"},
        {**broad, "id": "b3", "items": [["目标", 3]]},
    ]
    questions, problems = read_questions(_jsonl(tmp_path / "broad.jsonl", rows))
    assert [q.id for q in questions] == ["b1"] and questions[0].answerable
    assert questions[0].items == (("目标",), ("措施",)) and questions[0].scope == "outline"
    assert questions[0].document == (tmp_path / "docs" / "plan.txt").resolve()
    assert problems[0].startswith("line 2: 'document' 'docs/missing.txt' is not a file")
    assert problems[1].startswith("line 3: 'items' must be a list of lists")


def test_rows_with_a_document_are_asked_of_a_collection_holding_only_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    plan = "员工培训计划\n一、培训目标\n全年培训员工300人次，考核通过率达到95%。\n二、培训内容\n开设数控技术培训和安全生产培训。\n"
    (tmp_path / "docs" / "plan.txt").write_text(plan, encoding="utf-8")
    rows = [
        {
            "id": "d1",
            "question": "全年培训员工多少人次？",
            "answers": ["300人次"],
            "evidence": ["全年培训员工300人次"],
            "type": "fact",
            "document": "docs/plan.txt",
        },
        {
            "id": "d2",
            "question": "培训内容有哪些？",
            "answers": [],
            "evidence": [],
            "type": "broad",
            "scope": "section",
            "items": [["数控技术培训"], ["安全生产培训"]],
            "document": "docs/plan.txt",
        },
        {**ROWS[0]},
    ]
    out = tmp_path / "out"
    assert main([str(_jsonl(tmp_path / "set.jsonl", rows)), "--out", str(out), "--embed-model", "none"]) == 0
    metrics, scored = json.loads((out / "metrics.json").read_text(encoding="utf-8")), _rows(out)
    assert metrics["documents"] == [str((tmp_path / "docs" / "plan.txt").resolve())]
    assert metrics["document"] == "bundled letter" and metrics["manifest"]["counts"]["documents"] == 1
    # The plan's questions are answered from the plan alone, the letter's from the letter.
    assert {c["doc_id"] for r in scored[:2] for c in r["citations"]} <= {"plan.txt"}
    assert scored[0]["keys_found"] == 1 and scored[2]["citations"][0]["doc_id"] != "plan.txt"
    assert set(metrics["by_scope"]) == {"section"} and "key_phrase_recall" in metrics
    assert "## By scope (broad questions)" in (out / "report.md").read_text(encoding="utf-8")


def test_floors_reach_nested_figures_by_a_dotted_path() -> None:
    metrics = {"lookalikes": {"abstention_at_3pct_false": {"abstain_rate_unanswerable": 0.6}}, "by_type": {}}
    name = "lookalikes.abstention_at_3pct_false.abstain_rate_unanswerable"
    assert check_floors(metrics, {"min": {name: 0.5}}) == []
    assert check_floors(metrics, {"min": {name: 0.85}}) == [f"{name} = 0.6 is below the floor 0.85"]
    missing = "by_type.followup.answer_all_keys"
    assert check_floors(metrics, {"min": {missing: 0.9}}) == [f"{missing} was not measured (its min is 0.9)"]


def test_a_written_lookalike_names_its_swap_and_counts_with_the_twins(tmp_path: Path) -> None:
    rows = [
        {
            "id": "lo1",
            "question": "郑州市有多少所中职学校？",
            "answers": ["41所"],
            "evidence": ["41所"],
            "type": "fact",
        },
        {
            "id": "la1",
            "question": "洛阳市有多少所中职学校？",
            "answers": [],
            "evidence": [],
            "type": "unanswerable",
            "swap": "entity",
            "source_id": "lo1",
        },
        {"id": "la2", "question": "郑州市有多少所技工院校？", "answers": [], "evidence": [], "swap": 3},
    ]
    questions, problems = read_questions(_jsonl(tmp_path / "la.jsonl", rows))
    assert [q.lookalike for q in questions] == [None, "entity"] and not questions[1].answerable
    assert problems == ["line 3: 'swap' must be a string (what a look-alike swapped: entity, year, number, attribute…)"]
    outcomes = [_outcome(questions[0], "共有41所[1]。"), _outcome(questions[1], "没有找到。", abstained=True)]
    figures = lookalike_figures(outcomes)
    assert figures is not None and figures["by_kind"] == {"entity": {"questions": 1, "abstain_rate": 1.0}}


def test_issue_target_files_load_and_say_how_to_check_them() -> None:
    folder = Path(__file__).resolve().parents[1] / "eval" / "targets"
    files = sorted(folder.glob("*.json"))
    assert len(files) >= 6
    for path in files:
        assert load_floors(path), path.name
        assert "--check-floors eval/targets/" in json.loads(path.read_text(encoding="utf-8"))["command"], path.name


def test_twins_of_a_letter_set_swap_what_the_letter_never_holds(tmp_path: Path) -> None:
    from qa.settings import BUNDLED_LETTER

    pool = tmp_path / "pool.txt"
    pool.write_text("洛阳市有很多中职学校。\n北京大学的校长出席了会议。\n", encoding="utf-8")
    questions, out = _jsonl(tmp_path / "five.jsonl", ROWS), tmp_path / "out"
    assert main([str(questions), "--twins", "--twins-pool", str(pool), "--out", str(out), "--embed-model", "none"]) == 0
    twins = [r for r in _rows(out) if r["type"] == "lookalike"]
    letter = BUNDLED_LETTER.read_text(encoding="utf-8")
    assert twins and all(t["replacement"] not in letter for t in twins)
    assert "q3" not in {t["twin_of"] for t in twins}  # a follow-up gets no look-alike
    assert main([str(questions), "--twins", "--doc", str(pool.with_suffix(".pdf")), "--out", str(out)]) == 2


def test_cross_validation_harvests_look_alikes_from_the_data_folder_it_is_given(tmp_path: Path, monkeypatch) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "cross_validate", Path(__file__).parents[1] / "eval" / "cross_validate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    asked: list[list[str]] = []
    monkeypatch.setattr(module, "evaluate_main", lambda command, prog: asked.append(command) or 1)
    data = tmp_path / "data"
    args = ["--data", str(data), "--twins", "--models-from", str(tmp_path), "--out", str(tmp_path / "out")]
    assert module.main(args) == 1
    assert asked[0][asked[0].index("--twins-pool") + 1] == str(data / "cmrc2018_train.json")
    asked.clear()
    assert module.main([*args, "--twins-pool", str(tmp_path / "pool.txt")]) == 1
    assert asked[0][asked[0].index("--twins-pool") + 1] == str(tmp_path / "pool.txt")
