#!/bin/sh
# Quick checks of jns-launcher through launcher_harness.py (not part of the Maven build).
# Usage: launcher_selftest.sh [LAUNCHER]   (builds one into a temp dir when not given)
# Run as root: the rootless case drops to uid 65534 with RUN_AS, and joining or a pid
# namespace without a user namespace need root; as another user those checks fail with EPERM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
launcher=${1:-}
if [ -z "$launcher" ]; then
    launcher=$(mktemp -d)/jns-launcher
    "$here/../../main/c/build.sh" "$launcher" || exit 1
fi
h() { python3 "$here/launcher_harness.py" --launcher "$launcher" "$@" 2>&1; }
fails=0
check() {  # check NAME EXPECTED_REGEX OUTPUT
    if printf '%s\n' "$3" | grep -Eq "$2"; then
        echo "ok   $1"
    else
        echo "FAIL $1: expected /$2/ in:"; printf '%s\n' "$3" | sed 's/^/     /'
        fails=$((fails + 1))
    fi
}

check "true"            '^EXIT exited 0 '                  "$(h /bin/true)"
check "exit code"       '^launcher exited 3$'              "$(h -- sh -c 'exit 3')"
check "signaled"        '^EXIT signaled SIGTERM'           "$(h -- sh -c 'kill -TERM $$')"
check "ENOENT"          'step=23\(exec\) errno=2\(ENOENT\)' "$(h no-such-program-jns)"
check "EACCES"          'step=23\(exec\) errno=13\(EACCES\)' "$(h /etc/passwd)"
check "only fds 0 1 2"  '^0, 1, 2$'                        "$(h --leak-fd --join /proc/$$/ns/uts:uts -- sh -c 'ls -m /proc/$$/fd; sleep 0.1')"
check "parse error"     'step=2\(parse spec\) errno=22'    "$(h --bad-tag /bin/true)"
check "pid 1 world"     '^pid=2 box$'                      "$(h --all --map-root --hostname box -- sh -c 'echo pid=$$ $(hostname)')"
check "rootless"        '^0 65534 1$'                      "$(h --run-as 65534:65534 --all --map-root -- sh -c 'echo $(cat /proc/self/uid_map)')"
# /proc/uptime inside minus outside: the 86400 s boottime offset (plus the seconds the check takes)
host_up=$(cut -d. -f1 /proc/uptime)
check "time ns"         '^864[0-5][0-9]$'                  "$(( $(h --user --map-root --time-boottime 86400 -- cat /proc/uptime | cut -d. -f1) - host_up ))"
check "forward TERM"    '^EXIT exited 7 '                  "$(h --all --map-root --signal-after TERM:0.3 -- sh -c 'trap "exit 7" TERM; sleep 10 & wait')"
check "lifeline"        '^EXIT signaled SIGKILL'           "$(h --pid --mount --proc --close-lifeline-after 0.2 -- sleep 10)"
check "zombie until spec EOF" "C's state: Z"               "$(h --hold-spec 0.3 /bin/true)"
holder=/proc/$$/ns/uts
check "join"            '^EXIT exited 0 '                  "$(h --join "$holder:uts" /bin/true)"
check "join mismatch"   'step=5\(verify namespace\) errno=116\(ESTALE\)' "$(h --join "$holder:uts+ino=1" /bin/true)"
check "no init: pid 1"   '^pid=1$'                          "$(h --all --map-root --no-init -- sh -c 'echo pid=$$')"
check "init named"      '^jns-init$'                       "$(h --all --map-root -- cat /proc/1/comm)"
check "empty root"      '^bin lib lib64 usr  $'                       "$(h --user --map-root --mount --root '' --mnt 2:/usr:/usr --mnt 9:usr/bin:/bin --mnt 9:usr/lib:/lib --mnt 9:usr/lib64:/lib64 -- /bin/sh -c 'echo $(ls /) \ ')"
check "plan entry named" 'step=26\(mount plan\) errno=2\(ENOENT\) detail=.entry 0 \(bind /nonexistent-jns -> /mnt\)' "$(h --user --map-root --mount --mnt 1:/nonexistent-jns:/mnt /bin/true)"
check "timeout"         '^TIMEOUT SIGKILL'                 "$(h --pid --mount --proc --timeout 100:100 -- sh -c 'trap \"\" TERM; sleep 5')"
check "caps dropped"    '^CapBnd:.0000000000000000$'       "$(h --user --map-root --caps 0 -- grep CapBnd /proc/self/status)"
if [ "$fails" -ne 0 ]; then
    echo "$fails failed"
    exit 1
fi
echo "all passed"
