"""The same retrieval and answering checks against the local store and Milvus Lite, their parity on the letter's
dev questions, a Milvus collection re-filled when its build changes, and an unreachable server in one line."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_answering import FACTOIDS, _assert_exact_citations

from qa import QA
from qa.cli import main
from qa.errors import InputError
from qa.evaluation import hit_rank, read_questions, recall_at
from qa.settings import Settings

pytest.importorskip("pymilvus", reason="the Milvus tests need the `milvus` extra: pip install -e '.[milvus]'")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="module")
def milvus_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A Milvus Lite file; the module is skipped when Milvus Lite cannot start here."""
    from qa.milvus import Target, connect

    store = f"milvus:{tmp_path_factory.mktemp('milvus') / 'qa.db'}"
    try:
        connect(Target.parse(store))
    except InputError as exc:
        pytest.skip(f"Milvus Lite cannot start: {exc}")
    return store


@pytest.fixture(scope="module")
def local(index_dir: Path) -> QA:
    return QA.from_path(index_dir=index_dir, embed_model="wordllama")


@pytest.fixture(scope="module")
def milvus(index_dir: Path, milvus_store: str) -> QA:
    return QA.from_path(index_dir=index_dir, embed_model="wordllama", store=milvus_store)


@pytest.fixture(params=["local", "milvus"])
def bot(request: pytest.FixtureRequest) -> QA:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize(("question", "key"), FACTOIDS)
def test_factoid_is_retrieved_and_answered_with_an_exact_citation(bot: QA, question: str, key: str) -> None:
    assert any(key in p.text for p in bot.retrieve(question, k=3))
    answer = bot.ask(question)
    assert not answer.abstained and key in answer.text
    assert answer.citations and key in answer.citations[0].text
    _assert_exact_citations(bot, answer)


@pytest.mark.parametrize(
    ("question", "expected"),
    [("这封信是写给谁的？", "王素梅委员"), ("第五部分的标题是什么？", "五、加快推动产教融合载体平台建设")],
)
def test_questions_about_the_letter_itself(bot: QA, question: str, expected: str) -> None:
    answer = bot.ask(question)
    assert not answer.abstained and answer.citations[0].text == expected


def test_follow_up_and_abstention(bot: QA) -> None:
    answer = bot.ask("市级的呢？", history=["省级专业技能工作室有几个？"])
    assert "38个" in answer.text and "9个" not in answer.text
    assert bot.ask("郑州市今年的财政预算是多少？").abstained


def test_retrieve_returns_k_passages_best_first_with_both_rankers_scores(bot: QA) -> None:
    passages = bot.retrieve("考察组去了哪几个城市？", k=5)
    assert len(passages) == 5 and "南京" in passages[0].text
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert passages[0].lexical_score and passages[0].dense_score is not None


def test_milvus_gives_the_local_passages_and_scores(local: QA, milvus: QA) -> None:
    for question in ("考察组去了哪几个城市？", "人才培养", "校企合作的企业有哪些", "xyz"):
        want, got = local.retrieve(question, k=10), milvus.retrieve(question, k=10)
        assert [(p.doc_id, p.start) for p in got] == [(p.doc_id, p.start) for p in want]
        for w, g in zip(want, got, strict=True):
            assert g.score == pytest.approx(w.score, abs=1e-4)
            assert g.lexical_score == pytest.approx(w.lexical_score, rel=1e-5)
            assert g.dense_score == pytest.approx(w.dense_score, abs=1e-5)


def test_milvus_collection_holds_the_chunks_and_their_bm25_rows(local: QA, milvus: QA) -> None:
    from qa.milvus import MilvusRanker

    ranker = milvus.retriever.ranker
    assert isinstance(ranker, MilvusRanker)
    rows = ranker.client.query(ranker.name, filter="id in [0, 7]", output_fields=["doc_id", "start", "end", "text"])
    for row in rows:
        chunk = local.chunks[row["id"]]
        assert (row["doc_id"], row["start"], row["end"], row["text"]) == (
            chunk.doc_id,
            chunk.start,
            chunk.end,
            chunk.text,
        )
    scores = local.lexical.scores("职业院校专业建设")
    top = ranker.lexical_top("职业院校专业建设", 20)
    assert [i for i, _ in top] == [int(i) for i in (-scores).argsort(kind="stable")[:20]]
    assert [s for _, s in top] == pytest.approx([float(scores[i]) for i, _ in top], rel=1e-5)


