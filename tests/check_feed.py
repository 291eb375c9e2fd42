#!/usr/bin/env python3
"""An independent check of a feed folder against shared/FEED.md (format 1).

Written apart from the Rust code on purpose (its own hours grammar, its own hashing),
so the publisher tool and the app are checked against the contract, not against
themselves. Usage: python3 tests/check_feed.py public/feed
"""
import base64, hashlib, json, re, sys
from pathlib import Path

SERVICES = {"water", "microwave", "fridge", "charging", "toilet", "rest", "ac", "first_aid",
            "pump", "umbrella", "books", "wifi", "shower", "accessible", "battery_swap", "meals"}
DAY = r"(Mo|Tu|We|Th|Fr|Sa|Su)"
DAYS = rf"(({DAY}(-{DAY})?|PH)(,\s*({DAY}(-{DAY})?|PH))*)"
TIME = r"(([01]\d|2[0-3]):[0-5]\d)"
SPAN = rf"{TIME}-({TIME}|24:00)"
TIMES = rf"{SPAN}(,\s*{SPAN})*"
RULE = re.compile(rf"^({DAYS}\s+)?({TIMES}|off)$", re.IGNORECASE)

def hours_ok(h):
    if h.strip() == "24/7":
        return True
    rules = [r.strip() for r in h.split(";") if r.strip()]
    return bool(rules) and all(RULE.match(r) for r in rules)

def main(folder):
    root = Path(folder)
    problems, notes = [], []
    raw = (root / "manifest.json").read_bytes()
    m = json.loads(raw)
    if m.get("format") != "yizhan-feed/1": problems.append(f"format {m.get('format')!r}")
    if not isinstance(m.get("sequence"), int): problems.append("sequence is not an integer")
    if m.get("datum") not in ("wgs84", "gcj02"): problems.append(f"datum {m.get('datum')!r}")

    def load(ref, what):
        path = root / ref["path"]
        if ".." in Path(ref["path"]).parts or ref["path"].startswith("/"):
            problems.append(f"{what}: unsafe path {ref['path']}"); return None
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != ref["sha256"]:
            problems.append(f"{what}: sha256 mismatch for {ref['path']}")
        return json.loads(data)

    ids, total, bad_hours = set(), 0, 0
    for r in m.get("regions", []):
        if not re.fullmatch(r"\d{6}", r["code"]): problems.append(f"region code {r['code']}")
        shard = load(r, f"region {r['code']}")
        if shard is None: continue
        if shard.get("region") != r["code"]: problems.append(f"shard {r['path']} names {shard.get('region')}")
        st = shard["stations"]
        if r.get("count") != len(st): problems.append(f"{r['code']}: count {r.get('count')} != {len(st)}")
        lng = [s["lng"] for s in st]; lat = [s["lat"] for s in st]
        if st and r["bbox"] != [min(lng), min(lat), max(lng), max(lat)]:
            problems.append(f"{r['code']}: bbox {r['bbox']} is not the stations' extent")
        for s in st:
            total += 1
            if s["id"] in ids: problems.append(f"duplicate id {s['id']}")
            ids.add(s["id"])
            if not s.get("name"): problems.append(f"{s['id']}: no name")
            if s.get("hours") is not None and not hours_ok(s["hours"]): bad_hours += 1
            # docs/FEED.md: hours_text, the union's own words, only where hours cannot say them.
            if "hours_text" in s and (not isinstance(s["hours_text"], str) or not s["hours_text"].strip()
                                      or s.get("hours") is not None):
                problems.append(f"{s['id']}: hours_text must be text, given instead of hours")
            if s.get("entry") not in (None, "open", "outdoor_workers", "members"):
                problems.append(f"{s['id']}: entry {s['entry']}")
            unknown = set(s.get("services", [])) - SERVICES
            if unknown: notes.append(f"{s['id']}: unknown services {sorted(unknown)}")
    for key in ("campaigns", "unions", "statuses"):
        if m.get(key) is not None:
            data = load(m[key], key)
            if data is not None and not isinstance(data.get(key), list): problems.append(f"{key}: no list")
            if key == "statuses" and data is not None:
                # FEED.md "Sealed answers": a ref and either a sealed box (a 12-byte
                # nonce and at least the 16-byte tag) or a plain state word.
                for e in data.get(key) or []:
                    if not re.fullmatch(r"[0-9a-f]{64}", str(e.get("ref", ""))):
                        problems.append(f"statuses: ref {e.get('ref')!r}")
                    if "box" in e:
                        try:
                            ok = len(base64.b64decode(e["box"], validate=True)) >= 28
                        except (ValueError, TypeError):
                            ok = False
                        if not ok or "state" in e: problems.append(f"statuses: bad box for {e.get('ref')}")
                    elif e.get("state") not in ("received", "approved", "needs_info", "rejected"):
                        notes.append(f"statuses: state {e.get('state')!r}")
    intake = m.get("intake")
    if intake is not None and "seal_key" in intake:
        try:
            if len(base64.b64decode(intake["seal_key"], validate=True)) != 32: raise ValueError
        except (ValueError, TypeError):
            problems.append("intake.seal_key is not base64 of a 32-byte X25519 key")
    for d in m.get("holidays", []):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d): problems.append(f"holiday {d}")
    print(f"{folder}: {len(m.get('regions', []))} regions, {total} stations, "
          f"{bad_hours} with hours outside the subset (shown as unknown), {len(notes)} notes")
    for p in problems: print("PROBLEM:", p)
    print(f"{1 if not problems else 0} passed, {1 if problems else 0} failed")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "public/feed"))
