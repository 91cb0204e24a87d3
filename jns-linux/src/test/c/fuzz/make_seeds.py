#!/usr/bin/env python3
"""Writes the fuzz seed corpus (corpus/seed-*): small valid specs, one per feature of
docs/launcher-protocol.md, plus a few near-misses. Rerun after a protocol change:
  python3 make_seeds.py corpus
"""
import os
import struct
import sys

USER, MNT, PID, NET, UTS, IPC, CGROUP = (0x10000000, 0x00020000, 0x20000000, 0x40000000,
                                         0x04000000, 0x08000000, 0x02000000)


def rec(tag, payload=b""):
    return struct.pack("=HHI", tag, 0, len(payload)) + payload


def spec(*records, argv=(b"/bin/true",)):
    out = rec(1, struct.pack("=I", 1)) + b"".join(records)
    for a in argv:
        out += rec(18, a)
    return out + rec(99)


def flags(f):
    return rec(2, struct.pack("=Q", f))


def mount(op, dst, src=b"", data=b"", flags_=0, mode=0, size=0):
    return rec(21, struct.pack("=IIIIQ", op, flags_, mode, 0, size) + src + b"\0" + dst + b"\0" + data)


def rule(action, err, name, *conds):
    return rec(29, struct.pack("=IIII", action, err, len(conds), 0)
               + b"".join(struct.pack("=IIQQ", *c) for c in conds) + name)


