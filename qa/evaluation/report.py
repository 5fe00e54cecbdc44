"""Eval report: metrics.json, per_question.jsonl, report.md with the failing questions, and PNG plots."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.evaluation.metrics import METRICS, SUPPORT_SHARE, TradeoffPoint, abstention_tradeoff, recall_at
from qa.evaluation.outcomes import DEPTH, Outcome, strip_markers

EACH_DOCUMENT = "each question's own document"  # metrics.json `document` when every question names one
_RECALL_NOTE = "answerable; hit = a top-k passage holds an evidence string (SQuAD: is the question's paragraph)"

_COUNTED_OVER = {
    "recall@1": _RECALL_NOTE,
    "recall@3": _RECALL_NOTE,
    "recall@5": _RECALL_NOTE,
    "mrr@10": "answerable; 1/rank of the first hit in the top 10, else 0",
    "answer_key_recall": "answerable; share of key strings in the answer (abstained = none)",
    "answer_all_keys": "answerable; every key string in the answer",
    "citation_support": f"answered answerable; cited spans and an evidence occurrence overlap by ≥ {SUPPORT_SHARE:.0%} "
    "of the shorter",
    "citation_offsets_valid": "every citation given; its text equals the document at its offsets",
    "abstain_rate_unanswerable": "unanswerable; abstained",
    "abstain_rate_absent": "SQuAD --absent; questions whose article was left out of the corpus; abstained",
    "abstain_rate_lookalike": "--twins; look-alikes of answerable questions (one term swapped for one the corpus "
    "never holds, article kept); abstained",
    "false_abstain_rate": "answerable; abstained",
    "key_phrase_recall": "broad questions; share of their items (any alternative) named in the answer, markers "
    "stripped (abstained = none)",
    "item_citation_support": "broad questions naming an item; share of the named items inside some cited span",
    "multi_citation_rate": "broad questions answered; the answer cites 2 spans or more",
    "scope_agreement": "broad questions; the answer's shape (`Answer.scope`) is the scope asked",
    "gather_item_precision": "gathering questions answered by a gathering; share of what the answer lists (each "
    "cited span, cut at its commas into pieces as short as items) that is one of the question's items, which list "
    "every instance",
    "changed_by_unrelated_history": "questions standing alone asked after unrelated ones (--conversation K, or "
    "`unrelated_history: true`); the answer text or the abstention differs from the question asked alone",
    "latency_ms_p50": "every question; wall time of `ask`",
    "latency_ms_p95": "every question; wall time of `ask`",
    "answer_median_chars": "answered answerable; characters without [n] markers",
    "answer_contains_gold": "SQuAD; a gold answer text is in the answer",
    "baseline_all_keys": "answerable; every key string in the naive baseline's answer (best character-BM25 "
    "passage's document, its sentence sharing most question characters; never abstains)",
    "baseline_contains_gold": "SQuAD; a gold answer text is in the naive baseline's answer",
}
_FAILURE_COLUMNS = ("id", "type", "question", "answer", "expected", "evidence rank")
_PLOT_STEPS = 101  # thresholds drawn in abstention_tradeoff.png
_TRADEOFF_NOTE = (
    "`abstention_tradeoff.png` sweeps the answerability threshold t over [0, 1]: a question abstains when its "
    "`confidence` < t; one without a confidence keeps the run's decision. x: answerable questions abstained on, "
    "y: unanswerable (SQuAD: absent) ones abstained on; the star is this run."
)
_TYPE_COLUMNS = (
    "recall@1",
    "recall@5",
    "mrr@10",
    "answer_all_keys",
    "citation_support",
    "abstain_rate_unanswerable",
    "false_abstain_rate",
    "latency_ms_p50",
)


def write_results(out: Path, metrics: dict[str, Any], outcomes: Sequence[Outcome]) -> Path:
    """Write metrics.json, per_question.jsonl, the PNG plots and report.md into `out`; return the report."""
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with (out / "per_question.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(o.to_dict(), ensure_ascii=False) + "\n" for o in outcomes)
    plots = write_plots(out, metrics, outcomes)
    report = out / "report.md"
    report.write_text(render_report(metrics, outcomes, plots), encoding="utf-8")
    return report


def write_plots(out: Path, metrics: dict[str, Any], outcomes: Sequence[Outcome]) -> list[str]:
    """Recall@k curve, latency histogram, per-type bars and (with confidences) the abstention trade-off
    as PNGs; returns their file names."""
    from matplotlib.figure import Figure  # a bare Figure renders with Agg, no GUI backend involved

    written = []
    ranks = [o.hit_rank for o in outcomes if o.question.answerable]
    if ranks:
        fig = Figure(figsize=(5, 3.5))
        ax = fig.add_subplot()
        ks = list(range(1, DEPTH + 1))
        ax.plot(ks, [recall_at(ranks, k) or 0.0 for k in ks], marker="o")
        ax.set(xlabel="k", ylabel="recall@k", ylim=(0, 1.02), xticks=ks, title="Retrieval recall@k")
        ax.grid(alpha=0.3)
        written.append(_save(fig, out / "recall_at_k.png"))
    fig = Figure(figsize=(5, 3.5))
    ax = fig.add_subplot()
    ax.hist([o.latency_ms for o in outcomes], bins=30, color="tab:gray")
    for name, color in (("latency_ms_p50", "tab:blue"), ("latency_ms_p95", "tab:red")):
        if metrics.get(name) is not None:
            ax.axvline(metrics[name], color=color, linestyle="--", label=f"{name[-3:]} {metrics[name]:.2f} ms")
    ax.set(xlabel="ms per question (ask)", ylabel="questions", title="Latency")
    ax.legend()
    written.append(_save(fig, out / "latency.png"))
    types = list(metrics["by_type"])
    shown = ("recall@5", "answer_all_keys", "citation_support", "abstain_rate_unanswerable")
    fig = Figure(figsize=(max(6.0, 1.2 * len(types) + 3.5), 3.8))
    ax = fig.add_subplot()
    width = 0.8 / len(shown)
    for i, name in enumerate(shown):
        values = [metrics["by_type"][t].get(name) for t in types]
        xs = [x - 0.4 + width * (i + 0.5) for x in range(len(types))]
        ax.bar(xs, [float("nan") if v is None else v for v in values], width, label=name)
    ax.set_xticks(range(len(types)), [f"{t} ({metrics['by_type'][t]['questions']})" for t in types], rotation=20)
    ax.set(ylim=(0, 1.05), title="By question type")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    written.append(_save(fig, out / "by_type.png"))
    tradeoff = abstention_tradeoff(outcomes, _PLOT_STEPS)
    if tradeoff:
        written.append(_tradeoff_plot(out / "abstention_tradeoff.png", tradeoff, metrics))
    if metrics.get("calibration"):
        written.append(_reliability_plot(out / "reliability.png", metrics["calibration"]))
    return written


def _reliability_plot(path: Path, calibration: dict[str, Any]) -> str:
    """Reliability diagram: per bin of claimed probability, the share of decisions that were right, with the
    diagonal a calibrated system sits on, and below it how many questions each bin holds."""
    from matplotlib.figure import Figure

    bins = calibration["bins"]
    fig = Figure(figsize=(5, 5.2))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    width = bins[0]["high"] - bins[0]["low"]
    lows = [b["low"] for b in bins]
    accuracy = [float("nan") if b["accuracy"] is None else b["accuracy"] for b in bins]
    top.bar(lows, accuracy, width, align="edge", edgecolor="black", alpha=0.7, label="right (share of the bin)")
    means = [(b["mean_probability"], b["accuracy"]) for b in bins if b["accuracy"] is not None]
    top.plot([m for m, _ in means], [a for _, a in means], "o", color="tab:red", markersize=4, label="bin mean")
    top.plot([0, 1], [0, 1], color="tab:gray", linestyle=":", label="calibrated")
    top.set(ylim=(0, 1.02), ylabel="decisions right", title=f"Reliability (ECE {calibration['ece']:.3f})")
    top.legend(fontsize="small", loc="upper left")
    bottom.bar(lows, [b["questions"] for b in bins], width, align="edge", color="tab:gray", edgecolor="black")
    bottom.set(xlim=(0, 1), xlabel="claimed probability of the decision")
    bottom.set(ylabel="questions")
    return _save(fig, path)


def _tradeoff_plot(path: Path, points: Sequence[TradeoffPoint], metrics: dict[str, Any]) -> str:
    """False abstention against right abstention as the threshold moves, with this run marked."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 4.2))
    ax = fig.add_subplot()
    xs, ys = [p.false_abstain_rate for p in points], [p.abstain_rate_unanswerable for p in points]
    ax.plot(xs, ys, marker=".", markersize=3, label="threshold sweep")
    ax.plot([0, 1], [0, 1], color="tab:gray", linestyle=":", linewidth=1, label="chance")
    for p in points[:: max(1, (len(points) - 1) // 10)]:
        ax.annotate(f"{p.threshold:.1f}", (p.false_abstain_rate, p.abstain_rate_unanswerable), fontsize=7)
    run_x, run_y = metrics.get("false_abstain_rate"), metrics.get("abstain_rate_unanswerable")
    if run_x is not None and run_y is not None:
        ax.plot([run_x], [run_y], marker="*", markersize=14, color="tab:red", linestyle="none", label="this run")
    ax.set(
        xlim=(-0.02, 1.02),
        ylim=(-0.02, 1.02),
        xlabel="false abstention rate (answerable)",
        ylabel="abstention rate (unanswerable)",
        title="Abstention trade-off (abstain when confidence < t)",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="lower right")
    return _save(fig, path)


def _save(fig: Any, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path.name


def render_report(metrics: dict[str, Any], outcomes: Sequence[Outcome], plots: Sequence[str]) -> str:
    """report.md: what ran, the metric tables, the failing questions grouped by cause, data problems."""
    manifest, embedder = metrics["manifest"], metrics["embedder"]
    counts = manifest.get("counts", {})
    lines = [
        "# Eval report",
        "",
        f"- questions: `{metrics['questions_file']}` ({metrics['questions']} scored, "
        f"{len(metrics['skipped_lines'])} malformed lines skipped)",
        f"- document: {metrics['document']} ({counts.get('documents')} document(s), {counts.get('chunks')} chunks"
        + (", the first collection opened)" if metrics["document"] == EACH_DOCUMENT else ")"),
        *(
            [f"- asked of a collection each: {', '.join(f'`{d}`' for d in metrics['documents'])}"]
            if metrics.get("documents")
            else []
        ),
        f"- embedder: `{embedder['id']}` (requested `{manifest.get('embedder', {}).get('requested')}`)",
        *([f"- note: {embedder['notice']}"] if embedder["notice"] else []),
        f"- index {manifest.get('build')}, qa {manifest.get('qa_version')}, chunking {manifest.get('chunking')}; "
        f"built in {metrics['index_seconds']} s, questions took {metrics['run_seconds']} s",
        "",
        "## Metrics",
        "",
        "| metric | value | counted over |",
        "|---|---|---|",
    ]
    names = _headline(metrics)
    for name in names:
        lines.append(f"| {name} | {_fmt(metrics.get(name))} | {_COUNTED_OVER.get(name, '')} |")
    lines += ["", "## By type", "", "| type | n | " + " | ".join(_TYPE_COLUMNS) + " |"]
    lines.append("|---" * (len(_TYPE_COLUMNS) + 2) + "|")
    for t, row in metrics["by_type"].items():
        lines.append(f"| {t} | {row['questions']} | " + " | ".join(_fmt(row.get(c)) for c in _TYPE_COLUMNS) + " |")
    lines += _scope_section(metrics)
    failed = [o for o in outcomes if o.cause is not None]
    lines += ["", f"## Failing questions ({len(failed)} of {len(outcomes)})"]
    for cause, count in Counter(o.cause for o in failed).most_common():
        lines += ["", f"### {cause} ({count})", "", f"| {' | '.join(_FAILURE_COLUMNS)} |", "|---" * 6 + "|"]
        for o in (o for o in failed if o.cause == cause):
            lines.append("| " + " | ".join(_cell(x) for x in _failure_row(o)) + " |")
    lines += _calibration_section(metrics)
    lines += _lookalike_section(metrics)
    lines += _history_section(outcomes)
    problems = [*metrics["skipped_lines"], *metrics["evidence_warnings"]]
    if problems:
        lines += ["", "## Problems in the question set", "", *(f"- {_cell(p)}" for p in problems)]
    tradeoff = metrics.get("abstention_tradeoff") or []
    if tradeoff:
        lines += ["", "## Abstention trade-off", "", _TRADEOFF_NOTE, ""]
        lines += ["| threshold | false_abstain_rate | abstain_rate_unanswerable |", "|---|---|---|"]
        lines += [
            f"| {p['threshold']:.2f} | {p['false_abstain_rate']:.3f} | {p['abstain_rate_unanswerable']:.3f} |"
            for p in tradeoff
        ]
    if plots:
        lines += ["", "## Plots", "", *(f"![{p}]({p})" for p in plots)]
    return "\n".join(lines) + "\n"


_SCOPE_COLUMNS = (
    "key_phrase_recall",
    "item_citation_support",
    "gather_item_precision",
    "multi_citation_rate",
    "scope_agreement",
    "false_abstain_rate",
    "abstain_rate_unanswerable",
)


def _scope_section(metrics: dict[str, Any]) -> list[str]:
    """Broad questions per scope asked (outline, summary, section, gather, multi)."""
    scopes = metrics.get("by_scope") or {}
    if not scopes:
        return []
    lines = ["", "## By scope (broad questions)", "", "| scope | n | " + " | ".join(_SCOPE_COLUMNS) + " |"]
    lines.append("|---" * (len(_SCOPE_COLUMNS) + 2) + "|")
    for scope, row in scopes.items():
        lines.append(f"| {scope} | {row['questions']} | " + " | ".join(_fmt(row.get(c)) for c in _SCOPE_COLUMNS) + " |")
    return lines


_CALIBRATION_NOTE = (
    "A decision is right when an answerable question is answered with every key (SQuAD: its gold) or an "
    "unanswerable one is refused. Its claimed probability is `confidence` when the system answered and "
    "1 - `confidence` when it refused; questions without a confidence are left out. ECE = sum over 10 equal "
    "bins of (share of questions) x |share right - mean claimed probability|. `ece_answerable` compares the raw "
    "`confidence` with whether the question is answerable."
)


def _calibration_section(metrics: dict[str, Any]) -> list[str]:
    figures = metrics.get("calibration")
    if not figures:
        return []
    lines = ["", "## Calibration", "", _CALIBRATION_NOTE, ""]
    lines.append(
        f"ECE {_fmt(figures['ece'])} over {figures['questions']} questions ({_fmt(figures['accuracy'])} of the "
        f"decisions right); ece_answerable {_fmt(figures['ece_answerable'])}. See `reliability.png`."
    )
    lines += ["", "| claimed probability | questions | mean claimed | right |", "|---|---|---|---|"]
    lines += [
        f"| {b['low']:.1f}–{b['high']:.1f} | {b['questions']} | {_fmt(b['mean_probability'])} | {_fmt(b['accuracy'])} |"
        for b in figures["bins"]
    ]
    return lines


def _history_section(outcomes: Sequence[Outcome]) -> list[str]:
    """Questions whose answer changed when unrelated earlier questions were sent with them."""
    compared = [o for o in outcomes if o.alone is not None]
    if not compared:
        return []
    changed = [o for o in compared if o.changed_by_history]
    lines = ["", f"## Changed by unrelated history ({len(changed)} of {len(compared)})"]
    if changed:
        lines += ["", "| id | question | after | answer | asked alone |", "|---|---|---|---|---|"]
        for o in changed:
            alone = o.alone.text if o.alone is not None else ""
            row = (o.question.id, o.question.question, " / ".join(o.question.history), o.answer.text, alone)
            lines.append("| " + " | ".join(_cell(x) for x in row) + " |")
    return lines


def _lookalike_section(metrics: dict[str, Any]) -> list[str]:
    """`--twins`: refusal per recipe, and at the threshold giving 3% false abstention on the originals."""
    figures, twins = metrics.get("lookalikes"), metrics.get("twins")
    if not figures:
        return []
    lines = ["", "## Look-alikes", ""]
    if twins:
        lines.append(
            f"{figures['questions']} look-alikes made by `--twins` (seed {twins['seed']}, replacements from "
            f"`{twins['pool']}`; {twins['unmade']} answerable questions had no recipe that applied)."
        )
    else:
        lines.append(f"{figures['questions']} look-alikes written in the set (rows with a `swap`).")
    lines[-1] += f" Refused: {_fmt(figures['abstain_rate'])}."
    lines += ["", "| recipe | n | refused |", "|---|---|---|"]
    lines += [f"| {k} | {v['questions']} | {_fmt(v['abstain_rate'])} |" for k, v in figures["by_kind"].items()]
    at = figures.get("abstention_at_3pct_false")
    if at:
        lines += [
            "",
            f"At the threshold refusing at most {at['most_false_abstain']:.0%} of the originals ({at['threshold']}): "
            f"{_fmt(at['abstain_rate_unanswerable'])} of look-alikes refused, {_fmt(at['false_abstain_rate'])} of "
            f"originals refused (AUC {at['auc']}).",
        ]
    return lines


def _failure_row(o: Outcome) -> tuple[str, ...]:
    q = o.question
    asked = q.question
    if q.history:
        asked += f" (after: {' / '.join(q.history)}; resolved: {o.query})"
    expected = " + ".join("|".join(k) for k in q.keys or q.items) if q.answerable else "(abstain)"
    if q.items:  # a broad question: which items are missing, not a passage rank
        found = {alternatives for alternatives in o.found_items}
        missing = [item for item in q.items if not any(set(alternatives) <= set(item) for alternatives in found)]
        return q.id, f"{q.type}/{q.scope}", asked, strip_markers(o.answer.text), expected, f"missing {len(missing)}"
    rank = "–" if not q.answerable else str(o.hit_rank or f">{DEPTH}")
    return q.id, q.type, asked, strip_markers(o.answer.text), expected, rank


def _cell(value: str) -> str:
    text = " ".join(value.split())
    text = text if len(text) <= 120 else text[:119] + "…"
    return text.replace("|", "\\|")


def _fmt(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _headline(metrics: dict[str, Any]) -> list[str]:
    """The metrics shown first: the fixed ones, the baseline beside key recall, the SQuAD ones when present."""
    names = [*METRICS, "baseline_all_keys", "answer_median_chars"]
    names += [n for n in ("answer_contains_gold", "baseline_contains_gold") if n in metrics]
    extra = (
        "abstain_rate_absent",
        "abstain_rate_lookalike",
        "changed_by_unrelated_history",
        "key_phrase_recall",
        "item_citation_support",
        "gather_item_precision",
        "multi_citation_rate",
        "scope_agreement",
    )
    return names + [n for n in extra if metrics.get(n) is not None]


def summary(metrics: dict[str, Any]) -> str:
    """The headline metrics as a small aligned table."""
    names = _headline(metrics)
    w = max(26, *(len(n) + 2 for n in names))
    lines = [f"{'metric':<{w}}value"]
    lines += [f"{n:<{w}}{'-' if metrics.get(n) is None else metrics[n]}" for n in names]
    embedder = metrics["embedder"]
    if metrics.get("calibration"):
        lines.append(f"{'expected_calibration_error':<{w}}{metrics['calibration']['ece']}")
    lines.append(f"{'questions':<{w}}{metrics['questions']}")
    lines.append(f"{'embedder':<{w}}{embedder['id']}" + (" (fallback)" if embedder["notice"] else ""))
    return "\n".join(lines)
