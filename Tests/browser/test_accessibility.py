"""Accessibility of every page of every role, checked in the browser by axe-core (WCAG 2.0/2.1 A and AA rules:
labels, names, contrast, landmarks, language, headings, keyboard focusability), in Russian and Kazakh."""
import json
import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import sign_in


def _axe_source():
    try:
        import axe_core_python
    except ImportError:
        pytest.skip("axe-core-python is not installed (pip install -r Tests/browser/requirements.txt): accessibility test skipped")
    return (Path(axe_core_python.__file__).parent / "axe.min.js").read_text()


def violations(driver, source):
    # Everything folded is checked too (and axe 4.4 misjudges the colours of content inside a closed <details>).
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    driver.execute_script(source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));")
    return [{"rule": v["id"], "impact": v.get("impact"), "help": v["help"], "where": [n["target"] for n in v["nodes"]][:5],
             "why": [n.get("failureSummary", "") for n in v["nodes"]][:2]} for v in result]


PAGES = {
    "demo.citizen": ["/me", "/me/book", "/me/attach", "/me/record", "/me/access"],
    "demo.doctor": ["/clinic", "/clinic/patients?q=Иванов", "/clinic/patients/kz-p-1"],
    "demo.orgadmin": ["/admin/staff", "/admin/areas", "/admin/schedules", "/admin/attachments"],
    "demo.epidemiologist": ["/surveillance", "/surveillance/journal", "/surveillance/notify"],
    "demo.analyst": ["/plans", "/plans/cancer-plan-2023-2027", "/plans/digital-map-2025", "/plans/digital-map-2025/sections/1",
                     "/plans/almaty-roadmap-2025-2030", "/plans/almaty-roadmap-2025-2030/sections/accessible-medicine",
                     "/plans/pandemic-plan-2020/sections/1"],
    "demo.executor": ["/plans/health-concept-2026", "/plans/health-concept-2026/sections/2"],
}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_page_passes_axe(browser, lang):
    if os.environ.get("DENSAULUQ_TEST_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the pages' HTML does not depend on the database: checked on the SQLite run")
    source = _axe_source()
    browser.set_script_timeout(60)
    found = {}
    browser.get(browser.base + f"/sign-in?lang={lang}")
    found["/sign-in"] = violations(browser, source)
    for user, paths in PAGES.items():
        browser.delete_all_cookies()
        sign_in(browser, user, lang=lang)
        for path in paths:
            browser.get(browser.base + path)
            found[f"{user} {path}"] = violations(browser, source)
        # The visit form, reached as the doctor reaches it.
        if user == "demo.doctor":
            for _ in range(4):
                links = browser.find_elements(By.CSS_SELECTOR, "a[href^='/clinic/visits/']")
                if links:
                    links[0].click()
                    found[f"{user} visit form"] = violations(browser, source)
                    break
                browser.get(browser.base + "/clinic")
                browser.find_element(By.PARTIAL_LINK_TEXT, "→").click()
    bad = {page: v for page, v in found.items() if v}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
