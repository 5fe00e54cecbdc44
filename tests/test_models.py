"""The learned answering models: the shipped ones load and match the feature code; training beats the naive baseline."""

from __future__ import annotations

import argparse
import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest

from qa.answering import training
from qa.answering.features import CANDIDATE_FEATURES, LIST_FEATURES
from qa.answering.models import ANSWERABLE, MODELS_DIR, RANKER, Bag, load_models, read_card
from qa.answering.training import (
    DATA_DIR,
    TRADITIONAL_SQUAD,
    TRAIN_SQUAD,
    VALID_SQUAD,
    auc,
    choose_threshold,
    read_articles,
    rename,
    small_corpus_examples,
    train,
    write_models,
)
from qa.errors import ModelError
from qa.evaluation import Fold
from qa.lexical import LexicalIndex


def test_shipped_models_load_and_were_trained_on_this_codes_features() -> None:
    models = load_models(MODELS_DIR)
    assert tuple(models.ranker.feature_name()) == CANDIDATE_FEATURES
    assert tuple(models.answerable.feature_name()) == LIST_FEATURES
    assert 0.0 < models.threshold < 1.0
    for name in (RANKER, ANSWERABLE):
        card = read_card(MODELS_DIR, name)
        assert len(card["training_data"][TRAIN_SQUAD]) == 64, "the card names the training data by sha256"
        assert len(card["training_data"][TRADITIONAL_SQUAD]) == 64 and card["left_out"] is None
        assert card["params"]["seed"] and card["params"]["num_threads"] == 1 and card["qa_version"]
        assert {f["name"] for f in card["validation"]} == {
            "cmrc2018_trial",
            "cmrc2018_trial/without",
            "cmrc2018_trial/small",
            "fresh2",
            "lookalikes",
        }


def test_shipped_answerability_is_calibrated_and_stricter_on_small_collections() -> None:
    models = load_models(MODELS_DIR)
    assert models.calibration is not None
    xs, ys = models.calibration
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys) and 0.0 <= ys[0] <= ys[-1] <= 1.0  # isotonic
    assert models.small_threshold is not None
    assert models.threshold_for(25) == models.small_threshold  # a letter
    assert models.threshold_for(100_000) == models.threshold


