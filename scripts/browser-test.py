"""The console in a real headless Chromium, in English and in Chinese.

    python3 scripts/browser-test.py --binary PATH [--artifacts DIR]

Starts `orderly serve` on a fresh SQLite database with the demo shop, then for each
language (English on a desktop window, Chinese on a phone-sized one) a warehouse
operator signs in, searches for an order awaiting shipment, opens it, ships it
through the confirmation form and sees the new status. It also checks that the
operator sees no button they may not use, that a page beyond their role is refused,
that a wrong password is refused with a message, and that the language switch works.
The warehouse operator then ships a batch from rows pasted as from a spreadsheet, another
from an Excel file openpyxl wrote, and exports the shipped orders as XLSX (read back
by openpyxl) and CSV; the data-entry clerk imports an order file twice (the second
time, in English on a phone, creates nothing); customer service changes an order's items
through the preview, writes a staff note and a red flag on an order and finds it by
the flag.
Then every demo operator (one per role) tours the console in both languages at
desktop and phone sizes: each section the navigation offers, and an order. Every
page must be in its language (a Chinese page with no two English words in a row in
its visible text, code and data aside), and on a phone no page may be wider than
the screen. Screenshots of every step and every toured page are written to the
artifacts folder (default artifacts/browser). Exits non-zero on any failure.
"""
import re
import argparse
import csv
import io
import json
import os
import sys
import tempfile
import urllib.request

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from orderly_http import Server, demo_credentials, order_body  # noqa: E402
from webdriver import Browser, WebDriverError  # noqa: E402

PORT = 18097
BASE = f"http://127.0.0.1:{PORT}"

TEXT = {
    "en": {"language": "en-US,en", "size": (1280, 900), "sign_in": "Sign in", "dashboard": "Dashboard",
           "ship": "Ship", "shipped": "Shipped", "wrong": "Wrong username or password.", "users": "Users",
           "forbidden": "Your role may not do this.", "other": "中文"},
    "zh": {"language": "zh-CN,zh", "size": (390, 844), "sign_in": "登录", "dashboard": "概览",
           "ship": "发货", "shipped": "已发货", "wrong": "用户名或密码错误。", "users": "用户",
           "forbidden": "您的角色没有执行此操作的权限。", "other": "English"},
}


# The demo's operators, one per role.
OPERATORS = ["admin", "clerk", "reviewer", "finance", "service", "warehouse"]
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
# Words a Chinese page may show as they are (names, abbreviations), as the Swift test allows.
ALLOWED = {"Orderly", "API", "SKU", "IP", "ID", "App", "EMS", "English", "ms"}

# The page's visible text, without code, data values (class "data") and styles.
VISIBLE_TEXT = """
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const parts = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (node.parentElement.closest('code, .data, style, script')) continue;
  if (node.parentElement.closest('[hidden]') || !node.parentElement.getClientRects().length) continue;
  parts.push(node.textContent);
}
return parts.join(' ');
"""

# How much wider than the window the page is, in CSS pixels (0 when it fits).
OVERFLOW = "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth);"


def english_runs(text, data):
    tokens = text.split()

    def english(token):
        word = token.strip(".,:;!?()（）")
        return (len(word) >= 2 and word not in ALLOWED and word not in data
                and re.fullmatch(r"[A-Za-z']+", word) is not None)

    return [" ".join(tokens[max(0, i - 4):i + 4]) for i in range(1, len(tokens))
            if english(tokens[i - 1]) and english(tokens[i])]


def sign_in(browser, user, password, language):
    """Signs in on the console's form; true once the dashboard is shown."""
    browser.open(f"{BASE}/console/login")
    browser.type("input[name=username]", user)
    browser.type("input[name=password]", password)
    browser.click(browser.find("form[action='/console/login'] button"))
    return browser.until(lambda: TEXT[language]["dashboard"] in browser.title)


