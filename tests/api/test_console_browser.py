"""The console in a real headless Chromium (SPEC §13): sign in, the queue, a review with a PNG and
a PDF shown beside the request, approve one and reject one with a reason code, the number's new
state in the lookup, keyboard shortcuts, a narrow window, sign out — and not one Content Security
Policy violation on the way. Screenshots go to test-artifacts/console/ (gitignored).

Chromium, chromedriver and python3-selenium are Debian packages that scripts/deps.sh installs;
chromedriver is used directly (no Selenium Manager, no network)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from admin_support import PASSWORD, make_operator, start_admin_server
from conftest import REPO, assert_ok, find_sender, unique_number
from documents_support import submit_evidence, upload

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = REPO / "test-artifacts" / "console"
WAIT = 20  # seconds, for each thing the page must show


def _selenium():
    try:
        from selenium import webdriver  # noqa: F401
    except ImportError:
        pytest.fail("python3-selenium is missing: run scripts/deps.sh (Debian python3-selenium)")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: run scripts/deps.sh (Debian chromium, chromium-driver)")


@pytest.fixture
def browser(scratch):
    _selenium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-", dir=scratch)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=ko-KR",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(CHROMEDRIVER, log_output=str(Path(scratch) / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def page_pdf(lines):
    """A one-page PDF (A4) that shows `lines` of ASCII text: what a scanned certificate stands for."""
    text = "BT /F1 18 Tf 60 760 Td 26 TL " + " ".join(f"({l}) '" for l in lines) + " ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(text), text.encode()),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def card_png(width=480, height=300, seed=b""):
    """A PNG that looks like a scanned business card: a blue band and grey "text" lines on white."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    def pixel(x, y):
        if x < 6 or y < 6 or x >= width - 6 or y >= height - 6:
            return b"\xc8\xcf\xd8"
        if y < 70:
            return b"\x24\x57\xd6"
        for top, length in ((100, 0.55), (130, 0.4), (175, 0.7), (205, 0.62), (235, 0.48)):
            if top <= y < top + 12 and 30 <= x < 30 + int((width - 60) * length):
                return b"\x5e\x6b\x7c"
        return b"\xff\xff\xff"

    raw = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    out += chunk(b"tEXt", b"Comment\x00" + seed) + chunk(b"IDAT", zlib.compress(raw, 9))
    return out + chunk(b"IEND", b"")


