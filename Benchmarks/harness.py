"""Drives `orderly serve` over HTTP and prints one summary table.

Each scenario runs on its own server process and fresh database, so the peak
resident memory reported is that scenario's. After each scenario `orderly check`
must find every invariant intact, or the run fails.
"""
import argparse
import asyncio
import datetime
import http.client
import http.cookiejar
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts", "lib"))
from orderly_http import Server, create_postgres_database, order_body, post_orders  # noqa: E402
PORT = 18080


def log(message):
    print(message, file=sys.stderr, flush=True)


def server(binary, database):
    return Server(binary, database, PORT)


def wrk(path, seconds, connections, script=None, api_key=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", os.path.join(HERE, script)]
    environment = dict(os.environ, ORDERLY_API_KEY=api_key or "", ORDERLY_BENCH_RUN=uuid.uuid4().hex)
    output = subprocess.run(command + [f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True,
                            check=True, env=environment).stdout
    result = {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    result["socket_errors"] = dict(zip(["connect", "read", "write", "timeout"], map(int, errors.groups()))) if errors else {}
    result["errors"] = result["non_2xx"] + sum(result["socket_errors"].values())
    for name, pattern in [("p50_ms", r"p50 ([\d.]+) ms"), ("p99_ms", r"p99 ([\d.]+) ms"),
                          ("max_ms", r"max ([\d.]+) ms")]:
        found = re.search(pattern, output)
        if found:
            result[name] = float(found.group(1))
    return result


def check(binary, database):
    result = subprocess.run([binary, "check", "--database", database], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"orderly check failed on {database}:\n{result.stdout}{result.stderr}")


def flash_sale(api_key, attempts, clients):
    """`attempts` one-unit orders from `clients` keep-alive connections."""
    body = order_body([("FLASH-1", 1)])
    started = time.time()
    answers = asyncio.run(post_orders(PORT, api_key, [(uuid.uuid4().hex, body) for _ in range(attempts)], clients))
    elapsed = time.time() - started
    statuses = {}
    for status, payload in answers.values():
        kind = str(status) + (" " + payload["type"].rsplit("/", 1)[-1] if status == 409 else "")
        statuses[kind] = statuses.get(kind, 0) + 1
    return statuses, elapsed


def timed_gets(paths, api_key, limit_seconds=60):
    """Sends GETs one after another on one keep-alive connection; returns the
    latencies in ms of those that answered 200 (stopping after `limit_seconds`)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    latencies, failures, started = [], 0, time.time()
    for path in paths:
        begun = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": f"Bearer {api_key}"})
        response = connection.getresponse()
        response.read()
        if response.status == 200:
            latencies.append((time.perf_counter() - begun) * 1000)
        else:
            failures += 1
        if time.time() - started > limit_seconds:
            break
    connection.close()
    latencies.sort()
    percentile = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else None
    return {"count": len(latencies), "failures": failures, "p50_ms": percentile(0.5), "p99_ms": percentile(0.99)}


def search_at_scale(binary, database, orders):
    """Loads `orders` finished orders with `orderly bulk-load`, then times lookups by
    number, searches by phone (whole, last four digits, with +86), e-mail, customer
    ID, waybill number, SKU in lower case, product name, part of a name, part of an
    order number, and a filtered page."""
    started = time.time()
    loaded = subprocess.run([binary, "bulk-load", "--orders", str(orders), "--database", database],
                            capture_output=True, text=True)
    if loaded.returncode != 0:
        raise SystemExit(f"bulk-load failed:\n{loaded.stdout[-2000:]}\n{loaded.stderr[-2000:]}")
    results = {"orders": orders, "load_seconds": time.time() - started}
    with server(binary, database) as running:
        _, page = running.call("GET", "/v1/orders?limit=200&status=completed")
        sample = page["data"]
        _, products = running.call("GET", "/v1/products?limit=100")
        names = [product["name"].split()[0][:2] for product in products["data"]]
        rounds = lambda items, count: [items[i % len(items)] for i in range(count)]
        results["by_number"] = timed_gets([f"/v1/orders/{o['number']}" for o in rounds(sample, 500)], running.api_key)
        results["by_phone"] = timed_gets(
            [f"/v1/orders?q={o['shipping_address']['phone']}" for o in rounds(sample, 300)], running.api_key)
        # What a customer on the phone says (issue: search that finds what operators type).
        results["by_phone_tail"] = timed_gets(
            [f"/v1/orders?q={o['shipping_address']['phone'][-4:]}&limit=20" for o in rounds(sample, 300)],
            running.api_key)
        results["by_phone_plus86"] = timed_gets(
            [f"/v1/orders?q=%2B86{o['shipping_address']['phone']}" for o in rounds(sample, 300)], running.api_key)
        emails = [o["customer"]["email"] for o in sample if o["customer"].get("email")]
        results["by_email"] = timed_gets(
            [f"/v1/orders?q={urllib.parse.quote(email.upper())}" for email in rounds(emails, 300)], running.api_key)
        customers = [o["customer"]["id"] for o in sample if o["customer"].get("id")]
        results["by_customer_id"] = timed_gets(
            [f"/v1/orders?q={customer}" for customer in rounds(customers, 300)], running.api_key)
        results["by_tracking_number"] = timed_gets(
            [f"/v1/orders?q={o['shipment']['tracking_number']}" for o in rounds(sample, 300)], running.api_key)
        results["by_sku_lower_case"] = timed_gets(
            [f"/v1/orders?q={p['sku'].lower()}&limit=20" for p in rounds(products["data"], 50)], running.api_key)
        results["by_product_name"] = timed_gets(
            [f"/v1/orders?q={urllib.parse.quote(name)}&limit=20" for name in rounds(names, 50)], running.api_key)
        results["by_unknown_product"] = timed_gets(
            [f"/v1/orders?q={urllib.parse.quote(f'无此商品{i}')}&limit=20" for i in range(50)], running.api_key)
        # Part of a name: the surname alone, the given name of a three-character name,
        # the whole name; part of an order number: its last six digits, its first ten.
        recipients = [o["shipping_address"]["recipient"] for o in sample]
        results["by_surname"] = timed_gets(
            [f"/v1/orders?q={urllib.parse.quote(r[0])}&limit=20" for r in rounds(recipients, 300)], running.api_key)
        given = [r[1:] for r in recipients if len(r) == 3]
        results["by_given_name"] = timed_gets(
            [f"/v1/orders?q={urllib.parse.quote(g)}&limit=20" for g in rounds(given, 300)], running.api_key)
        results["by_whole_name"] = timed_gets(
            [f"/v1/orders?q={urllib.parse.quote(r)}&limit=20" for r in rounds(recipients, 300)], running.api_key)
        results["by_number_end"] = timed_gets(
            [f"/v1/orders?q={o['number'][-6:]}&limit=20" for o in rounds(sample, 300)], running.api_key)
        results["by_number_start"] = timed_gets(
            [f"/v1/orders?q={o['number'][:10]}&limit=20" for o in rounds(sample, 300)], running.api_key)
        results["filtered_page"] = timed_gets(
            [f"/v1/orders?status=completed&channel={c}&limit=50" for c in rounds(["web", "app", "mini_program"], 300)],
            running.api_key)
        results["peak_rss_mib"] = running.peak_rss_mib()
    return results


def console_session(port, username, password):
    """An opener signed in to the console as `username`, speaking English."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.addheaders = [("Accept-Language", "en")]
    form = opener.open(f"http://127.0.0.1:{port}/console/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    opener.open(f"http://127.0.0.1:{port}/console/login", data=body, timeout=30).read()
    return opener


def export_orders(binary, database, query, label):
    """Exports the order list (XLSX, filtered by `query`) through the console on a
    server of its own, so the peak memory is the export's: started, followed to its
    task, waited for, downloaded. Returns rows, seconds and peak RSS."""
    password = "Bench-pass-" + uuid.uuid4().hex[:12]
    subprocess.run([binary, "user", "reset-password", "admin", "--password-stdin", "--database", database],
                   input=password, check=True, capture_output=True, text=True)
    with server(binary, database) as running:
        opener = console_session(PORT, "admin", password)
        base = f"http://127.0.0.1:{PORT}"
        idle = running.peak_rss_mib()
        started = time.time()
        response = opener.open(f"{base}/console/orders/export?format=xlsx{query}", timeout=600)
        task_url = response.geturl()
        page = response.read().decode()
        while 'http-equiv="refresh"' in page:
            time.sleep(0.5)
            page = opener.open(task_url, timeout=60).read().decode()
        rows = int(re.search(r"The file is ready: ([\d,]+) rows", page).group(1).replace(",", ""))
        size = 0
        with opener.open(f"{task_url}/download", timeout=600) as download:
            while chunk := download.read(1 << 20):
                size += len(chunk)
        log(f"  export {label}: {rows:,} rows, {size / 1048576:.0f} MiB file")
        return {"rows": rows, "seconds": time.time() - started, "file_mib": size / 1048576,
                "idle_rss_mib": idle, "peak_rss_mib": running.peak_rss_mib()}


def dashboard_at_scale(binary, database):
    """The console's dashboard on a fresh server: the first load of each span adds up
    its days (later loads within a minute share that reading), then one load more."""
    password = "Bench-pass-" + uuid.uuid4().hex[:12]
    subprocess.run([binary, "user", "reset-password", "admin", "--password-stdin", "--database", database],
                   input=password, check=True, capture_output=True, text=True)
    with server(binary, database) as running:
        opener = console_session(PORT, "admin", password)
        result = {}
        for days in (7, 30):
            for load in ("first", "again"):
                started = time.time()
                page = opener.open(f"http://127.0.0.1:{PORT}/console?days={days}", timeout=120).read().decode()
                result[f"days_{days}_{load}_ms"] = (time.time() - started) * 1000
                if '<svg class="chart"' not in page:
                    raise SystemExit("the dashboard drew no chart")
        result["peak_rss_mib"] = running.peak_rss_mib()
        return result


def export_memory(binary, database, orders):
    """The whole list and about a tenth of it (from the day the newest tenth begins):
    peak memory should be close, as exports stream."""
    with server(binary, database) as running:
        cursor, seen, boundary = None, 0, None
        while seen < orders // 10:
            _, page = running.call("GET", "/v1/orders?limit=200" + (f"&cursor={cursor}" if cursor else ""))
            seen += len(page["data"])
            boundary = page["data"][-1]["created_at"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
    # The shop's day (UTC+8) of that order.
    placed = datetime.datetime.fromisoformat(boundary.replace("Z", "+00:00"))
    day = (placed + datetime.timedelta(hours=8)).strftime("%Y-%m-%d")
    return {"tenth": export_orders(binary, database, f"&from={day}", "a tenth"),
            "all": export_orders(binary, database, "", "all")}


def fresh_database(backend, postgres_admin, workdir, name):
    if backend == "sqlite":
        return f"sqlite:{workdir}/{name}.sqlite"
    return create_postgres_database(postgres_admin, f"bench_{name}")


def run_backend(backend, args, workdir):
    results = {}
    seconds = 5 if args.quick else 20

    log(f"[{backend}] GET /health baseline")
    database = fresh_database(backend, args.postgres, workdir, "health")
    with server(args.binary, database) as running:
        results["health"] = wrk("/health", 5 if args.quick else 10, 64)
        results["health"]["peak_rss_mib"] = running.peak_rss_mib()

    log(f"[{backend}] order placement, 64 connections, {seconds} s after a warm-up")
    database = fresh_database(backend, args.postgres, workdir, "orders")
    with server(args.binary, database) as running:
        running.load_catalogue(100_000_000)
        wrk("/v1/orders", 3 if args.quick else 5, 64, "place-order.lua", running.api_key)
        results["orders"] = wrk("/v1/orders", seconds, 64, "place-order.lua", running.api_key)
        results["orders"]["peak_rss_mib"] = running.peak_rss_mib()
    check(args.binary, database)

    log(f"[{backend}] flash sale: 1,000 units, 10,000 attempts, 256 clients")
    database = fresh_database(backend, args.postgres, workdir, "flash")
    with server(args.binary, database) as running:
        running.load_catalogue({"FLASH-1": 1000})
        statuses, elapsed = flash_sale(running.api_key, 10_000, 256)
        results["flash_sale"] = {
            "statuses": statuses, "attempts_per_second": 10_000 / elapsed,
            "exact": statuses == {"201": 1000, "409 insufficient-stock": 9000},
            "peak_rss_mib": running.peak_rss_mib()}
    check(args.binary, database)

    if args.search_orders:
        log(f"[{backend}] search at scale: {args.search_orders:,} orders")
        database = fresh_database(backend, args.postgres, workdir, "search")
        results["search"] = search_at_scale(args.binary, database, args.search_orders)
        log(f"[{backend}] dashboard trends on {args.search_orders:,} orders")
        results["dashboard"] = dashboard_at_scale(args.binary, database)
        log(f"[{backend}] export memory: a tenth and all of {args.search_orders:,} orders")
        results["export"] = export_memory(args.binary, database, args.search_orders)
        check(args.binary, database)
    return results


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in open("/proc/meminfo")
                   if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.system()} {platform.release()}"


def milliseconds(value):
    """A latency for the table; a dash when no request answered, rather than a 0.0
    that reads like a measurement."""
    return "–" if value is None else f"{value:.1f}"


def table(results):
    rows = [("scenario", "backend", "result", "p50 ms", "p99 ms", "max ms", "errors", "peak RSS MiB")]
    for backend, result in results.items():
        health = result["health"]["requests_per_second"]
        orders = result["orders"]
        flash = result["flash_sale"]
        rows.append(("GET /health, 64 conn", backend, f"{health:,.0f} req/s", "", "", "",
                     str(result["health"]["errors"]), f"{result['health']['peak_rss_mib']:.0f}"))
        rows.append(("place 3-line order, 64 conn", backend,
                     f"{orders['requests_per_second']:,.0f} orders/s ({orders['requests_per_second'] / health:.1%} of /health)",
                     f"{orders.get('p50_ms', 0):.1f}", f"{orders.get('p99_ms', 0):.1f}", f"{orders.get('max_ms', 0):.1f}",
                     str(orders["errors"]), f"{orders['peak_rss_mib']:.0f}"))
        outcome = ", ".join(f"{count} × {status}" for status, count in sorted(flash["statuses"].items()))
        rows.append(("flash sale 1,000 units / 10,000", backend,
                     f"{flash['attempts_per_second']:,.0f} attempts/s; {outcome}{'' if flash['exact'] else ' (NOT EXACT)'}",
                     "", "", "", "", f"{flash['peak_rss_mib']:.0f}"))
        search = result.get("search")
        if search:
            for name, label in [("by_number", "order by number"), ("by_phone", "search by phone"),
                                ("by_phone_tail", "search by phone's last 4 digits"),
                                ("by_phone_plus86", "search by phone with +86"), ("by_email", "search by e-mail"),
                                ("by_customer_id", "search by customer ID"),
                                ("by_tracking_number", "search by waybill number"),
                                ("by_sku_lower_case", "search by SKU in lower case"),
                                ("by_product_name", "search by product name"),
                                ("by_unknown_product", "search by a name no product has"),
                                ("by_surname", "search by surname (1 character)"),
                                ("by_given_name", "search by given name (2 of 3 characters)"),
                                ("by_whole_name", "search by whole name"),
                                ("by_number_end", "search by number's last 6 digits"),
                                ("by_number_start", "search by number's first 10 digits"),
                                ("filtered_page", "status+channel page")]:
                measured = search[name]
                rows.append((f"{label}, {search['orders']:,} orders", backend,
                             f"{measured['count']} requests, {measured['failures']} failed",
                             milliseconds(measured['p50_ms']), milliseconds(measured['p99_ms']), "", "",
                             f"{search['peak_rss_mib']:.0f}"))
        dashboard = result.get("dashboard")
        if dashboard:
            for days in (7, 30):
                rows.append((f"dashboard, {days} days of trends", backend,
                             f"first load {dashboard[f'days_{days}_first_ms']:.0f} ms, "
                             f"again {dashboard[f'days_{days}_again_ms']:.0f} ms", "", "", "", "",
                             f"{dashboard['peak_rss_mib']:.0f}"))
        export = result.get("export")
        if export:
            for part in ("tenth", "all"):
                measured = export[part]
                rows.append((f"export {measured['rows']:,} orders as XLSX", backend,
                             f"{measured['seconds']:.1f} s, {measured['file_mib']:.0f} MiB file "
                             f"(idle {measured['idle_rss_mib']:.0f} MiB)", "", "", "", "",
                             f"{measured['peak_rss_mib']:.0f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--quick", action="store_true", help="short runs, to try the harness")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--search-orders", type=int, default=None,
                        help="orders to bulk-load for search at scale (default 1,000,000; 100,000 with --quick; 0 skips)")
    args = parser.parse_args()
    if args.search_orders is None:
        args.search_orders = 100_000 if args.quick else 1_000_000
    results = {}
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results", time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + ".json")
    with tempfile.TemporaryDirectory(prefix="orderly-bench-") as workdir:
        for backend in ["sqlite", "postgres"]:
            if args.only in (None, backend):
                results[backend] = run_backend(backend, args, workdir)
                # Written after each backend, so a failure later keeps what was measured.
                with open(path, "w") as output:
                    json.dump({"machine": machine(), "results": results}, output, indent=2)
    summary = table(results)
    print(f"Machine: {machine()}; server and load generator on the same machine.\n")
    print(summary)
    print(f"\nJSON: {path}")
    if not all(result["flash_sale"]["exact"] for result in results.values()):
        sys.exit("flash sale was not exact")


if __name__ == "__main__":
    main()
