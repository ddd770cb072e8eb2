"""README.md and docs/: every relative link resolves, the README stays a
landing page, and its two commands are the ones CI runs."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / 'README.md'
DOCS = sorted((ROOT / 'docs').glob('*.md'))
PAGES = [README, *DOCS]
# The README is the landing page; the depth is in docs/.
README_MAX_LINES = 150
# The comment in .ci/run over the commands the README promises.
CI_MARK = "# The README's two commands"

FENCE = re.compile(r'^```.*?^```', re.M | re.S)
CODE_SPAN = re.compile(r'`[^`]*`')
# [text](target) and ![alt](target); the text may span lines.
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)\)')


def prose(page):
    """The page's text without code blocks and code spans, where
    brackets are not links."""
    return CODE_SPAN.sub('', FENCE.sub('', page.read_text()))


def slug(heading):
    """The anchor GitHub gives a heading: its rendered text (no code
    ticks, emphasis or link targets) in lower case, without punctuation,
    spaces as hyphens."""
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', heading)
    text = text.replace('`', '').replace('*', '').strip().lower()
    return re.sub(r'[^\w\- ]', '', text).replace(' ', '-')


def anchors(page):
    """The anchors of a page's headings; a repeated one gets -1, -2, ...
    as on GitHub."""
    seen = {}
    for line in FENCE.sub('', page.read_text()).splitlines():
        if match := re.match(r'#+ (.*)', line):
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            yield f'{base}-{count}' if count else base


def broken_links(page):
    """Each relative link or image of `page` whose file or heading does
    not exist, with why."""
    for target in LINK.findall(prose(page)):
        if re.match(r'[a-z]+:', target):  # https:, mailto:
            continue
        path, _, anchor = target.partition('#')
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            yield f'{target}: no such file'
        elif anchor and anchor not in anchors(file):
            yield f'{target}: no heading #{anchor} in {file.name}'


@pytest.mark.parametrize('page', PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    assert list(broken_links(page)) == []


def test_the_link_check_sees_links_images_and_anchors(tmp_path):
    (tmp_path / 'img').mkdir()
    (tmp_path / 'img' / 'a.png').write_bytes(b'')
    page = tmp_path / 'docs' / 'page.md'
    page.parent.mkdir()
    page.write_text(
        '# A page\n\n## Input pipeline (`make bench`)\n\n## Again\n\n'
        '## Again\n\n![a](../img/a.png) ![b](../img/b.png)\n'
        '[here](#input-pipeline-make-bench), [twice](#again-1), [no\n'
        'such](#input-pipeline) [web](https://example.org/#x)\n'
        '`[code](nowhere.md)`\n\n```\n[block](nowhere.md)\n```\n')
    assert list(broken_links(page)) == [
        '../img/b.png: no such file',
        '#input-pipeline: no heading #input-pipeline in page.md']


def test_readme_links_every_page_in_docs():
    linked = {(ROOT / target.partition('#')[0]).resolve()
              for target in LINK.findall(prose(README))}
    assert DOCS and set(DOCS) <= linked


@pytest.mark.parametrize('page', DOCS, ids=lambda p: p.name)
def test_each_page_in_docs_opens_with_its_question(page):
    # A title, then one paragraph: the question it answers, and the way
    # back to the README.
    title, first = page.read_text().split('\n\n')[:2]
    assert title.startswith('# ') and '\n' not in title
    assert '?' in first and '](../README.md' in first


def test_readme_is_a_landing_page():
    lines = README.read_text().splitlines()
    assert len(lines) <= README_MAX_LINES


def commands(lines):
    """`lines` as commands: comments and spacing dropped, blanks left
    out."""
    return [' '.join(line.split('#')[0].split()) for line in lines
            if line.split('#')[0].strip()]


def test_readme_commands_are_the_ones_ci_runs():
    # The README's first code block against the `make` lines under the
    # mark in .ci/run: the same commands in the same order.
    block = FENCE.search(README.read_text()).group()
    readme = commands(block.splitlines()[1:-1])
    ci = (ROOT / '.ci' / 'run').read_text().splitlines()
    start = next(i for i, line in enumerate(ci)
                 if line.startswith(CI_MARK)) + 1
    end = next(i for i in range(start, len(ci))
               if not ci[i].startswith('make '))
    assert readme == commands(ci[start:end])
