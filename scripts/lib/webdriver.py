"""A minimal W3C WebDriver client for chromedriver (standard library only): enough
to drive a real headless Chromium through the console's pages."""
import base64
import json
import subprocess
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class WebDriverError(RuntimeError):
    pass


class Browser:
    """One headless Chromium session, in `language` (an Accept-Language value), with a
    window of `width` × `height` CSS pixels."""

    def __init__(self, language="en-US", width=1280, height=900, driver_port=9515):
        self.base = f"http://127.0.0.1:{driver_port}"
        self.driver = subprocess.Popen(["chromedriver", f"--port={driver_port}"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while True:
            try:
                urllib.request.urlopen(self.base + "/status", timeout=1)
                break
            except OSError:
                if time.time() > deadline:
                    raise WebDriverError("chromedriver did not start")
                time.sleep(0.1)
        capabilities = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         f"--lang={language.split(',')[0]}", f"--window-size={width},{height}"],
                "prefs": {"intl.accept_languages": language},
            }}}}
        self.session = self._call("POST", "/session", capabilities)["sessionId"]

    def _call(self, method, path, body=None):
        request = urllib.request.Request(
            self.base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            raise WebDriverError(f"{method} {path}: {error.read().decode()[:500]}") from None

    def _session(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        self._session("POST", "/url", {"url": url})

    def _find(self, using, value, timeout_seconds):
        """The element, waiting for it while a page loads after a click or a form post."""
        deadline = time.time() + timeout_seconds
        while True:
            try:
                return self._session("POST", "/element", {"using": using, "value": value})[ELEMENT]
            except WebDriverError as error:
                if "no such element" not in str(error) or time.time() > deadline:
                    raise WebDriverError(f"{using} {value!r} not found on {self.url}") from None
                time.sleep(0.1)

    def find(self, css, timeout_seconds=10):
        return self._find("css selector", css, timeout_seconds)

    def find_link(self, text, timeout_seconds=10):
        return self._find("link text", text, timeout_seconds)

    def until(self, check, timeout_seconds=10):
        """Polls `check` (a function of no arguments) until it returns something true,
        for pages still loading after a click; returns its last answer."""
        deadline = time.time() + timeout_seconds
        while True:
            try:
                answer = check()
            except WebDriverError:
                answer = None
            if answer or time.time() > deadline:
                return answer
            time.sleep(0.1)

    def type(self, css, text):
        element = self.find(css)
        self._session("POST", f"/element/{element}/clear", {})
        self._session("POST", f"/element/{element}/value", {"text": text})

    def cookies(self):
        """The page's cookies, as a Cookie header."""
        return "; ".join(f"{c['name']}={c['value']}" for c in self._session("GET", "/cookie"))

    def click(self, element):
        self._session("POST", f"/element/{element}/click", {})

    def text(self, css):
        return self._session("GET", f"/element/{self.find(css)}/text")

    @property
    def title(self):
        return self._session("GET", "/title")

    @property
    def url(self):
        return self._session("GET", "/url")

    def page_source(self):
        return self._session("GET", "/source")

    def execute(self, script, *arguments):
        """Runs `script` (a function body) in the page; returns what it returns."""
        return self._session("POST", "/execute/sync", {"script": script, "args": list(arguments)})

    def delete_cookies(self):
        self._session("DELETE", "/cookie")

    def screenshot(self, path):
        with open(path, "wb") as file:
            file.write(base64.b64decode(self._session("GET", "/screenshot")))

    def quit(self):
        try:
            self._session("DELETE", "")
        finally:
            self.driver.terminate()
            self.driver.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()
