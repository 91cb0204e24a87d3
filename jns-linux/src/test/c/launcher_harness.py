#!/usr/bin/env python3
"""Test driver for jns-launcher (docs/launcher-protocol.md), independent of Maven and the JVM.

Encodes a spec, starts the launcher with posix_spawn and exact fds (spec pipe on 3, status
pipe on 4, lifeline on 5, join fds on 6+), decodes the status records and prints them, one per
line, then the launcher's own wait status. Example:

  launcher_harness.py --launcher /tmp/jns-launcher --user --map-root --pid --mount --proc \\
      --hostname box -- sh -c 'hostname; echo $$'
"""
import argparse
import errno
import os
import signal
import struct
import sys
import threading
import time

FLAGS = {"user": 0x10000000, "mount": 0x00020000, "pid": 0x20000000, "net": 0x40000000,
         "uts": 0x04000000, "ipc": 0x08000000, "cgroup": 0x02000000, "time": 0x00000080}
STEPS = {1: "read spec", 2: "parse spec", 3: "drop to uid", 4: "join namespace",
         5: "verify namespace", 6: "clone", 7: "write setgroups", 8: "write uid_map",
         9: "write gid_map", 10: "newuidmap", 11: "newgidmap", 12: "wait for parent",
         13: "unshare time", 14: "write timens_offsets", 15: "sethostname", 16: "setdomainname",
         17: "mount propagation", 18: "mount proc", 19: "fork", 20: "chdir", 21: "prctl",
         22: "close fds", 23: "exec", 24: "signals", 25: "internal", 26: "mount plan",
         27: "switch root", 28: "capabilities", 29: "rlimit", 30: "no_new_privs", 31: "setsid",
         32: "loopback", 33: "pass fds", 34: "keyring", 35: "seccomp", 36: "mask proc"}


def rec(tag, payload=b""):
    return struct.pack("=HHI", tag, 0, len(payload)) + payload


def s(text):
    return text.encode()


def build_spec(a):
    out = [rec(1, struct.pack("=I", 1))]
    flags = 0
    for name in ("user", "mount", "pid", "net", "uts", "ipc", "cgroup"):
        if getattr(a, name):
            flags |= FLAGS[name]
    if a.raw_flags is not None:
        flags = int(a.raw_flags, 0)
    if flags:
        out.append(rec(2, struct.pack("=Q", flags)))
    if a.time_monotonic is not None or a.time_boottime is not None or a.new_time:
        out.append(rec(3))
        for clock, sec in ((1, a.time_monotonic), (7, a.time_boottime)):
            if sec is not None:
                out.append(rec(4, struct.pack("=iIqq", clock, 0, sec, 0)))
    if a.run_as:
        uid, gid = (int(x) for x in a.run_as.split(":"))
        out.append(rec(5, struct.pack("=II", uid, gid)))
    for i, j in enumerate(a.join_fds):
        fd, nstype, dev, ino = j
        out.append(rec(6, struct.pack("=IIQQ", fd, nstype, dev, ino)))
    uid_map, gid_map = a.uid_map, a.gid_map
    if a.map_root:
        outer_uid = int(a.run_as.split(":")[0]) if a.run_as else os.getuid()
        outer_gid = int(a.run_as.split(":")[1]) if a.run_as else os.getgid()
        uid_map, gid_map = "0 %d 1\n" % outer_uid, "0 %d 1\n" % outer_gid
        if a.setgroups is None:
            a.setgroups = "deny"
    if uid_map:
        out.append(rec(7, s(uid_map.replace("\\n", "\n"))))
    if gid_map:
        out.append(rec(8, s(gid_map.replace("\\n", "\n"))))
    helper = (1 if a.newuidmap else 0) | (2 if a.newgidmap else 0)
    if helper:
        out.append(rec(9, struct.pack("=I", helper)))
    if a.newuidmap:
        out.append(rec(10, s(a.newuidmap)))
    if a.newgidmap:
        out.append(rec(11, s(a.newgidmap)))
    if a.setgroups:
        out.append(rec(12, struct.pack("=I", {"allow": 1, "deny": 2}[a.setgroups])))
    if a.hostname:
        out.append(rec(13, s(a.hostname)))
    if a.propagation is None and a.mount:
        out.append(rec(15, struct.pack("=I", 1)))   # private
    elif a.propagation not in (None, "none"):
        out.append(rec(15, struct.pack("=I", {"private": 1, "slave": 2, "shared": 3}[a.propagation])))
    if a.proc:
        out.append(rec(16))
    if a.cwd:
        out.append(rec(17, s(a.cwd)))
    for arg in a.command:
        out.append(rec(18, s(arg)))
    env = a.env if a.env else ["PATH=/usr/local/bin:/usr/bin:/bin"]
    for e in env:
        out.append(rec(19, s(e)))
    options = ((1 if a.force_init else 0) | (2 if a.no_init else 0) | (4 if a.new_session else 0)
               | (8 if a.no_new_privs else 0) | (32 if a.unmasked_proc else 0)
               | (64 if a.new_keyring else 0))
    if options:
        out.append(rec(20, struct.pack("=I", options)))
    for m in a.mnt:
        # OP[?][!]:SRC:DST[:MODE[:SIZE[:CONTENT]]], OP a number of the protocol; '?' = try, '!' = no symlinks
        parts = m.split(":")
        op, src, dst = parts[0], parts[1], parts[2]
        flags = (1 if "?" in op else 0) | (2 if "!" in op else 0)
        mode = int(parts[3], 8) if len(parts) > 3 and parts[3] else 0o755
        size = int(parts[4]) if len(parts) > 4 and parts[4] else 0
        data = parts[5].encode() if len(parts) > 5 else b""
        out.append(rec(21, struct.pack("=IIIIQ", int(op.rstrip("?!")), flags, mode, 0, size)
                       + s(src) + b"\0" + s(dst) + b"\0" + data))
    if a.root is not None:
        out.append(rec(22, s(a.root)))
    if a.caps is not None:
        mask, _, amb = a.caps.partition(":")
        out.append(rec(23, struct.pack("=QII", int(mask, 0), 1 if amb else 0, 0)))
    for r in a.rlimit:
        res, soft, hard = (int(x) for x in r.split(":"))
        out.append(rec(24, struct.pack("=IIQQ", res, 0, soft, hard)))
    if a.timeout:
        ms, _, grace = a.timeout.partition(":")
        out.append(rec(25, struct.pack("=QQ", int(ms), int(grace or 0))))
    if a.seccomp is not None:
        fl, _, caps = a.seccomp.partition(":")
        out.append(rec(28, struct.pack("=IIQ", int(fl, 0), 0, int(caps or "0", 0))))
    for r in a.rule:
        # ACTION:ERRNO:NAME[:INDEX,OP,A,B ...]  ACTION 1 allow, 2 errno, 3 kill
        parts = r.split(":")
        conds = [tuple(int(x, 0) for x in c.split(",")) for c in parts[3:]]
        out.append(rec(29, struct.pack("=IIII", int(parts[0]), int(parts[1]), len(conds), 0)
                       + b"".join(struct.pack("=IIQQ", *c) for c in conds) + s(parts[2])))
    if a.bpf_file:
        with open(a.bpf_file, "rb") as f:
            out.append(rec(30, f.read()))
    if a.bad_tag:
        out.append(rec(42))
    out.append(rec(99))
    return b"".join(out)


