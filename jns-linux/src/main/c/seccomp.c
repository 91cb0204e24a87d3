/* The sandbox's seccomp filter (item 5 of issue 13): SECCOMP, SECCOMP_RULE and SECCOMP_BPF records.
 *
 * Built with libseccomp (linked statically), in S before the clone: libseccomp allocates, and only S
 * may use the heap (C and E run after a clone; their address spaces are copies, but the launcher keeps
 * them free of allocation, and a bad rule should fail before any namespace exists). S exports the
 * compiled BPF program into a static buffer and frees everything; E hands that buffer to the kernel
 * with the raw seccomp(2) call, last before exec, after no_new_privs.
 *
 * jns's default filter is a deny list in the spirit of Docker's default profile: every system call
 * that profile refuses to a process without capabilities is refused here (EPERM; clone3 ENOSYS, as
 * there, so that the C library falls back to clone, whose flags can be checked), and a call that
 * Docker allows with a capability stays allowed when the sandbox keeps that capability (SECCOMP's
 * capability mask). Unlike Docker's allow list, a system call newer than this list is allowed: the
 * list is in SECURITY.md, and the test suite checks each entry. Only the native architecture's
 * calls pass: i386 (int 0x80) and x32 calls on x86-64, AArch32 calls on arm64, kill the process
 * (libseccomp's bad-architecture action), because on those ABIs argument checks such as socket's
 * family cannot be made (i386 multiplexes sockets through socketcall). */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

#define ALWAYS (-1)

/* One default refusal: the call, the errno, and the capability that lifts it (ALWAYS: none). */
struct refusal {
    const char *name;
    int err;
    int cap;
    int cap2;   /* a second capability that lifts it too, or ALWAYS */
};

