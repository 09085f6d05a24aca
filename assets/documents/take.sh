#!/usr/bin/env bash
# The README's pictures of the documents: a demo store's sealed originals
# (a woman's criminal-record certificate, a family extract), an envelope
# label and the hand-over manifest, printed through the real command line
# and drawn by poppler's pdftoppm (an independent renderer) at 72 dpi.
# A demo store's seals are signed with demo keys, so the originals carry
# the «نموذج — DEMO» mark, as they must.
# Needs sqlite3 and pdftoppm; the binary from CITIZEN_DESK_BIN or the
# release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CITIZEN_DESK_BIN:-${CARGO_TARGET_DIR:-target}/release/citizen-desk}"
[ -x "$bin" ] || cargo build --release
data=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$data" "$work"' EXIT
export CITIZEN_DESK_PIN=123456
"$bin" --data-dir "$data" demo --requests 300 --seed 1 --today 2026-11-28 >/dev/null
pick() {
  sqlite3 "$data/desk.sqlite3" "SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 1 AND $1 ORDER BY tracking_code LIMIT 1"
}
criminal=$(pick "service = 'criminal_record' AND sex = 'female'")
family=$(pick "service = 'civil_extract_family' AND delivery_kind = 'address'")
"$bin" --data-dir "$data" --user clerk1 print "$criminal" --pdf "$work/criminal.pdf" >/dev/null
"$bin" --data-dir "$data" --user clerk1 print "$family" --pdf "$work/family.pdf" >/dev/null
"$bin" --data-dir "$data" --user clerk1 envelope "$family" --out "$work/label.pdf" >/dev/null
"$bin" --data-dir "$data" --user clerk1 envelope "$criminal" --out "$work/label2.pdf" >/dev/null
"$bin" --data-dir "$data" --user clerk1 dispatch --out "$work/manifest.pdf" >/dev/null
for doc in criminal family label manifest; do
  pdftoppm -r 72 -f 1 -l 1 -png -singlefile "$work/$doc.pdf" "assets/documents/$doc"
done
ls -l assets/documents/*.png
