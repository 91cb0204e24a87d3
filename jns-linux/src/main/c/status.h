/* Status records on fd 4 and the one error path of the launcher. */
#ifndef JNS_STATUS_H
#define JNS_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

enum status_kind {
    STATUS_PID = 1,
    STATUS_ERROR = 2,
    STATUS_STARTED = 3,
    STATUS_EXIT = 4,
    STATUS_TIMEOUT = 5,
    STATUS_NSIDS = 6,
    STATUS_CGROUP = 10,
};

/* A record is written with one write(2) of at most this many bytes (< PIPE_BUF, so atomic). */
#define STATUS_RECORD_MAX 512

/* Writes one record. Returns 0, or -1 with errno set. */
int status_write(uint32_t kind, int32_t a, int32_t b, const char *detail, size_t detail_len);

/* EXIT record: raw wait status and "utime_us stime_us maxrss_kb"; b is 1 when an init reports its
 * command (E), 0 when S reports C. With b = 1 the JVM knows the command's status for sure, and can end
 * a run() at C's end without waiting for S's. */
int status_write_exit(int wait_status, const struct rusage *ru, int from_init);

/* NSIDS record: "name=inode ..." of the files names[] in dir ("PID/ns" or "self/ns"), relative to
 * proc_fd, an O_PATH fd of the JVM's /proc opened before any join (a joined mount namespace may have
 * another pid namespace's /proc). Types the kernel lacks are left out. mnt_fd, unless NULL: an fd of the
 * mount namespace in dir (-1 when it cannot be had), which keeps it alive while open. pid > 0: a PID
 * record of it comes first, in the same write. */
int status_write_nsids(pid_t pid, int proc_fd, const char *dir, const char *const *names, int n_names,
                       int *mnt_fd);

/* The status fd: FD_STATUS, until E moves it out of the way of the fds it passes on. This and the
 * variables below are thread-local, that is, each process's own even where C shares S's address space
 * (sharedvm.c). */
extern _Thread_local int status_fd;

/* The fd of the sentinel pipe's write end while this process holds it, else -1.
 * report_error() writes one byte to it, so S knows exec did not happen. */
extern _Thread_local int status_sentinel_fd;

/* A child to kill and reap when this process fails (S: C; an init: E), or 0.
 * When status_drain_spec is set, the spec fd is read to EOF before reaping (S only: the JVM
 * must have its pidfd on C before C's pid can be reused). */
extern _Thread_local pid_t status_child;
extern _Thread_local int status_drain_spec;

/* C's end of the sync pipe while C works before S has released it (child.c: a proc it mounts while S
 * writes the id maps), else -1. report_error() then first waits for S's byte, so that C's ERROR never
 * comes before S's PID and NSIDS, and ends C silently (127) if S is gone, as the sync read does. */
extern _Thread_local int status_wait_fd;

/* S's cleanup of what it made outside the sandbox (its cgroup), run by report_error after the child is
 * reaped; NULL when there is none. */
extern _Thread_local void (*status_cleanup)(void);

/* The one error path: ERROR record (step, err, printf-style detail), sentinel byte, cleanup,
 * _exit(127). */
__attribute__((noreturn, format(printf, 3, 4)))
void report_error(int step, int err, const char *fmt, ...);

/* Reads fd until EOF, discarding what comes. Returns 0 or -1 with errno. */
int drain_to_eof(int fd);

/* The exit code that mirrors a wait status: the exit code, or 128 + signal. */
int exit_code_of(int wait_status);

#endif
