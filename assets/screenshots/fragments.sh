#!/usr/bin/env bash
# Leftover glyph fragments: iced redraws only the damaged part of the
# window, and Arabic marks and dots that reach outside a text's line box
# used to stay on screen after the text changed. This changes a message on
# the lookup page (two searches in a row for IDs of the wrong length, each
# refused with its own count: «من 5 أرقام», then «من 12 رقماً»), takes
# the window, then starts the app again, brings up the second
# message fresh and takes the window again: the two must not differ in a
# single pixel. In Arabic and in English, under Xvfb on a 1366x768 screen.
#
# The binary: $CITIZEN_DESK_BIN (the test `tests/it/fragments.rs` passes
# the debug one it was built with), else the release one, built if need
# be. Needs Xvfb, xdotool, ImageMagick (import, compare) and sqlite3.
# Xvfb picks a free display number itself (-displayfd), so runs in
# parallel never share a screen. It waits for what it needs (the window,
# the sign-in in the store, a picture that stops changing) rather than
# for fixed times, so a slow debug build under load gives the same
# answer. Prints the differing pixels for each language; exit 1 if any
# differ, 2 if the app could not be driven.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${CITIZEN_DESK_BIN:-}"
if [ -z "$bin" ]; then
  bin="${CARGO_TARGET_DIR:-target}/release/citizen-desk"
  [ -x "$bin" ] || cargo build --release
fi
for tool in Xvfb xdotool import compare sqlite3; do
  command -v "$tool" >/dev/null || {
    echo "needs $tool (apt-get install xvfb xdotool imagemagick sqlite3)" >&2
    exit 2
  }
done
data=$(mktemp -d)
app=
xvfb=
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT

. assets/screenshots/screen.sh
start_xvfb
# A demo made for a day long past: every request fell due long ago, so
# the lookup page's overdue count does not move with the clock between
# the two pictures (made for today, a request falling due between them
# changed it: CI saw 73 overdue, then 74).
"$bin" --data-dir "$data/store" demo --requests 300 --seed 1 --today 2026-01-15 >/dev/null

# How many sign-ins the store has recorded.
sign_ins() {
  sqlite3 "file:$data/store/desk.sqlite3?mode=ro" \
    "SELECT count(*) FROM audit WHERE action = 'sign_in'" 2>/dev/null || echo 0
}

# Starts the app signed in as clerk1, the lookup field focused.
start() {
  local before
  before=$(sign_ins)
  open_app --data-dir "$data/store" --lang "$1"
  # Enter moves the focus to the PIN; digits typed before it got there
  # go to the PIN all the same.
  xdotool type --delay 20 clerk1
  xdotool key Return
  xdotool type --delay 20 123456
  xdotool key Return
  for _ in $(seq 1 600); do
    [ "$(sign_ins)" -gt "$before" ] && break
    sleep 0.1
  done
  [ "$(sign_ins)" -gt "$before" ] || fail "clerk1 was not signed in within a minute"
  settle
}

search() {
  xdotool key ctrl+a BackSpace
  xdotool type --delay 20 "$1"
  xdotool key Return
  settle
}

# The field lets go of the focus (no blinking caret in the picture).
take() {
  xdotool key Escape
  settle
  import -window root "$1"
}

# One pair: the message changed in a running app, and the same message
# drawn fresh after a restart; prints how many pixels differ.
pair() {
  start "$1"
  search 12345
  search 123456789012
  take "$data/changed.png"
  close_app
  start "$1"
  import -window root "$data/lookup.png"
  search 123456789012
  take "$data/fresh.png"
  close_app
  # Not a vacuous zero: the refusal is on screen (the lookup page before
  # the search differs from it in more than a caret's worth of pixels).
  shown=$(compare -metric AE "$data/lookup.png" "$data/fresh.png" null: 2>&1 || true)
  at_most "$shown" 500 && fail "$1: the refusal did not show ($shown pixels changed)"
  compare -metric AE "$data/changed.png" "$data/fresh.png" "$data/diff.png" 2>&1 || true
}

failed=0
for lang in ar en; do
  # IDs of the wrong length: each refusal counts the digits typed.
  differ=$(pair "$lang")
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