static const struct refusal refusals[] = {
    /* Keys are not namespaced: a sandbox must neither read nor plant the host's. */
    { "keyctl", EPERM, ALWAYS, ALWAYS },
    { "add_key", EPERM, ALWAYS, ALWAYS },
    { "request_key", EPERM, ALWAYS, ALWAYS },
    /* Large kernel surfaces with a history of privilege escalations. */
    { "io_uring_setup", EPERM, ALWAYS, ALWAYS },
    { "io_uring_enter", EPERM, ALWAYS, ALWAYS },
    { "io_uring_register", EPERM, ALWAYS, ALWAYS },
    { "userfaultfd", EPERM, ALWAYS, ALWAYS },
    { "bpf", EPERM, ALWAYS, ALWAYS },
    { "perf_event_open", EPERM, ALWAYS, ALWAYS },
    /* The machine's, never a sandbox's. */
    { "kexec_load", EPERM, ALWAYS, ALWAYS },
    { "kexec_file_load", EPERM, ALWAYS, ALWAYS },
    { "swapon", EPERM, ALWAYS, ALWAYS },
    { "swapoff", EPERM, ALWAYS, ALWAYS },
    { "pivot_root", EPERM, ALWAYS, ALWAYS },
    { "migrate_pages", EPERM, ALWAYS, ALWAYS },
    { "move_pages", EPERM, ALWAYS, ALWAYS },
    /* Obsolete or unimplemented (Docker refuses them too). */
    { "uselib", EPERM, ALWAYS, ALWAYS },
    { "ustat", EPERM, ALWAYS, ALWAYS },
    { "sysfs", EPERM, ALWAYS, ALWAYS },
    { "_sysctl", EPERM, ALWAYS, ALWAYS },
    { "nfsservctl", EPERM, ALWAYS, ALWAYS },
    { "create_module", EPERM, ALWAYS, ALWAYS },
    { "get_kernel_syms", EPERM, ALWAYS, ALWAYS },
    { "query_module", EPERM, ALWAYS, ALWAYS },
    { "vm86", EPERM, ALWAYS, ALWAYS },
    { "vm86old", EPERM, ALWAYS, ALWAYS },
    { "getpmsg", EPERM, ALWAYS, ALWAYS },
    { "putpmsg", EPERM, ALWAYS, ALWAYS },
    { "afs_syscall", EPERM, ALWAYS, ALWAYS },
    { "tuxcall", EPERM, ALWAYS, ALWAYS },
    { "security", EPERM, ALWAYS, ALWAYS },
    { "vserver", EPERM, ALWAYS, ALWAYS },
    /* Docker allows these only with the capability named. */
    { "mount", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "umount", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "umount2", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "mount_setattr", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "move_mount", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "open_tree", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "fsopen", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "fsconfig", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "fsmount", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "fspick", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "unshare", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "setns", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "clone3", ENOSYS, CAP_SYS_ADMIN, ALWAYS },
    { "sethostname", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "setdomainname", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "quotactl", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "quotactl_fd", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "lookup_dcookie", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "fanotify_init", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "lsm_get_self_attr", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "lsm_set_self_attr", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "lsm_list_modules", EPERM, CAP_SYS_ADMIN, ALWAYS },
    { "syslog", EPERM, CAP_SYSLOG, CAP_SYS_ADMIN },
    { "chroot", EPERM, CAP_SYS_CHROOT, ALWAYS },
    { "reboot", EPERM, CAP_SYS_BOOT, ALWAYS },
    { "init_module", EPERM, CAP_SYS_MODULE, ALWAYS },
    { "finit_module", EPERM, CAP_SYS_MODULE, ALWAYS },
    { "delete_module", EPERM, CAP_SYS_MODULE, ALWAYS },
    { "acct", EPERM, CAP_SYS_PACCT, ALWAYS },
    { "kcmp", EPERM, CAP_SYS_PTRACE, ALWAYS },
    { "pidfd_getfd", EPERM, CAP_SYS_PTRACE, ALWAYS },
    { "process_madvise", EPERM, CAP_SYS_PTRACE, ALWAYS },
    { "iopl", EPERM, CAP_SYS_RAWIO, ALWAYS },
    { "ioperm", EPERM, CAP_SYS_RAWIO, ALWAYS },
    { "settimeofday", EPERM, CAP_SYS_TIME, ALWAYS },
    { "stime", EPERM, CAP_SYS_TIME, ALWAYS },
    { "clock_settime", EPERM, CAP_SYS_TIME, ALWAYS },
    { "vhangup", EPERM, CAP_SYS_TTY_CONFIG, ALWAYS },
    { "mbind", EPERM, CAP_SYS_NICE, ALWAYS },
    { "set_mempolicy", EPERM, CAP_SYS_NICE, ALWAYS },
    { "get_mempolicy", EPERM, CAP_SYS_NICE, ALWAYS },
    { "set_mempolicy_home_node", EPERM, CAP_SYS_NICE, ALWAYS },
    { "open_by_handle_at", EPERM, CAP_DAC_READ_SEARCH, ALWAYS },
};

/* Namespace flags clone(2) may not carry without CAP_SYS_ADMIN (Docker's mask 0x7E020000). */
static const uint64_t clone_ns_flags[] = {
    0x00020000 /* NEWNS */, 0x02000000 /* NEWCGROUP */, 0x04000000 /* NEWUTS */,
    0x08000000 /* NEWIPC */, 0x10000000 /* NEWUSER */, 0x20000000 /* NEWPID */, 0x40000000 /* NEWNET */,
};
#define CLONE_NEWUSER_FLAG 0x10000000ull

static struct sock_filter program[SPEC_MAX_BPF_INSNS] LAUNCHER_LARGE;
static unsigned short program_len;          /* 0: no filter of jns's */

static const struct spec *cur;
static scmp_filter_ctx ctx;

static int user_rule_for(const char *name)
{
    for (int i = 0; i < cur->n_rules; i++)
        if (strcmp(cur->rules[i].name, name) == 0)
            return 1;
    return 0;
}

static int kept(int cap)
{
    return cap != ALWAYS && cap < 64 && ((cur->seccomp_caps >> cap) & 1);
}

/* A rule of jns's own: a name this libseccomp does not know (a newer call) is left out, and a rule
 * that is already there (the nested-user-namespace rules next to the default ones) is no error. */
static void add(const char *name, uint32_t action, unsigned n, const struct scmp_arg_cmp *args)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR)
        return;
    int r = seccomp_rule_add_array(ctx, action, nr, n, args);
    if (r < 0 && r != -EEXIST)
        report_error(STEP_SECCOMP, -r, "add the default rule for %s", name);
}