def tour(language, size, passwords, number, artifacts, failures):
    """Each operator signs in and opens every section they are offered and an order."""
    width, height = SIZES[size]
    data = set(passwords) | {"demo", "system"}
    with Browser(TEXT[language]["language"], width, height) as browser:
        for user in OPERATORS:
            browser.delete_cookies()
            if not sign_in(browser, user, passwords[user], language):
                failures.append(f"[{language} {size}] {user} could not sign in: {browser.title}")
                continue
            sections = browser.execute(
                "return [...document.querySelectorAll('header nav a')].map(a => a.getAttribute('href'));")
            for path in sections + [f"/console/orders/{number}"]:
                browser.open(BASE + path)
                browser.find("main h1")
                name = f"{language}-{size}-{user}-{path.strip('/').replace('/', '_') or 'console'}"
                browser.screenshot(os.path.join(artifacts, f"tour-{name}.png"))
                where = f"[{language} {size}] {user} {path}"
                tag = browser.execute("return document.documentElement.lang;")
                if tag != ("zh-CN" if language == "zh" else "en"):
                    failures.append(f"{where}: page language {tag}")
                if language == "zh":
                    runs = english_runs(browser.execute(VISIBLE_TEXT), data)
                    if runs:
                        failures.append(f"{where}: English on a Chinese page: {runs[:3]}")
                if size == "phone":
                    overflow = browser.execute(OVERFLOW)
                    if overflow > 1:
                        failures.append(f"{where}: the page is {overflow}px wider than the phone")


