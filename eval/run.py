"""Score qa on a question set and write a report: `python eval/run.py [QUESTIONS] [--doc PATH] [--out DIR]`.

A thin shell over `qa.evaluation.cli` (also reachable as `qa eval`); see eval/README.md.
"""

from __future__ import annotations

import sys

from qa.evaluation.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="eval/run.py"))