def read_exact(fd, n):
    buf = b""
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def describe_status(st):
    if os.WIFEXITED(st):
        return "exited %d" % os.WEXITSTATUS(st)
    if os.WIFSIGNALED(st):
        return "signaled %s" % signal.Signals(os.WTERMSIG(st)).name
    return "status 0x%x" % st


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--launcher", default="/tmp/jl/jns-launcher")
    for name in ("user", "mount", "pid", "net", "uts", "ipc", "cgroup"):
        p.add_argument("--" + name, action="store_true")
    p.add_argument("--all", action="store_true", help="user pid mount uts ipc net cgroup + proc")
    p.add_argument("--raw-flags")
    p.add_argument("--map-root", action="store_true")
    p.add_argument("--uid-map")
    p.add_argument("--gid-map")
    p.add_argument("--newuidmap")
    p.add_argument("--newgidmap")
    p.add_argument("--setgroups", choices=("allow", "deny"))
    p.add_argument("--run-as", help="UID:GID")
    p.add_argument("--hostname")
    p.add_argument("--proc", action="store_true")
    p.add_argument("--new-time", action="store_true")
    p.add_argument("--time-monotonic", type=int)
    p.add_argument("--time-boottime", type=int)
    p.add_argument("--join", action="append", default=[],
                   help="PATH:TYPE, e.g. /proc/1/ns/uts:uts; TYPE+ino=N to fake a mismatch")
    p.add_argument("--cwd")
    p.add_argument("--env", action="append")
    p.add_argument("--force-init", action="store_true")
    p.add_argument("--bad-tag", action="store_true")
    p.add_argument("--no-init", action="store_true")
    p.add_argument("--new-session", action="store_true")
    p.add_argument("--no-new-privs", action="store_true")
    p.add_argument("--unmasked-proc", action="store_true")
    p.add_argument("--new-keyring", action="store_true")
    p.add_argument("--seccomp", help="FLAGS[:CAPMASK] (SECCOMP record: 1 default, 2 no user namespaces)")
    p.add_argument("--rule", action="append", default=[], help="ACTION:ERRNO:NAME[:IDX,OP,A,B...]")
    p.add_argument("--bpf-file", help="SECCOMP_BPF record from a file")
    p.add_argument("--mnt", action="append", default=[],
                   help="OP[?][!]:SRC:DST[:MODE[:SIZE[:CONTENT]]] (MOUNT record; op numbers of the protocol)")
    p.add_argument("--propagation", choices=("private", "slave", "shared", "none"),
                   help="PROPAGATION record (private by default with --mount; none: no record)")
    p.add_argument("--root", help="ROOT record: a directory, or '' for an empty tmpfs root")
    p.add_argument("--caps", help="MASK[:ambient] (CAPS record: capabilities to keep)")
    p.add_argument("--rlimit", action="append", default=[], help="RESOURCE:SOFT:HARD")
    p.add_argument("--timeout", help="MS[:GRACE_MS]")
    p.add_argument("--signal-after", help="SIG:SECONDS, sent to the launcher after STARTED")
    p.add_argument("--close-lifeline-after", type=float)
    p.add_argument("--hold-spec", type=float, default=0,
                   help="keep the spec pipe open this long after PID (C must stay a zombie)")
    p.add_argument("--leak-fd", action="store_true", help="leak an extra fd 9 into the launcher")
    p.add_argument("command", nargs="+")
    a = p.parse_args()
    if a.all:
        a.user = a.pid = a.mount = a.uts = a.ipc = a.net = a.cgroup = a.proc = True

    file_actions = []
    keep = []
    a.join_fds = []
    for i, j in enumerate(a.join):
        path, typ = j.rsplit(":", 1)
        fake_ino = None
        if "+ino=" in typ:
            typ, fake_ino = typ.split("+ino=")
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        keep.append(fd)
        st = os.fstat(fd)
        target = 6 + i
        file_actions.append((os.POSIX_SPAWN_DUP2, fd, target))
        a.join_fds.append((target, FLAGS[typ], st.st_dev,
                           int(fake_ino) if fake_ino else st.st_ino))

    spec = build_spec(a)
    spec_r, spec_w = os.pipe()
    stat_r, stat_w = os.pipe()
    life_r, life_w = os.pipe()
    file_actions += [(os.POSIX_SPAWN_DUP2, spec_r, 3), (os.POSIX_SPAWN_DUP2, stat_w, 4),
                     (os.POSIX_SPAWN_DUP2, life_r, 5)]
    if a.leak_fd:
        leak = os.open("/dev/null", os.O_RDONLY)
        file_actions.append((os.POSIX_SPAWN_DUP2, leak, 9))
    t0 = time.monotonic()
    pid = os.posix_spawn(a.launcher, [a.launcher], os.environ, file_actions=file_actions)
    for fd in (spec_r, stat_w, life_r) + tuple(keep):
        os.close(fd)
    print("launcher pid %d" % pid, flush=True)

    writer = threading.Thread(target=lambda: os.write(spec_w, spec), daemon=True)
    writer.start()
    spec_open = True
    pidfd = None
    started = False
    while True:
        head = read_exact(stat_r, 16)
        if head is None:
            break
        kind, ra, rb, dlen = struct.unpack("=IiiI", head)
        detail = read_exact(stat_r, dlen).decode(errors="replace") if dlen else ""
        ms = (time.monotonic() - t0) * 1000
        if kind == 1:
            print("PID %d" % ra, flush=True)
            pidfd = os.pidfd_open(ra)   # then release the launcher's reaping of C
            writer.join()
            if a.hold_spec:
                def release(c=ra):
                    time.sleep(a.hold_spec)
                    with open("/proc/%d/stat" % c) as f:
                        print("before spec EOF, C's state: %s" % f.read().split()[2], flush=True)
                    os.close(spec_w)
                threading.Thread(target=release).start()
            else:
                os.close(spec_w)
            spec_open = False
        elif kind == 2:
            print("ERROR step=%d(%s) errno=%d(%s) detail=%r" % (
                ra, STEPS.get(ra, "?"), rb, errno.errorcode.get(rb, "?"), detail), flush=True)
        elif kind == 3:
            started = True
            print("STARTED (%.1f ms)" % ms, flush=True)
            if a.signal_after:
                sig, secs = a.signal_after.split(":")
                threading.Timer(float(secs), os.kill,
                                (pid, signal.Signals["SIG" + sig.upper()])).start()
            if a.close_lifeline_after is not None:
                threading.Timer(a.close_lifeline_after, os.close, (life_w,)).start()
        elif kind == 4:
            print("EXIT %s rusage=%s (%.1f ms)" % (describe_status(ra), detail, ms), flush=True)
        elif kind == 5:
            print("TIMEOUT %s (%.1f ms)" % (signal.Signals(ra).name, ms), flush=True)
        elif kind == 6:
            print("NSIDS %s" % detail, flush=True)
        elif kind == 10:
            print("CGROUP %s" % detail, flush=True)
        else:
            print("UNKNOWN kind=%d a=%d b=%d %r" % (kind, ra, rb, detail), flush=True)
    if spec_open:
        writer.join()
        os.close(spec_w)
    _, st = os.waitpid(pid, 0)
    print("launcher %s" % describe_status(st), flush=True)
    if pidfd is not None:
        os.close(pidfd)
    return 0 if started else 1


if __name__ == "__main__":
    sys.exit(main())
