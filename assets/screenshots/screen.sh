# Shared by the screen scripts (sourced, not run): a display of their own,
# the app's window, and waiting for the window to stop changing instead
# of for fixed times, so a slow build under load gives the same pictures.
# The caller sets $data (a scratch directory) and $bin (the binary), and
# keeps $app and $xvfb for its exit trap.

# Says why, with the screen as it was then.
fail() {
  echo "$*" >&2
  if [ -n "${DISPLAY:-}" ] && import -window root /tmp/screen-failed.png 2>/dev/null; then
    echo "  the screen: /tmp/screen-failed.png" >&2
  fi
  # (From a subshell the caller's exit trap does not run: the app goes here.)
  [ -z "${app:-}" ] || kill "$app" 2>/dev/null || true
  exit 2
}

# Starts Xvfb on a 1366x768 screen at a free display number, which it
# writes once it accepts connections (-displayfd): runs in parallel never
# share a screen. -noreset: without it the server starts over whenever
# its last client leaves (between two runs of the app), and an app
# connecting meanwhile cannot open the display (seen in CI).
start_xvfb() {
  Xvfb -displayfd 3 -nolisten tcp -noreset -screen 0 1366x768x24 3>"$data/display" >/dev/null 2>&1 &
  xvfb=$!
  for _ in $(seq 1 100); do
    [ -s "$data/display" ] && break
    kill -0 "$xvfb" 2>/dev/null || fail "Xvfb did not start"
    sleep 0.1
  done
  [ -s "$data/display" ] || fail "Xvfb gave no display number"
  export DISPLAY=":$(head -1 "$data/display")"
  unset WAYLAND_DISPLAY
}

# Whether ImageMagick's pixel count (an integer, or 1.2e+06 for large
# ones) is at most $2; anything else (compare's error message) is not.
at_most() {
  awk -v n="$1" -v m="$2" 'BEGIN {
    if (n !~ /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/) exit 1
    exit !(n + 0 <= m + 0)
  }'
}

# Waits until the window $win shows the same picture for a second (a text
# field's blinking caret aside: a few dozen pixels), at most two minutes:
# a debug build draws slowly, and other work may share the CPU.
settle() {
  local same=0 n
  import -window "$win" "$data/a.png"
  for _ in $(seq 1 240); do
    sleep 0.5
    import -window "$win" "$data/b.png"
    n=$(compare -metric AE "$data/a.png" "$data/b.png" null: 2>&1 || true)
    if at_most "$n" 80; then
      same=$((same + 1))
      [ "$same" -ge 2 ] && return 0
    else
      same=0
    fi
    mv "$data/b.png" "$data/a.png"
  done
  fail "the window never stopped changing"
}

# Starts the app with "$@" and waits for its window ($win), made as large
# as the screen (a maximised window on a desk's laptop) and focused, the
# pointer in a corner where it hovers over nothing.
open_app() {
  "$bin" "$@" &
  app=$!
  win=
  for _ in $(seq 1 600); do
    win=$(xdotool search --onlyvisible --pid "$app" 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    kill -0 "$app" 2>/dev/null || fail "the app exited before its window opened"
    sleep 0.1
  done
  [ -n "$win" ] || fail "no window within a minute"
  xdotool windowsize --sync "$win" 1366 768
  xdotool windowfocus --sync "$win"
  xdotool mousemove 1360 760
  settle
}

# Closes the app (gone already: it crashed, which is said).
close_app() {
  kill "$app" 2>/dev/null || echo "the app had already exited" >&2
  wait "$app" 2>/dev/null || true
  app=
}
