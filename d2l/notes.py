"""Printed text that fits the page: d2l's notes and long report lines."""
import textwrap

# The longest printed line that a rendered page shows without breaking.
PAGE_WIDTH = 100


def fill(text, indent='  '):
    """`text` broken into lines of at most PAGE_WIDTH characters at
    spaces, continuation lines indented by `indent`."""
    return textwrap.fill(text, PAGE_WIDTH, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def say(note):
    """Print one of d2l's notes: 'd2l: ' and `note`, filled to the page
    (nbval's sanitizer removes it with its indented continuation)."""
    print(fill(f'd2l: {note}'), flush=True)
