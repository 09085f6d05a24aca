#!/usr/bin/env bash
# Leftover glyph fragments: iced redraws only the damaged part of the
# window, and Arabic marks and dots that reach outside a text's line box
# used to stay on screen after the text changed. This changes a message on
# the lookup page (two searches in a row for IDs of the wrong length, each
# refused with its own count: «من 5 أرقام», then «من 12 رقماً»), takes
# the window, then starts the app again, brings up the second
# message fresh and takes the window again: the two must not differ in a
# single pixel. In Arabic and in English, from the release binary under
# Xvfb on a 1366x768 screen. Needs Xvfb, xdotool and ImageMagick.
# Prints the differing pixels for each language; exit 1 if any differ.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CARGO_TARGET_DIR:-target}/release/citizen-desk"
[ -x "$bin" ] || cargo build --release
for tool in Xvfb xdotool import compare; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install xvfb xdotool imagemagick)" >&2; exit 1; }
done
data=$(mktemp -d)
export DISPLAY=:95
Xvfb "$DISPLAY" -screen 0 1366x768x24 >/dev/null 2>&1 &
xvfb=$!
app=
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
"$bin" --data-dir "$data" demo --requests 300 --seed 1 >/dev/null

# Starts the app signed in as clerk1, the lookup field focused.
start() {
  "$bin" --data-dir "$data" --lang "$1" &
  app=$!
  win=
  for _ in $(seq 1 50); do
    win=$(xdotool search --name citizen-desk 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.2
  done
  xdotool windowsize --sync "$win" 1366 768
  xdotool windowfocus --sync "$win"
  xdotool mousemove 1360 760
  sleep 1
  xdotool type --delay 20 clerk1
  xdotool key Return
  xdotool type --delay 20 123456
  xdotool key Return
  sleep 1.5
}

search() {
  xdotool key ctrl+a BackSpace
  xdotool type --delay 20 "$1"
  xdotool key Return
  sleep 1
}

# The field lets go of the focus (no blinking caret in the picture).
take() {
  xdotool key Escape
  sleep 1
  import -window root "$1"
}

stop() { kill "$app"; wait "$app" 2>/dev/null || true; app=; }

failed=0
for lang in ar en; do
  # IDs of the wrong length: each refusal counts the digits typed.
  start "$lang"
  search 12345
  search 123456789012
  take "$data/changed.png"
  stop
  start "$lang"
  search 123456789012
  take "$data/fresh.png"
  stop
  differ=$(compare -metric AE "$data/changed.png" "$data/fresh.png" "$data/diff.png" 2>&1 || true)
  echo "$lang: $differ pixels differ between the changed message and the same one drawn fresh"
  if [ "$differ" != 0 ]; then
    cp "$data/changed.png" "/tmp/fragments-$lang-changed.png"
    cp "$data/fresh.png" "/tmp/fragments-$lang-fresh.png"
    cp "$data/diff.png" "/tmp/fragments-$lang-diff.png"
    echo "  pictures: /tmp/fragments-$lang-{changed,fresh,diff}.png"
    failed=1
  fi
done
exit "$failed"
