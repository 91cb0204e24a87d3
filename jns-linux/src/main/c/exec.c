#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"

static const char *path_of(char *const envp[])
{
    for (int i = 0; envp[i] != NULL; i++)
        if (strncmp(envp[i], "PATH=", 5) == 0)
            return envp[i] + 5;
    return DEFAULT_PATH;
}

int exec_command(const char *prog, char *const argv[], char *const envp[])
{
    if (strchr(prog, '/') != NULL) {
        execve(prog, argv, envp);
        return errno;
    }

    /* As execvpe: try each PATH entry (an empty one is the current directory). Errors that
     * mean "not here" go on to the next entry; EACCES is remembered and wins at the end;
     * any other error is the answer at once (the file is there but cannot run). */
    size_t plen = strlen(prog);
    int seen_eacces = 0;
    const char *dir = path_of(envp);
    for (;;) {
        const char *end = strchr(dir, ':');
        size_t dlen = end ? (size_t)(end - dir) : strlen(dir);
        char candidate[PATH_MAX];
        if (dlen + 1 + plen + 1 <= sizeof candidate) {
            size_t n = 0;
            if (dlen > 0) {
                memcpy(candidate, dir, dlen);
                candidate[dlen] = '/';
                n = dlen + 1;
            }
            memcpy(candidate + n, prog, plen + 1);
            execve(candidate, argv, envp);
            switch (errno) {
            case EACCES:
                seen_eacces = 1;
                break;
            case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT: case ELOOP:
            case ENAMETOOLONG:
                break;
            default:
                return errno;
            }
        }
        if (end == NULL)
            break;
        dir = end + 1;
    }
    return seen_eacces ? EACCES : ENOENT;
}
