"""The pins of constraints.txt against the Python releases that run them.

A pin whose release declares a Requires-Python that excludes a patch
release (soupsieve 4.1.3: >=3.11.5, Debian 12 ships 3.11.2) stops
`make install` there with pip's resolver output. This module reads each
pin's Requires-Python from the package index (pip's report of the wheel
it would install, no install), cached in _build/requires-python.json, and
names the pins that a given Python release cannot install.

`python tools/pins.py LOG [CONSTRAINTS]`, run by `make install` when pip
failed, says why in one line: the pin and the Python it needs, else the
conflict pip found.
"""
import json
import pathlib
import platform
import subprocess
import sys
import tempfile

try:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name
except ImportError:  # a venv where pip failed has only pip's own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.specifiers import SpecifierSet
    from pip._vendor.packaging.utils import canonicalize_name

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / 'constraints.txt'
CACHE = ROOT / '_build' / 'requires-python.json'


def pins(python, constraints=CONSTRAINTS):
    """The `==` pins of `constraints` that apply to Python `python`
    ('3.11.2'), their markers evaluated for it: [Requirement]."""
    environment = {'python_full_version': python,
                   'python_version': '.'.join(python.split('.')[:2])}
    found = []
    for line in pathlib.Path(constraints).read_text().splitlines():
        if '==' in line and not line.startswith('#'):
            pin = Requirement(line)
            if not pin.marker or pin.marker.evaluate(environment):
                found.append(pin)
    return found


def _pinned(pin):
    return (f'{canonicalize_name(pin.name)}=='
            f'{str(pin.specifier).lstrip("=")}')


def _ask_the_index(names, python):
    """{'name==version': Requires-Python or ''} from pip's report of what
    it would install for Python `python` (no dependencies, no install)."""
    with tempfile.TemporaryDirectory() as folder:
        report = pathlib.Path(folder, 'report.json')
        done = subprocess.run(
            [sys.executable, '-m', 'pip', 'install', '-q', '--dry-run',
             '--no-deps', '--ignore-installed', '--ignore-requires-python',
             '--python-version', '.'.join(python.split('.')[:2]),
             '--report', str(report), *names],
            capture_output=True, text=True)
        if done.returncode:
            sys.exit(f'tools/pins.py: pip cannot read the pins\' '
                     f'metadata: {_pip_error(done.stderr)}')
        return {_pinned(Requirement(f'{m["name"]}=={m["version"]}')):
                m.get('requires_python') or ''
                for m in (item['metadata'] for item in
                          json.loads(report.read_text())['install'])}


def requires_python(found, python, cache=CACHE):
    """{'name==version': Requires-Python} for the pins `found`, from
    `cache` where it has them, else from the index (then cached)."""
    cache = pathlib.Path(cache)
    known = json.loads(cache.read_text()) if cache.exists() else {}
    names = [_pinned(pin) for pin in found]
    unknown = [name for name in names if name not in known]
    if unknown:
        known.update(_ask_the_index(unknown, python))
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(known, indent=1, sort_keys=True) + '\n')
    return {name: known[name] for name in names}


def excluded(python, constraints=CONSTRAINTS, cache=CACHE):
    """[(pin, Requires-Python)] of the pins that Python `python` (a full
    version, '3.11.2') cannot install."""
    needs = requires_python(pins(python, constraints), python, cache)
    return [(name, spec) for name, spec in needs.items()
            if not SpecifierSet(spec).contains(python, prereleases=True)]


def _pip_error(output):
    """pip's error in one line: the conflict's causes where it names them
    (`The conflict is caused by:` and the indented lines under it), else
    its first error line."""
    lines = output.splitlines()
    if 'The conflict is caused by:' in lines:
        start = lines.index('The conflict is caused by:') + 1
        causes = []
        for line in lines[start:]:
            if not line.startswith(' '):
                break
            causes.append(line.strip())
        return f'the conflict is caused by: {"; ".join(causes)}'
    errors = [line for line in lines if line.startswith('ERROR:')]
    return (errors or lines or ['(no output)'])[0]


def explain(log, constraints=CONSTRAINTS):
    """One line on why pip could not install the pins for this Python."""
    python = platform.python_version()
    found = excluded(python, constraints)
    if not found:
        return (f'make install: pip could not install the pinned packages '
                f'for Python {python}: {_pip_error(log.read_text())} '
                f'(all of it in {log}).')
    name, spec = found[0]
    more = f' (and {len(found) - 1} more pins)' if len(found) > 1 else ''
    return (f'make install: {name} needs Python {spec}{more}, and '
            f'{sys._base_executable} is Python {python}; install a Python '
            f'it allows (docs/platforms.md names those tested) and run '
            f'`make install PYTHON=/path/to/it`.')


if __name__ == '__main__':
    sys.exit(explain(pathlib.Path(sys.argv[1]), *sys.argv[2:]))
