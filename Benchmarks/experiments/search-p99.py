"""Times the searches of Benchmarks/harness.py's search_at_scale on a database that
is already loaded (`orderly bulk-load --orders 1000000 --database …` once, then this
as often as needed, alternating binaries), `passes` times each kind, and prints
p50 / p99 / max and the four slowest requests of each.

    python3 Benchmarks/experiments/search-p99.py BINARY DATABASE [passes] [kind,kind…]
"""
import http.client, sys, time, urllib.parse, os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))
from orderly_http import Server

binary, database = sys.argv[1], sys.argv[2]
passes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
kinds = sys.argv[4].split(",") if len(sys.argv) > 4 else None
PORT = 18090

def timed(paths, key):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    out = []
    for p in paths:
        t = time.perf_counter()
        c.request("GET", p, headers={"Authorization": f"Bearer {key}"})
        r = c.getresponse(); r.read()
        assert r.status == 200, (p, r.status)
        out.append(((time.perf_counter() - t) * 1000, p))
    return out

with Server(binary, database, PORT) as s:
    _, page = s.call("GET", "/v1/orders?limit=200&status=completed")
    sample = page["data"]
    rounds = lambda items, n: [items[i % len(items)] for i in range(n)]
    q = urllib.parse.quote
    recipients = [o["shipping_address"]["recipient"] for o in sample]
    all_kinds = {
        "phone_tail": [f"/v1/orders?q={o['shipping_address']['phone'][-4:]}&limit=20" for o in rounds(sample, 300)],
        "surname": [f"/v1/orders?q={q(r[0])}&limit=20" for r in rounds(recipients, 300)],
        "given_name": [f"/v1/orders?q={q(g)}&limit=20" for g in rounds([r[1:] for r in recipients if len(r) == 3], 300)],
        "whole_name": [f"/v1/orders?q={q(r)}&limit=20" for r in rounds(recipients, 300)],
        "number_end": [f"/v1/orders?q={o['number'][-6:]}&limit=20" for o in rounds(sample, 300)],
        "number_start": [f"/v1/orders?q={o['number'][:10]}&limit=20" for o in rounds(sample, 300)],
        "sku_lower": None,
        "phone": [f"/v1/orders?q={o['shipping_address']['phone']}" for o in rounds(sample, 300)],
        "phone_plus86": [f"/v1/orders?q=%2B86{o['shipping_address']['phone']}" for o in rounds(sample, 300)],
        "email": [f"/v1/orders?q={q(o['customer']['email'].upper())}" for o in rounds([o for o in sample if o['customer'].get('email')], 300)],
        "customer_id": [f"/v1/orders?q={o['customer']['id']}" for o in rounds([o for o in sample if o['customer'].get('id')], 300)],
        "tracking": [f"/v1/orders?q={o['shipment']['tracking_number']}" for o in rounds([o for o in sample if o.get('shipment')], 300)],
        "unknown_product": [f"/v1/orders?q={q(f'无此商品{i}')}&limit=20" for i in range(50)],
        "filtered_page": [f"/v1/orders?status=completed&channel={c}&limit=50" for c in rounds(["web", "app", "mini_program"], 300)],
    }
    _, products = s.call("GET", "/v1/products?limit=100")
    all_kinds["sku_lower"] = [f"/v1/orders?q={p['sku'].lower()}&limit=20" for p in rounds(products["data"], 50)]
    names = [p["name"].split()[0][:2] for p in products["data"]]
    all_kinds["product_name"] = [f"/v1/orders?q={q(n)}&limit=20" for n in rounds(names, 50)]
    for name, paths in all_kinds.items():
        if kinds and name not in kinds: continue
        for n in range(passes):
            got = sorted(timed(paths, s.api_key))
            lat = [g[0] for g in got]
            pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))]
            print(f"{name:12} pass {n+1}: p50 {pct(0.5):6.1f}  p99 {pct(0.99):6.1f}  max {lat[-1]:6.1f} ms   slowest: "
                  + ", ".join(f"{urllib.parse.unquote((p.split('q=')[1].split('&')[0] if 'q=' in p else p[-20:]))} {ms:.0f}" for ms, p in got[-4:]), flush=True)
