# Image Augmentation chapter: set-up, tests, execution and rendering.
# `make install` then `make test` is all a fresh machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
VENV_MARK := $(VENV)/.d2l-installed
BUILD ?= _build
CHAPTER := chapter_image_augmentation/image_augmentation.ipynb
# The companion section: the augmentations that came after the chapter.
BEYOND := chapter_image_augmentation/beyond_augmentation.ipynb
NOTEBOOKS := $(CHAPTER) $(BEYOND)
# What `make run` and `make run-beyond` write.
RUN := $(BUILD)/image_augmentation.ipynb
RUN_BEYOND := $(BUILD)/beyond_augmentation.ipynb
# The notebooks `make html` renders: the committed ones unless told, e.g.
# `make html NB=$(RUN)` for the reader's own `make run`.
NB ?= $(NOTEBOOKS)
SHARED ?= ../shared
KERNEL := d2l-mxnet

# mxnet-cu112 where an NVIDIA driver answers, plain mxnet otherwise;
# `make install MXNET=mxnet` (or mxnet-cu112) overrides the choice.
# MXNET=system uses the MXNet that PYTHON already has (NVIDIA's container):
# the venv sees that Python's packages, and pip neither installs nor
# replaces mxnet, numpy (held at the version there) or CUDA libraries.
MXNET ?= $(if $(shell nvidia-smi -L 2>/dev/null),mxnet-cu112,mxnet)
MXNET_VERSION := 1.9.1
# Every package's version, per Python (tests use another file).
CONSTRAINTS ?= constraints.txt
SYSTEM := $(filter system,$(MXNET))

# Gluon keeps CIFAR-10 in $MXNET_HOME/datasets/cifar10, as MXNet does.
MXNET_HOME ?= $(HOME)/.mxnet
CIFAR_DIR := $(MXNET_HOME)/datasets/cifar10
export MXNET_HOME

.PHONY: help install kernel venv clean-venv data test test-platforms \
	test-container run run-beyond trust lab html bench bench-pythons \
	record record-beyond figures check-results seeds clean

help:
	@echo 'make install   create .venv with the pinned MXNet stack and kernel'
	@echo '               (PYTHON=python3.13 to choose; Python 3.10 to 3.15;'
	@echo '               MXNET=system: use the MXNet that PYTHON has)'
	@echo 'make clean-venv  remove .venv, to start over with `make install`'
	@echo 'make test      unit tests, both committed notebooks (nbval), pages'
	@echo 'make test-platforms  Debian 12 (3.11.2), 3.12 to 3.15, Colab,'
	@echo '               CUDA build'
	@echo '               (venvs of their own under $(BUILD)/platforms)'
	@echo 'make test-container  build the Dockerfile with buildah and run'
	@echo '               `make test` in the image (as root; before each'
	@echo "               release of the image's files)"
	@echo 'make run       execute the committed chapter into $(RUN)'
	@echo '               (kept only if every cell succeeds)'
	@echo 'make run-beyond  the same for the companion, into $(RUN_BEYOND)'
	@echo 'make lab       open the committed chapter in JupyterLab (trusted)'
	@echo 'make html      render $(NB) to $(BUILD)/'
	@echo '               (`make html NB=$(RUN)` renders your own run)'
	@echo 'make bench     input-pipeline benchmark -> $(BUILD)/bench.json'
	@echo "make bench-pythons  the chapter's loader on Python 3.13 and 3.14"
	@echo '               (BENCH_VENVS: the two venvs to compare)'
	@echo 'make record    make $(RUN) (if it ran without errors) the'
	@echo '               committed chapter, with its Exercise 1 record'
	@echo 'make record-beyond  the same for $(RUN_BEYOND)'
	@echo 'make figures   figures and tables (README.md, docs/results.md)'
	@echo '               from results/'
	@echo 'make check-results  compare $(BUILD)/exercise1.json with the'
	@echo '               committed record (CHECK_ARGS=--beyond: the'
	@echo "               companion's; --require-gpu, --flip-range LOW HIGH)"
	@echo 'make seeds     the three recipes from 3 seeds each, with the'
	@echo '               cosine and the constant learning rate, on'
	@echo '               D2L_BUDGET (default cpu) -> results/seeds.json,'
	@echo '               img/seeds.png'
	@echo 'make data      put CIFAR-10 into $(CIFAR_DIR) (from $(SHARED) or'
	@echo '               by download)'
	@echo 'make mutants   check that the unit tests catch deliberate bugs'

