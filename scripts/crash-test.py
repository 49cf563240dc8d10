"""Crash safety: kill -9 the server while 1,000 orders are being placed, restart it,
and prove nothing acknowledged was lost and nothing was duplicated.

    python3 scripts/crash-test.py --binary PATH [--postgres ADMIN_URL]

For each database: 1,000 distinct orders (each with its own idempotency key) go out
over 64 connections; after 300 answers the server gets SIGKILL. After a restart:
- every order that got a 201 exists, with the same lines and total;
- resending every request that got no answer (same key, same body) yields 1,000
  orders in all: each request is an order exactly once;
- `orderly check` finds every invariant intact, `orderly audit verify` finds the
  audit chain unbroken, and SQLite's integrity check passes.
Exits non-zero on any failure; the last line is a plain pass/fail count.
"""
import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from orderly_http import Server, create_postgres_database, order_body, post_orders, verify_database  # noqa: E402

PORT = 18090
ORDERS = 1000
KILL_AFTER = 300


def crash_and_recover(binary, database, sqlite_path=None):
    failures = []
    requests = [(f"crash-{uuid.uuid4().hex}", order_body([("TEA-001", 1 + index % 3), ("CUP-001", 1)]))
                for index in range(ORDERS)]
    server = Server(binary, database, PORT).start()
    server.load_catalogue(1_000_000)

    def kill_when_enough(answered):
        if answered == KILL_AFTER:
            server.kill()
            return True
        return False

    first = asyncio.run(post_orders(PORT, server.api_key, requests, 64, on_response=kill_when_enough))
    if server.process.poll() is None:
        server.kill()
    acknowledged = {key: payload for key, (status, payload) in first.items() if status == 201}
    others = {key: status for key, (status, _) in first.items() if status != 201}
    if others:
        failures.append(f"answers other than 201 before the crash: {sorted(set(others.values()))}")
    print(f"  {len(acknowledged)} orders acknowledged before SIGKILL")

    # The same key as before the crash: idempotency keys belong to their caller.
    server.start()
    try:
        for key, order in acknowledged.items():
            status, stored = server.call("GET", f"/v1/orders/{order['number']}")
            if status != 200:
                failures.append(f"acknowledged order {order['number']} is missing after the crash ({status})")
            elif stored["totals"] != order["totals"] or stored["lines"] != order["lines"]:
                failures.append(f"acknowledged order {order['number']} changed across the crash")
        unanswered = [(key, body) for key, body in requests if key not in acknowledged]
        second = asyncio.run(post_orders(PORT, server.api_key, unanswered, 32))
        if len(second) != len(unanswered) or any(status != 201 for status, _ in second.values()):
            failures.append(f"retries after the crash: {sorted(set(s for s, _ in second.values()))}, "
                            f"{len(unanswered) - len(second)} unanswered")
        # Replaying an acknowledged key gives the very same order.
        replay = asyncio.run(post_orders(PORT, server.api_key, [(key, body) for key, body in requests if key in acknowledged][:50], 8))
        for key, (status, payload) in replay.items():
            if status != 201 or payload["number"] != acknowledged[key]["number"]:
                failures.append(f"replaying {key} gave {status} {payload.get('number')}")
        numbers = {payload["number"] for _, payload in second.values()} | {o["number"] for o in acknowledged.values()}
        count = 0
        cursor = None
        while True:
            status, page = server.call("GET", "/v1/orders?limit=200" + (f"&cursor={cursor}" if cursor else ""))
            count += len(page["data"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        if count != ORDERS or len(numbers) != ORDERS:
            failures.append(f"{count} orders stored and {len(numbers)} distinct numbers answered, expected {ORDERS}")
    finally:
        server.stop()

    # The invariants, and the audit chain (one row per committed order), survived too.
    failures += verify_database(binary, database)
    if sqlite_path:
        integrity = subprocess.run(["sqlite3", sqlite_path, "PRAGMA integrity_check"], capture_output=True, text=True)
        if integrity.stdout.strip() != "ok":
            failures.append("SQLite integrity check: " + integrity.stdout.strip() + integrity.stderr.strip())
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    passed, failed = 0, 0
    with tempfile.TemporaryDirectory(prefix="orderly-crash-") as workdir:
        targets = [("sqlite", f"sqlite:{workdir}/crash.sqlite", f"{workdir}/crash.sqlite")]
        if args.postgres:
            targets.append(("postgres", create_postgres_database(args.postgres, "crash"), None))
        for backend, database, sqlite_path in targets:
            print(f"crash test on {backend}")
            failures = crash_and_recover(args.binary, database, sqlite_path)
            for failure in failures:
                print(f"  FAIL {failure}")
            if failures:
                failed += 1
            else:
                passed += 1
                print("  ok: every acknowledged order survived, none duplicated, invariants intact")
    print(f"crash-test: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