def batch_ship(passwords, numbers, artifacts, failures):
    """The warehouse operator ships a batch twice over: first rows pasted from a
    spreadsheet (order, carrier by its Chinese name, waybill), then an Excel file
    made by openpyxl, an independent writer; each previewed, confirmed, and every
    order shipped once. Then the shipped orders are exported as XLSX and read back
    by openpyxl, and as CSV by Python's csv module."""
    pasted, uploaded = numbers[:len(numbers) // 2], numbers[len(numbers) // 2:]
    with Browser(TEXT["zh"]["language"], *SIZES["desktop"]) as browser:
        sign_in(browser, "warehouse", passwords["warehouse"], "zh")

        def ship(batch, fill, name):
            browser.open(f"{BASE}/console/orders?status=paid")
            browser.click(browser.find_link("按表格发货"))
            fill()
            browser.screenshot(os.path.join(artifacts, f"batch-{name}-1-filled.png"))
            browser.click(browser.find("form[action='/console/orders/ship-import'] button[type=submit]"))
            summary = browser.until(lambda: browser.text("main p"))
            if f"可处理 {len(batch)} 单" not in (summary or ""):
                failures.append(f"[batch ship {name}] preview: {summary}")
            browser.screenshot(os.path.join(artifacts, f"batch-{name}-2-preview.png"))
            browser.click(browser.find("button[name=confirm]"))
            outcome = browser.until(lambda: "成功" in browser.text(".flash") and browser.text(".flash"))
            if f"成功 {len(batch)} 单，失败 0 单" not in (outcome or ""):
                failures.append(f"[batch ship {name}] outcome: {outcome}")
            browser.screenshot(os.path.join(artifacts, f"batch-{name}-3-shipped.png"))
            browser.open(f"{BASE}/console/orders/{batch[0]}")
            if "已发货" not in browser.text("#order-status"):
                failures.append(f"[batch ship {name}] {batch[0]} not shipped")

        def paste():
            rows = "\n".join(f"{number}\t顺丰速运\tSF{number[-10:]}" for number in pasted)
            # As a paste puts them there: typing a tab would move to the next field.
            browser.execute("document.querySelector('textarea[name=rows]').value = arguments[0];",
                            "订单号\t快递公司\t运单号\n" + rows)

        workbook_path = os.path.join(artifacts, "waybills.xlsx")
        workbook = openpyxl.Workbook()
        workbook.active.append(["订单号", "快递公司", "运单号"])
        for number in uploaded:
            workbook.active.append([number, "中通快递", f"ZT{number[-10:]}"])
        workbook.save(workbook_path)
        ship(pasted, paste, "paste")
        ship(uploaded, lambda: browser.type("input[type=file][name=file]", os.path.abspath(workbook_path)), "file")

        browser.open(f"{BASE}/console/orders?status=shipped")
        browser.screenshot(os.path.join(artifacts, "export-1-list.png"))
        for link_text, fmt in [("Excel 表格", "xlsx"), ("CSV 文本", "csv")]:
            href = browser.execute(
                "return [...document.querySelectorAll('.actions a')].find(a => a.textContent === arguments[0]).href;",
                link_text)
            # As the browser asks for it: its cookies and its language.
            request = urllib.request.Request(href, headers={"Cookie": browser.cookies(), "Accept-Language": "zh-CN"})
            with urllib.request.urlopen(request) as response:
                body = response.read()
            if fmt == "xlsx":
                sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
                rows = [[("" if cell is None else str(cell)) for cell in row] for row in sheet.iter_rows(values_only=True)]
            else:
                rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            header, found = rows[0], {row[0]: row for row in rows[1:]}
            if header[:2] != ["订单号", "下单时间"]:
                failures.append(f"[export {fmt}] header {header[:4]}")
            for number, tracking in [(n, f"SF{n[-10:]}") for n in pasted] + [(n, f"ZT{n[-10:]}") for n in uploaded]:
                row = found.get(number)
                if row is None or tracking not in row or "已发货" not in row:
                    failures.append(f"[export {fmt}] {number}: {row}")
            if any("****" not in row[header.index("手机号")] for row in rows[1:]):
                failures.append(f"[export {fmt}] the warehouse sees whole phone numbers")


def import_orders(passwords, artifacts, failures):
    """The data-entry clerk imports an order file openpyxl wrote (two orders, one of
    two lines, and one with a mistake): the check shows the mistake by row and
    column, the import creates the two orders, and the same file imported again, in
    English on a phone, creates nothing new."""
    path = os.path.join(artifacts, "orders.xlsx")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["外部单号", "收货人", "收货人手机", "省", "市", "区", "详细地址", "SKU", "数量", "买家留言"])
    sheet.append(["BT-1001", "周杰", "13900001111", "浙江省", "杭州市", "西湖区", "文三路 90 号", "TEA-001", 2, "工作日送"])
    sheet.append(["BT-1001", None, None, None, None, None, None, "cup-001", 1, None])
    sheet.append(["BT-1002", "吴敏", "13900002222", "江苏省", "苏州市", "姑苏区", "人民路 8 号", "TEA-002", 1, None])
    sheet.append(["BT-1003", "郑爽", "12345", "上海市", "上海市", "徐汇区", "漕溪北路 1 号", "TEA-003", 1, None])
    workbook.save(path)
    counts = []
    for attempt, (language, size) in enumerate([("zh", "desktop"), ("en", "phone")], start=1):
        with Browser(TEXT[language]["language"], *SIZES[size]) as browser:
            def shot(name):
                browser.screenshot(os.path.join(artifacts, f"import-{attempt}-{language}-{size}-{name}.png"))
            sign_in(browser, "clerk", passwords["clerk"], language)
            browser.open(f"{BASE}/console/orders")
            browser.click(browser.find("a[href='/console/orders/import']"))
            browser.type("input[type=file][name=file]", os.path.abspath(path))
            shot("1-chosen")
            browser.click(browser.find("form[action='/console/orders/import'] button[type=submit]"))
            summary = browser.until(lambda: browser.text(".flash"))
            expected = "3 单（4 行），可导入 2 单，有错误 1 单" if language == "zh" else \
                "3 orders on 4 rows; 2 can be imported, 1 have mistakes"
            if expected not in (summary or ""):
                failures.append(f"[import {attempt}] check: {summary}")
            problems = browser.text("table.problems")
            mistake = "收货人手机" if language == "zh" else "Recipient phone"
            if "5" not in problems or mistake not in problems:
                failures.append(f"[import {attempt}] the mistake's row and column: {problems}")
            if size == "phone" and browser.execute(OVERFLOW) > 1:
                failures.append(f"[import {attempt}] the check is wider than the phone")
            shot("2-checked")
            browser.click(browser.find("button[name=confirm]"))
            outcome = browser.until(lambda: "http-equiv" not in browser.page_source() and browser.text(".flash"), 60)
            shot("3-imported")
            counts.append(outcome or "")
            if attempt == 1:
                browser.click(browser.find("a[href^='/console/orders/2']"))
                if "周杰" not in browser.page_source():
                    failures.append(f"[import 1] the imported order's page: {browser.title}")
                shot("4-order")
    if "新建 2 单，已导入过 0 单" not in counts[0]:
        failures.append(f"[import 1] outcome: {counts[0]}")
    if len(counts) < 2 or "0 orders created, 2 imported before" not in counts[1]:
        failures.append(f"[import 2] the same file again: {counts[1:]}")


