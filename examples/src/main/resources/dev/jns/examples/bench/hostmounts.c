/* Makes a "grown host" for the spawn benchmark, then runs a program in it:
 *   hostmounts DIR N PROGRAM [ARGS...]
 * mounts a tmpfs on DIR, makes N directories in it and mounts a small tmpfs on each, then execs PROGRAM.
 * The benchmark starts it with jns in a new user (root mapped) + mount namespace, so the mounts exist only
 * there and vanish with it; PROGRAM (a JVM) then times sandbox spawns, whose new mount namespaces copy the
 * N + DIR mounts. Errors end it with a message on stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what, const char *path)
{
    fprintf(stderr, "hostmounts: %s %s: %s\n", what, path, strerror(errno));
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: hostmounts DIR N PROGRAM [ARGS...]\n");
        return 2;
    }
    const char *dir = argv[1];
    long n = strtol(argv[2], NULL, 10);
    /* one tmpfs holds the mount points: nothing is created in the caller's own directory */
    if (mount("jns-bench", dir, "tmpfs", 0, "size=1m,mode=0755") != 0)
        die("mount tmpfs on", dir);
    char path[4096];
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%ld", dir, i);
        if (mkdir(path, 0755) != 0)
            die("mkdir", path);
        /* a small, empty file system per mount point: what a new mount namespace copies is the mount itself */
        if (mount("jns-bench", path, "tmpfs", 0, "size=4k,mode=0755") != 0)
            die("mount tmpfs on", path);
    }
    execv(argv[3], argv + 3);
    die("exec", argv[3]);
    return 2;
}
