/* E: capabilities (CAPS record) with raw capget/capset and prctl: no libcap. */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

static int get(struct __user_cap_data_struct d[2])
{
    struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    return (int)syscall(SYS_capget, &h, d);
}

static int set(struct __user_cap_data_struct d[2])
{
    struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    return (int)syscall(SYS_capset, &h, d);
}

static uint64_t both(uint32_t lo, uint32_t hi)
{
    return (uint64_t)lo | ((uint64_t)hi << 32);
}

void caps_apply(const struct spec *s, int no_new_privs)
{
    if (!s->caps)
        return;
    struct __user_cap_data_struct d[2];
    if (get(d) < 0)
        report_error(STEP_CAPABILITIES, errno, "capget");
    uint64_t eff = both(d[0].effective, d[1].effective);
    uint64_t perm = both(d[0].permitted, d[1].permitted);
    uint64_t inh = both(d[0].inheritable, d[1].inheritable);
    uint64_t keep = s->caps_keep;

    /* The bounding set limits what an exec can ever give back (a setuid root program, or
     * uid 0's full set). Dropping needs CAP_SETPCAP; without it (an unprivileged process
     * outside any new user namespace) no capability is held anyway, and no_new_privs makes
     * sure none is gained. */
    int can_drop = (eff >> CAP_SETPCAP) & 1;
    for (int cap = 0; cap < 64; cap++) {
        int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (r < 0)
            break;              /* EINVAL: past the kernel's last capability */
        if (r == 0 || ((keep >> cap) & 1))
            continue;
        if (!can_drop) {
            if (no_new_privs && perm == 0)
                break;
            report_error(STEP_CAPABILITIES, EPERM,
                         "dropping capability %d from the bounding set needs CAP_SETPCAP", cap);
        }
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            report_error(STEP_CAPABILITIES, errno, "drop capability %d from the bounding set", cap);
    }

    perm &= keep;
    int ambient = (s->caps_flags & CAPS_AMBIENT) != 0;
    inh = ambient ? perm : (inh & keep);
    d[0].effective = d[0].permitted = (uint32_t)perm;
    d[1].effective = d[1].permitted = (uint32_t)(perm >> 32);
    d[0].inheritable = (uint32_t)inh;
    d[1].inheritable = (uint32_t)(inh >> 32);
    if (set(d) < 0)
        report_error(STEP_CAPABILITIES, errno, "capset 0x%llx", (unsigned long long)perm);

    /* Ambient capabilities survive the exec of a program run by a uid other than 0. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        report_error(STEP_CAPABILITIES, errno, "clear the ambient set");
    if (!ambient)
        return;
    for (int cap = 0; cap < 64; cap++)
        if (((perm >> cap) & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            report_error(STEP_CAPABILITIES, errno, "raise ambient capability %d", cap);
}
