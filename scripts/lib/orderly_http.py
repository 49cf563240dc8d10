"""A small keep-alive HTTP/1.1 client and `orderly serve` process control, shared
by the benchmark harness and the crash test (standard library only)."""
import asyncio
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


def create_postgres_database(admin_url, prefix):
    """Creates an empty database on the server `admin_url` names; returns its URL
    (the admin URL with the database name replaced, query kept)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {name}"], check=True)
    return urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}").geturl()


def verify_database(binary, database):
    """`orderly check` and `orderly audit verify` on `database`: the failures, if any."""
    failures = []
    for command in (["check"], ["audit", "verify"]):
        result = subprocess.run([binary, *command, "--database", database], capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"orderly {' '.join(command)}: {result.stdout.strip()} {result.stderr.strip()}")
    return failures


def demo_credentials(binary, database):
    """Loads the demo shop; returns {username: password} and the API key it printed."""
    output = subprocess.run([binary, "demo", "--database", database], check=True, capture_output=True,
                            text=True).stdout
    passwords = dict(re.findall(r"^  (\w+)  (\S+)$", output, re.MULTILINE))
    key = re.search(r"^  (ok_\S+)$", output, re.MULTILINE).group(1)
    return passwords, key


class Server:
    """One `orderly serve` process on `database`, listening on `port`."""

    def __init__(self, binary, database, port, environment=None):
        self.binary, self.database, self.port = binary, database, port
        self.environment = environment
        self.process = None
        self.api_key = None

    def start(self):
        if self.api_key is None:
            # A key with every scope, made through the CLI (which also creates the schema).
            self.api_key = subprocess.run(
                [self.binary, "apikey", "create", "--name", "harness", "--scopes", "all", "--quiet",
                 "--database", self.database], check=True, capture_output=True, text=True).stdout.strip()
        self.output = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--database", self.database, "--sweep-seconds", "3600"],
            stdout=self.output, stderr=subprocess.STDOUT,
            env={**os.environ, **self.environment} if self.environment else None)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1).read() == b"ok":
                    return self
            except OSError:
                time.sleep(0.1)
        self.output.seek(0)
        raise RuntimeError("server did not start: " + self.output.read().decode()[-2000:])

    def log(self):
        """What the server has printed so far."""
        self.output.seek(0)
        return self.output.read().decode(errors="replace")

    def peak_rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None

    def kill(self):
        """SIGKILL: no shutdown, no flush; what was committed is all there is."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.stop()

    def call(self, method, path, body=None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def load_catalogue(self, units):
        """Warehouse HZ1 and four products, each with `units` (a dict or a number) on hand."""
        self.call("POST", "/v1/warehouses", {"code": "HZ1", "name": "杭州仓", "province": "浙江省", "city": "杭州市"})
        for sku, price in [("TEA-001", 39800), ("CUP-001", 12900), ("SNK-001", 3900), ("FLASH-1", 9900)]:
            self.call("POST", "/v1/products", {"sku": sku, "name": f"商品 {sku}", "category": "茶叶", "brand": "西湖",
                                               "price": {"amount": price, "currency": "CNY"}, "weight_grams": 100})
            on_hand = units.get(sku, 0) if isinstance(units, dict) else units
            self.call("PUT", f"/v1/stock/HZ1/{sku}", {"on_hand": on_hand, "reason": "set-up"})


def order_body(lines):
    return json.dumps({
        "channel": "web", "customer": {"name": "买家", "phone": "13800138000"},
        "shipping_address": {"recipient": "买家", "phone": "13800138000", "province": "浙江省", "city": "杭州市",
                             "district": "西湖区", "street": "文三路 100 号"},
        "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines],
        "payment_method": "alipay"}).encode()


async def post_orders(port, api_key, requests, clients, on_response=None):
    """Sends `requests` — (idempotency key, body) pairs — over `clients` keep-alive
    connections, with `api_key`. Returns {key: (status, parsed body)} for every answered request;
    a request whose connection dropped has no entry. `on_response(count)` may
    return True to stop sending."""
    pending = list(requests)
    answers = {}

    async def client():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        try:
            while pending:
                key, body = pending.pop()
                writer.write(
                    f"POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"Authorization: Bearer {api_key}\r\n"
                    f"Idempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
                await writer.drain()
                status_line = await reader.readline()
                if not status_line:
                    return
                status = int(status_line.split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                answers[key] = (status, json.loads(await reader.readexactly(length)))
                if on_response and on_response(len(answers)):
                    pending.clear()
        except (OSError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return answers