def test_letter_dev_questions_same_recall_and_answers(local: QA, milvus: QA, repo_root: Path) -> None:
    questions, _ = read_questions(repo_root / "eval" / "questions.jsonl")
    answerable = [q for q in questions if q.answerable]
    ranks: dict[str, list[int | None]] = {"local": [], "milvus": []}
    same = 0
    for q in answerable:
        texts = []
        for name, bot in (("local", local), ("milvus", milvus)):
            answer = bot.ask(q.question, history=q.history)
            ranks[name].append(hit_rank(q, bot.retrieve(answer.resolved_question or q.question, k=5)))
            texts.append(answer.text)
        same += texts[0] == texts[1]
    assert recall_at(ranks["milvus"], 5) == recall_at(ranks["local"], 5)
    assert same == len(answerable), f"{len(answerable) - same} of {len(answerable)} answers differ"


def test_a_changed_collection_refills_its_milvus_collection(tmp_path: Path, milvus_store: str) -> None:
    (tmp_path / "a.txt").write_text("图书馆每天早上八点开门，晚上十点关门。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("游泳馆的电话是六六八八一二三四，周一闭馆。", encoding="utf-8")
    bot = QA.create(
        "town", [tmp_path / "a.txt"], index_dir=tmp_path / "index", embed_model="wordllama", store=milvus_store
    )
    assert bot.retrieve("图书馆几点开门", k=1)[0].doc_id == "a.txt"
    first = bot.retriever.ranker
    bot.add([tmp_path / "b.txt"])
    assert bot.retrieve("游泳馆的电话", k=1)[0].doc_id == "b.txt"
    ranker = bot.retriever.ranker
    from qa.milvus import MilvusRanker

    assert isinstance(ranker, MilvusRanker) and isinstance(first, MilvusRanker) and ranker.name == first.name
    properties = ranker.client.describe_collection(ranker.name)["properties"]
    assert properties["qa.build"] == bot.manifest.build and properties["qa.chunks"] == str(len(bot.chunks))


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a server that hangs, not one that refuses."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_an_unreachable_server_is_one_line_within_ten_seconds(
    local: QA, index_dir: Path, silent_server: int, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    store = f"http://127.0.0.1:{silent_server}"
    code = main(
        ["ask", "考察组去了哪几个城市？", "--store", store, "--index-dir", str(index_dir), "--embed-model", "wordllama"]
    )
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith("qa: error: cannot open Milvus server") and "QA_MILVUS_TOKEN" in err[0]


def test_store_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"store 'milvus:x' is unknown: use 'local', 'milvus:PATH.db'"):
        Settings.load(store="milvus:x")
    monkeypatch.setenv("QA_STORE", "milvus:/tmp/x.db")
    assert Settings.load().store == "milvus:/tmp/x.db"


def test_drop_deletes_the_milvus_collection_too(
    tmp_path: Path, milvus_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from qa.milvus import MilvusRanker

    source = tmp_path / "pool.txt"
    source.write_text("游泳馆每天早上六点开门，晚上九点关门。", encoding="utf-8")
    index = tmp_path / "index"
    bot = QA.create("pool", [source], index_dir=index, embed_model="wordllama", store=milvus_store)
    assert "六点" in bot.ask("游泳馆几点开门？").text
    ranker = bot.retriever.ranker
    assert isinstance(ranker, MilvusRanker) and ranker.client.has_collection(ranker.name)
    assert main(["drop", "pool", "--index-dir", str(index), "--store", milvus_store]) == 0
    assert capsys.readouterr().out.strip() == "dropped collection pool and its Milvus collection"
    assert not ranker.client.has_collection(ranker.name) and not (index / "pool").exists()
