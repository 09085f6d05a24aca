#!/usr/bin/env bash
# Time to first paint and idle memory of the release build under Xvfb:
# the window mapped (xdotool, polled every 5 ms) and its title text drawn
# (ImageMagick `import` of the title area until it is no longer blank),
# then VmRSS 2 s after start. Six runs on a demo store of 2,000 requests.
# Needs Xvfb, xdotool and ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CARGO_TARGET_DIR:-target}/release/citizen-desk"
[ -x "$bin" ] || cargo build --release
data=$(mktemp -d)
xvfb=
pid=
trap 'kill $pid $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
# Xvfb at a free display number of its own (see screen.sh).
. assets/screenshots/screen.sh
start_xvfb
"$bin" --data-dir "$data/store" demo --requests 2000 --seed 1 >/dev/null
for i in 1 2 3 4 5 6; do
  t0=$(date +%s%N)
  "$bin" --data-dir "$data/store" --lang ar &
  pid=$!
  until xdotool search --onlyvisible --pid "$pid" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "the app exited before its window opened" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  # The Arabic title sits at the top right of the 1280-pixel window.
  until [ "$(import -window root -crop 400x60+860+10 -format '%[fx:standard_deviation>0.01]' info: 2>/dev/null)" = 1 ]; do sleep 0.005; done
  t2=$(date +%s%N)
  # Idle memory: two seconds after start, the app idle.
  sleep 2
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  echo "run $i: window mapped after $(( (t1 - t0) / 1000000 )) ms, text drawn by $(( (t2 - t0) / 1000000 )) ms, ${rss} kB resident"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
