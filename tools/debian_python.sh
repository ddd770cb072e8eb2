#!/usr/bin/env bash
# Print the path of a Python VERSION (3.14 or 3.15) for the platform tests,
# assembled from Debian unstable's binary packages; pyenv here stops at
# 3.13 and CPython's sources are not reachable, Debian's mirror is.
# Usage: tools/debian_python.sh VERSION [FOLDER]   (default _build/pythons)
# Nothing is installed on the system: apt-get reads a private sources list
# and lists folder, `apt-get download` fetches the .debs and `dpkg -x`
# unpacks them into FOLDER/VERSION, with unstable's libc6 and the libraries
# the interpreter and its modules link against. The interpreter then runs
# on that folder's loader and libraries (patchelf), since unstable's
# Python needs a newer glibc than Debian 12 has. Cached: a second call
# only prints the path.
set -euo pipefail
version=${1:?usage: tools/debian_python.sh VERSION [FOLDER]}
top=$(realpath -m "${2:-$(dirname "$0")/../_build/pythons}")
root=$top/$version
python=$root/usr/bin/python$version
# Usable: the modules that need the folder's libraries, and pip's wheel.
check="import ssl, sqlite3, ctypes, ensurepip
assert str(ensurepip._WHEEL_PKG_DIR).startswith('$root')"
if [ -x "$python" ] && "$python" -c "$check" 2>/dev/null; then
    echo "$python"
    exit 0
fi
for tool in apt-get dpkg patchelf; do
    command -v $tool >/dev/null || {
        echo "tools/debian_python.sh: $tool is missing; install it" \
             "(apt-get install $tool)." >&2; exit 1; }
done
apt=$top/apt
debs=$apt/debs-$version
rm -rf "$debs"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$debs"
echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]' \
     'http://deb.debian.org/debian unstable main' > "$apt/sources.list"
: > "$apt/status"
options=(-o "Dir::Etc::SourceList=$apt/sources.list"
         -o Dir::Etc::SourceParts=/dev/null
         -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
         -o "Dir::State::status=$apt/status" -o APT::Sandbox::User=root)
# Refreshed at most once a day: the lists name the .debs to download.
if [ -z "$(find "$apt/lists" -name '*Packages*' -mtime -1 | head -1)" ]
then
    apt-get "${options[@]}" -qq update >&2 || {
        echo "tools/debian_python.sh: cannot read Debian unstable's" \
             'package lists (no network to deb.debian.org?).' >&2; exit 1; }
fi
packages=(python$version python$version-minimal libpython$version
          libpython$version-minimal libpython$version-stdlib
          python$version-venv python3-pip-whl python3-setuptools-whl
          libc6 libexpat1 zlib1g libssl3t64 libbz2-1.0 libdb5.3t64 libffi8
          liblzma5 libncursesw6 libreadline8t64 libsqlite3-0 libtinfo6
          libuuid1 libzstd1 libmpdec4 libgcc-s1 libstdc++6 libgomp1
          media-types tzdata)
if ! said=$(cd "$debs" &&
            apt-get "${options[@]}" -qq download "${packages[@]}" 2>&1)
then
    echo "tools/debian_python.sh: cannot download Python $version from" \
         "Debian unstable: $(grep -m1 '^E:' <<< "$said")" >&2
    exit 1
fi
rm -rf "$root"
for deb in "$debs"/*.deb; do
    dpkg -x "$deb" "$root"
done
# RPATH, not RUNPATH (--force-rpath): it also applies to the extension
# modules Python opens later (_ssl, _sqlite3, ...).
lib=$root/usr/lib/x86_64-linux-gnu
patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --force-rpath \
    --set-rpath "$lib" "$python"
# Debian's ensurepip takes pip's wheel from /usr/share/python-wheels
# (sysconfig's WHEEL_PKG_DIR): the system's, with the system's pip.
sed -i "s|^_pkg_dir = .*|_pkg_dir = '$root/usr/share/python-wheels'|" \
    "$root/usr/lib/python$version/ensurepip/__init__.py"
"$python" -c "$check" >&2
echo "$python"
