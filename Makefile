# Image Augmentation chapter: set-up, tests, execution and rendering.
# `make install` then `make test` is all a fresh machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
BUILD ?= _build
CHAPTER := chapter_image_augmentation/image_augmentation.ipynb
# The companion section: the augmentations that came after the chapter.
BEYOND := chapter_image_augmentation/beyond_augmentation.ipynb
NOTEBOOKS := $(CHAPTER) $(BEYOND)
SHARED ?= ../shared
KERNEL := d2l-mxnet

# mxnet-cu112 where an NVIDIA driver answers, plain mxnet otherwise;
# `make install MXNET=mxnet` (or mxnet-cu112) overrides the choice.
MXNET ?= $(if $(shell nvidia-smi -L 2>/dev/null),mxnet-cu112,mxnet)
MXNET_VERSION := 1.9.1

# Gluon keeps CIFAR-10 in $MXNET_HOME/datasets/cifar10, as MXNet does.
MXNET_HOME ?= $(HOME)/.mxnet
CIFAR_DIR := $(MXNET_HOME)/datasets/cifar10
export MXNET_HOME

# The CUDA libraries from the nvidia-*-cu11 wheels, for every process that
# imports mxnet (the kernel spec gets the same path at `make install`).
CUDA_LIB_DIRS := $(abspath $(wildcard \
	$(VENV)/lib/python3.*/site-packages/nvidia/*/lib))
empty :=
space := $(empty) $(empty)
CUDA_LD_PATH := $(subst $(space),:,$(CUDA_LIB_DIRS))
ifneq ($(CUDA_LD_PATH),)
export LD_LIBRARY_PATH := $(CUDA_LD_PATH)$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
endif

.PHONY: help install kernel data test run lab html bench record figures clean

help:
	@echo 'make install   create .venv with the pinned MXNet stack and kernel'
	@echo 'make test      unit tests, the notebook under nbval, the HTML page'
	@echo 'make run       execute the chapter and its companion into $(BUILD)/'
	@echo 'make lab       open the chapter in JupyterLab'
	@echo 'make html      render both notebooks to $(BUILD)/*.html'
	@echo 'make bench     input-pipeline benchmark -> $(BUILD)/bench.json'
	@echo 'make record    keep the last `make run` as the committed chapter'
	@echo 'make figures   exercise figure and table from results/'
	@echo 'make data      put CIFAR-10 into $(CIFAR_DIR) from $(SHARED)'

install:
	@python=$$(tools/find_python.sh) || exit 1; \
	if [ ! -x $(PY) ]; then \
		echo "creating $(VENV) with $$python"; $$python -m venv $(VENV); \
	fi
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -c constraints.txt -r requirements.txt \
		$(MXNET)==$(MXNET_VERSION)
	@if [ "$(MXNET)" = mxnet-cu112 ]; then \
		$(PY) -m pip install -q -r requirements-cuda.txt; fi
	$(PY) -m pip install -q --no-deps -e .
	@# A fresh make reads the CUDA library folders just installed.
	@$(MAKE) --no-print-directory kernel

# The Jupyter kernel and the venv's activate script get the CUDA library
# path too; then MXNet must import.
kernel:
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name 'Python 3 (d2l, MXNet 1.9.1)' \
		$(if $(CUDA_LD_PATH),--env LD_LIBRARY_PATH $(CUDA_LD_PATH)) \
		>/dev/null
	@if [ -n "$(CUDA_LD_PATH)" ] && \
			! grep -q 'd2l: CUDA' $(VENV)/bin/activate; then \
		echo 'export LD_LIBRARY_PATH=$(CUDA_LD_PATH)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}  # d2l: CUDA' \
			>> $(VENV)/bin/activate; fi
	$(PY) tools/check_install.py

# CIFAR-10 cannot be downloaded here: write the real images from the copy
# in ../shared when the dataset is not in place yet.
data:
	@if [ -f $(CIFAR_DIR)/test_batch.bin ]; then \
		echo "CIFAR-10 is in $(CIFAR_DIR)"; \
	elif [ -f $(SHARED)/data/cifar10/prepare.py ]; then \
		$(PY) $(SHARED)/data/cifar10/prepare.py $(CIFAR_DIR); \
	else \
		echo "CIFAR-10 is not in $(CIFAR_DIR); d2l.CIFAR10 will download it"; \
	fi

# Tests re-execute the chapter on the quick budget unless D2L_BUDGET names
# another (a GPU runner sets full).
test: data html
	D2L_BUDGET=$${D2L_BUDGET:-quick} $(PY) -m pytest tests $(NOTEBOOKS) \
		--nbval --sanitize-with tests/nbval_sanitize.cfg \
		--nbval-cell-timeout 3600

run: data
	$(PY) tools/run_notebook.py $(CHAPTER) $(BUILD)
	$(PY) tools/run_notebook.py $(BEYOND) $(BUILD)

# Containers often run as root, which JupyterLab refuses without a flag.
lab:
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) \
		$(CHAPTER)

html:
	@mkdir -p $(BUILD)
	$(VENV)/bin/jupyter nbconvert --to html --embed-images \
		--template-file tools/chapter.html.j2 --output-dir $(BUILD) \
		$(NOTEBOOKS)

bench: data
	$(PY) tools/bench.py --out $(BUILD)/bench.json

# Keep the last `make run` as the committed chapter and Exercise 1's record.
record:
	cp $(BUILD)/image_augmentation.ipynb $(CHAPTER)
	cp $(BUILD)/beyond_augmentation.ipynb $(BEYOND)
	mkdir -p results
	cp $(BUILD)/exercise1.json results/exercise1.json
	$(MAKE) figures

figures:
	$(PY) tools/exercise_figures.py results/exercise1.json \
		img/exercise1.png README.md

clean:
	rm -rf $(BUILD)
