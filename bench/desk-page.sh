#!/usr/bin/env bash
# The desk page under a year's load of one city (run by hand, never in the tests):
# a desk database with N requests (default 6,000: two thirds joins waiting for the
# clerk, one third coupon claims), 3,000 stations, one campaign of 1,500 coupons. Times
# the queue pages and two 发布 rounds (the first decides every claim and signs a card
# for none; the intake is unreachable, so the pull fails fast and the round goes on).
# `bench/desk-page.sh [N]`
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-6000}
cargo build --quiet --release -p yizhan-feed
target=${CARGO_TARGET_DIR:-target}
[[ $target = /* ]] || target=$(pwd)/$target
feed=$target/release/yizhan-feed
work=$(mktemp -d)
serve=
trap '[[ -n $serve ]] && kill $serve 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
"$feed" keygen --out union.key >/dev/null
"$feed" desk keygen --out desk.key >/dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > intake.token
"$feed" generate --stations 3000 --seed 1 --cities 371500 --out stations.csv >/dev/null
echo '{"campaigns":[{"id":"fit","kind":"fitness","title":"健身券","valid_from":"2026-01-01","valid_until":"2099-12-31","per_member":1,"period":"month","total":1500,"remaining":1500}]}' > campaigns.json
printf 'db = desk.sqlite\nintake = http://127.0.0.1:9\ntoken_file = intake.token\ndesk_key = desk.key\nsign_key = union.key\ncard_valid_until = 2099-12-31\nstations = stations.csv\ncampaigns = campaigns.json\npublication = feed\n' > desk.conf
start() {
  "$feed" desk serve --config desk.conf --listen 127.0.0.1:0 > serve.log 2>&1 &
  serve=$!
  for _ in $(seq 50); do grep -q listening serve.log && break; sleep 0.1; done
  addr=$(grep -o '127.0.0.1:[0-9]*' serve.log)
}
start; kill $serve; wait $serve 2>/dev/null || true   # creates the database
python3 - "$n" <<'PY'
import json, sqlite3, sys, uuid
n = int(sys.argv[1])
rows = []
for i in range(n):
    rid, kind = str(uuid.uuid4()), ('claim' if i % 3 == 0 else 'join')
    p = ({"campaign_id": "fit", "coupon_id": rid, "code_ref": uuid.uuid4().hex * 2, "member_no": f"37150020260{i:05d}"}
         if kind == 'claim' else
         {"name": f"工人{i}", "phone": "13912345678", "id_number": "11010519491231002X",
          "occupation": "courier", "employer": "某某快递", "union": "u"})
    t = f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:{i % 60:02d}Z"
    env = json.dumps({"id": rid, "kind": kind, "created_at": t, "payload": p}, ensure_ascii=False)
    rows.append((rid, kind, t, t, env, json.dumps(p, ensure_ascii=False)))
db = sqlite3.connect('desk.sqlite')
db.executemany("INSERT INTO requests (id, kind, created_at, received_at, envelope, payload) VALUES (?,?,?,?,?,?)", rows)
db.commit()
PY
start
token=$(curl -s -H "Host: $addr" "http://$addr/publish" | grep -o 'name="csrf" value="[0-9a-f]*"' | cut -d'"' -f4)
for round in 1 2; do
  curl -s -o "round$round.html" -w "发布 round $round: %{http_code} in %{time_total} s\n" -H "Host: $addr" --data "csrf=$token" "http://$addr/publish"
  grep -o '已发布第 [0-9]* 期\|发放 [0-9]*，未发放 [0-9]*\|公布的答复：[0-9]*' "round$round.html" | tr '\n' ' '; echo
done
for page in "/" "/?kind=claim" "/claims"; do
  curl -s -o /dev/null -w "GET $page: %{http_code} in %{time_total} s, %{size_download} bytes\n" -H "Host: $addr" "http://$addr$page"
done
