# Sourced by the build scripts (c/build.sh, jni/build.sh): sets cc to the C compiler on PATH, or exits naming
# what to install.
cc=
for c in cc gcc; do
    if command -v "$c" >/dev/null 2>&1; then
        cc=$c
        break
    fi
done
if [ -z "$cc" ]; then
    echo "jns-linux: no C compiler found on PATH; install one (Debian/Ubuntu: apt-get install gcc libc6-dev)"
    exit 1
fi