static void add_defaults(void)
{
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const struct refusal *f = &refusals[i];
        if (kept(f->cap) || kept(f->cap2) || user_rule_for(f->name))
            continue;
        add(f->name, SCMP_ACT_ERRNO((uint32_t)f->err), 0, NULL);
    }
    if (!kept(CAP_SYS_ADMIN) && !user_rule_for("clone"))
        for (size_t i = 0; i < sizeof clone_ns_flags / sizeof clone_ns_flags[0]; i++) {
            /* s390 swaps clone's first two arguments; every architecture jns builds for has flags first */
            struct scmp_arg_cmp a = SCMP_A0(SCMP_CMP_MASKED_EQ, clone_ns_flags[i], clone_ns_flags[i]);
            add("clone", SCMP_ACT_ERRNO(EPERM), 1, &a);
        }
    if (!user_rule_for("socket")) {
        /* AF_VSOCK (40): not namespaced, a virtual machine's host listens there; AF_ALG (38): the
         * kernel's crypto API, refused by Docker as well. */
        struct scmp_arg_cmp vsock = SCMP_A0(SCMP_CMP_EQ, 40);
        struct scmp_arg_cmp alg = SCMP_A0(SCMP_CMP_EQ, 38);
        add("socket", SCMP_ACT_ERRNO(EPERM), 1, &vsock);
        add("socket", SCMP_ACT_ERRNO(EPERM), 1, &alg);
    }
    if (!user_rule_for("personality")) {
        /* Allowed, as by Docker: 0 (PER_LINUX), 8 (PER_LINUX32), 0x20000 (UNAME26), 0x20008, and
         * 0xffffffff (a query). libseccomp takes one comparison per argument in a rule, so the
         * complement is written as masked patterns: v is refused when its lowest zero bit c > 0 (bit 0
         * is set, and v is not all ones), or when bit 0 is clear and some bit other than 3 and 17 is
         * set; and any value above 32 bits. */
        for (int c = 1; c < 32; c++) {
            uint64_t ones = (1ull << c) - 1;
            struct scmp_arg_cmp a = SCMP_A0(SCMP_CMP_MASKED_EQ, ones | (1ull << c), ones);
            add("personality", SCMP_ACT_ERRNO(EPERM), 1, &a);
        }
        for (int b = 1; b < 32; b++) {
            if (b == 3 || b == 17)
                continue;
            struct scmp_arg_cmp a = SCMP_A0(SCMP_CMP_MASKED_EQ, 1ull | (1ull << b), 1ull << b);
            add("personality", SCMP_ACT_ERRNO(EPERM), 1, &a);
        }
        struct scmp_arg_cmp high = SCMP_A0(SCMP_CMP_GT, 0xffffffffull);
        add("personality", SCMP_ACT_ERRNO(EPERM), 1, &high);
    }
}

/* disableNestedUserNamespaces(): no new user namespace, by seccomp as Flatpak does (bubblewrap's
 * other way, user.max_user_namespaces in a second user namespace, needs a writable /proc/sys). */
static void add_no_userns(void)
{
    struct scmp_arg_cmp a = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER_FLAG, CLONE_NEWUSER_FLAG);
    add("unshare", SCMP_ACT_ERRNO(EPERM), 1, &a);
    add("clone", SCMP_ACT_ERRNO(EPERM), 1, &a);
    /* clone3's flags lie in memory, out of a filter's reach: refuse it (the C library falls back). */
    add("clone3", SCMP_ACT_ERRNO(ENOSYS), 0, NULL);
}

