# smtplab — the two commands the README promises, plus a few helpers.
#   make lab    start JupyterLab on the first notebook
#   make test   everything CI runs: ruff, pytest (unit + integration), nbval over notebooks/
#   make test-pythons   the unit suite again on every Python 3.10+ on this machine (.venvs/)
#
# Both create .venv on first use and reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PIP    := $(PY) -m pip --disable-pip-version-check
PYTHONS_ONCE ?= newest
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

.PHONY: lab lab-zh test test-pythons lint notebooks instructor i18n bench clean help

help:
	@echo "make lab        start JupyterLab on notebooks/00-start-here.ipynb"
	@echo "make lab-zh     the same in Simplified Chinese: notebooks/zh-CN/00-start-here.ipynb"
	@echo "make test       ruff + pytest + nbval (what CI runs)"
	@echo "make test-pythons  the unit suite on every Python 3.10+ here (nbval on oldest/newest)"
	@echo "make notebooks  re-run every notebook and save its real outputs"
	@echo "make instructor regenerate the instructor pack (estimates, cheat sheet, solved notebooks)"
	@echo "make i18n       extract the kit's texts, update the zh_CN catalog, compile it (docs/i18n.md)"
	@echo "make bench      benchmarks: ratios against smtplib, a raw socket, bare aiosmtpd"
	@echo "make clean      remove .venv and caches"

$(PY):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "smtplab needs Python 3.10 or newer"'
	$(PYTHON) -m venv $(VENV)

# One stamp per extra: pip runs again only when pyproject.toml is newer than the stamp.
$(VENV)/.installed-lab: pyproject.toml | $(PY)
	$(PIP) install --quiet --editable '.[lab]'
	@touch $@

$(VENV)/.installed-zh: pyproject.toml | $(PY)
	$(PIP) install --quiet --editable '.[zh]'
	@touch $@ $(VENV)/.installed-lab

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install --quiet --editable '.[test]'
	@touch $@ $(VENV)/.installed-lab $(VENV)/.installed-zh

# Jupyter refuses to run as root unless told; containers and CI machines often are root.
AS_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

# JupyterLab asks "Would you like to get notified about official Jupyter news?" until its
# fetchNews setting says no (news_url only says where news would come from): the setting,
# in the venv's own overrides. LAB_ARGS: more options (the browser test's port and token).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_ARGS ?=

$(LAB_OVERRIDES): Makefile | $(PY)
	@mkdir -p $(@D)
	@echo '{"@jupyterlab/apputils-extension:notification":' \
		'{"fetchNews": "false", "checkForUpdates": false}}' > $@

lab: $(VENV)/.installed-lab $(LAB_OVERRIDES)
	$(BIN)/jupyter lab notebooks/00-start-here.ipynb \
		--ServerApp.ip=127.0.0.1 --LabApp.news_url=None $(AS_ROOT) $(LAB_ARGS)

# The Chinese series (issue 19): its first notebook, the kit's texts in Chinese from the
# start (SMTPLAB_LANG), and JupyterLab's language pack (Settings > Language > 中文).
lab-zh: $(VENV)/.installed-zh $(LAB_OVERRIDES)
	SMTPLAB_LANG=zh-CN $(BIN)/jupyter lab notebooks/zh-CN/00-start-here.ipynb \
		--ServerApp.ip=127.0.0.1 --LabApp.news_url=None $(AS_ROOT) $(LAB_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two pytest runs: the nbval plugin (~2 s to load) only where the notebooks are checked.
test: lint
	$(PY) -m pytest -p no:nbval tests
	$(PY) -m pytest $(NBVAL) notebooks

# Every Python 3.10+ this machine has (pyenv's, the system's python3), each in .venvs/NAME;
# see .ci/test-pythons for what runs where (PYTHONS_ONCE=none: no browser/Binder tests).
test-pythons:
	PYTHONS_ONCE=$(PYTHONS_ONCE) bash .ci/test-pythons

notebooks: $(VENV)/.installed-test
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=60 --ExecutePreprocessor.store_widget_state=False \
		notebooks/[0-9]*.ipynb notebooks/zh-CN/[0-9]*.ipynb

# The instructor pack (docs/instructor/README.md): the time estimates and lesson plans,
# the printable cheat sheet, and the solved notebooks (executed, ~40 s). After `make
# notebooks`, or any change to a notebook or a solution.
instructor: $(VENV)/.installed-test
	$(PY) docs/instructor/estimates.py
	$(PY) docs/instructor/cheatsheet.py
	$(PY) docs/instructor/make_solutions.py

# Issue 19 (docs/i18n.md): the texts marked _()/N_() go into smtplab/locale/smtplab.pot,
# each language's .po is updated from it (new texts untranslated, changed ones fuzzy), and
# the .mo is compiled next to it. The .mo is committed: editable installs and wheels need
# no build step (tests/test_i18n.py checks it matches its .po).
I18N_LANGUAGES := zh_CN

i18n: $(VENV)/.installed-test
	$(BIN)/pybabel --quiet extract -F babel.cfg --no-location --sort-output --no-wrap \
		--omit-header -o smtplab/locale/smtplab.pot .
	for lang in $(I18N_LANGUAGES); do \
		$(BIN)/pybabel --quiet update -D smtplab -l $$lang -d smtplab/locale --no-wrap \
			--ignore-obsolete --ignore-pot-creation-date -i smtplab/locale/smtplab.pot || exit 1; \
	done
	$(BIN)/pybabel compile -D smtplab -d smtplab/locale --statistics

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PIP) install --quiet --editable '.[test,bench]'
	@touch $@

bench: $(VENV)/.installed-test $(VENV)/.installed-bench
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .venvs .pytest_cache .ruff_cache .hypothesis build *.egg-info
