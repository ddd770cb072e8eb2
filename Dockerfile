# The chapter and JupyterLab in one image, also the dev container's
# (.devcontainer/): `docker build -t d2l-aug .`, then
# `docker run --rm -p 127.0.0.1:8888:8888 d2l-aug` (docs/containers.md).
#
# linux/amd64 only, emulated on Apple Silicon: the aarch64 mxnet 1.9.1
# wheel links Arm Performance Libraries (libarmpl_lp64_mp.so, libamath.so,
# libastring.so) that it does not ship, so MXNet cannot load there.
# Pinned by tag, not digest: no registry was reachable to look one up
# (`docker pull` prints it, for a byte-for-byte base: `...@sha256:...`).
# hadolint ignore=DL3029
FROM --platform=linux/amd64 python:3.11-slim-bookworm

# make runs the project's targets; mxnet's wheel links libgomp1 and
# libquadmath0, which the slim image lacks; the page test drives chromium;
# git serves the dev container; tini as PID 1 passes `docker stop` on.
# Versions unpinned: Debian replaces chromium's with each security fix,
# so a pinned one would soon be gone from the archive.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        chromium chromium-driver git libgomp1 libquadmath0 make tini \
    && rm -rf /var/lib/apt/lists/*

# JupyterLab refuses root without a flag; UID 1000 is the usual first user
# of a Linux host, whose files a mounted checkout then shares. The server
# listens on every interface of the container (only -p publishes it) and
# opens no browser; /etc/jupyter outlives a `make clean-venv`.
RUN useradd --create-home --uid 1000 --shell /bin/bash d2l \
    && mkdir /etc/jupyter \
    && echo '{"ServerApp": {"ip": "0.0.0.0", "open_browser": false}}' \
        > /etc/jupyter/jupyter_server_config.json
# d2l, by number: a runtime checking for non-root needs no /etc/passwd.
USER 1000:1000
# The Makefile reads VENV from the environment: a venv outside the project
# folder is neither hidden by a checkout mounted over that folder nor mixed
# up with a host's .venv in it. The install keeps no pip cache.
# D2L_CONTAINER: the tests skip what needs more than the image has, e.g.
# a second Python, even under CI (tests/conftest.py).
ENV VENV=/home/d2l/venv \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    D2L_CONTAINER=1
# Made by d2l, so that both are d2l's: a named volume on the data folder
# (MXNet's default, ~/.mxnet) starts out writable.
RUN mkdir -p /home/d2l/image-augmentation /home/d2l/.mxnet/datasets
WORKDIR /home/d2l/image-augmentation

# What `make install` reads comes first, so that editing a notebook or a
# test reuses the installed layer.
COPY --chown=d2l:d2l Makefile pyproject.toml README.md constraints.txt \
    requirements.txt requirements-cuda.txt ./
COPY --chown=d2l:d2l tools tools
COPY --chown=d2l:d2l d2l d2l
# The project's own install, so the image holds exactly the pins; the CPU
# wheel, since a build sees no GPU.
RUN make install MXNET=mxnet
COPY --chown=d2l:d2l . .

EXPOSE 8888
# -g: `docker stop` reaches JupyterLab as well as make.
ENTRYPOINT ["tini", "-g", "--"]
CMD ["make", "lab"]
