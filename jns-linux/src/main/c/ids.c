/* Who the launcher's processes are when a root JVM asks for RUN_AS (item 6 of issue 13: "jns-init and
 * the supervisor are not footholds").
 *
 * Only the command's own process takes the target uid for good. S changes its *effective* ids alone
 * (real and saved stay the caller's, root): that is what the kernel looks at when S joins a user
 * namespace and when clone makes a new one (its owner is the effective uid), so the rootless path is
 * exercised for real; but a process of the target uid can neither signal S (kill(2) compares with the
 * target's real and saved uid) nor ptrace it or take its fds with pidfd_getfd (ptrace access needs all
 * three ids equal, or CAP_SYS_PTRACE). C and the init keep those ids too. E, right before the command,
 * sets real, effective and saved ids to the target. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

/* per S: a light S shares the fork server's memory with others (light.c) */
_Thread_local int launcher_privileged;
static _Thread_local uid_t caller_euid;
static _Thread_local gid_t caller_egid;

void run_as_prepare(const struct spec *s)
{
    launcher_privileged = getuid() == 0;
    caller_euid = geteuid();
    caller_egid = getegid();
    if (!s->run_as)
        return;
    /* No supplementary group of the caller may reach C and E (in a user namespace with setgroups
     * denied they could not drop them any more). */
    if (setgroups(0, NULL) < 0)
        report_error(STEP_DROP_TO_UID, errno, "setgroups(0)");
    if (setresgid((gid_t)-1, s->gid, (gid_t)-1) < 0)
        report_error(STEP_DROP_TO_UID, errno, "setresgid(-1, %u, -1)", s->gid);
    if (setresuid((uid_t)-1, s->uid, (uid_t)-1) < 0)
        report_error(STEP_DROP_TO_UID, errno, "setresuid(-1, %u, -1)", s->uid);
}

void run_as_after_clone(const struct spec *s)
{
    if (!s->run_as)
        return;
    /* Back to the caller's effective ids (S writes the id maps as the caller, which may write any
     * map: the JVM decided them as for the target uid). After a join of a user namespace where the
     * caller's uid is not mapped this fails with EINVAL: S then keeps the target's effective uid, and
     * its real and saved uid still keep the target's processes away. */
    if (setresuid((uid_t)-1, caller_euid, (uid_t)-1) < 0 && errno != EINVAL)
        report_error(STEP_DROP_TO_UID, errno, "setresuid(-1, %u, -1)", (unsigned)caller_euid);
    if (setresgid((gid_t)-1, caller_egid, (gid_t)-1) < 0 && errno != EINVAL)
        report_error(STEP_DROP_TO_UID, errno, "setresgid(-1, %u, -1)", (unsigned)caller_egid);
    /* A change of the effective ids cleared the parent-death signal: set it again. S's parent may
     * have died in between: the lifeline is checked by the supervisor loop right after. */
    if (prctl(PR_SET_PDEATHSIG, SIG_KILL_SANDBOX, 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_PDEATHSIG after the clone");
}

int run_as_helper(const struct spec *s)
{
    /* newuidmap/newgidmap check that their real uid owns the target process and has subordinate ids:
     * the helper runs wholly as the target. */
    if (!s->run_as)
        return 0;
    if (setresgid(s->gid, s->gid, s->gid) < 0 || setresuid(s->uid, s->uid, s->uid) < 0)
        return errno;
    return 0;
}

void run_as_command(const struct spec *s)
{
    if (!s->run_as)
        return;
    /* The effective ids are the target's (as the user namespace maps them); real and saved follow.
     * E still has every capability of a new user namespace here (or, without one, its real uid 0
     * lets it choose among its own ids). EINVAL: the target is not mapped inside (a user namespace
     * without maps), so no id can be named; the real uid then stays unmapped too. */
    gid_t g = getegid();
    if (setresgid(g, g, g) < 0 && errno != EINVAL)
        report_error(STEP_DROP_TO_UID, errno, "setresgid(%u) in the command's process", (unsigned)g);
    uid_t u = geteuid();
    if (setresuid(u, u, u) < 0 && errno != EINVAL)
        report_error(STEP_DROP_TO_UID, errno, "setresuid(%u) in the command's process", (unsigned)u);
}

int init_harden(const struct spec *s, struct step_failure *f)
{
    /* The init needs no privilege after E's start: it reaps, forwards signals to E and writes E's
     * status. Empty capability sets and no_new_privs make it worthless to anyone who gets hold of it.
     * Not dumpable when the JVM is root: then no process of the sandbox's uid (inside, or outside
     * with runAs) may ptrace it, read its fds or forge E's status through them; nor when the JVM opens
     * nothing in /proc/INIT (OPTIONS bit 128, run()). Otherwise a rootless JVM needs it dumpable (it opens
     * the ns files in /proc/INIT for NsProcess.namespace); the sandbox then runs as the JVM's own uid, which
     * can ptrace the JVM itself anyway. So that ps inside shows what this is (not the memfd's fd number),
     * it is named first. */
    long r = sys_noerrno(SYS_prctl, PR_SET_NAME, (long)"jns-init", 0, 0, 0);
    if (r < 0) {
        *f = (struct step_failure){ STEP_PRCTL, "PR_SET_NAME jns-init" };
        return (int)-r;
    }
    if ((launcher_privileged || (s->options & OPTION_INIT_UNREAD))
        && (r = sys_noerrno(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0)) < 0) {
        *f = (struct step_failure){ STEP_PRCTL, "PR_SET_DUMPABLE 0 in the init" };
        return (int)-r;
    }
    struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
    if ((r = sys_noerrno(SYS_capset, (long)&h, (long)d, 0, 0, 0)) < 0) {
        *f = (struct step_failure){ STEP_CAPABILITIES, "drop every capability of the init" };
        return (int)-r;
    }
    r = sys_noerrno(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (r < 0 && r != -EINVAL) {
        *f = (struct step_failure){ STEP_CAPABILITIES, "clear the init's ambient set" };
        return (int)-r;
    }
    if ((r = sys_noerrno(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) < 0) {
        *f = (struct step_failure){ STEP_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS in the init" };
        return (int)-r;
    }
    return 0;
}
