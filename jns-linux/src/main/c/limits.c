/* E: resource limits (RLIMIT records), session and no_new_privs: the last steps before exec. */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

void limits_apply(const struct spec *s)
{
    for (int i = 0; i < s->n_rlimits; i++) {
        const struct rlimit_entry *r = &s->rlimits[i];
        struct rlimit rl = { .rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard };
        if (setrlimit((int)r->resource, &rl) < 0)
            report_error(STEP_RLIMIT, errno, "resource %u soft %llu hard %llu", r->resource,
                         (unsigned long long)r->soft, (unsigned long long)r->hard);
    }
}

void session_apply(const struct spec *s)
{
    if ((s->options & OPTION_NEW_SESSION) && setsid() < 0)
        report_error(STEP_SETSID, errno, "setsid");
}

/* A new anonymous session keyring: the caller's session keys (tokens a login or a tool put there)
 * are out of reach, and keys the command adds end with it (item 4 of issue 13). A raw syscall: no
 * libkeyutils. It comes after the uid drop, so the keyring belongs to the command's uid. */
void keyring_apply(const struct spec *s)
{
    enum { KEYCTL_JOIN_SESSION_KEYRING_ = 1 };
    if ((s->options & OPTION_NEW_KEYRING)
        && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING_, (const char *)0, 0, 0, 0) < 0
        && errno != ENOSYS)   /* a kernel without keys: no keyring to leave */
        report_error(STEP_KEYRING, errno, "keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL)");
}

void no_new_privs_apply(const struct spec *s)
{
    if ((s->options & OPTION_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        report_error(STEP_NO_NEW_PRIVS, errno, "PR_SET_NO_NEW_PRIVS");
}
