"""Strategy monitoring in a real browser: the analyst's dashboards (plans, a plan's directions, indicators with
charts) in Russian and Kazakh with the consolidated report's download; the Ministry of Health's executor submits
a report in Kazakh after a refused empty one."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import sign_in, wait_text, wait_url


def test_the_analyst_reads_the_plans(browser):
    sign_in(browser, "demo.analyst", lang="ru")
    browser.get(browser.base + "/plans")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Мониторинг государственных планов"
    assert len(browser.find_elements(By.CSS_SELECTOR, "ul.cards li")) == 5
    browser.shot("plans-ru")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Комплексный план по борьбе").click()
    wait_url(browser, "/plans/cancer-plan-2023-2027")
    assert browser.find_elements(By.CSS_SELECTOR, "article.indicator svg"), "indicators with charts"
    assert "460 670,4" in browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=financing]").text.replace("\u00a0", " "), "the printed financing summary"
    assert browser.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=financing] svg rect.stack"), "financing chart"
    browser.shot("cancer-plan-ru")
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "Сводный отчёт (Word)").get_attribute("href")
    assert "/report.docx?period=" in link
    # A direction's page: its measures with their reports of the period.
    browser.find_element(By.CSS_SELECTOR, "#directions + .scroll a").click()
    wait_url(browser, "/plans/cancer-plan-2023-2027/sections/")
    assert browser.find_elements(By.CSS_SELECTOR, "ul.cards li.card-item"), "measures of the direction"
    browser.shot("cancer-direction-ru")
    browser.get(browser.base + "/plans/health-concept-2026?lang=kk")
    assert "Нысаналы индикаторлар" in browser.find_element(By.ID, "indicators").text
    browser.shot("concept-kk")


def test_the_analyst_reads_a_plan_without_a_reporting_cycle(browser):
    sign_in(browser, "demo.analyst", lang="ru")
    browser.get(browser.base + "/plans/almaty-roadmap-2025-2030")
    assert "1 651 133" in browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=financing]").text.replace("\u00a0", " ")
    browser.shot("roadmap-ru")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Доступная и качественная медицина").click()
    wait_url(browser, "/plans/almaty-roadmap-2025-2030/sections/accessible-medicine")
    cards = browser.find_elements(By.CSS_SELECTOR, "ul.cards li.card-item")
    assert len(cards) == 36, "the section's 36 projects"
    assert "млн тенге" in browser.find_element(By.CSS_SELECTOR, "ul.cards").text
    browser.shot("roadmap-medicine-ru")
    browser.get(browser.base + "/plans/digital-map-2025/sections/1?lang=en")
    assert browser.find_elements(By.CSS_SELECTOR, "table.timeline td"), "the R/F/D quarters"
    browser.shot("digital-map-sphere-1-en")


def test_the_executor_submits_a_report_in_kazakh(browser):
    sign_in(browser, "demo.executor", lang="kk")
    browser.get(browser.base + "/plans/cancer-plan-2023-2027")
    # The first direction where the Ministry of Health has something to report on.
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#directions + .scroll a")]
    forms = []
    for href in links:
        browser.get(href)
        forms = browser.find_elements(By.CSS_SELECTOR, "form.report-form")
        if forms:
            break
    assert forms, "the Ministry of Health has measures to report on"
    # Clear the first form's text: refused, nothing changes.
    form = forms[0]
    measure = form.find_element(By.NAME, "measure").get_attribute("value")
    text = form.find_element(By.NAME, "progress")
    browser.execute_script("arguments[0].removeAttribute('required'); arguments[0].value = '   '", text)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(browser, "[role=alert]", "Орындалу барысын сипаттаңыз")
    browser.shot("report-refused-kk")
    card = browser.find_element(By.ID, f"m-{measure}")
    form = card.find_element(By.CSS_SELECTOR, "form.report-form")
    Select(form.find_element(By.NAME, "status")).select_by_value("done")
    text = form.find_element(By.NAME, "progress")
    text.clear()
    text.send_keys("Іс-шара орындалды: 2026 жылы 150 дәрігер оқытылды.")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(browser, "[role=status]", "Іс-шара бойынша есеп ұсынылды.")
    assert "150 дәрігер оқытылды" in browser.find_element(By.ID, f"m-{measure}").text
    browser.shot("report-sent-kk")
