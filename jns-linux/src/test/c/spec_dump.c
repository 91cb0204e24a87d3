/* spec_dump: reads one spec stream on stdin, parses it with the launcher's own parser
 * (jns-linux/src/main/c/spec.c) and prints the parsed struct as "key value" lines, or
 * "error <step> <errno> <detail>" and exit 1. Used by SpecRoundTripPropertyTest and for seeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec.h"

static struct spec s;
static char buf[SPEC_MAX_TOTAL + SPEC_HEADER_SIZE + 1];

static void str(const char *key, const char *v)
{
    if (v == NULL)
        return;
    printf("%s ", key);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p < 0x20 || *p == '\\' || *p >= 0x7f)
            printf("\\x%02x", *p);
        else
            putchar(*p);
    }
    putchar('\n');
}

int main(void)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = read(0, buf + n, sizeof buf - n);
        if (r < 0) {
            perror("read");
            return 2;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n == sizeof buf)
            break;
    }
    struct spec_error err;
    if (spec_parse(buf, n, &s, &err) != 0) {
        printf("error %d %d %s\n", err.step, err.err, err.detail);
        return 1;
    }
    printf("clone_flags 0x%llx\n", (unsigned long long)s.clone_flags);
    printf("light %d\n", spec_light(&s));
    printf("light_sandbox %d\n", spec_light_sandbox(&s));
    if (s.new_time)
        printf("new_time\n");
    for (int i = 0; i < s.n_time_offsets; i++)
        printf("time_offset %d %lld %lld\n", s.time_offsets[i].clockid, (long long)s.time_offsets[i].sec,
               (long long)s.time_offsets[i].nsec);
    if (s.run_as)
        printf("run_as %u %u\n", s.uid, s.gid);
    for (int i = 0; i < s.n_joins; i++)
        printf("join %d 0x%x\n", s.joins[i].fd, s.joins[i].nstype);
    str("uid_map", s.uid_map);
    str("gid_map", s.gid_map);
    if (s.map_helper)
        printf("map_helper %u\n", s.map_helper);
    str("newuidmap", s.newuidmap);
    str("newgidmap", s.newgidmap);
    if (s.setgroups)
        printf("setgroups %u\n", s.setgroups);
    str("hostname", s.hostname);
    str("domainname", s.domainname);
    if (s.propagation)
        printf("propagation %u\n", s.propagation);
    if (s.mount_proc)
        printf("mount_proc\n");
    str("cwd", s.cwd);
    str("argv0", s.argv0);
    printf("options %u\n", s.options);
    for (int i = 0; i < s.n_mounts; i++) {
        const struct mount_entry *m = &s.mounts[i];
        printf("mount %u %u 0%o %llu %u\n", m->op, m->flags, m->mode, (unsigned long long)m->size, m->data_len);
        str(" src", m->src);
        str(" dst", m->dst);
    }
    str("root", s.root);
    if (s.caps)
        printf("caps 0x%llx %u\n", (unsigned long long)s.caps_keep, s.caps_flags);
    for (int i = 0; i < s.n_rlimits; i++)
        printf("rlimit %u %llu %llu\n", s.rlimits[i].resource, (unsigned long long)s.rlimits[i].soft,
               (unsigned long long)s.rlimits[i].hard);
    if (s.timeout_ms)
        printf("timeout %llu %llu\n", (unsigned long long)s.timeout_ms, (unsigned long long)s.grace_ms);
    if (s.debug_stop)
        printf("debug_stop %u\n", s.debug_stop);
    if (s.seccomp)
        printf("seccomp %u 0x%llx\n", s.seccomp_flags, (unsigned long long)s.seccomp_caps);
    for (int i = 0; i < s.n_rules; i++) {
        const struct seccomp_rule *r = &s.rules[i];
        printf("rule %u %u %s", r->action, r->err, r->name);
        for (uint32_t j = 0; j < r->n_args; j++)
            printf(" %u:%u:%llu:%llu", r->args[j].index, r->args[j].op, (unsigned long long)r->args[j].a,
                   (unsigned long long)r->args[j].b);
        printf("\n");
    }
    if (s.bpf)
        printf("bpf %u\n", s.bpf_len);
    for (int i = 0; i < s.argc; i++)
        str("arg", s.argv[i]);
    for (int i = 0; i < s.envc; i++)
        str("env", s.envp[i]);
    return 0;
}
