#!/usr/bin/env bash
# Screenshots of each screen of the desk app, in Arabic and in English,
# taken from the release binary under Xvfb (no window manager) on a
# 1366x768 screen, the window made as large as the screen, as a maximised
# window on a desk's laptop: assets/screenshots/<lang>-<n>-<screen>.png. Needs Xvfb, xdotool and
# ImageMagick's `import` (Debian: xvfb xdotool imagemagick).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CARGO_TARGET_DIR:-target}/release/citizen-desk"
[ -x "$bin" ] || cargo build --release
for tool in Xvfb xdotool import; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install xvfb xdotool imagemagick)" >&2; exit 1; }
done
out=assets/screenshots
data=$(mktemp -d)
export DISPLAY=:97
Xvfb "$DISPLAY" -noreset -screen 0 1366x768x24 >/dev/null 2>&1 &
xvfb=$!
app=
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
sleep 1

shot() { sleep 1.5; import -window root "$out/$1.png"; echo "wrote $out/$1.png"; }

# A received, paid request of the demo and its holder, for the lookup.
"$bin" --data-dir "$data" demo --requests 2000 --seed 1 >/dev/null
nid=$(sqlite3 "$data/desk.sqlite3" "SELECT national_id FROM requests WHERE state = 'received' AND paid = 1 ORDER BY tracking_code LIMIT 1")
code=$(sqlite3 "$data/desk.sqlite3" "SELECT tracking_code FROM requests WHERE national_id = '$nid' AND state = 'received' AND paid = 1 ORDER BY tracking_code LIMIT 1")

for lang in ar en; do
  "$bin" --data-dir "$data" --lang "$lang" &
  app=$!
  for _ in $(seq 1 50); do
    win=$(xdotool search --name citizen-desk 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.2
  done
  xdotool windowsize --sync "$win" 1366 768
  xdotool windowfocus --sync "$win"
  # Keyboard only: the user field has the focus, Enter moves to the PIN.
  shot "$lang-1-sign-in"
  xdotool type --delay 20 clerk1
  xdotool key Return
  xdotool type --delay 20 123456
  xdotool key Return
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
  # The admin page, as the demo's admin.
  xdotool key Escape
  xdotool mousemove 5 5
  kill "$app"; wait "$app" 2>/dev/null || true
  "$bin" --data-dir "$data" --lang "$lang" &
  app=$!
  for _ in $(seq 1 50); do
    win=$(xdotool search --name citizen-desk 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.2
  done
  xdotool windowsize --sync "$win" 1366 768
  xdotool windowfocus --sync "$win"
  sleep 1
  xdotool type --delay 20 admin
  xdotool key Return
  xdotool type --delay 20 123456
  xdotool key Return
  sleep 1
  xdotool key F6
  shot "$lang-8-admin"
  kill "$app"; wait "$app" 2>/dev/null || true
  app=
done
