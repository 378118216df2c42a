"""Browser tests: the real `densauluq serve --demo` driven by headless Chromium through Selenium.

Environment:
  DENSAULUQ_BIN                 server binary (default .build/debug/densauluq)
  DENSAULUQ_TEST_DATABASE_URL   postgres://… to run on PostgreSQL (a fresh database is created); SQLite otherwise
  DENSAULUQ_ARTIFACTS           where screenshots go (default Tests/browser/artifacts)
Where Chromium or chromedriver is absent the tests say so and skip (CI installs them).
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

DEMO_PASSWORD = "demo-password-2026"
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def server():
    binary = Path(os.environ.get("DENSAULUQ_BIN", ROOT / ".build/debug/densauluq"))
    if not binary.exists():
        pytest.skip(f"densauluq binary not found at {binary}")
    tmp = Path(tempfile.mkdtemp(prefix="densauluq-browser-"))
    configured = os.environ.get("DENSAULUQ_TEST_DATABASE_URL", "").strip()
    created = None
    if configured.startswith(("postgres://", "postgresql://")):
        created = "densauluq_browser_" + uuid.uuid4().hex[:12]
        subprocess.run(["psql", configured, "-v", "ON_ERROR_STOP=1", "-c", f'CREATE DATABASE "{created}"'], check=True, capture_output=True)
        parts = urlsplit(configured)
        database = urlunsplit((parts.scheme, parts.netloc, "/" + created, parts.query, parts.fragment))
    else:
        database = str(tmp / "browser.sqlite")
    port = _free_port()
    log_path = tmp / "server.log"
    log = open(log_path, "ab")
    proc = subprocess.Popen([str(binary), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port), "--database", database],
                            stdout=log, stderr=subprocess.STDOUT, cwd=str(tmp))
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("densauluq exited:\n" + log_path.read_text(errors="replace")[-4000:])
        try:
            if requests.get(base + "/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("densauluq did not start:\n" + log_path.read_text(errors="replace")[-4000:])
    try:
        yield {"base": base, "database": database, "log": log_path}
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if created:
            subprocess.run(["psql", configured, "-c", f'DROP DATABASE IF EXISTS "{created}"'], capture_output=True)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = Path(os.environ.get("DENSAULUQ_ARTIFACTS", ROOT / "Tests/browser/artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser(server, artifacts, request):
    chromium, driver_path = _chromium(), shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver): browser tests skipped")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -r Tests/browser/requirements.txt): browser tests skipped")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=412,915", "--lang=ru"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(2)
    shots = []

    def shot(name: str):
        db = "postgres" if server["database"].startswith("postgres") else "sqlite"
        file = artifacts / f"{request.node.name}-{db}-{len(shots):02d}-{name}.png"
        # The whole page, not only the phone-sized viewport.
        height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        driver.set_window_size(412, min(max(int(height) + 140, 915), 8000))
        driver.save_screenshot(str(file))
        driver.set_window_size(412, 915)
        shots.append(file)

    driver.shot = shot
    driver.base = server["base"]
    try:
        yield driver
    finally:
        driver.quit()


def sign_in(driver, username, password=DEMO_PASSWORD, lang="ru", shot=None):
    """Signs in through the sign-in form, as a person would."""
    from selenium.webdriver.common.by import By
    driver.get(driver.base + f"/sign-in?lang={lang}")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    if shot:
        driver.shot(shot)
    driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    # Wait for the answer (the next page, or the sign-in page again with its message) before going on: a
    # navigation started at once would abort the sign-in and its cookies.
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 30).until(
        lambda d: "/sign-in" not in d.current_url or d.find_elements(By.CSS_SELECTOR, "[role=alert]"))


def wait_text(driver, css, text, timeout=30):
    """Waits until the element `css` of the page shown says `text` (after a form posts, the old page is still
    there for a moment); returns that element's text."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def texts(d):
        # One script reads every matching element's text at once: finding elements and then asking each for its
        # text races with the navigation a form's post starts (Chrome answers "stale element" or "node does not
        # belong to the document" when the page is replaced between the two calls).
        return d.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText.trim());", css) or []

    def said(d):
        try:
            return any(text in t for t in texts(d))
        except WebDriverException:
            return False  # the page is being replaced; ask again
    WebDriverWait(driver, timeout).until(said)
    return " ".join(texts(driver))


def wait_url(driver, part, timeout=30):
    """Waits until the browser has navigated to a URL containing `part` (a click's navigation is asynchronous)."""
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, timeout).until(lambda d: part in d.current_url)