def test_a_malformed_calibration_table_is_refused_with_the_fix(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    shutil.copytree(MODELS_DIR, folder)
    card = json.loads((folder / "answerable.json").read_text(encoding="utf-8"))
    card["calibration"]["raw"] = card["calibration"]["raw"][::-1]
    (folder / "answerable.json").write_text(json.dumps(card), encoding="utf-8")
    load_models.cache_clear()
    with pytest.raises(ModelError, match="calibration table"):
        load_models(folder)


def test_a_model_card_listing_other_features_is_refused_with_the_fix(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    shutil.copytree(MODELS_DIR, folder)
    card = json.loads((folder / "ranker.json").read_text(encoding="utf-8"))
    card["features"] = card["features"][:-1]
    (folder / "ranker.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="qa train"):
        load_models(folder)


def test_leaving_out_a_fold_drops_exactly_its_articles(tmp_path: Path) -> None:
    articles = [
        {"paragraphs": [{"context": f"第{i}篇。", "qas": [{"question": f"问{i}？", "answers": [{"text": f"{i}"}]}]}]}
        for i in range(5)
    ]
    path = tmp_path / "set.json"
    path.write_text(json.dumps({"data": articles}, ensure_ascii=False), encoding="utf-8")
    assert [a.number for a in read_articles(path)] == [0, 1, 2, 3, 4]
    assert [a.number for a in read_articles(path, leave_out=Fold(1, 2))] == [0, 2, 4]
    assert [a.number for a in read_articles(path, limit=3, leave_out=Fold(0, 2))] == [1]


def test_small_collections_ask_their_own_questions_and_strangers_of_every_size(tmp_path: Path) -> None:
    import random

    towns = ["郑州", "洛阳", "开封", "安阳", "新乡", "焦作", "许昌", "南阳"]
    articles = [
        {
            "paragraphs": [
                {
                    "context": f"{t}有{i + 3}所大学，{t}的市花是月季。",
                    "qas": [{"question": f"{t}有几所大学？", "answers": [{"text": f"{i + 3}所"}]}],
                }
            ]
        }
        for i, t in enumerate(towns)
    ]
    path = tmp_path / "set.json"
    path.write_text(json.dumps({"data": articles}, ensure_ascii=False), encoding="utf-8")
    examples = small_corpus_examples("set", read_articles(path), tmp_path / "work", random.Random(0), "none")
    own = [e for e in examples if e.source == "set/small"]
    strangers = [e for e in examples if e.source == "set/small-absent"]
    assert len(own) == 1 + 2 + 3  # collections of 1, 2 and 3 articles; one of 5 would leave no stranger
    assert len(strangers) == 1 + 2 + 2  # as many strangers as own questions, while other articles last
    assert all(e.answerable and e.labels.any() for e in own)
    assert not any(e.answerable or e.labels.any() for e in strangers)
    sizes = sorted({e.reading.query.chunks for e in own})
    assert len(sizes) == 3 and sizes[0] < sizes[-1]  # the size feature sees each collection's size


def test_a_bag_predicts_the_mean_of_its_boosters() -> None:
    class Fixed:
        def __init__(self, value: float) -> None:
            self.value = value

        def predict(self, rows: np.ndarray, num_threads: int = 1) -> np.ndarray:
            return np.full(len(rows), self.value)

    assert Bag([Fixed(0.2), Fixed(0.6)]).predict(np.zeros((3, 2))).tolist() == pytest.approx([0.4, 0.4, 0.4])
    with pytest.raises(ValueError):
        Bag([])


def test_models_are_written_and_read_back_as_bags_and_a_smaller_bag_leaves_no_stale_member(tmp_path: Path) -> None:
    shipped = load_models(MODELS_DIR)
    ranker, answerable = shipped.ranker.boosters[0], shipped.answerable.boosters[0]
    out = tmp_path / "models"
    thresholds = (shipped.threshold, shipped.small_threshold or shipped.threshold)

    def write(rankers: int, seeds: tuple[int, ...]) -> None:
        write_models(
            out, Bag([ranker] * rankers), Bag([answerable]), thresholds, [], [], None, "wordllama", seeds=seeds
        )
        load_models.cache_clear()

    write(2, (13, 14))
    assert (out / "ranker-2.txt").is_file() and not (out / "answerable-2.txt").exists()
    assert read_card(out, RANKER)["members"] == 2 and read_card(out, RANKER)["params"]["seed"] == [13, 14]
    models = load_models(out)
    assert len(models.ranker.boosters) == 2 and len(models.answerable.boosters) == 1
    rows = np.random.default_rng(0).random((5, len(CANDIDATE_FEATURES)))
    assert models.rank(rows).tolist() == pytest.approx(shipped.rank(rows).tolist())  # the mean of two alike
    write(1, (13,))
    assert not (out / "ranker-2.txt").exists() and len(load_models(out).ranker.boosters) == 1


@pytest.mark.parametrize("members", [0, 17, "3", True])
def test_a_card_with_a_bad_member_count_is_refused_with_the_fix(tmp_path: Path, members: object) -> None:
    folder = tmp_path / "models"
    shutil.copytree(MODELS_DIR, folder)
    card = json.loads((folder / "ranker.json").read_text(encoding="utf-8"))
    card["members"] = members
    (folder / "ranker.json").write_text(json.dumps(card), encoding="utf-8")
    load_models.cache_clear()
    with pytest.raises(ModelError, match=r"averages .* boosters.*qa train"):
        load_models(folder)


def test_a_missing_bag_member_is_refused_with_the_fix(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    shutil.copytree(MODELS_DIR, folder)
    card = json.loads((folder / "answerable.json").read_text(encoding="utf-8"))
    card["members"] = 2
    (folder / "answerable.json").write_text(json.dumps(card), encoding="utf-8")
    load_models.cache_clear()
    with pytest.raises(ModelError, match=r"answerable-2\.txt.*qa train"):
        load_models(folder)


def test_a_missing_model_is_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="qa train"):
        load_models(tmp_path)


def test_the_threshold_keeps_false_abstentions_under_the_bound_on_every_set() -> None:
    import numpy as np

    letter = np.linspace(0.1, 1.0, 40)  # 3% of 40 is one question below the threshold
    wiki = np.linspace(0.3, 1.0, 100)
    threshold = choose_threshold([letter, wiki], most=0.03)
    assert (letter < threshold).mean() <= 0.03 and (wiki < threshold).mean() <= 0.03
    assert threshold == pytest.approx(letter[1])


def test_auc_counts_pairs_ordered_right() -> None:
    import numpy as np

    assert auc(np.array([0.9, 0.8, 0.1]), np.array([True, True, False])) == 1.0
    assert auc(np.array([0.5, 0.5]), np.array([True, False])) == 0.5


def test_renaming_replaces_the_rarest_name_with_one_no_text_holds() -> None:
    import random

    corpus = LexicalIndex(["宇通公司在郑州。", "郑州有很多学校。", "学校在郑州。"])
    renamed = rename("宇通公司在哪里？", corpus, random.Random(0))
    assert renamed is not None and renamed.endswith("公司在哪里？") and not renamed.startswith("宇通")
    assert corpus.df(renamed[:2]) == 0


@pytest.mark.slow
@pytest.mark.skipif(not (DATA_DIR / TRAIN_SQUAD).is_file(), reason="needs ../shared/data (CMRC 2018)")
def test_training_on_a_slice_beats_the_naive_baseline_on_held_back_questions(tmp_path: Path) -> None:
    figures = {f.name: f for f in train(DATA_DIR, tmp_path, limit=40, log=io.StringIO(), seeds=(13, 14))}
    held_back = figures[VALID_SQUAD.removesuffix(".json")]
    assert held_back.questions > 100
    assert held_back.top1_holds_answer > held_back.naive_holds_answer
    assert held_back.auc is not None and held_back.auc > 0.7
    models = load_models(tmp_path)
    assert tuple(models.ranker.feature_name()) == CANDIDATE_FEATURES
    assert len(models.ranker.boosters) == len(models.answerable.boosters) == 2  # one per seed, averaged
    for name in (RANKER, ANSWERABLE):  # the card says the patience the fits stopped with
        assert read_card(tmp_path, name)["params"]["early_stopping_round"] == training.EARLY_STOP


def test_early_stopping_patience_reaches_both_fits_and_the_card() -> None:
    """`qa train --early-stop N` is the patience each fit stops with (the README's retrain comparisons use it)."""
    parser = argparse.ArgumentParser()
    training.add_arguments(parser)
    assert parser.parse_args([]).early_stop == training.EARLY_STOP
    with mock.patch.object(training, "train", return_value=[]) as trained:
        training.run(parser.parse_args(["--early-stop", "120"]))
    assert trained.call_args.kwargs["early_stop"] == 120

    fits: list[list[object]] = []
    fake = SimpleNamespace(
        early_stopping=lambda rounds, verbose: ("patience", rounds),
        train=lambda *args, callbacks, **kwargs: fits.append(callbacks),
    )
    with mock.patch.object(training, "_ranker_data"):
        training.fit_ranker(fake, [], [], early_stop=120)
    with mock.patch.object(training, "_list_rows"):
        fake.Dataset = lambda *args, **kwargs: None
        training.fit_answerable(fake, None, [], [], early_stop=7)
    assert fits == [[("patience", 120)], [("patience", 7)]]


def test_the_thresholds_are_written_as_chosen_and_read_back_exactly(tmp_path: Path) -> None:
    """A threshold is a validation question's calibrated probability, which many questions share (0.187192): rounded
    to four places (0.1872) it refused every one of them."""
    shipped = load_models(MODELS_DIR)
    chosen = (0.140704, 0.187192)
    write_models(
        tmp_path, Bag(shipped.ranker.boosters), Bag(shipped.answerable.boosters), chosen, [], [], None, "wordllama"
    )
    load_models.cache_clear()
    models = load_models(tmp_path)
    assert (models.threshold, models.small_threshold) == chosen
    load_models.cache_clear()
