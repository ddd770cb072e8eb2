"""d2l's printed notes fit the page."""
import d2l


def test_say_fills_a_note_to_the_page(capsys):
    d2l.say('using test_batch.bin from $MXNET_HOME/datasets/cifar10: '
            'well-formed, but not the official CIFAR-10 release (SHA1 '
            'differs).')
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith('d2l: using ')
    assert lines[1] == '  CIFAR-10 release (SHA1 differs).'
    assert max(map(len, lines)) <= d2l.PAGE_WIDTH


def test_fill_never_breaks_inside_a_word_or_a_number():
    text = 'p = 0.0123 ' * 30 + 'x' * 120
    lines = d2l.fill(text, '    ').splitlines()
    assert all(len(line) <= d2l.PAGE_WIDTH for line in lines[:-1])
    assert lines[-1].strip() == 'x' * 120  # Too long to break: kept whole.
    assert ' '.join(line.strip() for line in lines) == text.strip()
