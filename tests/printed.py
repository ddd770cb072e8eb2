"""What d2l printed, as its notes: each note one string again, however
d2l.fill broke it across lines for the page."""


def notes(out):
    """The notes in printed text `out`: a line indented by two spaces
    continues the note above it."""
    lines = []
    for line in out.splitlines():
        if line.startswith('  ') and lines:
            lines[-1] += ' ' + line.strip()
        elif line:
            lines.append(line)
    return lines
