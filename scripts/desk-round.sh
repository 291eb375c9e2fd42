#!/usr/bin/env bash
# One round from the intake to a published feed, with the sample data (README, "The
# union desk"). Runs in a scratch folder (default: target/desk-round) with two folders
# standing for two machines: server/ (the intake, on the internet) and clerk/ (the
# desk, on the union's own computer). Prints each step: the desk's key and the
# intake's token → intake server → a worker's join request and coupon claim → desk
# pull (the intake then deletes them) → export → the clerk's decision → import →
# publish → build the next feed sequence with the desk's key in it.
#
# The requests here are sent plain, as curl can: the app seals them to the desk's key
# once the feed carries it (tests/e2e/union-desk.test.mjs runs that loop, with an
# intake started with --require-sealed, which would refuse these).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-target/desk-round}
rm -rf "$work" && mkdir -p "$work"
say() { printf '\n== %s\n' "$*"; }
cargo build --quiet --release -p yizhan-intake -p yizhan-feed
release=${CARGO_TARGET_DIR:-target}/release
feed=$release/yizhan-feed

server="$work/server" clerk="$work/clerk"
mkdir -p "$server" "$clerk"

say "0. the desk's key pair, made on the clerk's computer (the private half never leaves it),
   and the intake's desk token, on both machines"
$feed desk keygen --out "$clerk/desk.key"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$server/desk.token"
cp "$server/desk.token" "$clerk/intake.token"
chmod 600 "$server/desk.token" "$clerk/intake.token"

say "1. the intake server receives requests into $server/intake.sqlite"
"$release"/yizhan-intake serve --db "$server/intake.sqlite" --listen 127.0.0.1:8799 \
  --allow-origin http://127.0.0.1:8080 --desk-token-file "$server/desk.token" --keep-days 30 \
  > "$work/intake.log" &
intake=$!
trap 'kill $intake 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:8799/healthz >/dev/null && break; sleep 0.1; done

say "2. a worker's app sends a join request and a coupon claim (as the app POSTs them)"
join=6f1c1a2e-8a8b-4c3d-9e0f-112233445566
claim=7a2d2b3f-9b9c-4d4e-8f10-223344556677
curl -s -X POST http://127.0.0.1:8799/intake -H 'Content-Type: application/json' --data-binary @- <<JSON
{"id":"$join","kind":"join","created_at":"2026-11-23T10:00:00+08:00","payload":{"name":"王五","phone":"13912345678","id_number":"11010519491231002X","occupation":"courier","employer":"某某快递","union":"371500-express"}}
JSON
echo
code_ref=$(printf '%s' 'K7Q2M9X4P8R3TA' | sha256sum | cut -c1-64)
curl -s -X POST http://127.0.0.1:8799/intake -H 'Content-Type: application/json' --data-binary @- <<JSON
{"id":"$claim","kind":"claim","created_at":"2026-11-23T10:05:00+08:00","payload":{"campaign_id":"fit-2026-11","coupon_id":"$claim","member_no":"3715002026000777","code_ref":"$code_ref"}}
JSON
echo

say "3. the desk pulls what the intake holds into its own database; the intake deletes it"
$feed desk pull --from http://127.0.0.1:8799 --token-file "$clerk/intake.token" \
  --key "$clerk/desk.key" --db "$clerk/desk.sqlite"
curl -s http://127.0.0.1:8799/healthz; echo

say "   and exports what awaits a decision (open it in WPS or Excel)"
$feed desk export --db "$clerk/desk.sqlite" --out "$clerk/pending.csv"

say "4. the clerk approves the join request with a member number, and saves the sheet"
python3 - "$clerk/pending.csv" <<'PY'
import csv, sys
path = sys.argv[1]
rows = list(csv.reader(open(path, encoding="utf-8-sig")))
header = rows[0]
for row in rows[1:]:
    row[header.index("决定")] = "通过"
    row[header.index("会员号")] = "3715002026000777"
    row[header.index("备注")] = "欢迎加入"
with open(path, "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f).writerows(rows)
PY
$feed desk import --db "$clerk/desk.sqlite" --file "$clerk/pending.csv"

say "5. publish: claims decided by the campaigns' rules, cards signed (the SAMPLE key,
   which an app built without YIZHAN_PUBLISHER_KEYS trusts; a union uses its own)"
key=sample/SAMPLE-ONLY-publisher.key
$feed desk publish --db "$clerk/desk.sqlite" --campaigns sample/campaigns.json \
  --out "$clerk/desk" --sign-key "$key" --card-valid-until 2027-12-31

say "6. build the next feed sequence with what the desk wrote, and the desk's key (the app
   seals its requests to it from then on)"
$feed generate --stations 300 --seed 1 --cities 371500 --out "$work/stations.csv"
$feed build --stations "$work/stations.csv" --datum gcj02 --sequence 2 \
  --campaigns "$clerk/desk/campaigns.json" --unions sample/unions.json \
  --statuses "$clerk/desk/statuses.json" --coupons "$clerk/desk/coupons.json" \
  --intake https://intake.example.org/intake --seal-key "$clerk/desk.key.pub" \
  --sign-key "$key" --out "$work/feed" 2>/dev/null
echo "the statuses the worker's app will read (these requests came plain, without a reply key,
so their answers are plain; the app's sealed requests get sealed answers):"
python3 -c "import json,sys; [print(' ', s.get('state','(sealed)'), s.get('member_no',''), s.get('note',''), 'signed card' if 'card' in s else '') for s in json.load(open(sys.argv[1]))['statuses']]" "$clerk/desk/statuses.json"
echo "intake log (no payloads):"; sed 's/^/  /' "$work/intake.log"