SEEDS = {
    "plain": spec(),
    "args-env": spec(rec(19, b"PATH=/bin"), rec(19, b"A=b"), rec(17, b"/tmp"),
                     argv=(b"/bin/sh", b"-c", b"exit 3")),
    "user-map-root": spec(flags(USER | PID | MNT), rec(7, b"0 1000 1"), rec(8, b"0 1000 1"),
                          rec(12, struct.pack("=I", 2)), rec(16)),
    "map-helper": spec(flags(USER), rec(7, b"0 1000 1\n1 100000 65536"), rec(8, b"0 1000 1"),
                       rec(9, struct.pack("=I", 3)), rec(10, b"/usr/bin/newuidmap"),
                       rec(11, b"/usr/bin/newgidmap")),
    "net-uts": spec(flags(NET | UTS), rec(13, b"box"), rec(14, b"example")),
    "time": spec(flags(USER), rec(3), rec(4, struct.pack("=iIqq", 1, 0, 100, 0)),
                 rec(4, struct.pack("=iIqq", 7, 0, -5, 0))),
    "ipc-cgroup": spec(flags(IPC | CGROUP), rec(20, struct.pack("=I", 4 | 8))),
    "run-as-join": spec(rec(5, struct.pack("=II", 1000, 1000)),
                        rec(6, struct.pack("=IIQQ", 6, NET, 4, 4026531992)),
                        rec(6, struct.pack("=IIQQ", 7, UTS, 4, 4026531838)), rec(13, b"joined")),
    "sandbox": spec(flags(USER | MNT | PID), rec(7, b"0 0 1"), rec(15, struct.pack("=I", 1)),
                    mount(4, b"/tmp/r", mode=0o755, size=1 << 20), mount(1, b"/tmp/r/usr", src=b"/usr"),
                    mount(2, b"/tmp/r/bin", src=b"/bin", flags_=1), mount(5, b"/proc"), mount(6, b"/dev"),
                    mount(8, b"/tmp/r/d", mode=0o700), mount(9, b"/tmp/r/l", src=b"usr/bin"),
                    mount(10, b"/tmp/r/f", data=b"hello\n", mode=0o644), mount(11, b"/tmp/r/usr"),
                    rec(22, b"/tmp/r"),
                    rec(23, struct.pack("=QII", 1 << 21, 1, 0)),
                    rec(24, struct.pack("=IIQQ", 7, 0, 64, 128)),
                    rec(25, struct.pack("=QQ", 5000, 200))),
    "empty-root": spec(flags(MNT), rec(22, b"")),
    "debug-stop": spec(flags(USER), rec(26, struct.pack("=I", 12))),
    # issue 13: masked proc off, new keyring, seccomp (default + rules + a BPF program)
    "hardening": spec(flags(USER | MNT | PID), rec(16), rec(20, struct.pack("=I", 4 | 8 | 32 | 64)),
                      rec(28, struct.pack("=IIQ", 3, 0, 1 << 21)),
                      rule(2, 1, b"ptrace"), rule(3, 0, b"socket", (0, 4, 40, 0)),
                      rule(2, 38, b"personality", (0, 7, 0xff, 8), (1, 1, 0, 0)), rule(1, 0, b"keyctl"),
                      rec(30, struct.pack("=HBBI", 6, 0, 0, 0x7fff0000))),
    # issue 16: argv0, bindData, a kept overlay (two layers), tmpOverlay, roOverlay, a read-only file, chmod
    "filesystem": spec(flags(USER | MNT | PID), rec(7, b"0 0 1"), rec(15, struct.pack("=I", 1)),
                       mount(12, b"/etc/hosts", data=b"127.0.0.1 box\n", mode=0o644, flags_=1),
                       mount(13, b"/src", src=b"/lower/top", flags_=2), mount(13, b"/src", src=b"/lower/bottom"),
                       mount(14, b"/src", src=b"/upper", data=b"/work", flags_=2),
                       mount(13, b"/t", src=b"/usr"), mount(15, b"/t"), mount(13, b"/r", src=b"/usr"),
                       mount(16, b"/r"), mount(10, b"/f", data=b"ro\n", mode=0o444, flags_=4),
                       mount(17, b"/f", mode=0o400), rec(31, b"kitty"),
                       argv=(b"cat", b"/proc/self/cmdline")),
    # issue 16: contents in a memfd (flag 8, one fd shared), a bind from an fd, a lock file (init: new pid)
    "filesystem-fds": spec(flags(USER | MNT | PID), rec(7, b"0 0 1"), rec(15, struct.pack("=I", 1)),
                           mount(10, b"/big", data=struct.pack("=IIQQ", 6, 0, 0, 5000), mode=0o640, flags_=8),
                           mount(12, b"/etc/passwd", data=struct.pack("=IIQQ", 6, 0, 5000, 9000), mode=0o644,
                                 flags_=8 | 1),
                           mount(2, b"/ro", data=struct.pack("=IIQQ", 7, 0, 0, 0), flags_=8),
                           mount(8, b"/a/b", mode=0o700), mount(18, b"/big")),
    "bad-fd-bind-twice": spec(flags(MNT), mount(1, b"/a", data=struct.pack("=IIQQ", 6, 0, 0, 0), flags_=8),
                              mount(1, b"/b", data=struct.pack("=IIQQ", 6, 0, 0, 0), flags_=8)),
    "bad-lock-without-init": spec(flags(MNT), mount(18, b"/f")),
    "bad-overlay-layer-alone": spec(flags(MNT), mount(13, b"/src", src=b"/usr"), mount(8, b"/d", mode=0o755)),
    "bad-overlay-without-layers": spec(flags(MNT), mount(15, b"/src")),
    "seccomp-bpf-only": spec(rec(30, struct.pack("=HBBI", 6, 0, 0, 0x7fff0000) * 2)),
    "bad-rule-without-seccomp": spec(rule(2, 1, b"ptrace")),
    "bad-rule-allow-with-args": spec(rec(28, struct.pack("=IIQ", 1, 0, 0)), rule(1, 0, b"ioctl", (1, 4, 5, 0))),
    "bad-rule-name": spec(rec(28, struct.pack("=IIQ", 1, 0, 0)), rule(2, 1, b"Ptrace")),
    "bad-bpf-length": spec(rec(30, b"\0" * 12)),
    # limits: one record over each repeat limit (replayed whole by .ci/fuzz; -max_len cuts them for mutation)
    "limit-mounts": spec(flags(MNT), *[mount(8, b"/m%d" % i, mode=0o755) for i in range(1025)]),
    "limit-joins": spec(*[rec(6, struct.pack("=IIQQ", 6 + i, NET, 4, 1)) for i in range(17)]),
    "limit-rlimits": spec(*[rec(24, struct.pack("=IIQQ", i % 16, 0, 1, 2)) for i in range(17)]),
    "limit-time-offsets": spec(flags(USER), rec(3), *[rec(4, struct.pack("=iIqq", 1, 0, i, 0)) for i in range(3)]),
    "limit-payload": rec(1, struct.pack("=I", 1)) + struct.pack("=HHI", 18, 0, 65537),
    # near-misses: each is one rule away from valid
    "bad-no-end": spec()[:-8],
    "bad-version": rec(1, struct.pack("=I", 2)) + rec(18, b"/bin/true") + rec(99),
    "bad-nul-arg": spec(argv=(b"/bin/tr\0ue",)),
    "bad-map-without-user": spec(rec(7, b"0 0 1")),
    "bad-trailing": spec() + b"\0",
    "bad-setgroups-with-gid-helper": spec(flags(USER), rec(8, b"0 1000 1"), rec(9, struct.pack("=I", 2)),
                                          rec(11, b"/usr/bin/newgidmap"), rec(12, struct.pack("=I", 2))),
    "bad-no-init-new-time": spec(flags(USER), rec(3), rec(20, struct.pack("=I", 2))),
}

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)
