/* libFuzzer target for the launcher's spec parser (jns-linux/src/main/c/spec.c, spec_parse).
 * Built and run by .ci/fuzz with -fsanitize=fuzzer,address,undefined. Any input must give
 * either 0 and a spec whose strings are NUL-terminated inside s.strings, or -1 with a
 * NUL-terminated detail, step "parse spec" and EINVAL; never a read outside the input. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "steps.h"

static struct spec s;

static void touch(const char *str)
{
    if (str == NULL)
        return;
    if (str < s.strings || str >= s.strings + sizeof s.strings)
        abort();
    (void)strlen(str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spec_error err;
    if (spec_parse((const char *)data, size, &s, &err) != 0) {
        if (err.step != STEP_PARSE_SPEC || err.err != EINVAL || memchr(err.detail, '\0', sizeof err.detail) == NULL
            || err.detail[0] == '\0')
            abort();
        return 0;
    }
    if (s.argc < 1 || s.argv[s.argc] != NULL || s.envp[s.envc] != NULL)
        abort();
    /* every ARG and ENV is a record of its own: more than the input holds means state survived from
     * an earlier parse (regression-envc-not-reset) */
    if ((size_t)s.argc + (size_t)s.envc > size / SPEC_HEADER_SIZE)
        abort();
    for (int i = 0; i < s.argc; i++)
        touch(s.argv[i]);
    for (int i = 0; i < s.envc; i++)
        touch(s.envp[i]);
    touch(s.uid_map);
    touch(s.gid_map);
    touch(s.newuidmap);
    touch(s.newgidmap);
    touch(s.hostname);
    touch(s.domainname);
    touch(s.cwd);
    touch(s.root);
    for (int i = 0; i < s.n_mounts; i++) {
        touch(s.mounts[i].src);
        touch(s.mounts[i].dst);
        const char *d = s.mounts[i].data;
        if (s.mounts[i].data_len > 0 && (d < s.strings || d + s.mounts[i].data_len > s.strings + sizeof s.strings))
            abort();
    }
    return 0;
}
