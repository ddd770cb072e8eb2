"""The rendered notebooks (`make html`), opened in headless Chromium."""
import os
import pathlib
import re
import shutil

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The chapter and its companion: each page's title and the fewest figures
# and formulas it has (its notebook gives the exact numbers).
PAGES = {'image_augmentation': ('Image Augmentation', 10, 10),
         'beyond_augmentation': (
             'Beyond the Chapter: Augmentations That Came Later', 10, 15)}


def _notebook(name):
    return nbformat.read(
        ROOT / 'chapter_image_augmentation' / f'{name}.ipynb', as_version=4)


def _page(name):
    page = ROOT / '_build' / f'{name}.html'
    if not page.exists():
        pytest.fail(f'{page} is missing; run `make html` first')
    return page


def _missing_browser():
    """Why the browser test cannot run here, or None."""
    missing = [p for p in ('chromium', 'chromedriver') if not shutil.which(p)]
    if missing:
        return (f'{" and ".join(missing)} not found; install the Debian '
                f'packages chromium and chromium-driver')
    return None


@pytest.fixture(scope='module')
def browser():
    reason = _missing_browser()
    if reason:
        # CI must run this test; a reader's laptop may lack the browser.
        if os.environ.get('CI'):
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which('chromium')
    for arg in ('--headless', '--no-sandbox', '--disable-gpu',
                '--disable-dev-shm-usage', '--window-size=1000,800'):
        options.add_argument(arg)
    driver = webdriver.Chrome(
        service=Service(shutil.which('chromedriver')), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope='module', params=PAGES)
def name(request):
    return request.param


@pytest.fixture(scope='module')
def page(browser, name):
    """The browser showing page `name`, loaded to its end."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait
    path = _page(name)
    browser.set_window_size(1000, 800)
    browser.get(path.as_uri())
    # get() can return before a 2.5 MB page is parsed to its end; read it
    # only once the document is complete and holds every notebook cell.
    cells = len(_notebook(name).cells)
    try:
        WebDriverWait(browser, 30).until(lambda d: d.execute_script(
            "return document.readyState === 'complete' && "
            "document.querySelectorAll('.jp-Cell').length"
            ) == cells)
    except TimeoutException:
        found = browser.execute_script(
            "return document.querySelectorAll('.jp-Cell').length")
        pytest.fail(f'{path} did not finish loading: {found} of {cells} '
                    f'cells after 30 s')
    return browser


def test_every_heading_is_on_the_page(page, name):
    expected = [line.lstrip('#').strip()
                for cell in _notebook(name).cells
                if cell.cell_type == 'markdown'
                for line in cell.source.splitlines() if line.startswith('#')]
    shown = page.execute_script(
        "return Array.from(document.querySelectorAll('h1, h2, h3, h4'))"
        ".map(h => h.textContent.replace('\\u00b6', '').trim());")
    assert expected[0] == PAGES[name][0]
    assert 'Summary' in expected and 'Exercises' in expected
    assert [h for h in expected if h not in shown] == []


def test_every_figure_rendered(page, name):
    expected = sum('image/png' in out.get('data', {})
                   for cell in _notebook(name).cells
                   if cell.cell_type == 'code' for out in cell.outputs)
    sizes = page.execute_script(
        "return Array.from(document.images)"
        ".map(img => [img.complete, img.naturalWidth, img.naturalHeight]);")
    assert expected >= PAGES[name][1]
    assert len(sizes) == expected
    assert all(done and w > 0 and h > 0 for done, w, h in sizes), sizes


def _formulas(name):
    """The LaTeX formulas in the notebook's markdown, code spans aside."""
    return [formula for cell in _notebook(name).cells
            if cell.cell_type == 'markdown'
            for formula in re.findall(r'\$\$.+?\$\$|\$.+?\$',
                                      re.sub(r'`[^`]*`', '', cell.source),
                                      re.DOTALL)]


def test_every_formula_rendered_as_math(page, name):
    # The browser draws MathML itself: a formula is a MathML element with
    # a size, and no TeX is left in the text around the code.
    expected = _formulas(name)
    maths = page.execute_script(
        "return Array.from(document.querySelectorAll("
        "'.jp-MarkdownCell math')).map(m => [m instanceof MathMLElement, "
        "m.getBoundingClientRect().width, m.getBoundingClientRect().height, "
        "m.querySelectorAll('merror').length]);")
    prose = page.execute_script(
        "return Array.from(document.querySelectorAll('.jp-MarkdownCell'))"
        ".map(cell => { const copy = cell.cloneNode(true);"
        " copy.querySelectorAll('code, pre').forEach(c => c.remove());"
        " return copy.textContent; }).join('\\n');")
    assert len(expected) >= PAGES[name][2]
    assert len(maths) == len(expected)
    assert all(native and width > 0 and height > 0 and not errors
               for native, width, height, errors in maths), maths
    assert re.findall(r'.{0,30}[$\\].{0,30}', prose) == []


def test_no_error_output(page):
    errors = page.execute_script(
        "return document.querySelectorAll("
        "'[data-mime-type=\"application/vnd.jupyter.stderr\"]').length;")
    text = page.find_element('tag name', 'body').text
    assert errors == 0
    assert 'Traceback' not in text and 'Error:' not in text


def test_page_needs_nothing_from_the_web(page):
    external = page.execute_script(
        "return Array.from(document.querySelectorAll('[src], link[href]'))"
        ".map(e => e.src || e.href)"
        ".filter(u => !u.startsWith('data:') && !u.startsWith('file:'));")
    assert external == []


def test_screenshot_for_people(page, name):
    screenshot = ROOT / '_build' / f'{name}.png'
    height = page.execute_script(
        'return document.documentElement.scrollHeight;')
    page.set_window_size(1000, height)
    assert page.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 50_000


@pytest.mark.parametrize('name', PAGES)
def test_every_figure_has_alternative_text(name):
    # nbconvert puts a placeholder (and warns) where an image has none;
    # tools/chapter.html.j2 names the code cell that drew each figure.
    from bs4 import BeautifulSoup
    page = BeautifulSoup(_page(name).read_text(), 'html.parser')
    alts = [img.get('alt', '') for img in page.select('img')]
    assert len(alts) >= PAGES[name][1]
    assert all(alt.startswith('Figure drawn by the code cell that begins: ')
               and len(alt) > 45 for alt in alts), alts