# tools/prepare_venv.sh picks the Python (PYTHON=... to choose) and
# replaces a venv that a failed install left behind; `make kernel`, the
# last step, marks the venv complete ($(VENV_MARK)).
install:
	@tools/prepare_venv.sh $(VENV) $(SYSTEM)
	@$(PY) -m pip install -q --upgrade pip setuptools wheel
ifeq ($(SYSTEM),)
	@# A pin this Python cannot install is one line naming the pin and the
	@# Python it needs (tools/pins.py), not pip's resolver output; the venv
	@# goes, so nothing is left half-installed.
	@mkdir -p $(BUILD)
	@$(PY) -m pip install -c $(CONSTRAINTS) -r requirements.txt \
		>$(BUILD)/install.log 2>&1 || { $(PY) tools/pins.py \
		$(BUILD)/install.log $(CONSTRAINTS); rm -rf $(VENV); exit 1; }
	@# Without its dependencies: its metadata asks for numpy<2, which has
	@# no wheels for Python 3.13; requirements.txt names what it needs.
	@$(PY) -m pip install -q --no-deps $(MXNET)==$(MXNET_VERSION)
else
	@$(PY) -m pip install -q -r <(grep -Eiv '^numpy==' requirements.txt) \
		-c <(grep -Eiv '^(mxnet|numpy)==' $(CONSTRAINTS); \
			$(PY) -c 'import numpy; print(f"numpy=={numpy.__version__}")')
endif
	@if [ "$(MXNET)" = mxnet-cu112 ]; then \
		$(PY) -m pip install -q -r requirements-cuda.txt; fi
	@$(PY) -m pip install -q --no-deps -e .
	@$(MAKE) --no-print-directory kernel

# No LD_LIBRARY_PATH for mxnet-cu112, here or in the kernel spec: `import
# d2l` loads the CUDA libraries of the nvidia-*-cu11 wheels by path
# (d2l/preload.py) in every process, however Python was started. Then
# MXNet must import.
kernel:
	@$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name 'Python 3 (d2l, MXNet 1.9.1)' >/dev/null
	@$(PY) tools/check_install.py
	@touch $(VENV_MARK)

# Every target that runs the venv's tools first checks it is complete.
venv:
	@[ -f $(VENV_MARK) ] || { echo "make: $(VENV) is missing or" \
		'incomplete: run `make install` first.' >&2; exit 1; }

# Start over: `make clean-venv install`.
clean-venv:
	rm -rf $(VENV)

# CIFAR-10 cannot be downloaded here: write the real images from the copy
# in ../shared when the dataset is not in place yet; without that copy,
# download it now, so that a failure is one error before any test runs.
data: venv
	@if [ -f $(CIFAR_DIR)/test_batch.bin ]; then \
		echo "CIFAR-10 is in $(CIFAR_DIR)"; \
	elif [ -f $(SHARED)/data/cifar10/prepare.py ]; then \
		$(PY) $(SHARED)/data/cifar10/prepare.py $(CIFAR_DIR); \
	else \
		$(PY) tools/fetch_cifar10.py; \
	fi

# Tests re-execute the notebooks on the quick budget unless D2L_BUDGET
# names another (a GPU runner sets full).
test: venv data html
	D2L_BUDGET=$${D2L_BUDGET:-quick} $(PY) -m pytest tests $(NOTEBOOKS) \
		-m 'not platforms' \
		--nbval --sanitize-with tests/nbval_sanitize.cfg \
		--nbval-cell-timeout 3600

# Debian 12's Python 3.11.2, 3.12 to 3.15 (3.14 and 3.15 from Debian
# unstable's packages), Colab's set-up and the CUDA build, each in a venv
# of its own under $(BUILD)/platforms (tests/test_platforms.py).
test-platforms: venv data
	D2L_BUDGET=quick $(PY) -m pytest tests -m platforms

# The Dockerfile built with buildah from a stand-in for its base image,
# then `make test` in that image (tools/test_container.sh; as root).
test-container: data
	tools/test_container.sh $(CIFAR_DIR) $(BUILD)/container

