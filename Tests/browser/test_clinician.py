"""The district doctor in a real browser, on the phone-sized window: the day's visits, a remote consultation
started and recorded (ICD-10 found by words, blood pressure, a prescription), the patient summary; in Kazakh a
form with a mistake that saves nothing, and finding a patient by name."""
from selenium.webdriver.common.by import By

from conftest import sign_in, wait_text, wait_url


def _open_working_day(browser):
    """The demo books the doctor's first working day from today: today, or a later day after a weekend."""
    for _ in range(4):
        if browser.find_elements(By.CSS_SELECTOR, "#visits ~ ul li"):
            return
        # Follow the link by address, so that the next check reads the next day's page, not this one.
        browser.get(browser.find_element(By.PARTIAL_LINK_TEXT, "→").get_attribute("href"))
    raise AssertionError("no booked visits in the next days")


def test_a_doctor_records_a_remote_consultation(browser):
    sign_in(browser, "demo.doctor", lang="ru")
    browser.get(browser.base + "/clinic")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Приём за день"
    _open_working_day(browser)
    browser.shot("day-ru")
    browser.find_element(By.XPATH, "//button[contains(., 'Начать видеоконсультацию')]").click()
    wait_url(browser, "/clinic/visits/appointment/")
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "видеокомнату").get_attribute("href").startswith("http")
    browser.find_element(By.ID, "q").send_keys("острый бронхит")
    browser.find_element(By.CSS_SELECTOR, "button[value=search]").click()
    browser.shot("icd-search-ru")
    browser.find_element(By.CSS_SELECTOR, "input[name=dx][value='J20.9']").click()
    browser.find_element(By.ID, "systolic").send_keys("135")
    browser.find_element(By.ID, "diastolic").send_keys("85")
    browser.find_element(By.ID, "temperature").send_keys("37,4")
    browser.find_element(By.ID, "medication").send_keys("Амброксол 30 мг")
    browser.find_element(By.ID, "dosage").send_keys("по 1 таблетке 3 раза в день")
    browser.find_element(By.ID, "note").send_keys("Кашель 5 дней, хрипов нет.")
    browser.shot("visit-form-ru")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait_text(browser, "[role=status]", "Приём записан")
    problems = browser.find_element(By.ID, "summary_problems").find_element(By.XPATH, "..").text
    assert "J20.9" in problems
    assert "135/85" in browser.find_element(By.ID, "summary_results").find_element(By.XPATH, "..").text
    assert "Амброксол 30 мг" in browser.find_element(By.ID, "summary_medicines").find_element(By.XPATH, "..").text
    browser.shot("summary-ru")


def test_a_doctor_in_kazakh_finds_a_patient_and_a_mistake_saves_nothing(browser):
    sign_in(browser, "demo.doctor", lang="kk")
    browser.get(browser.base + "/clinic")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Күндізгі қабылдау"
    _open_working_day(browser)
    visit = browser.find_element(By.XPATH, "//a[contains(., 'Қабылдауды толтыру')]")
    patient_link = visit.find_element(By.XPATH, "ancestor::li").find_element(By.CSS_SELECTOR, "a[href^='/clinic/patients/']")
    surname = patient_link.text.split()[0]
    visit.click()
    browser.find_element(By.ID, "temperature").send_keys("73")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    alert = wait_text(browser, "[role=alert]", "ХАЖ-10")
    assert "ХАЖ-10 бойынша кемінде бір диагнозды көрсетіңіз." in alert
    assert "Дене қызуы" in alert
    assert browser.find_element(By.ID, "temperature").get_attribute("value") == "73", "what was typed stays"
    browser.shot("visit-mistake-kk")
    browser.get(browser.base + "/clinic/patients")
    browser.find_element(By.ID, "q").send_keys(surname)
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button").click()
    wait_url(browser, "q=")
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert rows and any(surname in r.text for r in rows)
    browser.shot("patients-kk")
    rows[0].find_element(By.TAG_NAME, "a").click()
    wait_text(browser, "h1", "Пациент туралы жиынтық")
    browser.shot("summary-kk")
