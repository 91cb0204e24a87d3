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
check "time ns"         '^864[0-5][0-9]$'                  "$(( $(h --user --map-root --time-boottime 86400 -- cat /proc/uptime | grep -E '^[0-9]+[.][0-9]+ ' | cut -d. -f1) - host_up ))"
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
# The mount plan by fd (mounts.c, mountfd.c), with the new mount API and, from a launcher built
# with -DJNS_LEGACY_MOUNT_API, with the fallbacks of kernels that lack it.
legacy=$(mktemp -d)/jns-launcher-legacy
JNS_CFLAGS=-DJNS_LEGACY_MOUNT_API "$here/../../main/c/build.sh" "$legacy" || exit 1
scratch=$(mktemp -d)
mkdir "$scratch/dir" && ln -s /etc "$scratch/link" && ln -s /etc "$scratch/dir/sub"
base="--user --map-root --mount --pid --root '' --mnt 2:/usr:/usr --mnt 9:usr/bin:/bin --mnt 9:usr/lib:/lib --mnt 9:usr/lib64:/lib64"
for l in "$launcher" "$legacy"; do
    name=${l##*/}
    hl() { python3 "$here/launcher_harness.py" --launcher "$l" "$@" 2>&1; }
    check "$name: ro all the way down" 'Read-only file system' "$(eval hl $base --mnt 2:/dev:/dev -- /bin/sh -c "'touch /dev/shm/jns-selftest'")"
    check "$name: absolute symlink source" '^UTC$' "$(eval hl $base --mnt 2:/etc/localtime:/etc/localtime -- /bin/sh -c "'test -f /etc/localtime && echo UTC'")"
    check "$name: writable bind of a symlink" 'errno=40\(ELOOP\) detail=.entry 4 \(bind '"$scratch"'/link -> /out\)' "$(eval hl $base --mnt 1:$scratch/link:/out /bin/true)"
    check "$name: strict source" 'errno=40\(ELOOP\) detail=.entry 4 \(roBind /etc/localtime -> /lt\)' "$(eval hl $base --mnt 2!:/etc/localtime:/lt /bin/true)"
    check "$name: symlink destination" 'errno=40\(ELOOP\) detail=.entry 5 \(roBind /usr -> /out/sub/x\).*is a symlink' "$(eval hl $base --mnt 1:$scratch/dir:/out --mnt 2:/usr:/out/sub/x /bin/true)"
    check "$name: bind nosuid" ' /out rw,nosuid,nodev' "$(eval hl $base --proc --mnt 1:$scratch/dir:/out -- cat /proc/self/mountinfo)"
    # the masks of a proc: by short paths on the caller's root (procmask.c), through /proc/self/fd under a new root
    check "$name: masked proc" '^sys=1 keys=0$' "$(hl --user --map-root --mount --pid --proc -- sh -c 'echo sys=$(grep -c " /proc/sys ro," /proc/self/mountinfo) keys=$(cat /proc/keys 2>/dev/null | wc -c)')"
    check "$name: masked proc, new root" '^sys=1$' "$(eval hl $base --proc -- /bin/sh -c "'echo sys=\$(grep -c \" /proc/sys ro,\" /proc/self/mountinfo)'")"
done
check "root needs private or slave" 'step=2\(parse spec\).*ROOT: needs PROPAGATION' "$(h --user --map-root --mount --propagation none --root '' /bin/true)"
# Under a shared / (systemd's default), a root switch must leave no staging mount in the caller's namespace.
# (mounts at or below /tmp, where the staging happens: shared mounts elsewhere, such as /run/netns, receive
# what other processes mount meanwhile)
leak() { unshare --mount --propagation shared -- sh -c "n() { cut -d' ' -f5 /proc/self/mountinfo | grep -c '^/tmp\\(/\\|\$\\)'; }; a=\$(n); python3 '$here/launcher_harness.py' --launcher '$launcher' --mount $* /bin/true >/dev/null 2>&1; echo \$a \$(n)"; }
check "no staging leak (unchanged)" '^([0-9]+) \1$' "$(leak --propagation none --root "''")"
check "no staging leak (slave, failed entry)" '^([0-9]+) \1$' "$(leak --propagation slave --root "''" --mnt 2:/nonexistent-jns:/x)"
rm -rf "$scratch" "$(dirname "$legacy")"
if [ "$fails" -ne 0 ]; then
    echo "$fails failed"
    exit 1
fi
echo "all passed"