static void add_user_rules(void)
{
    for (int i = 0; i < cur->n_rules; i++) {
        const struct seccomp_rule *r = &cur->rules[i];
        int nr = seccomp_syscall_resolve_name(r->name);
        if (nr == __NR_SCMP_ERROR)
            report_error(STEP_SECCOMP, EINVAL, "rule %d: \"%s\" is not a system call libseccomp %u.%u.%u "
                         "knows for this architecture", i, r->name, seccomp_version()->major,
                         seccomp_version()->minor, seccomp_version()->micro);
        if (r->action == RULE_ALLOW)
            continue;   /* the filter allows what it does not refuse: allow() only lifts jns's refusal */
        uint32_t action = r->action == RULE_KILL ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(r->err);
        struct scmp_arg_cmp args[SPEC_MAX_RULE_ARGS];
        for (uint32_t j = 0; j < r->n_args; j++) {
            args[j].arg = r->args[j].index;
            args[j].op = (enum scmp_compare)r->args[j].op;
            args[j].datum_a = r->args[j].a;
            args[j].datum_b = r->args[j].b;
        }
        int e = seccomp_rule_add_exact_array(ctx, action, nr, r->n_args, args);
        if (e < 0)
            report_error(STEP_SECCOMP, -e, "rule %d (%s): libseccomp refused it%s", i, r->name,
                         e == -EEXIST ? " (it clashes with another rule for the same call)" : "");
    }
}

void filter_prepare(const struct spec *s)
{
    if (!s->seccomp)
        return;
    cur = s;
    ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL)
        report_error(STEP_SECCOMP, ENOMEM, "seccomp_init");
    /* Other ABIs of this CPU get killed (see the top of this file). */
    int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    /* E sets no_new_privs itself, in its order of steps. */
    if (r == 0)
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (r < 0)
        report_error(STEP_SECCOMP, -r, "seccomp_attr_set");
    if (s->seccomp_flags & SECCOMP_DEFAULT)
        add_defaults();
    if (s->seccomp_flags & SECCOMP_NO_USERNS)
        add_no_userns();
    add_user_rules();

    /* libseccomp 2.5 exports only to an fd: a memfd, read back into the static program. */
    int fd = memfd_create("jns-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        report_error(STEP_SECCOMP, errno, "memfd_create for the filter");
    r = seccomp_export_bpf(ctx, fd);
    if (r < 0)
        report_error(STEP_SECCOMP, -r, "seccomp_export_bpf");
    seccomp_release(ctx);
    ctx = NULL;
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0)
        report_error(STEP_SECCOMP, errno, "lseek the filter");
    if (size == 0 || size % (off_t)sizeof program[0] != 0 || size > (off_t)sizeof program)
        report_error(STEP_SECCOMP, E2BIG, "the filter has %lld bytes (at most %d instructions)",
                     (long long)size, SPEC_MAX_BPF_INSNS);
    ssize_t n = pread(fd, program, (size_t)size, 0);
    if (n != (ssize_t)size)
        report_error(STEP_SECCOMP, n < 0 ? errno : EIO, "read the filter back");
    close(fd);
    program_len = (unsigned short)(size / (off_t)sizeof program[0]);
}

static void load(const struct sock_filter *insns, unsigned short len, const char *what)
{
    struct sock_fprog prog = { .len = len, .filter = (struct sock_filter *)insns };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
        return;
    if (errno == EACCES)
        report_error(STEP_SECCOMP, errno, "load %s: the kernel wants no_new_privs (or CAP_SYS_ADMIN) first",
                     what);
    report_error(STEP_SECCOMP, errno, "load %s", what);
}

void filter_load(const struct spec *s)
{
    /* The caller's own program first, as bubblewrap's --seccomp; filters stack, and the kernel
     * applies the strictest answer of all of them. */
    if (s->bpf != NULL) {
        static struct sock_filter user[SPEC_MAX_BPF_INSNS] LAUNCHER_LARGE;
        memcpy(user, s->bpf, s->bpf_len);   /* aligned copy: the record's bytes may not be */
        load(user, (unsigned short)(s->bpf_len / sizeof user[0]), "the caller's BPF program");
    }
    if (program_len > 0)
        load(program, program_len, "the seccomp filter");
}

void filter_describe(char *out, size_t size)
{
    const struct scmp_version *v = seccomp_version();
    long mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    /* SECCOMP_GET_ACTION_AVAIL answers without installing anything: filters are there when it works. */
    uint32_t action = SECCOMP_RET_KILL_PROCESS;
    int filters = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
    snprintf(out, size, "libseccomp %u.%u.%u, seccomp filters %s, this process in mode %ld", v->major,
             v->minor, v->micro, filters ? "available" : "not available", mode);
}
