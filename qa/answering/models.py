"""The learned models: a sentence ranker and an answerability classifier, LightGBM text files with model cards.

Both are loaded once, on the first question, and checked against the feature code: a model trained on
other features than this code computes would score nonsense, so it is refused with the fix (`qa train`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.answering.features import CANDIDATE_FEATURES, LIST_FEATURES
from qa.errors import ModelError

if TYPE_CHECKING:
    import lightgbm

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
RANKER = "ranker"
ANSWERABLE = "answerable"
FEATURES = {RANKER: CANDIDATE_FEATURES, ANSWERABLE: LIST_FEATURES}
SMALL_COLLECTION = 100  # chunks: a letter is 25, ten Wikipedia articles about 100
MAX_MEMBERS = 16  # boosters a model may average


class Bag:
    """Boosters fitted alike but for LightGBM's seed, averaged: what `predict` returns is the mean of theirs.

    One booster's output moves with its seed as much as with a change to its training data, and many of the
    letter's unanswerable questions score near the threshold: averaging seeds narrows how much a retraining
    re-rolls which of them are refused (`bench/robust_training.py`), though the threshold still moves with what is
    trained.
    """

    def __init__(self, boosters: Sequence[Any]) -> None:
        if not boosters:
            raise ValueError("a bag needs at least one booster")
        self.boosters = tuple(boosters)

    def predict(self, rows: np.ndarray, num_threads: int = 1) -> np.ndarray:
        return np.mean([b.predict(rows, num_threads=num_threads) for b in self.boosters], axis=0)

    def feature_name(self) -> list[str]:
        return list(self.boosters[0].feature_name())


@dataclass(frozen=True)
class Models:
    """The two models, and the abstention threshold chosen on validation (from the answerability card)."""

    ranker: Bag
    answerable: Bag
    threshold: float  # on the calibrated probability
    # Isotonic map from the booster's output to the share of validation questions so scored that the documents
    # answered (raw points, calibrated points); None for a card written before calibration.
    calibration: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    # The threshold for collections of at most `SMALL_COLLECTION` chunks (a letter, a handful of files), chosen on
    # validation collections of that size; None: `threshold` for every size.
    small_threshold: float | None = None

    def threshold_for(self, chunks: int) -> float:
        """The abstention threshold for a collection of `chunks` chunks."""
        if self.small_threshold is not None and chunks <= SMALL_COLLECTION:
            return self.small_threshold
        return self.threshold

    def rank(self, rows: np.ndarray) -> np.ndarray:
        """A score per candidate row; higher is likelier to hold the answer."""
        if not len(rows):
            return np.zeros(0)
        return np.asarray(self.ranker.predict(rows, num_threads=1), dtype=np.float64)

    def probability(self, vector: np.ndarray) -> float:
        """The probability that the documents answer the question, from its ranked list's features, calibrated on
        validation: of the validation questions given 0.7, about 70% were answered by their documents."""
        raw = float(self.answerable.predict(vector.reshape(1, -1), num_threads=1)[0])
        return calibrated(raw, self.calibration)


def calibrated(raw: float, calibration: tuple[tuple[float, ...], tuple[float, ...]] | None) -> float:
    """`raw` through the isotonic map (`np.interp` between its points); `raw` itself without one."""
    if calibration is None:
        return raw
    xs, ys = calibration
    return float(np.interp(raw, xs, ys))


def card_path(folder: Path, name: str) -> Path:
    return folder / f"{name}.json"


def model_path(folder: Path, name: str, member: int = 0) -> Path:
    """The text file of a model's `member`-th booster: `ranker.txt`, then `ranker-2.txt`, `ranker-3.txt`…"""
    return folder / (f"{name}.txt" if member == 0 else f"{name}-{member + 1}.txt")


def member_paths(folder: Path, name: str, card: dict[str, Any]) -> list[Path]:
    """The files of the boosters a card says its model averages (`members`, one for a card without it)."""
    members = card.get("members", 1)
    if not isinstance(members, int) or isinstance(members, bool) or not 1 <= members <= MAX_MEMBERS:
        raise ModelError(
            f"{card_path(folder, name)} says its model averages {members!r} boosters, not 1 to {MAX_MEMBERS}: "
            "rebuild the models with `qa train`"
        )
    return [model_path(folder, name, i) for i in range(members)]


@functools.cache
def load_models(folder: Path = MODELS_DIR) -> Models:
    """Read both models and their cards from `folder`; refuse them when their features are not this code's."""
    cards = {name: read_card(folder, name) for name in FEATURES}
    bags = {}
    for name in FEATURES:
        boosters = []
        for path in member_paths(folder, name, cards[name]):
            boosters.append(booster := _booster(path))
            if tuple(booster.feature_name()) != FEATURES[name]:
                raise ModelError(
                    f"{path} was trained on other features than this code computes: rebuild the models with `qa train`"
                )
        bags[name] = Bag(boosters)
    threshold = cards[ANSWERABLE].get("threshold")
    if not isinstance(threshold, int | float) or not 0.0 <= threshold <= 1.0:
        raise ModelError(f"{card_path(folder, ANSWERABLE)} has no threshold in [0, 1]: rebuild with `qa train`")
    small = cards[ANSWERABLE].get("small_threshold")
    if small is not None and (not isinstance(small, int | float) or not 0.0 <= small <= 1.0):
        raise ModelError(
            f"{card_path(folder, ANSWERABLE)} has a small_threshold outside [0, 1]: rebuild with `qa train`"
        )
    return Models(
        bags[RANKER],
        bags[ANSWERABLE],
        float(threshold),
        _calibration(cards[ANSWERABLE], folder),
        float(small) if small is not None else None,
    )


def _calibration(card: dict[str, Any], folder: Path) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    table = card.get("calibration")
    if table is None:
        return None
    try:
        xs, ys = tuple(float(x) for x in table["raw"]), tuple(float(y) for y in table["calibrated"])
    except (KeyError, TypeError, ValueError):
        xs, ys = (), ()
    if len(xs) < 2 or len(xs) != len(ys) or list(xs) != sorted(xs):
        raise ModelError(f"{card_path(folder, ANSWERABLE)} has a malformed calibration table: rebuild with `qa train`")
    return xs, ys


def read_card(folder: Path, name: str) -> dict[str, Any]:
    path = card_path(folder, name)
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the model card {path} ({exc}): rebuild the models with `qa train`") from None
    if not isinstance(card, dict) or card.get("features") != list(FEATURES[name]):
        raise ModelError(f"{path} lists other features than this code computes: rebuild the models with `qa train`")
    return card


def _booster(path: Path) -> lightgbm.Booster:
    lightgbm = import_lightgbm()
    try:
        return lightgbm.Booster(model_file=str(path))
    except Exception as exc:  # LightGBM raises its own LightGBMError, or OSError, for a bad file
        raise ModelError(f"cannot load the model {path} ({exc}): rebuild the models with `qa train`") from None


def import_lightgbm() -> Any:
    """LightGBM without its scikit-learn and pandas wrappers, which `qa` does not use.

    Importing lightgbm imports scikit-learn and pandas when they are installed (0.7 s here), only for
    its estimator classes; `qa` reads a Booster. They are hidden during the import and nothing else.
    """
    if "lightgbm" in sys.modules:
        return sys.modules["lightgbm"]
    hidden = [name for name in ("sklearn", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import lightgbm
    finally:
        for name in hidden:
            del sys.modules[name]
    return lightgbm
