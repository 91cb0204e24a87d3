/* E: resource limits (RLIMIT records), session and no_new_privs: the last steps before exec. */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

void no_new_privs_apply(const struct spec *s)
{
    if ((s->options & OPTION_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        report_error(STEP_NO_NEW_PRIVS, errno, "PR_SET_NO_NEW_PRIVS");
}
