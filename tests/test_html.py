"""The rendered chapter (`make html`), opened in headless Chromium."""
import os
import pathlib
import shutil

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / 'chapter_image_augmentation' / 'image_augmentation.ipynb'
PAGE = ROOT / '_build' / 'image_augmentation.html'
SCREENSHOT = ROOT / '_build' / 'image_augmentation.png'


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
    if not PAGE.exists():
        pytest.fail(f'{PAGE} is missing; run `make html` first')
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which('chromium')
    for arg in ('--headless', '--no-sandbox', '--disable-gpu',
                '--disable-dev-shm-usage', '--window-size=1000,800'):
        options.add_argument(arg)
    driver = webdriver.Chrome(
        service=Service(shutil.which('chromedriver')), options=options)
    driver.get(PAGE.as_uri())
    # get() can return before a 2.5 MB page is parsed to its end; read it
    # only once the document is complete and holds every notebook cell.
    cells = len(_notebook().cells)
    try:
        WebDriverWait(driver, 30).until(lambda d: d.execute_script(
            "return document.readyState === 'complete' && "
            "document.querySelectorAll('.jp-Cell').length"
            ) == cells)
    except TimeoutException:
        found = driver.execute_script(
            "return document.querySelectorAll('.jp-Cell').length")
        driver.quit()
        pytest.fail(f'{PAGE} did not finish loading: {found} of {cells} '
                    f'cells after 30 s')
    yield driver
    driver.quit()


def _notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_every_heading_is_on_the_page(browser):
    expected = [line.lstrip('#').strip()
                for cell in _notebook().cells if cell.cell_type == 'markdown'
                for line in cell.source.splitlines() if line.startswith('#')]
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('h1, h2, h3, h4'))"
        ".map(h => h.textContent.replace('\\u00b6', '').trim());")
    assert 'Image Augmentation' in expected
    assert 'Summary' in expected and 'Exercises' in expected
    assert [h for h in expected if h not in shown] == []


def test_every_figure_rendered(browser):
    expected = sum('image/png' in out.get('data', {})
                   for cell in _notebook().cells if cell.cell_type == 'code'
                   for out in cell.outputs)
    sizes = browser.execute_script(
        "return Array.from(document.images)"
        ".map(img => [img.complete, img.naturalWidth, img.naturalHeight]);")
    assert expected >= 10
    assert len(sizes) == expected
    assert all(done and w > 0 and h > 0 for done, w, h in sizes), sizes


def test_no_error_output(browser):
    errors = browser.execute_script(
        "return document.querySelectorAll("
        "'[data-mime-type=\"application/vnd.jupyter.stderr\"]').length;")
    text = browser.find_element('tag name', 'body').text
    assert errors == 0
    assert 'Traceback' not in text and 'Error:' not in text


def test_page_needs_nothing_from_the_web(browser):
    external = browser.execute_script(
        "return Array.from(document.querySelectorAll('[src], link[href]'))"
        ".map(e => e.src || e.href)"
        ".filter(u => !u.startsWith('data:') && !u.startsWith('file:'));")
    assert external == []


def test_screenshot_for_people(browser):
    height = browser.execute_script(
        'return document.documentElement.scrollHeight;')
    browser.set_window_size(1000, height)
    assert browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 50_000


def test_every_figure_has_alternative_text():
    # nbconvert puts a placeholder (and warns) where an image has none;
    # tools/chapter.html.j2 names the code cell that drew each figure.
    if not PAGE.exists():
        pytest.fail(f'{PAGE} is missing; run `make html` first')
    from bs4 import BeautifulSoup
    page = BeautifulSoup(PAGE.read_text(), 'html.parser')
    alts = [img.get('alt', '') for img in page.select('img')]
    assert len(alts) >= 10
    assert all(alt.startswith('Figure drawn by the code cell that begins: ')
               and len(alt) > 45 for alt in alts), alts
