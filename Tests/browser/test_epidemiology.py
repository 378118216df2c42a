"""The epidemiologist in a real browser: sign in, see the demo's outbreak with its chart, take the task,
type in a paper notification — in Russian and Kazakh — and the refusals that change nothing."""
import requests
from selenium.webdriver.common.by import By

from conftest import DEMO_PASSWORD, sign_in, wait_text


def test_the_epidemiologist_sees_the_outbreak_and_takes_its_task(browser):
    # A wrong password: the page says so and nobody is signed in.
    sign_in(browser, "demo.epidemiologist", "wrong-password", shot="sign-in-ru")
    assert "Неверный логин или пароль." in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    browser.shot("wrong-password")
    sign_in(browser, "demo.epidemiologist")
    browser.get(browser.base + "/surveillance")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Эпидемиологический надзор"
    card = browser.find_element(By.CSS_SELECTOR, ".alarm-card")
    assert "Сальмонеллёз" in card.text
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar.alarm"), "the alarm week is marked on the chart"
    browser.shot("dashboard-ru")
    # Kazakh, through the switcher.
    browser.find_element(By.CSS_SELECTOR, "nav.languages a[lang=kk]").click()
    wait_text(browser, "h1", "Эпидемиологиялық қадағалау")
    browser.shot("dashboard-kk")
    # The series page with the numbers.
    browser.find_element(By.CSS_SELECTOR, ".alarm-card .actions a").click()
    assert browser.find_elements(By.CSS_SELECTOR, "table tr.alarm"), "the alarm week is in the table"
    browser.shot("series-kk")
    browser.back()
    browser.find_element(By.XPATH, "//button[normalize-space()='Жұмысқа алу']").click()
    wait_text(browser, "[role=status]", "Тапсырма мәртебесі өзгертілді.")
    assert "орындалуда" in browser.find_element(By.CSS_SELECTOR, ".alarm-card .badge").text
    browser.shot("task-taken-kk")


def test_a_paper_notification_is_typed_in(browser, server):
    token = requests.post(server["base"] + "/auth/token", data={"grant_type": "password", "username": "demo.admin",
                                                                 "password": DEMO_PASSWORD}, timeout=30).json()["access_token"]
    bundle = requests.get(server["base"] + "/fhir/Patient", params={"address-state:exact": "Алматы", "_count": "1"},
                          headers={"Authorization": "Bearer " + token}, timeout=30).json()
    patient = bundle["entry"][0]["resource"]
    iin = patient["identifier"][0]["value"]
    orgs = requests.get(server["base"] + "/fhir/Organization", params={"address-state:exact": "Алматы", "_count": "1"},
                        headers={"Authorization": "Bearer " + token}, timeout=30).json()
    organization = orgs["entry"][0]["resource"]["id"]
    sign_in(browser, "demo.epidemiologist")
    browser.get(browser.base + "/surveillance/notify?lang=ru")
    browser.shot("notify-form-ru")

    def fill(iin_value, code):
        for field, value in (("iin", iin_value), ("code", code), ("organization", organization)):
            element = browser.find_element(By.ID, field)
            element.clear()
            element.send_keys(value)
        browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()

    # Not a notifiable disease: refused, with the field named.
    fill(iin, "K35.8")
    problems = browser.find_element(By.ID, "problems").text
    assert "Извещение не принято" in problems and "Диагноз (МКБ-10)" in problems
    browser.shot("notify-refused-ru")
    fill(iin, "B05.9")
    wait_text(browser, "[role=status]", "Зарегистрирован новый случай.")
    browser.shot("notify-registered-ru")
    journal = requests.get(server["base"] + "/fhir/Condition/$journal", params={"disease": "B05"},
                           headers={"Authorization": "Bearer " + token}, timeout=30).json()
    cases = [p for p in journal.get("parameter", []) if p["name"] == "case"]
    assert len(cases) == 1
    # The journal page in Kazakh lists it.
    browser.get(browser.base + "/surveillance/journal?disease=B05&lang=kk")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Жұқпалы және паразиттік аурулар журналы"
    assert "Қызылша" in browser.find_element(By.ID, "cases").find_element(By.XPATH, "..").text
    browser.shot("journal-kk")