def note_and_flag(passwords, number, artifacts, failures):
    """Customer service writes a staff note and puts a red flag on an order, sees
    both on the order and in its timeline, and finds the order again by its flag."""
    with Browser(TEXT["zh"]["language"], *SIZES["phone"]) as browser:
        def shot(name):
            browser.screenshot(os.path.join(artifacts, f"note-{name}.png"))
        sign_in(browser, "service", passwords["service"], "zh")
        browser.open(f"{BASE}/console/orders/{number}")
        browser.click(browser.find("details.annotate summary"))
        browser.type("textarea[name=staff_note]", "客户来电：改发顺丰，周六前送到")
        browser.click(browser.find("input[name=flag][value=red]"))
        shot("1-typed")
        browser.click(browser.find("form[action$='/annotate'] button[type=submit]"))
        saved = browser.until(lambda: "已保存" in browser.text(".flash") and browser.text(".flash"))
        if not saved:
            failures.append("[note] no confirmation after saving the note")
        if "改发顺丰" not in browser.text("#staff-note") or "红旗" not in browser.text("#order-flag"):
            failures.append("[note] the note and flag are not on the order")
        if "修改备注或旗帜" not in browser.page_source():
            failures.append("[note] the change is not in the timeline")
        shot("2-saved")
        browser.open(f"{BASE}/console/orders")
        browser.click(browser.find("select[name=flag] option[value=red]"))
        browser.click(browser.find("form.filters button[type=submit]"))
        found = browser.until(lambda: "flag=red" in browser.url and browser.page_source())
        if not found or number not in found or "共 1 条" not in found:
            failures.append(f"[note] filtering by the red flag: {browser.url}")
        if browser.execute(OVERFLOW) > 1:
            failures.append("[note] the filtered list is wider than the phone")
        shot("3-found-by-flag")


def product_price_and_disable(passwords, artifacts, failures):
    """The data-entry clerk finds a tea by part of its name, changes its price on its
    page, disables it, finds it among the disabled products and enables it again; on a
    phone, in Chinese."""
    with Browser(TEXT["zh"]["language"], *SIZES["phone"]) as browser:
        def shot(name):
            browser.screenshot(os.path.join(artifacts, f"product-{name}.png"))
        sign_in(browser, "clerk", passwords["clerk"], "zh")
        browser.open(f"{BASE}/console/products")
        browser.type("input[name=q]", "tea-00")
        browser.click(browser.find("form.filters button[type=submit]"))
        if not browser.until(lambda: "q=tea-00" in browser.url):
            failures.append(f"[product] the search did not run: {browser.url}")
        shot("1-found")
        browser.click(browser.find("td[data-label=SKU] a"))
        browser.until(lambda: "/console/products/TEA-" in browser.url)
        sku = browser.url.rsplit("/", 1)[-1]
        if "各仓库存" not in browser.page_source():
            failures.append(f"[product] {sku}'s page has no stock by warehouse")
        browser.type("input[name=price]", "66.60")
        browser.click(browser.find("button[name=action][value=save]"))
        if not browser.until(lambda: "已保存" in browser.text(".flash")):
            failures.append(f"[product] no confirmation after saving {sku}")
        if "¥66.60" not in browser.page_source():
            failures.append(f"[product] {sku}'s new price is not shown")
        shot("2-saved")
        browser.click(browser.find("button[name=action][value=disable]"))
        if not browser.until(lambda: "已停用" in browser.text(".flash")):
            failures.append(f"[product] no confirmation after disabling {sku}")
        shot("3-disabled")
        browser.open(f"{BASE}/console/products?state=disabled")
        if sku not in browser.page_source():
            failures.append(f"[product] {sku} is not among the disabled products")
        if browser.execute(OVERFLOW) > 1:
            failures.append("[product] the product list is wider than the phone")
        shot("4-disabled-list")
        # On sale again, for the scenarios that follow.
        browser.open(f"{BASE}/console/products/{sku}")
        browser.click(browser.find("button[name=action][value=enable]"))
        if not browser.until(lambda: "已启用" in browser.text(".flash")):
            failures.append(f"[product] no confirmation after enabling {sku}")


