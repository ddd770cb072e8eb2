#!/usr/bin/env bash
# make test-container: build the Dockerfile with buildah from a stand-in
# for python:3.11-slim-bookworm (no image registry is needed), then run
# `make test` in the image as its user, CIFAR-10 mounted read-only.
# Usage: tools/test_container.sh CIFAR_DIR WORK_DIR (as root)
set -euo pipefail

cifar=$(realpath -m "$1")
work=$(realpath -m "$2")
base=docker.io/library/python:3.11-slim-bookworm
image=localhost/d2l-aug:test
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
keyring='Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
index=${PIP_INDEX_URL:-https://pypi.org/simple}

fail() { echo "make test-container: $*" >&2; exit 1; }

for tool in buildah debootstrap; do
    command -v "$tool" >/dev/null || fail "$tool not found on PATH;" \
        "install it: apt-get install buildah debootstrap (as root)"
done
[ "$(id -u)" = 0 ] || fail "debootstrap and buildah's chroot isolation" \
    "need root: run it as root (sudo make test-container)"
[ -f "$cifar/test_batch.bin" ] || fail "no CIFAR-10 in $cifar: run" \
    "\`make data\` first"

# The CA file this machine's pip trusts: behind a proxy that re-signs
# TLS, the build's pip needs it too (a reader's build needs none).
cert=${PIP_CERT:-$(python3 -m pip config get global.cert 2>/dev/null \
    || true)}

# Both are needed by every build (the Dockerfile's apt-get and make
# install), so check them before minutes of work.
reach() {
    python3 - "$1" "$2" <<'EOF'
import ssl, sys, urllib.request
url, cert = sys.argv[1:]
context = ssl.create_default_context(cafile=cert or None)
try:
    urllib.request.urlopen(url, timeout=30, context=context).close()
except Exception as error:
    sys.exit(str(error).replace('\n', ' '))
EOF
}
why=$(reach "$mirror/dists/bookworm/Release" "" 2>&1) || fail "the build" \
    "cannot reach the Debian mirror $mirror ($why); connect to the" \
    "network, or set DEBIAN_MIRROR to a mirror that is reachable"
why=$(reach "$index/pip/" "$cert" 2>&1) || fail "the build cannot reach" \
    "the package index $index ($why); connect to the network, or set" \
    "PIP_INDEX_URL to a reachable index (PIP_CERT: its proxy's CA file)"

# A storage of its own under WORK_DIR: vfs needs no kernel support, and
# the stand-in's name never reaches the machine's own images.
bh() {
    buildah --root "$work/storage" --runroot "$work/run" \
        --storage-driver vfs "$@"
}
export BUILDAH_ISOLATION=chroot
mkdir -p "$work"

# The stand-in: Debian 12 minbase, the libraries Python's modules link
# and a CPython 3.11 (>= 3.11.5, as the pins need) in /usr/local, with
# pip from its ensurepip, as the official image has. Made once.
if ! bh inspect --type image "$base" >/dev/null 2>&1; then
    python=${STANDIN_PYTHON:-$(find "${PYENV_ROOT:-$HOME/.pyenv}/versions" \
        -maxdepth 1 -name '3.11.*' 2>/dev/null | sort -V | tail -1)}
    [ -x "$python/bin/python3.11" ] || fail "no CPython 3.11 for the" \
        "stand-in: \`pyenv install 3.11\`, or STANDIN_PYTHON=its prefix"
    rootfs=$work/rootfs
    rm -rf "$rootfs"
    echo "make test-container: debootstrap bookworm into $rootfs"
    libs=ca-certificates,netbase,tzdata,libssl3,libffi8,libsqlite3-0
    libs+=,libbz2-1.0,liblzma5,libncursesw6,libreadline8,libuuid1,zlib1g
    libs+=,libexpat1,libnsl2
    debootstrap --variant=minbase --include="$libs" bookworm "$rootfs" \
        "$mirror" > "$work/debootstrap.log" 2>&1 || fail "debootstrap" \
        "failed; its log: $work/debootstrap.log"
    # apt's sources as in Debian's own images: updates and security too.
    rm "$rootfs/etc/apt/sources.list"
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n%s\n\n' \
        "$mirror" 'bookworm bookworm-updates' "$keyring" \
        "$security" bookworm-security "$keyring" \
        > "$rootfs/etc/apt/sources.list.d/debian.sources"
    # Python itself, without the packages and tests that prefix has.
    tar -C "$python" -c --exclude='lib/python3.11/site-packages/*' \
        --exclude=lib/python3.11/test bin/python3.11 lib include share \
        | tar -C "$rootfs/usr/local" -x
    ln -s python3.11 "$rootfs/usr/local/bin/python3"
    ln -s python3 "$rootfs/usr/local/bin/python"
    chroot "$rootfs" ldconfig
    chroot "$rootfs" env PIP_ROOT_USER_ACTION=ignore \
        /usr/local/bin/python3 -m ensurepip --altinstall >/dev/null
    ln -s pip3.11 "$rootfs/usr/local/bin/pip3"
    ln -s pip3 "$rootfs/usr/local/bin/pip"
    chroot "$rootfs" /usr/local/bin/python3 -c 'import ctypes, ssl, sqlite3'
    rm -rf "$rootfs/var/lib/apt/lists/"* "$rootfs/var/cache/apt/"*.bin
    ctr=$(bh from scratch)
    bh copy "$ctr" "$rootfs" / >/dev/null
    bh config --env LANG=C.UTF-8 --cmd python3 --os linux --arch amd64 \
        "$ctr"
    bh commit --rm -q "$ctr" "$base" >/dev/null
    rm -rf "$rootfs"
fi

# The build's pip gets the index (and CA file) checked above.
conf=$work/pip.conf
printf '[global]\nindex-url = %s\n' "$index" > "$conf"
mounts=(--volume "$conf:/etc/pip.conf:ro")
if [ -n "$cert" ]; then
    printf 'cert = /etc/pip-ca.crt\n' >> "$conf"
    mounts+=(--volume "$cert:/etc/pip-ca.crt:ro")
fi

start=$SECONDS
bh bud --pull=never --layers=false "${mounts[@]}" -t "$image" \
    -f Dockerfile . || fail "the build failed (its output is above)"
echo "make test-container: built $image in $((SECONDS - start)) s"

# `make test` as the image's user (USER), where the image puts it, with
# the data where Gluon looks; CI=true: a skipped test fails.
start=$SECONDS
ctr=$(bh from --pull=never "$image")
# Only the stand-in stays: a next build would leave this image unnamed.
trap 'bh rm "$ctr" >/dev/null; bh rmi "$image" >/dev/null' EXIT
status=0
bh run "${mounts[@]}" \
    --volume "$cifar:/home/d2l/.mxnet/datasets/cifar10:ro" \
    --env CI=true "$ctr" -- make test || status=$?
echo "make test-container: make test in the image took" \
    "$((SECONDS - start)) s, exit status $status"
exit "$status"
