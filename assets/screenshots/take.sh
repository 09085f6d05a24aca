#!/usr/bin/env bash
# Screenshots of each screen of the desk app, in Arabic and in English,
# taken from the release binary under Xvfb (no window manager) on a
# 1366x768 screen, the window made as large as the screen, as a maximised
# window on a desk's laptop: assets/screenshots/<lang>-<n>-<screen>.png.
# Driven from the keyboard alone; each picture is taken once the window
# stops changing (see screen.sh). Needs Xvfb, xdotool, ImageMagick and
# sqlite3 (Debian: xvfb xdotool imagemagick sqlite3).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CARGO_TARGET_DIR:-target}/release/citizen-desk"
[ -x "$bin" ] || cargo build --release
for tool in Xvfb xdotool import compare sqlite3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install xvfb xdotool imagemagick sqlite3)" >&2; exit 1; }
done
out=assets/screenshots
data=$(mktemp -d)
app=
xvfb=
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
. assets/screenshots/screen.sh
start_xvfb

shot() { settle; import -window root "$out/$1.png"; echo "wrote $out/$1.png"; }

# Signs in as $1 (the demo's PIN): Enter goes on to the PIN.
sign_in() {
  xdotool type --delay 20 "$1"
  xdotool key Return
  xdotool type --delay 20 123456
  xdotool key Return
}

# A received, paid request of the demo and its holder, for the lookup.
"$bin" --data-dir "$data/store" demo --requests 2000 --seed 1 >/dev/null
db="$data/store/desk.sqlite3"
nid=$(sqlite3 "$db" "SELECT national_id FROM requests WHERE state = 'received' AND paid = 1 ORDER BY tracking_code LIMIT 1")
code=$(sqlite3 "$db" "SELECT tracking_code FROM requests WHERE national_id = '$nid' AND state = 'received' AND paid = 1 ORDER BY tracking_code LIMIT 1")

for lang in ar en; do
  open_app --data-dir "$data/store" --lang "$lang"
  shot "$lang-1-sign-in"
  sign_in clerk1
  shot "$lang-2-worklist"
  # The lookup field has the focus after sign-in; Enter as a scanner sends.
  xdotool type --delay 20 "$nid"
  xdotool key Return
  shot "$lang-3-lookup"
  # A tracking code opens its request directly.
  xdotool key ctrl+a BackSpace
  xdotool type --delay 20 "$code"
  xdotool key Return
  shot "$lang-4-request"
  xdotool key F3
  shot "$lang-5-outbox"
  xdotool key F4
  shot "$lang-6-check-seal"
  xdotool key F5
  shot "$lang-7-settings"
  close_app
  # The admin page, as the demo's admin.
  open_app --data-dir "$data/store" --lang "$lang"
  sign_in admin
  settle
  xdotool key F6
  shot "$lang-8-admin"
  close_app
done
