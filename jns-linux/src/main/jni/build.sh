#!/bin/sh
# Builds libjns-calls, the JNI library of the JVM side's system calls: build.sh OUT_FILE JAVA_HOME
# A shared object (the JVM loads it), hardened, stripped. Called by the Maven build; JAVA_HOME is the JDK
# that runs the build (its include/jni.h).
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 OUT_FILE JAVA_HOME" >&2
    exit 2
fi
out=$1
jdk=$2

. "$(dirname "$0")/../c/cc.sh"
if [ ! -f "$jdk/include/jni.h" ]; then
    echo "jns-linux: $jdk/include/jni.h not found: build with a JDK, not a JRE (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless)"
    exit 1
fi

src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$out")"
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 \
    -I"$jdk/include" -I"$jdk/include/linux" \
    -fstack-protector-strong -fstack-clash-protection -fcf-protection -fPIC -shared \
    -fvisibility=hidden -Wl,-z,relro,-z,now,-z,noexecstack,-z,defs \
    -o "$out.tmp" "$src/calls.c"
strip --strip-unneeded "$out.tmp"
mv "$out.tmp" "$out"
