"""Replace a generated section of a Markdown file (README.md or a page
in docs/), between its two markers."""
import os
import re
import sys


def replace_section(path, start, end, text):
    """Put `text` (markers included) in place of the file's section from
    `start` to `end`; exit naming the markers if it has none."""
    with open(path) as f:
        page = f.read()
    if start not in page or end not in page:
        sys.exit(f'{path} has no {start} ... {end} section')
    page = re.sub(re.escape(start) + '.*?' + re.escape(end),
                  lambda _: text, page, flags=re.S)
    with open(path, 'w') as f:
        f.write(page)


def link_from(path, target):
    """`target` (a path as given, e.g. img/seeds.png) as a Markdown link
    written in the file at `path`: relative to that file's folder, so
    that it resolves from README.md and from docs/ alike."""
    return os.path.relpath(target, os.path.dirname(path) or '.')