run: venv data
	$(PY) tools/run_notebook.py $(CHAPTER) $(BUILD)

run-beyond: venv data
	$(PY) tools/run_notebook.py $(BEYOND) $(BUILD)

# JupyterLab trusts a notebook's figures only if it was signed on this
# machine (a secret in the Jupyter data folder): sign the chapter, and
# the reader's own run, before opening them.
trust: venv
	@$(VENV)/bin/jupyter trust $(NOTEBOOKS) $(wildcard $(RUN) $(RUN_BEYOND)) \
		>/dev/null

# Containers often run as root, which JupyterLab refuses without a flag.
lab: venv trust
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) \
		$(CHAPTER)

# Written to a private folder, then moved into place whole: a browser (or
# the page test) never reads a page that is half written. The exporter in
# tools/mathml_exporter.py writes the LaTeX math as MathML, which browsers
# draw without MathJax or anything else from the web.
html: venv
	@mkdir -p $(BUILD)
	@tmp=$$(mktemp -d $(BUILD)/.html.XXXXXX) && \
	PYTHONPATH=tools$${PYTHONPATH:+:$$PYTHONPATH} \
	$(VENV)/bin/jupyter nbconvert --log-level WARN \
		--to mathml_exporter.MathMLHTMLExporter \
		--embed-images --template-file tools/chapter.html.j2 \
		--output-dir $$tmp $(NB) && \
	for page in $$tmp/*.html; do \
		mv $$page $(BUILD)/ && echo "wrote $(BUILD)/$${page##*/}"; \
	done; \
	status=$$?; rm -rf $$tmp; exit $$status

bench: venv data
	$(PY) tools/bench.py --out $(BUILD)/bench.json

# The chapter's loader on two Pythons (by default the venvs that
# test-platforms makes): Python 3.14 forks d2l.DataLoader's workers too.
BENCH_VENVS ?= $(BUILD)/platforms/venv-3.13 $(BUILD)/platforms/venv-3.14
bench-pythons: venv data
	$(PY) tools/bench_pythons.py $(BENCH_VENVS)

# Keep the last `make run` as the committed chapter and Exercise 1's record,
# only if it ran without errors and the record comes from that same run.
record: venv
	$(PY) tools/check_run.py $(RUN) $(BUILD)/exercise1.json
	cp $(RUN) $(CHAPTER)
	mkdir -p results
	cp $(BUILD)/exercise1.json results/exercise1.json
	$(MAKE) figures

# The same for the companion, with the figure it draws for docs/results.md.
record-beyond: venv
	$(PY) tools/check_run.py $(RUN_BEYOND) $(BUILD)/beyond.json
	cp $(RUN_BEYOND) $(BEYOND)
	mkdir -p results
	cp $(BUILD)/beyond.json results/beyond.json
	cp $(BUILD)/beyond.png img/beyond.png
	$(PY) tools/beyond_table.py results/beyond.json results/seeds.json \
		docs/results.md

# The verdicts allow for the seed spread in results/seeds.json.
figures: venv
	$(PY) tools/seeds_table.py results/seeds.json img/seeds.png \
		docs/results.md
	$(PY) tools/exercise_figures.py results/exercise1.json \
		results/seeds.json img/exercise1.png README.md
	$(PY) tools/beyond_table.py results/beyond.json results/seeds.json \
		docs/results.md

# A fresh `make run` against the committed record of its budget: each
# recipe within the seed spread, the same verdicts (tools/check_results.py).
# CHECK_ARGS adds options, e.g. --beyond, --require-gpu.
CHECK_ARGS ?=
check-results: venv
	$(PY) tools/check_results.py $(CHECK_ARGS)

# How far the seed moves the test accuracy: 18 runs (3 recipes, 3 seeds,
# 2 learning-rate schedules), each as long as one of the chapter's.
seeds: venv data
	$(PY) tools/seeds.py 3 results/seeds.json
	$(PY) tools/seeds_table.py results/seeds.json img/seeds.png \
		docs/results.md

clean:
	rm -rf $(BUILD)

# Deliberate bugs, one at a time in a copy of the project: the unit tests
# must fail on each (minutes; tools/mutants.py --list names them).
.PHONY: mutants
mutants: venv data
	$(PY) tools/mutants.py
