# Two commands do all the set-up on a fresh machine:
#   make run    - a lean install (the package and the page: no torch, no sentence-transformers, no dev tools),
#                 then the chat page over the bundled letter (http://127.0.0.1:7860)
#   make test   - the full install (CPU torch, sentence-transformers, eval and dev tools, Debian's chromium when
#                 root), then lint, types, the test suite (browser tests included) and the eval floors
# Other targets use the full install: make ask Q="问题", make eval, make heldout, make cmrc, make bench,
# make screenshot, make lint, make train, make drcd-cv.
# Each install leaves a stamp in the venv; the full one covers the page too, so `make run` after `make test`
# installs nothing. On a normal Linux PC, PyPI's torch is the multi-GB CUDA build; take torch's CPU-only index:
#   make test TORCH_INDEX=https://download.pytorch.org/whl/cpu

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
TORCH_INDEX ?=
export HF_HUB_OFFLINE ?= 1

.PHONY: setup setup-run run test lint browser scan-tools ask eval cmrc heldout bench english screenshot train drcd-cv clean

$(VENV)/bin/pip:
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Only what the page needs.
$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/pip
	$(PIP) install -q -e '.[app]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/pip
	# torch first and pinned, so sentence-transformers takes this build rather than choosing its own.
	$(PIP) install -q torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PIP) install -q -e '.[dense,app,eval,dev,milvus,ocr]'
	touch $@ $(VENV)/.installed-run

setup-run: $(VENV)/.installed-run

setup: $(VENV)/.installed-test

run: setup-run
	$(PY) app.py

ask: setup
	$(VENV)/bin/qa ask "$(Q)"

# Debian's chromium (Playwright's own browser download does not work offline) and CJK fonts.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "note: /usr/bin/chromium missing and not root: browser tests will be skipped"; fi

# What the OCR tests and bench/ocr.py make scans with: pdftoppm (poppler-utils); Tesseract is bench/ocr.py's
# other engine.
scan-tools:
	@if command -v pdftoppm >/dev/null && command -v tesseract >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils tesseract-ocr tesseract-ocr-chi-sim >/dev/null; \
	else echo "note: pdftoppm or tesseract missing and not root: OCR tests will be skipped"; fi

lint: setup
	$(VENV)/bin/ruff check qa tests eval bench app.py docs
	$(VENV)/bin/ruff format --check qa tests eval bench app.py docs
	$(VENV)/bin/mypy qa

test: setup browser scan-tools lint
	$(PY) -m pytest -q
	$(PY) eval/run.py --check-floors --out $$(mktemp -d)

eval: setup
	$(PY) eval/run.py

heldout: setup
	$(PY) eval/run.py eval/heldout.jsonl --out eval/results/heldout
	$(PY) eval/run.py eval/heldout2.jsonl --out eval/results/heldout2
	for set in lookalikes_heldout conversations_heldout conversations_docs_heldout broad_heldout broad_docs_heldout; do \
		$(PY) eval/run.py eval/$$set.jsonl --out eval/results/$$set || exit 1; done

cmrc: setup
	$(PY) eval/run.py --squad ../shared/data/cmrc2018_trial.json --out eval/results/cmrc

# OCR engines compared on the letter scanned and degraded (~30 min): accuracy, lost lines, s/page, peak MB.
.PHONY: bench-ocr
bench-ocr: setup scan-tools browser
	nice -n 10 $(PY) bench/ocr.py

bench: setup
	PATH=$(VENV)/bin:$$PATH $(PY) bench/benchmark.py

# 10^4 and 10^5 chunks through the public API, ~15 min; bench/SCALE.md says how to run 10^6 and the store evidence.
.PHONY: bench-scale
bench-scale: setup
	nice -n 10 $(PY) bench/scale.py --sizes 10000 100000

# English questions about the letter, `ask` end to end on the three English sets (train, validation, held-out):
# Recall@5, answer-key recall, refusals. `$(PY) bench/train_crosslingual.py` refits qa/models/crosslingual.json.
english: setup
	$(PY) bench/crosslingual.py

screenshot: setup browser
	$(PY) docs/make_screenshot.py
	$(PY) docs/make_screenshot.py --broad

train: setup
	$(PY) -m qa.cli train

# DRCD dev is training data: its figures come from models trained without the fold asked (~6 min on 2 cores).
drcd-cv: setup
	$(PY) eval/cross_validate.py --out eval/results/drcd-cv

clean:
	rm -rf $(VENV) index/manifest.json index/build-* eval/results
