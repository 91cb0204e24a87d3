#!/bin/sh
# bench-cli.sh [RUNS]: wall time of the jns command line, `bin/jns unshare -r true`, median of RUNS runs (10):
#   1. bin/jns as it is (its staleness check, then a JVM on the jars mapping the AppCDS archive bin/jns made,
#      examples/target/jns-cli-*.jsa; JDK 13+);
#   2. the run of bin/jns that makes that archive, which the first run after each build is (the classpath file
#      touched before each run, as a build does; the touch is timed too);
#   3. the same JVM on the same jars without an archive (JNS_CLASSPATH: no staleness check, no archive; the
#      JDK's default class-data archive only);
#   4. as 3, with a dynamic AppCDS archive made here once by a run with -XX:ArchiveClassesAtExit and handed to
#      the JVM through JAVA_TOOL_OPTIONS: what bin/jns mapped before it made a static archive (which, unlike a
#      dynamic one, takes picocli's Java 5 classes on JDK 17);
#   5. util-linux's `unshare -r true`, for reference.
# Prints; asserts nothing. Builds the CLI first if bin/jns finds it stale, and lets it make its archive (not timed).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
runs=${1:-10}
jns="$root/bin/jns"
tmp=$(mktemp -d /tmp/jns-bench-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# median wall time in ms of RUNS runs of "$@" (stdout and stderr dropped; a failed run ends the script)
median_ms() {
  i=0
  : >"$tmp/times"
  while [ "$i" -lt "$runs" ]; do
    t0=$(now_ms)
    "$@" >/dev/null 2>&1 || { echo "bench-cli: '$*' failed" >&2; exit 1; }
    echo $(( $(now_ms) - t0 )) >>"$tmp/times"
    i=$((i + 1))
  done
  sort -n "$tmp/times" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d ms (min %d, max %d)", m, v[1], v[NR] }'
}

"$jns" unshare -r true >/dev/null # builds when stale, makes the archive when there is none; warms the page cache
"$jns" unshare -r true >/dev/null
jar=$(ls "$root"/examples/target/jns-examples-*.jar 2>/dev/null | head -n 1)
[ -n "$jar" ] || { echo "bench-cli: no examples jar; run mvn -pl examples -am package -DskipTests" >&2; exit 1; }
echo "jns unshare -r true, wall time, median of $runs runs ($(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)):"
echo "  bin/jns:                        $(median_ms "$jns" unshare -r true)"
echo "  bin/jns, making its archive:    $(median_ms sh -c 'touch "$1" && exec "$2" unshare -r true' sh "$root/examples/target/classpath.txt" "$jns")"
export JNS_CLASSPATH="$jar:$(cat "$root/examples/target/classpath.txt")"
echo "  bin/jns, jars, no archive:      $(median_ms "$jns" unshare -r true)"
if JAVA_TOOL_OPTIONS="-XX:ArchiveClassesAtExit=$tmp/jns.jsa" "$jns" unshare -r true >"$tmp/dump.log" 2>&1 && [ -s "$tmp/jns.jsa" ]; then
  # one untimed run logs where classes come from: the archive is used when classes come from its top layer
  JAVA_TOOL_OPTIONS="-XX:SharedArchiveFile=$tmp/jns.jsa -Xlog:class+load=info:file=$tmp/load.log" "$jns" unshare -r true >/dev/null 2>&1
  used=$(grep -c 'shared objects file (top)' "$tmp/load.log" || true)
  export JAVA_TOOL_OPTIONS="-XX:SharedArchiveFile=$tmp/jns.jsa"
  echo "  bin/jns, jars + dynamic AppCDS: $(median_ms "$jns" unshare -r true)  ($(($(stat -c %s "$tmp/jns.jsa") / 1024 / 1024)) MiB archive; $used classes loaded from it)"
  unset JAVA_TOOL_OPTIONS
else
  echo "  bin/jns, jars + dynamic AppCDS: not measured (no archive made: $(grep -v 'Picked up' "$tmp/dump.log" | tail -n 1))"
fi
unset JNS_CLASSPATH
if command -v unshare >/dev/null 2>&1; then
  echo "  util-linux unshare -r true:     $(median_ms unshare -r true)"
fi
