#!/usr/bin/env python3
"""Drives the page of `otpbridge serve` in a real browser (Debian's chromium through chromium-driver
and Selenium), as a person would, and checks what a page of another site or another machine could
do to it. Nothing here comes from otpbridge's code: it clicks, types and reads what the page shows.

  serve-browser.py journeys URL FOLDER SHOTS...
      FOLDER holds microsoft.png (a Microsoft Authenticator activation QR), vault.json (an
      encrypted Aegis vault) with vault-password.txt, and new-password.txt; SHOTS are the
      screenshots of one Google Authenticator transfer. The converted vault is downloaded to
      FOLDER/download/, the screenshots of each step go to FOLDER/screens/. Ends by pressing Done.
  serve-browser.py security URL
      Takes the address's cookie as the browser would, then makes the requests a page of another
      site, another host name, another interface, or no cookie would make: each must be refused.
Prints {"ok": true, ...} as JSON; an assertion that fails exits 1 with its message.
"""
import http.client
import json
import os
import socket
import sys
import time
from urllib.parse import urlsplit

TIMEOUT = 30


def browser(download_folder):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600",
                     "--disable-gpu", "--no-first-run"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "download.default_directory": download_folder, "download.prompt_for_download": False,
        "safebrowsing.enabled": False})
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def journeys(url, folder, shots):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    screens = os.path.join(folder, "screens")
    downloads = os.path.join(folder, "download")
    os.makedirs(screens, exist_ok=True)
    os.makedirs(downloads, exist_ok=True)
    driver = browser(downloads)
    wait = WebDriverWait(driver, TIMEOUT)
    shot_number = [0]

    def screenshot(name):
        shot_number[0] += 1
        driver.save_screenshot(os.path.join(screens, f"{shot_number[0]}-{name}.png"))

    def files_text():
        return driver.find_element(By.ID, "files").text

    def start_over():
        driver.find_element(By.ID, "start-over").click()
        wait.until(lambda d: "Everything was forgotten" in d.find_element(By.ID, "status").text
                   and not d.find_elements(By.CSS_SELECTOR, "#files > li"))

    try:
        driver.get(url)
        wait.until(lambda d: d.find_element(By.ID, "target").find_elements(By.TAG_NAME, "option"))
        # The keyboard reaches the file picker, the target and the convert button, in that order.
        driver.find_element(By.TAG_NAME, "body").click()
        reached = []
        for _ in range(12):
            # As a key press, not typed into the element: a file input takes typed text as a path.
            ActionChains(driver).send_keys(Keys.TAB).perform()
            reached.append(driver.switch_to.active_element.get_attribute("id"))
        assert "pick" in reached, f"the keyboard never reaches the file picker: {reached}"
        after = reached[reached.index("pick"):]
        for wanted in ("target", "convert", "done"):
            assert wanted in after, f"the keyboard never reaches #{wanted} after the file picker: {reached}"
        assert after.index("target") < after.index("convert"), reached
        screenshot("empty-page")

        # 1. Microsoft's activation QR: not a secret; the remedy is shown, first.
        driver.find_element(By.ID, "pick").send_keys(os.path.join(folder, "microsoft.png"))
        wait.until(lambda d: "What to do" in files_text())
        first = driver.find_element(By.CSS_SELECTOR, "#files .finding")
        assert "Microsoft Authenticator activation code" in first.text, first.text
        assert "I want to use a different authenticator app" in first.text, first.text
        screenshot("microsoft-remedy")
        start_over()

        # 2. An encrypted vault: a wrong password says so; the right one opens it.
        driver.find_element(By.ID, "pick").send_keys(os.path.join(folder, "vault.json"))
        field = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#files input[type=password]"))
        field.send_keys("not the password" + Keys.ENTER)
        wait.until(lambda d: "That password does not open this file" in files_text())
        screenshot("wrong-password")
        field = driver.find_element(By.CSS_SELECTOR, "#files input[type=password]")
        with open(os.path.join(folder, "vault-password.txt")) as handle:
            field.send_keys(handle.read().strip() + Keys.ENTER)
        wait.until(lambda d: "account(s), aegis, encrypted" in files_text())
        assert "hidden" in files_text()
        screenshot("vault-opened")
        start_over()

        # 3. Three Google screenshots into an encrypted Aegis vault, downloaded.
        driver.find_element(By.ID, "pick").send_keys("\n".join(shots))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#files > li")) == len(shots)
                   and files_text().count("account(s), qr") == len(shots))
        Select(driver.find_element(By.ID, "target")).select_by_value("aegis")
        with open(os.path.join(folder, "new-password.txt")) as handle:
            driver.find_element(By.ID, "new-password").send_keys(handle.read().strip())
        driver.find_element(By.ID, "convert").click()
        wait.until(lambda d: d.find_element(By.ID, "result").is_displayed())
        report = driver.find_element(By.ID, "report").text
        assert "Loss report for aegis" in report, report
        status = driver.find_element(By.ID, "status").text
        assert "encrypted with the new password" in status, status
        screenshot("converted-to-aegis")
        driver.find_element(By.ID, "download").click()
        target = os.path.join(downloads, "otpbridge-aegis.json")
        deadline = time.time() + TIMEOUT
        while not os.path.exists(target) and time.time() < deadline:
            time.sleep(0.2)
        assert os.path.exists(target), f"no download in {os.listdir(downloads)}"

        # 4. To scan from the screen: the codes one at a time, with the accounts each holds.
        Select(driver.find_element(By.ID, "target")).select_by_value("google-migration")
        driver.find_element(By.ID, "convert").click()
        wait.until(lambda d: d.find_element(By.ID, "codes").is_displayed()
                   and d.find_element(By.ID, "code-image").get_attribute("naturalWidth") not in (None, "0"))
        count = driver.find_element(By.ID, "code-count").text
        assert count.startswith("Code 1 of "), count
        held = driver.find_elements(By.CSS_SELECTOR, "#code-accounts li")
        assert 1 <= len(held) <= 10, len(held)
        screenshot("google-code-1")
        driver.find_element(By.ID, "next-code").click()
        wait.until(lambda d: d.find_element(By.ID, "code-count").text.startswith("Code 2 of "))

        # 200% zoom: the page still fits its width (no sideways scrolling).
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 640, "height": 900, "deviceScaleFactor": 2, "mobile": False})
        wide = driver.execute_script("return document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not wide, "at 200% the page scrolls sideways"
        screenshot("zoom-200")
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

        # 5. Done: everything forgotten, the server stops.
        driver.find_element(By.ID, "done").click()
        wait.until(lambda d: "You can close this tab" in d.find_element(By.TAG_NAME, "main").text)
        screenshot("done")
        return {"ok": True, "download": target, "screens": sorted(os.listdir(screens))}
    finally:
        driver.quit()


def request(url, method="GET", path="/api/state", headers=None, body=None, host=None, port=None, second_host=None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(host or parts.hostname, port or parts.port, timeout=10)
    connection.putrequest(method, path, skip_host=True)
    connection.putheader("Host", (headers or {}).pop("Host", parts.netloc))
    if second_host:
        connection.putheader("Host", second_host)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def security(url):
    parts = urlsplit(url)
    # The printed address gives the session's cookie once, and sends the browser on to the page.
    status, headers, _ = request(url, path=parts.path)
    assert status == 303 and headers.get("Location") == "/page/", (status, headers)
    cookie = headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and cookie.startswith("otpbridge="), cookie
    session = {"Cookie": cookie.split(";")[0]}
    assert request(url, path=parts.path)[0] == 403, "the address worked twice"
    page = {**session, "X-OTPBridge": "1"}
    status, headers, _ = request(url, headers=dict(page))
    assert status == 200, f"the page's own request: {status}"
    assert request(url, path="/page/", headers=dict(session))[0] == 200, "the page with its cookie"
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
    assert headers.get("X-Frame-Options") == "DENY" and headers.get("Cache-Control") == "no-store", headers
    assert "Access-Control-Allow-Origin" not in headers, headers
    refused = {
        "no cookie": request(url, headers={"X-OTPBridge": "1"})[0],
        "a wrong cookie": request(url, headers={"Cookie": "otpbridge=" + "x" * 32, "X-OTPBridge": "1"})[0],
        "the page without its cookie": request(url, path="/page/")[0],
        "no header": request(url, headers=dict(session))[0],
        "another site's Origin": request(url, headers={**page, "Origin": "http://evil.example"})[0],
        "a cross-site fetch": request(url, headers={**page, "Sec-Fetch-Site": "cross-site"})[0],
        "another host name (DNS rebinding)": request(url, headers={**page, "Host": f"evil.example:{parts.port}"})[0],
        "localhost instead of 127.0.0.1": request(url, headers={**page, "Host": f"localhost:{parts.port}"})[0],
        "another ticket": request(url, path="/s/" + "y" * 32 + "/")[0],
        "a doubled slash": request(url, path="//api/state", headers=dict(page))[0],
        "a POST without the header": request(url, method="POST", path="/api/reset", headers=dict(session), body=b"")[0],
        "a second Host header": request(url, headers=dict(page), second_host="evil.example")[0],
        "Origin: null (a sandboxed frame)": request(url, headers={**page, "Origin": "null"})[0],
        "a preflight from another site": request(url, method="OPTIONS", headers={
            "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-otpbridge"})[0],
    }
    for what, code in refused.items():
        assert code == 403, f"{what}: {code}, not 403"
    # An upload over the limit is refused before it is kept.
    status, _, _ = request(url, method="POST", path="/api/files",
                           headers={**page, "X-File-Name": "big.bin"}, body=b"\0" * (33 << 20))
    assert status == 413, f"an upload of 33 MiB: {status}"
    # Another interface of this machine does not answer at all.
    other = None
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect(("192.0.2.1", 9))
        other = probe.getsockname()[0]
        probe.close()
    except OSError:
        pass
    if other and not other.startswith("127."):
        try:
            socket.create_connection((other, parts.port), timeout=3).close()
            answered = True
        except OSError:
            answered = False
        assert not answered, f"{other}:{parts.port} answered"
    return {"ok": True, "refused": sorted(refused), "other_interface": other}


def main():
    mode, url = sys.argv[1], sys.argv[2]
    try:
        result = journeys(url, sys.argv[3], sys.argv[4:]) if mode == "journeys" else security(url)
    except AssertionError as error:
        print(json.dumps({"ok": False, "error": str(error)}))
        sys.exit(1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