def edit_order(passwords, key, artifacts, failures):
    """Customer service changes the items of an order placed a moment ago: the edit
    form, a preview with the new total and the stock it takes, then the change."""
    request = urllib.request.Request(f"{BASE}/v1/orders", data=order_body([("CUP-002", 1)]), method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        number = json.loads(response.read())["number"]
    with Browser(TEXT["zh"]["language"], *SIZES["desktop"]) as browser:
        def shot(name):
            browser.screenshot(os.path.join(artifacts, f"edit-{name}.png"))
        sign_in(browser, "service", passwords["service"], "zh")
        browser.open(f"{BASE}/console/orders/{number}")
        browser.click(browser.find_link("修改商品"))
        quantities = browser.execute("return document.querySelectorAll('input[name=quantity]').length;")
        browser.execute("document.querySelectorAll('input[name=quantity]')[0].value = '';")
        browser.type("input[name=quantity]", "2")
        browser.execute("document.querySelectorAll('input[name=sku]')[1].value = 'tea-002';"
                        "document.querySelectorAll('input[name=quantity]')[1].value = '1';")
        shot("1-form")
        browser.click(browser.find("button[name=preview]"))
        totals = browser.until(lambda: browser.text("#edit-totals"))
        if not totals or "→" not in totals or quantities < 2:
            failures.append(f"[edit] preview totals: {totals}")
        shot("2-preview")
        if browser.execute("return document.querySelector('button[name=confirm]').disabled;"):
            failures.append(f"[edit] the change is not offered: {browser.text('#edit-preview ~ ul')}")
            return
        browser.click(browser.find("button[name=confirm]"))
        done = browser.until(lambda: "商品已修改" in browser.text(".flash") and browser.text(".flash"))
        if not done or "TEA-002" not in browser.page_source():
            failures.append(f"[edit] after confirming: {browser.text('.flash')}")
        shot("3-changed")


def change_address(passwords, key, artifacts, failures):
    """Customer service, in English on a phone, sends an order that has not shipped to
    another street (typed in Chinese, as customers give it) for the reason the customer gave: the form starts from the address
    as it is, and the order's page and timeline show the change and the reason."""
    request = urllib.request.Request(f"{BASE}/v1/orders", data=order_body([("CUP-002", 1)]), method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        number = json.loads(response.read())["number"]
    with Browser(TEXT["en"]["language"], *SIZES["phone"]) as browser:
        def shot(name):
            browser.screenshot(os.path.join(artifacts, f"address-{name}.png"))
        sign_in(browser, "service", passwords["service"], "en")
        browser.open(f"{BASE}/console/orders/{number}")
        browser.click(browser.find_link("Change address"))
        if not browser.until(lambda: browser.url.endswith("/address")):
            failures.append(f"[address] the form did not open: {browser.url}")
            return
        if not browser.execute("return document.querySelector('input[name=street]').value;"):
            failures.append("[address] the form does not start from the order's address")
        browser.execute("document.querySelector('input[name=street]').value = '';")
        browser.type("input[name=street]", "江南大道88号7幢")
        browser.type("input[name=reason]", "客户来电：改送公司")
        shot("1-form")
        if browser.execute(OVERFLOW) > 1:
            failures.append("[address] the form is wider than the phone")
        browser.click(browser.find("form[action$='/address'] button[type=submit]"))
        done = browser.until(lambda: "Address changed." in browser.text(".flash") and browser.page_source())
        if not done or "江南大道88号7幢" not in done:
            failures.append(f"[address] after saving: {browser.text('.flash')}")
        elif "改送公司" not in done or "Address changed" not in done:
            failures.append("[address] the reason or the change is not in the timeline")
        shot("2-changed")


def all_orders(key):
    request = urllib.request.Request(f"{BASE}/v1/orders?limit=200", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())["data"]


def find_orders(passwords, key, shipped, artifacts, failures):
    """Customer service finds orders by what a caller says — part of a name, the last
    four digits of the phone, the waybill number, the end of the order number — in
    English on a desktop and in Chinese on a phone, and sees the dashboard's charts.
    What each search should find is worked out here from the orders themselves."""
    orders = all_orders(key)
    def numbers_on(source):
        return set(re.findall(r'href="/console/orders/(\d{16})"', source))
    for language, size in [("en", "desktop"), ("zh", "phone")]:
        with Browser(TEXT[language]["language"], *SIZES[size]) as browser:
            def shot(name):
                browser.screenshot(os.path.join(artifacts, f"find-{language}-{size}-{name}.png"))
            sign_in(browser, "service", passwords["service"], language)
            charts = browser.execute("return document.querySelectorAll('svg.chart rect.bar').length;")
            if not charts:
                failures.append(f"[find {language}] the dashboard draws no chart bars")
            shot("dashboard")
            phone_tail = orders[0]["shipping_address"]["phone"][-4:]
            # One character of a Chinese name, or a Latin name in lower case.
            latin = [o["shipping_address"]["recipient"] for o in orders if o["shipping_address"]["recipient"].isascii()]
            part = latin[0].split()[0].lower() if language == "en" and latin else orders[0]["shipping_address"]["recipient"][-1]
            searches = [
                ("part-of-name", part,
                 # A name, or a product's name (宋词三百首 has a 三 in it).
                 lambda o, t: t.lower() in o["shipping_address"]["recipient"].lower().replace(" ", "")
                 or t.lower() in o["customer"]["name"].lower().replace(" ", "")
                 or any(t.lower() in line["name"].lower() for line in o["lines"])),
                # Four digits are also the end of an order number.
                ("phone-tail", phone_tail,
                 lambda o, t: o["shipping_address"]["phone"].endswith(t) or o["number"].endswith(t)),
                ("waybill", shipped["tracking"], lambda o, t: o["number"] == shipped["number"]),
                ("number-end", orders[-1]["number"][-6:], lambda o, t: o["number"].endswith(t)),
            ]
            for name, text, matches in searches:
                expected = {o["number"] for o in orders if matches(o, text)}
                browser.open(f"{BASE}/console/orders")
                browser.type("input[name=q]", text + "\n")
                browser.until(lambda: "q=" in browser.url)
                found = numbers_on(browser.page_source())
                if not expected or found != expected:
                    failures.append(f"[find {language}] {name} {text!r}: found {sorted(found)}, "
                                    f"expected {sorted(expected)}")
                if size == "phone" and browser.execute(OVERFLOW) > 1:
                    failures.append(f"[find {language}] the {name} results are wider than the phone")
                shot(name)


def orders_awaiting_shipment(key):
    request = urllib.request.Request(f"{BASE}/v1/orders?status=paid", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request) as response:
        return [order["number"] for order in json.loads(response.read())["data"]]


def run(language, number, password, artifacts, failures):
    text = TEXT[language]
    width, height = text["size"]
    shots = iter(range(1, 100))

    def shot(name):
        browser.screenshot(os.path.join(artifacts, f"{language}-{next(shots):02d}-{name}.png"))

    def expect(condition, message):
        if not condition:
            failures.append(f"[{language}] {message}")
            shot("failure")

    with Browser(text["language"], width, height) as browser:
        try:
            steps(browser, language, number, password, shot, expect)
        except WebDriverError:
            shot("failure")
            with open(os.path.join(artifacts, f"{language}-failure.html"), "w") as page:
                page.write(browser.page_source())
            raise


def steps(browser, language, number, password, shot, expect):
    """Sign in, be refused a page beyond the role, find the order, ship it, switch language."""
    text = TEXT[language]
    browser.open(f"{BASE}/console")
    expect(browser.url.startswith(f"{BASE}/console/login"), f"not sent to sign in: {browser.url}")
    expect(text["sign_in"] in browser.title, f"sign-in page title in {language}: {browser.title}")
    shot("sign-in")

    browser.type("input[name=username]", "warehouse")
    browser.type("input[name=password]", "not-the-password-1")
    browser.click(browser.find("form[action='/console/login'] button"))
    expect(browser.until(lambda: text["wrong"] in browser.text(".errors")), "a wrong password is refused with a message")
    shot("wrong-password")

    browser.type("input[name=username]", "warehouse")
    browser.type("input[name=password]", password)
    browser.click(browser.find("form[action='/console/login'] button"))
    expect(browser.until(lambda: text["dashboard"] in browser.title), f"dashboard after sign-in: {browser.title}")
    shot("dashboard")
    # A warehouse operator sees no link to the users page…
    expect(f'href="/console/users"' not in browser.page_source(), "no users link for the warehouse role")
    # …and is refused if they go there anyway.
    browser.open(f"{BASE}/console/users")
    expect(browser.until(lambda: text["forbidden"] in browser.text(".errors")),
           "the users page is refused to the warehouse role")
    shot("refused")

    # The search box has the focus; a scanner types the number and Enter, and the order opens.
    browser.open(f"{BASE}/console/orders")
    expect(browser.execute("return document.activeElement.name;") == "q", "the search box has the focus")
    browser.type("input[name=q]", number + "\n")
    expect(browser.until(lambda: number in browser.title), f"order page opened: {browser.title}")
    shot("order")
    source = browser.page_source()
    expect("/cancel\"" not in source and "/payment\"" not in source,
           "no cancel or payment action for the warehouse role")

    browser.click(browser.find_link(text["ship"]))
    shot("ship-form")
    # The carrier is chosen from a list of named carriers, not typed.
    browser.click(browser.find("select[name=carrier] option[value=ZTO]"))
    browser.type("input[name=tracking_number]", f"SF{number[-10:]}")
    browser.click(browser.find("button[name=confirm]"))
    expect(browser.until(lambda: text["shipped"] in browser.text("#order-status")),
           f"status after shipping: {browser.until(lambda: browser.text('#order-status'), 1)}")
    shot("shipped")

    # The switch in the header shows the same page in the other language.
    browser.click(browser.find_link(text["other"]))
    other = TEXT["zh" if language == "en" else "en"]
    expect(browser.until(lambda: other["shipped"] in browser.text("#order-status")),
           f"status after switching language: {browser.until(lambda: browser.text('#order-status'), 1)}")
    shot("switched-language")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--artifacts", default="artifacts/browser")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    failures = []
    with tempfile.TemporaryDirectory() as workdir:
        database = f"sqlite:{workdir}/browser.sqlite"
        passwords, key = demo_credentials(args.binary, database)
        server = Server(args.binary, database, PORT)
        server.api_key = key
        with server:
            numbers = orders_awaiting_shipment(key)
            for language, number in zip(["en", "zh"], numbers):
                try:
                    run(language, number, passwords["warehouse"], args.artifacts, failures)
                except WebDriverError as error:
                    failures.append(f"[{language}] {str(error)[:300]}")
            try:
                if len(numbers) < 4:
                    failures.append(f"[batch ship] the demo has only {len(numbers)} orders awaiting shipment")
                batch_ship(passwords, numbers[2:6], args.artifacts, failures)
            except WebDriverError as error:
                failures.append(f"[batch ship] {str(error)[:300]}")
            try:
                edit_order(passwords, key, args.artifacts, failures)
            except WebDriverError as error:
                failures.append(f"[edit] {str(error)[:300]}")
            try:
                change_address(passwords, key, args.artifacts, failures)
            except WebDriverError as error:
                failures.append(f"[address] {str(error)[:300]}")
            try:
                product_price_and_disable(passwords, args.artifacts, failures)
            except WebDriverError as error:
                failures.append(f"[product] {str(error)[:300]}")
            try:
                note_and_flag(passwords, numbers[-2], args.artifacts, failures)
            except WebDriverError as error:
                failures.append(f"[note] {str(error)[:300]}")
            try:
                # The Chinese run shipped the second order with this waybill number.
                find_orders(passwords, key, {"number": numbers[1], "tracking": f"SF{numbers[1][-10:]}"},
                            args.artifacts, failures)
            except WebDriverError as error:
                failures.append(f"[find] {str(error)[:300]}")
            try:
                import_orders(passwords, args.artifacts, failures)
            except WebDriverError as error:
                failures.append(f"[import] {str(error)[:300]}")
            for language in ["en", "zh"]:
                for size in SIZES:
                    try:
                        tour(language, size, passwords, numbers[-1], args.artifacts, failures)
                    except WebDriverError as error:
                        failures.append(f"[{language} {size} tour] {str(error)[:300]}")
    for failure in failures:
        print("FAIL", failure)
    shots = len([name for name in os.listdir(args.artifacts) if name.endswith(".png")])
    print(f"browser-test: {'failed' if failures else 'passed'}; {shots} screenshots in {args.artifacts}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
