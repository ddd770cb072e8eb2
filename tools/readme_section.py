"""Replace a generated section of the README, between its two markers."""
import re
import sys


def replace_section(readme_path, start, end, text):
    """Put `text` (markers included) in place of the README's section
    from `start` to `end`; exit naming the markers if it has none."""
    with open(readme_path) as f:
        readme = f.read()
    if start not in readme or end not in readme:
        sys.exit(f'{readme_path} has no {start} ... {end} section')
    readme = re.sub(re.escape(start) + '.*?' + re.escape(end),
                    lambda _: text, readme, flags=re.S)
    with open(readme_path, 'w') as f:
        f.write(readme)