def shot(driver, name):
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def test_console_review_flow(server_factory, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    s = start_admin_server(server_factory)
    make_operator(s, "kim.reviewer", "admin")
    acct = s.new_account(name="한빛상사", limit=10)
    approve_number, reject_number = unique_number(), unique_number()
    ids = {}
    for number in (approve_number, reject_number):
        acct.create(number)
        png = upload(acct, card_png(seed=number.encode()), name="명함.png")
        pdf = upload(acct, page_pdf(["Certificate of telecommunication service",
                                     f"Subscriber number: {number}", "Holder: Hanbit Co., Ltd.",
                                     "Issued: 2026-11-30"]), name="통신서비스 이용증명원.pdf")
        doc = assert_ok(submit_evidence(acct, number, [png["documentId"], pdf["documentId"]]))
        ids[number] = find_sender(doc, number)["approvalDocuments"][-1]["approvalId"]

    d = browser
    wait = WebDriverWait(d, WAIT)
    base = f"http://{s.admin_host}/admin/"

    # Sign in.
    d.get(base)
    wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
    shot(d, "01-sign-in")
    d.find_element(By.ID, "signin-name").send_keys("kim.reviewer")
    d.find_element(By.ID, "signin-password").send_keys(PASSWORD)
    d.find_element(By.ID, "signin-submit").click()

    # The queue, oldest first, with the keyboard moving the selection.
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"#queue-rows tr[data-id='{ids[approve_number]}']")))
    rows = d.find_elements(By.CSS_SELECTOR, "#queue-rows tr[data-id]")
    assert [r.get_attribute("data-id") for r in rows] == [ids[approve_number], ids[reject_number]]
    assert "selected" in rows[0].get_attribute("class")
    d.find_element(By.TAG_NAME, "body").send_keys("j")
    wait.until(lambda _: "selected" in rows[1].get_attribute("class"))
    d.find_element(By.TAG_NAME, "body").send_keys("k")
    wait.until(lambda _: "selected" in rows[0].get_attribute("class"))
    shot(d, "02-queue")

    # Open the first: its PNG and PDF are shown beside the request; opening claims it.
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"#review[data-id='{ids[approve_number]}']")))
    img = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#documents img.image")))
    wait.until(lambda drv: drv.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 480)
    frame = d.find_element(By.CSS_SELECTOR, "#documents iframe.pdf")
    assert frame.get_attribute("src").endswith("/file")
    loaded = lambda drv: drv.execute_script(  # noqa: E731
        "return performance.getEntriesByType('resource').filter(e => e.name.endsWith(arguments[0]))"
        ".map(e => e.responseStatus || 200)", frame.get_attribute("src").split(s.admin_host)[1])
    wait.until(lambda drv: loaded(drv) == [200])
    assert "내가 검토 중" in d.find_element(By.ID, "review").text
    assert d.find_element(By.ID, "entry-log").text.count("\n") >= 1
    review_shot = shot(d, "03-review")

    # Approve with the keyboard: a opens the confirmation, Enter confirms.
    d.find_element(By.TAG_NAME, "body").send_keys("a")
    confirm = wait.until(EC.visibility_of_element_located((By.ID, "approve-confirm-button")))
    confirm.send_keys(Keys.ENTER)
    banner = wait.until(EC.presence_of_element_located((By.ID, "decided")))
    assert "승인" in banner.text and "kim.reviewer" in banner.text
    e = find_sender(acct.doc(), approve_number)
    assert e["status"] == "ACTIVE" and e["method"] == "DOCUMENT"

    # Reject the second with a reason code.
    d.get(base + "#/review/" + ids[reject_number])
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"#review[data-id='{ids[reject_number]}']")))
    Select(d.find_element(By.ID, "reason-code")).select_by_value("DOCUMENT_UNREADABLE")
    d.find_element(By.ID, "reason").send_keys("서류가 흐려 번호를 읽을 수 없습니다.")
    d.find_element(By.ID, "reject").click()
    banner = wait.until(EC.presence_of_element_located((By.ID, "decided")))
    assert "반려" in banner.text and "DOCUMENT_UNREADABLE" in banner.text
    a = find_sender(acct.doc(), reject_number)["approvalDocuments"][-1]
    assert a["status"] == "REJECTED" and a["reasonCode"] == "DOCUMENT_UNREADABLE"

    # The lookup shows the approved number ACTIVE.
    d.find_element(By.CSS_SELECTOR, "a[data-nav='lookup']").click()
    field = wait.until(EC.visibility_of_element_located((By.ID, "lookup-number")))
    field.send_keys(f"{approve_number[:3]}-{approve_number[3:7]}-{approve_number[7:]}")
    d.find_element(By.ID, "lookup-submit").click()
    card = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"[data-account='{acct.account_id}']")))
    assert "사용 중" in card.text and "한빛상사" in card.text
    shot(d, "04-lookup")

    # The audit log and the accounts page (admin).
    d.get(base + "#/audit")
    wait.until(lambda drv: "review.approve" in drv.find_element(By.ID, "audit").text)
    shot(d, "05-audit")
    d.get(base + "#/account/" + acct.account_id)
    wait.until(EC.presence_of_element_located((By.ID, "account-limit")))
    shot(d, "06-account")

    # A narrow window still works: one column.
    d.set_window_size(420, 900)
    d.get(base + "#/review/" + ids[approve_number])
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#documents img.image")))
    shot(d, "07-review-narrow")
    d.set_window_size(1280, 800)

    # Sign out: the session is gone for the browser too.
    d.find_element(By.ID, "sign-out").click()
    wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
    status = d.execute_async_script("const done = arguments[arguments.length - 1];"
                                    "fetch('/admin/v1/session').then(r => done(r.status));")
    assert status == 401

    # Not one CSP violation, by the page's own count and in the browser's log.
    assert d.execute_script("return window.cspViolations") == 0
    refused = [entry for entry in d.get_log("browser")
               if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
    assert refused == [], refused
    assert review_shot.exists()
