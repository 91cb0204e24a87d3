#!/bin/sh
# Builds the jns launcher: build.sh OUT_FILE
# A static PIE, hardened, stripped. Called by the Maven build. JNS_CFLAGS adds compiler flags
# (launcher_selftest.sh builds one with -DJNS_LEGACY_MOUNT_API).
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUT_FILE" >&2
    exit 2
fi
out=$1

. "$(dirname "$0")/cc.sh"

src=$(cd "$(dirname "$0")" && pwd)

# libseccomp, linked statically (the launcher runs from a memfd and must not depend on the host's .so).
seccomp_a=
for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
    if [ -f "$d/libseccomp.a" ]; then
        seccomp_a=$d/libseccomp.a
        break
    fi
done
if [ -z "$seccomp_a" ] || ! printf '#include <seccomp.h>\n' | "$cc" -E -x c - >/dev/null 2>&1; then
    echo "jns-linux: libseccomp.a and seccomp.h not found; install them (Debian/Ubuntu: apt-get install libseccomp-dev)"
    exit 1
fi
mkdir -p "$(dirname "$out")"
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 ${JNS_CFLAGS:-} \
    -fstack-protector-strong -fstack-clash-protection -fcf-protection -fPIE -static-pie \
    -Wl,-z,relro,-z,now,-z,noexecstack \
    -o "$out.tmp" \
    "$src/main.c" "$src/spec.c" "$src/status.c" "$src/child.c" "$src/init.c" \
    "$src/idmap.c" "$src/exec.c" "$src/sig.c" "$src/mounts.c" "$src/caps.c" "$src/limits.c" \
    "$src/net.c" "$src/fds.c" "$src/server.c" "$src/mountfd.c" "$src/reap.c" "$src/procmask.c" \
    "$src/seccomp.c" "$src/ids.c" "$src/idmount.c" "$src/cgroup.c" "$src/nested.c" "$src/vfork.c" \
    "$src/prefault.c" "$src/sharedvm.c" "$src/light.c" \
    "$seccomp_a"
strip "$out.tmp"
mv "$out.tmp" "$out"
