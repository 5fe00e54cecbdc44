# Two commands do all the set-up on a fresh machine:
#   make run    - the chat page over the bundled letter (http://127.0.0.1:7860)
#   make test   - lint, types, the test suite (browser tests included) and the eval floors
# Other targets: make ask Q="问题", make eval, make cmrc, make bench, make screenshot.

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export HF_HUB_OFFLINE ?= 1

.PHONY: setup run test lint browser ask eval cmrc heldout bench screenshot clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# The CPU build of torch first: a looser spec pulls a multi-GB CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dense,app,eval,dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(PY) app.py

ask: setup
	$(VENV)/bin/qa ask "$(Q)"

# Debian's chromium (Playwright's own browser download does not work offline) and CJK fonts.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "note: /usr/bin/chromium missing and not root: browser tests will be skipped"; fi

lint: setup
	$(VENV)/bin/ruff check qa tests eval bench app.py docs
	$(VENV)/bin/ruff format --check qa tests eval bench app.py docs
	$(VENV)/bin/mypy qa

test: setup browser lint
	$(PY) -m pytest -q
	$(PY) eval/run.py --check-floors --out $$(mktemp -d)

eval: setup
	$(PY) eval/run.py

heldout: setup
	$(PY) eval/run.py eval/heldout.jsonl --out eval/results/heldout
	$(PY) eval/run.py eval/heldout2.jsonl --out eval/results/heldout2

cmrc: setup
	$(PY) eval/run.py --squad ../shared/data/cmrc2018_trial.json --out eval/results/cmrc

bench: setup
	PATH=$(VENV)/bin:$$PATH $(PY) bench/benchmark.py

screenshot: setup browser
	$(PY) docs/make_screenshot.py

clean:
	rm -rf $(VENV) index/manifest.json index/build-* eval/results
