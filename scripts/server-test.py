"""The server as a hostile or unlucky network meets it: slow and idle clients,
clients that hang up, too many connections, and retries that reach two servers at
once.

    python3 scripts/server-test.py --binary PATH [--postgres ADMIN_URL]

On SQLite, with short timeouts (idle 2 s, head 2 s, body 3 s, 40 connections):
- a connection left idle, one sending its head a byte a second and one sending its
  body a byte a second are each closed after their timeout (within a second);
- a client that hangs up halfway through its body is not a server error: no
  exception-log row, no 5xx in /metrics;
- of 60 connections opened at once, no more than 40 stay open.
On PostgreSQL, two `orderly serve` processes on one database receive the same
idempotency keys at once (a flash sale: 300 units, 600 keys, each key sent to both,
a request answered `idempotency-request-in-progress` retried after its Retry-After):
no request waits more than 10 s (a liveness bound, not a timing), every key ends
with one answer on both servers, exactly one order exists per created key, and
`orderly check` and `orderly audit verify` are clean.
Exits non-zero on any failure.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from orderly_http import Server, create_postgres_database, order_body, post_orders, verify_database  # noqa: E402

PORT, SECOND_PORT = 18094, 18095
LIMITS = {"ORDERLY_IDLE_TIMEOUT_SECONDS": "2", "ORDERLY_HEADER_TIMEOUT_SECONDS": "2",
          "ORDERLY_BODY_TIMEOUT_SECONDS": "3", "ORDERLY_MAX_CONNECTIONS": "40"}


def seconds_until_closed(sock, trickle=b"", limit=15):
    """Sends `trickle` a byte a second until the server closes the connection;
    returns how long that took, or None if it stayed open `limit` seconds."""
    start = time.time()
    sock.settimeout(1)
    while time.time() - start < limit:
        try:
            if trickle:
                sock.send(trickle[:1])
                trickle = trickle[1:] or b" "
            if sock.recv(4096) == b"":
                return time.time() - start
        except socket.timeout:
            continue
        except (BrokenPipeError, ConnectionResetError):
            return time.time() - start
    return None


def connect():
    return socket.create_connection(("127.0.0.1", PORT), timeout=5)


def five_hundreds(metrics):
    return [line for line in metrics.splitlines()
            if line.startswith("hb_requests_total") and 'status_code="5' in line]


def connection_limits(binary, workdir):
    failures = []
    path = f"{workdir}/limits.sqlite"
    server = Server(binary, f"sqlite:{path}", PORT, environment=LIMITS).start()
    try:
        server.load_catalogue(100)
        head = f"POST /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.api_key}\r\n"
        cases = [
            ("an idle connection", b"", None, 2),
            ("a head sent a byte a second", b"", b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 64, 2),
            ("a body sent a byte a second",
             (head + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n").encode(), b" " * 64, 3),
        ]
        for name, preamble, trickle, timeout in cases:
            sock = connect()
            if preamble:
                sock.sendall(preamble)
            took = seconds_until_closed(sock, trickle or b"")
            sock.close()
            if took is None or not (timeout - 0.5 <= took <= timeout + 1.5):
                failures.append(f"{name}: closed after {took} s, expected about {timeout} s")
            else:
                print(f"  {name}: closed after {took:.1f} s (limit {timeout} s)")

        # Idle after an answered request: the idle clock starts when the answer ends.
        sock = connect()
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = sock.recv(4096)
        took = seconds_until_closed(sock)
        sock.close()
        if not answer.startswith(b"HTTP/1.1 200") or took is None or not (1.5 <= took <= 3.5):
            failures.append(f"idle after a request: answered {answer[:20]!r}, closed after {took} s, expected about 2 s")
        else:
            print(f"  idle after a request: closed after {took:.1f} s (limit 2 s)")

        # Hanging up halfway through a body is the client's doing.
        before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM exception_log").fetchone()[0]
        for _ in range(5):
            sock = connect()
            sock.sendall((head + "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"ch").encode())
            time.sleep(0.2)
            sock.close()
        time.sleep(1)
        after = sqlite3.connect(path).execute("SELECT COUNT(*) FROM exception_log").fetchone()[0]
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{PORT}/metrics", timeout=5).read().decode()
        if after != before or five_hundreds(metrics):
            failures.append(f"aborted uploads: {after - before} exception-log rows, 5xx in metrics: "
                            f"{five_hundreds(metrics)}")
        else:
            print("  aborted uploads: no exception-log row, no 5xx")

        sockets = [connect() for _ in range(60)]
        time.sleep(0.5)
        still_open = 0
        for sock in sockets:
            sock.setblocking(False)
            try:
                still_open += 0 if sock.recv(1) == b"" else 1
            except BlockingIOError:
                still_open += 1
            except OSError:
                pass
        for sock in sockets:
            sock.close()
        if still_open > 40:
            failures.append(f"{still_open} of 60 connections stayed open; the limit is 40")
        else:
            print(f"  60 connections at once: {still_open} stayed open (limit 40)")
        if urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=5).read() != b"ok":
            failures.append("the server no longer answers after the limits test")
    finally:
        server.stop()
    return failures


async def send_until_answered(port, api_key, key, body, latencies, answers):
    """One client's request for `key`, retried while another server holds the key."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            started = time.monotonic()
            writer.write(
                f"POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Authorization: Bearer {api_key}\r\nIdempotency-Key: {key}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            length, retry_after = 0, None
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                if name.lower() == "retry-after":
                    retry_after = float(value)
            payload = json.loads(await reader.readexactly(length))
            latencies.append(time.monotonic() - started)
            if status == 409 and payload.get("type", "").endswith("/idempotency-request-in-progress"):
                if retry_after is None:
                    answers.append((key, 0, "in progress without Retry-After"))
                    return
                await asyncio.sleep(min(retry_after, 0.2))
                continue
            answers.append((key, status, payload.get("number") or payload.get("type")))
            return
    finally:
        writer.close()


async def race(servers, keys):
    latencies, answers = [], []
    body = order_body([("FLASH-1", 1)])
    semaphore = asyncio.Semaphore(128)

    async def one(server, key):
        async with semaphore:
            await send_until_answered(server.port, server.api_key, key, body, latencies, answers)

    await asyncio.gather(*(one(server, key) for key in keys for server in servers))
    return latencies, answers


def two_servers_one_key(binary, admin_url):
    failures = []
    database = create_postgres_database(admin_url, "race")
    first = Server(binary, database, PORT).start()
    first.load_catalogue({"FLASH-1": 300})
    second = Server(binary, database, SECOND_PORT)
    second.api_key = first.api_key  # the same integration, retrying through a load balancer
    second.start()
    try:
        keys = [f"race-{uuid.uuid4().hex}" for _ in range(600)]
        started = time.monotonic()
        latencies, answers = asyncio.run(race([first, second], keys))
        elapsed = time.monotonic() - started
        slowest = max(latencies)
        by_key = {}
        for key, status, result in answers:
            by_key.setdefault(key, set()).add((status, result))
        created = {key for key, outcomes in by_key.items() if any(status == 201 for status, _ in outcomes)}
        # A key that made an order must have given both servers that very order; a key
        # refused for stock was not stored, so its two answers may each be a refusal.
        mixed = [key for key in created if len(by_key[key]) != 1]
        print(f"  {len(answers)} answers in {elapsed:.1f} s, slowest request {slowest:.2f} s, "
              f"{len(created)} keys created an order")
        if slowest > 10:
            failures.append(f"a request waited {slowest:.1f} s (bound: 10 s)")
        if len(answers) != 2 * len(keys):
            failures.append(f"{len(answers)} answers for {2 * len(keys)} requests")
        if mixed:
            failures.append(f"{len(mixed)} keys got different answers on the two servers, e.g. {by_key[mixed[0]]}")
        count = int(subprocess.run(["psql", database, "-tAc", "SELECT COUNT(*) FROM orders"], check=True,
                                   capture_output=True, text=True).stdout)
        numbers = {result for key in created for status, result in by_key[key] if status == 201}
        if count != len(created) or len(numbers) != len(created) or len(created) != 300:
            failures.append(f"{count} orders stored, {len(numbers)} numbers answered, {len(created)} keys "
                            "created; expected 300 of each")
    finally:
        first.stop()
        second.stop()
    return failures + verify_database(binary, database)


def shutdown_and_backup(binary, workdir):
    """SIGTERM under load finishes what is in flight and exits 0; a backup taken under
    load restores, a tampered one is refused."""
    failures = []
    path = f"{workdir}/shutdown.sqlite"
    server = Server(binary, f"sqlite:{path}", PORT).start()
    server.load_catalogue(1_000_000)
    requests = [(f"stop-{uuid.uuid4().hex}", order_body([("TEA-001", 1)])) for _ in range(2000)]
    backup = f"{workdir}/backup.sqlite"
    state = {"signalled_at": None}

    def midway(answered):
        if answered == 150:
            result = subprocess.run([binary, "backup", "--database", f"sqlite:{path}", "--to", backup],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                failures.append(f"orderly backup under load: {result.stdout} {result.stderr}")
        if answered == 300:
            state["signalled_at"] = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
        return False

    answers = asyncio.run(post_orders(PORT, server.api_key, requests, 64, on_response=midway))
    try:
        code = server.process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.process.kill()
        code = None
    took = time.monotonic() - state["signalled_at"] if state["signalled_at"] else None
    created = sum(1 for status, _ in answers.values() if status == 201)
    stored = sqlite3.connect(path).execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    print(f"  SIGTERM under load: exit {code} after {took and round(took, 1)} s; "
          f"{created} orders acknowledged, {stored} stored")
    if code != 0 or "Orderly stopped" not in server.log():
        failures.append(f"SIGTERM: exit code {code}, log ends {server.log()[-300:]!r}")
    if created != stored:
        failures.append(f"{created} orders acknowledged but {stored} stored: a request in flight was cut")
    failures += verify_database(binary, f"sqlite:{path}")

    restored = f"{workdir}/restored.sqlite"
    result = subprocess.run([binary, "restore", "--from", backup, "--database", f"sqlite:{restored}"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        failures.append(f"restoring the backup taken under load: {result.stdout} {result.stderr}")
    else:
        print(f"  backup under load restored: {result.stdout.strip().splitlines()[-1]}")
        failures += verify_database(binary, f"sqlite:{restored}")
    tampered = f"{workdir}/tampered.sqlite"
    subprocess.run(["cp", backup, tampered], check=True)
    db = sqlite3.connect(tampered)
    db.execute("UPDATE stock SET on_hand = on_hand + 5 WHERE sku = 'TEA-001'")
    db.commit()
    db.close()
    result = subprocess.run([binary, "restore", "--from", tampered, "--database", f"sqlite:{workdir}/other.sqlite"],
                            capture_output=True, text=True)
    if result.returncode == 0 or os.path.exists(f"{workdir}/other.sqlite"):
        failures.append(f"a tampered backup was restored: {result.stdout}")
    else:
        print("  a tampered backup is refused: " + result.stdout.strip().splitlines()[-1])
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="orderly-server-") as workdir:
        tests = [("connection limits on sqlite", lambda: connection_limits(args.binary, workdir)),
                 ("shutdown and backup on sqlite", lambda: shutdown_and_backup(args.binary, workdir))]
        if args.postgres:
            tests.append(("two servers, one key, on postgres", lambda: two_servers_one_key(args.binary, args.postgres)))
        for name, test in tests:
            print(name)
            failures = test()
            for failure in failures:
                print(f"  FAIL {failure}")
            failed += bool(failures)
    print(f"server-test: {len(tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
