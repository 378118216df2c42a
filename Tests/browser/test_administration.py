"""The organisation's administrator in a real browser: staff and areas in Kazakh, a schedule built with a
mistake (nothing built), then built, approved and published in Russian; the attachment register."""
import datetime

from selenium.webdriver.common.by import By

from conftest import sign_in, wait_text, wait_url


def _set(browser, field_id, value):
    element = browser.find_element(By.ID, field_id)
    browser.execute_script("arguments[0].value = arguments[1]", element, value)


def test_an_administrator_builds_and_publishes_a_schedule(browser):
    sign_in(browser, "demo.orgadmin", lang="kk")
    browser.get(browser.base + "/admin/staff")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Ұйым қызметкерлері"
    assert browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    browser.shot("staff-kk")
    browser.find_element(By.CSS_SELECTOR, "nav.sections a[href='/admin/areas']").click()
    wait_text(browser, "h1", "Учаскелер және олардың қуаты")
    browser.shot("areas-kk")
    browser.get(browser.base + "/admin/schedules?lang=ru")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Расписания врачей"
    start = datetime.date.today() + datetime.timedelta(days=40)
    end = start + datetime.timedelta(days=6)
    # A mistake: the last day before the first. Nothing is built.
    rows_before = len(browser.find_elements(By.CSS_SELECTOR, "#list ~ div table tbody tr"))
    _set(browser, "from", end.isoformat())
    _set(browser, "to", start.isoformat())
    browser.find_element(By.CSS_SELECTOR, "#build ~ form button[type=submit]").click()
    wait_text(browser, "[role=alert]", "Последний день раньше первого.")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#list ~ div table tbody tr")) == rows_before
    browser.shot("schedule-mistake-ru")
    _set(browser, "from", start.isoformat())
    _set(browser, "to", end.isoformat())
    _set(browser, "start", "15:00")
    _set(browser, "end", "17:00")
    browser.find_element(By.CSS_SELECTOR, "#build ~ form button[type=submit]").click()
    wait_text(browser, "[role=status]", "Черновик расписания составлен")
    browser.find_element(By.XPATH, "//button[normalize-space()='Утвердить']").click()
    wait_text(browser, "[role=status]", "Расписание утверждено.")
    browser.find_element(By.XPATH, "//button[normalize-space()='Опубликовать для записи']").click()
    wait_text(browser, "[role=status]", "Расписание опубликовано")
    browser.shot("schedule-published-ru")
    browser.find_element(By.CSS_SELECTOR, "nav.sections a[href='/admin/attachments']").click()
    wait_text(browser, "h1", "Прикрепление к организации")
    browser.find_element(By.ID, "iin").send_keys("123")
    browser.find_element(By.CSS_SELECTOR, "#apply ~ form button").click()
    wait_text(browser, "[role=alert]", "ИИН состоит из 12 цифр.")
    browser.shot("attachments-ru")
