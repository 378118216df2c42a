"""The citizen in a real browser, on the phone-sized window: her cabinet, booking a visit for her child in
Kazakh, a refusal that changes nothing, cancelling, a doctor at home, the record and who accessed it."""
from selenium.webdriver.common.by import By

from conftest import sign_in, wait_text, wait_url


def test_a_mother_books_for_her_child_and_reads_the_record(browser):
    sign_in(browser, "demo.citizen", lang="kk")
    assert browser.current_url.endswith("/me")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Жеке кабинет"
    browser.shot("cabinet-kk")
    people = browser.find_elements(By.CSS_SELECTOR, "nav.people a")
    assert len(people) >= 2, "her own record and at least one child's"
    people[1].click()
    wait_url(browser, "patient=")
    child_url = browser.current_url
    browser.find_element(By.CSS_SELECTOR, "a.button").click()
    browser.shot("free-times-kk")
    first = browser.find_element(By.CSS_SELECTOR, "li.slot")
    when = first.find_element(By.TAG_NAME, "strong").text
    first.find_element(By.CSS_SELECTOR, "button[value=false]").click()
    wait_text(browser, "[role=status]", "Сіз жазылдыңыз.")
    assert when in browser.find_element(By.ID, "appointments").find_element(By.XPATH, "..").text
    browser.shot("booked-kk")
    # The booked time is no longer offered.
    browser.get(child_url.replace("/me?", "/me/book?"))
    taken = [s for s in browser.find_elements(By.CSS_SELECTOR, "li.slot") if s.find_element(By.TAG_NAME, "strong").text == when]
    assert not taken, "a booked time is no longer offered"
    # Cancel it.
    browser.get(child_url)
    browser.find_element(By.CSS_SELECTOR, "#appointments ~ ul form button").click()
    wait_text(browser, "[role=status]", "Жазылу тоқтатылды.")
    browser.shot("cancelled-kk")
    # A doctor at home, in Russian.
    browser.get(child_url + "&lang=ru")
    browser.find_element(By.ID, "reason").send_keys("температура 38,5")
    browser.find_element(By.CSS_SELECTOR, "#home-visit ~ form button").click()
    wait_text(browser, "[role=status]", "Вызов принят.")
    assert "температура 38,5" in browser.find_element(By.ID, "home-visit").find_element(By.XPATH, "..").text
    browser.shot("home-visit-ru")
    browser.find_element(By.CSS_SELECTOR, "nav.sections a[href='/me/record']").click()
    wait_text(browser, "h1", "Медицинская карта")
    browser.shot("record-ru")
    browser.find_element(By.CSS_SELECTOR, "nav.sections a[href='/me/access']").click()
    wait_url(browser, "/me/access")
    assert browser.find_elements(By.CSS_SELECTOR, "table tbody tr"), "her own views are in the access log"
    browser.shot("access-ru")


def test_a_wrong_password_changes_nothing(browser):
    sign_in(browser, "demo.citizen", "not-her-password", lang="kk")
    assert "Логин немесе құпиясөз қате." in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    browser.shot("wrong-password-kk")
    browser.get(browser.base + "/me")
    assert "/sign-in" in browser.current_url
