#!/usr/bin/env bash
# Time checking and importing an order file of N rows (N/2 orders of two lines)
# through the console, on SQLite with the demo shop:
#   Benchmarks/experiments/import-time.sh .build/release/orderly 10000
# Needs the sqlite3 shell and openpyxl (pip install openpyxl==3.1.5).
set -euo pipefail
bin=$1; rows=$2; dir=/tmp/imp; db=sqlite:$dir/db.sqlite; port=18092
rm -rf $dir; mkdir -p $dir
python3 - $rows $dir/orders.xlsx <<'PY'
import sys, openpyxl
rows, path = int(sys.argv[1]), sys.argv[2]
wb = openpyxl.Workbook(write_only=True); ws = wb.create_sheet("订单")
ws.append(["外部单号","收货人","收货人手机","省","市","区","详细地址","SKU","数量"])
skus = ["TEA-001","TEA-002"]
for i in range(rows):
    ws.append([f"TB{i//2:07d}","王芳",f"138{i//2:08d}","浙江省","杭州市","西湖区","文三路 18 号",skus[i%2],1])
wb.save(path)
PY
$bin demo --database $db >/dev/null 2>&1
echo 'Secret-pass-1234' | $bin user reset-password admin --password-stdin --database $db >/dev/null
# Plenty of stock for every order (a timing run: the movement ledger is not kept).
sqlite3 $dir/db.sqlite "UPDATE stock SET on_hand = on_hand + 100000"
$bin serve --database $db --port $port >$dir/serve.log 2>&1 &
pid=$!; trap "kill $pid" EXIT
for i in $(seq 50); do curl -s localhost:$port/health >/dev/null && break; sleep 0.2; done
jar=$dir/jar
csrf=$(curl -s -c $jar localhost:$port/console/login | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -b $jar -c $jar -o /dev/null -d "username=admin&password=Secret-pass-1234&csrf_token=$csrf" localhost:$port/console/login
csrf=$(curl -s -b $jar localhost:$port/console/orders/import | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
t0=$(date +%s.%N)
curl -s -b $jar -F csrf_token=$csrf -F channel=marketplace -F payment_method=alipay -F file=@$dir/orders.xlsx localhost:$port/console/orders/import > $dir/preview.html
t1=$(date +%s.%N)
grep -o 'role="status">[^<]*' $dir/preview.html | head -2
upload=$(grep -o 'name="upload" value="[^"]*"' $dir/preview.html | sed 's/.*value="//;s/"//')
loc=$(curl -s -b $jar -o /dev/null -w '%{redirect_url}' -d "csrf_token=$csrf&upload=$upload&filename=orders.xlsx&channel=marketplace&payment_method=alipay&confirm=yes" localhost:$port/console/orders/import)
while curl -s -b $jar "$loc" | grep -q 'http-equiv="refresh"'; do sleep 0.5; done
t2=$(date +%s.%N)
curl -s -b $jar "$loc" | grep -o 'role="status">[^<]*' | head -1
echo "preview $(echo "$t1 - $t0" | bc) s, import $(echo "$t2 - $t1" | bc) s"
