/* The C floor of the spawn benchmark: what the kernel needs for the same work as jns's default sandbox,
 * timed from within C. For each line on stdin ('s' or 'p') it starts /bin/true and waits for it, then
 * prints the nanoseconds that took:
 *   s  clone with new user, pid, mount, uts and ipc namespaces; the parent writes the id maps (root mapped
 *      to the caller, setgroups denied); the child makes / private, mounts a proc on /proc and, as PID 1,
 *      forks /bin/true and waits for it (an init, as jns's);
 *   p  plain fork + exec + wait;
 *   v  as s, but /bin/true is started with vfork (the child shares the parent's address space until its
 *      exec, as jns's launcher does since issue 17's fourth session);
 *   q  plain vfork + exec + wait;
 *   m  as v, with the new proc masked as jns masks it by default (runc's masked and read-only paths under
 *      /proc, each where the kernel has it: /dev/null bound on files, an empty read-only tmpfs on
 *      directories, read-only binds), so that the secure default's own cost shows.
 * A count after the letter ("m 250") does that many back to back and prints the nanoseconds of all of them: the
 * benchmark's throughput runs several of these programs at once, with nothing else between the spawns.
 *   c  prints the CPU time (user and system) this program and the children it reaped have used so far, in
 *      microseconds (getrusage: exact, where /proc/PID/stat counts whole clock ticks).
 * Built by SpawnBenchmark with the system's cc; errors end the program with a message on stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "cfloor: %s: %s\n", what, strerror(errno));
    exit(2);
}

static long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        die(path);
    ssize_t n = write(fd, text, strlen(text));
    if (n != (ssize_t)strlen(text))
        die(path);
    close(fd);
}

static int run_true(int use_vfork)
{
    pid_t p = use_vfork ? vfork() : fork();
    if (p < 0)
        return -1;
    if (p == 0) {
        char *argv[] = { "/bin/true", NULL };
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(p, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* In the new mount namespace, after the proc mount: 0, or the step that failed (for the exit code). */
static int mask_proc(void)
{
    static const char *const masked[] = {
        "kcore", "keys", "timer_list", "timer_stats", "sched_debug", "latency_stats", "acpi", "asound", "scsi",
    };
    static const char *const read_only[] = { "sys", "sysrq-trigger", "irq", "bus", "fs" };
    char path[64];
    struct stat st;
    for (size_t i = 0; i < sizeof masked / sizeof masked[0]; i++) {
        snprintf(path, sizeof path, "/proc/%s", masked[i]);
        if (lstat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k") < 0)
                return 124;
        } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
            return 125;
        }
    }
    for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++) {
        snprintf(path, sizeof path, "/proc/%s", read_only[i]);
        if (lstat(path, &st) < 0)
            continue;
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0
            || syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof attr) < 0)
            return 126;
    }
    return 0;
}

static int sandbox(int use_vfork, int masked)
{
    int sync[2];
    if (pipe2(sync, O_CLOEXEC) < 0)
        die("pipe");
    long flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
    pid_t c = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
    if (c < 0)
        die("clone");
    if (c == 0) {
        char b;
        close(sync[1]);
        if (read(sync[0], &b, 1) != 1)   /* the maps are written */
            _exit(120);
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            _exit(121);
        if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            _exit(122);
        int failed = masked ? mask_proc() : 0;
        if (failed)
            _exit(failed);
        int code = run_true(use_vfork);
        _exit(code < 0 ? 123 : code);
    }
    close(sync[0]);
    char path[64], map[64];
    snprintf(map, sizeof map, "0 %d 1\n", (int)getuid());
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)c);
    write_file(path, map);
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)c);
    write_file(path, "deny\n");
    snprintf(map, sizeof map, "0 %d 1\n", (int)getgid());
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)c);
    write_file(path, map);
    if (write(sync[1], "x", 1) != 1)
        die("release the child");
    close(sync[1]);
    int st;
    while (waitpid(c, &st, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static long micros(const struct timeval *t)
{
    return t->tv_sec * 1000000L + t->tv_usec;
}

static int once(char what)
{
    return what == 's' ? sandbox(0, 0) : what == 'v' ? sandbox(1, 0) : what == 'm' ? sandbox(1, 1)
        : run_true(what == 'q');
}

int main(void)
{
    char line[32];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        if (line[0] == 'c') {
            struct rusage self, children;
            if (getrusage(RUSAGE_SELF, &self) != 0 || getrusage(RUSAGE_CHILDREN, &children) != 0)
                die("getrusage");
            printf("%ld\n", micros(&self.ru_utime) + micros(&self.ru_stime) + micros(&children.ru_utime)
                   + micros(&children.ru_stime));
            continue;
        }
        long count = line[0] != '\0' && line[1] == ' ' ? strtol(line + 2, NULL, 10) : 1;
        long t0 = now_ns();
        for (long i = 0; i < count; i++) {
            int code = once(line[0]);
            if (code != 0) {
                fprintf(stderr, "cfloor: /bin/true ended with %d\n", code);
                return 1;
            }
        }
        printf("%ld\n", now_ns() - t0);
    }
    return 0;
}
