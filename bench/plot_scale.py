"""Plot bench/results/scale-store-*.json (the store with collections) beside scale-*.json (before it):
`python bench/plot_scale.py [OUT.png]` (default docs/scale.png)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"


def rows(pattern: str) -> list[dict[str, float]]:
    found = [json.loads(p.read_text(encoding="utf-8")) for p in RESULTS.glob(pattern)]
    return sorted((r for r in found if "open_s" in r), key=lambda r: r["chunks"])


def main(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # "before": the one-thread runs of the store that rebuilt BM25 at every open (qa 2c4ee9d, bench/SCALE.md).
    now, before = rows("scale-store-*.json"), rows("scale-[0-9]*[0-9].json")
    panels = (
        ("open_cpu_s", "cold open, CPU s"),
        ("rss_mb", "RSS after open, MB"),
        ("fused_cpu_p50_ms", "fused retrieval p50, CPU ms"),
        ("recall_at_5", "Recall@5 (trial questions)"),
    )
    fig, axes = plt.subplots(1, len(panels), figsize=(16, 3.6))
    for ax, (key, title) in zip(axes, panels, strict=True):
        for data, label, style in ((before, "before (rebuild at open)", "o--"), (now, "collections store", "s-")):
            points = [(r["chunks"], r[key]) for r in data if key in r]
            if points:
                ax.plot(*zip(*points, strict=True), style, label=label)
        ax.set_xscale("log")
        ax.set_title(title)
        ax.set_xlabel("chunks")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else BENCH.parent / "docs" / "scale.png")
