/* libjns-calls: the system calls of the JVM side of jns (dev.jns.linux.ffi.Calls), through JNI.
 *
 * Why JNI and not a binding generated at run time: the JVM's first spawn paid ~0.4 s to initialize jnr-ffi and
 * generate its libc class (issue 17); System.load of this small library takes a few milliseconds. Each function
 * is one call (or the few a struct needs), and returns its result or -errno: the errno is read here, right after
 * the call, on the thread that made it, so no other code can clobber it on the way to Java.
 *
 * Java arrays are copied in and out (Get/SetArrayRegion), never pinned: a call may block (read, poll, open of a
 * FIFO) and a pinned array would hold the garbage collector for that long. Paths and names arrive as UTF-8 bytes
 * without the terminating NUL; one with a NUL inside is refused (EINVAL) rather than cut short.
 *
 * C11, -Wall -Wextra -Werror, hardened flags: build.sh beside this file. */
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define UNUSED __attribute__((unused))
#define FN(name) JNIEXPORT jint JNICALL Java_dev_jns_linux_ffi_Calls_##name
#define ENV JNIEnv *env, UNUSED jclass cls

/* `call` again while it fails with EINTR, its last result in `r`: for the calls that may block on a pipe or
 * socket (opens of FIFOs too), which the Java side would otherwise loop on itself. */
#define RETRY_EINTR(r, call) \
    do \
        (r) = (call); \
    while ((r) < 0 && errno == EINTR)

/* A result: the value, or -errno when the call failed (-1). A function, not a macro that names its argument
 * twice: RESULT(call(...)) as a macro made the call twice (two epoll_create1s, an EEXIST from the second
 * epoll_ctl). errno is read here, before anything else can change it: the argument is evaluated first. */
static jint result(long r)
{
    return r < 0 ? -errno : (jint)r;
}
#define RESULT(r) result(r)

/* A Java array region out of range leaves an exception pending (ArrayIndexOutOfBoundsException) and copies
 * nothing: the call is not made, and the exception reaches the caller when the native method returns. */
#define COPY_FAILED(env) ((*(env))->ExceptionCheck(env))

/* Bytes a read or write copies through the stack; more go through one malloc. */
#define STACK_BYTES 8192
/* struct pollfd entries on the stack; more through malloc. */
#define STACK_POLLS 16

/* A buffer of len bytes: stack (STACK_BYTES of the caller's) when it fits, else malloc'd; NULL when out of
 * memory. buffer_done frees what buffer_for allocated. */
static char *buffer_for(jint len, char *stack)
{
    return len <= STACK_BYTES ? stack : malloc((size_t)len);
}

static void buffer_done(char *b, const char *stack)
{
    if (b != stack)
        free(b);
}

/* buf[off..off + len) copied into a buffer_for one: the buffer, or NULL with errno ENOMEM, or EFAULT when the
 * range is not in the array (an exception is then pending). */
static char *bytes_in(JNIEnv *env, jbyteArray buf, jint off, jint len, char *stack)
{
    char *b = buffer_for(len, stack);
    if (b == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, buf, off, len, (jbyte *)b);
    if (COPY_FAILED(env)) {
        buffer_done(b, stack);
        errno = EFAULT;
        return NULL;
    }
    return b;
}

/* The end of a call that filled b: its n bytes into buf[off..] when it got any; the count or -err. */
static jint bytes_read(JNIEnv *env, jbyteArray buf, jint off, char *b, const char *stack, ssize_t n, int err)
{
    if (n > 0)
        (*env)->SetByteArrayRegion(env, buf, off, (jsize)n, (const jbyte *)b);
    buffer_done(b, stack);
    return n < 0 ? -err : (jint)n;
}

/* A path (or name) from Java into buf (PATH_MAX + 1 bytes), NUL-terminated: 0, or -errno. A null array is
 * a null pointer (*out NULL). */
static int c_path(JNIEnv *env, jbyteArray bytes, char *buf, const char **out)
{
    if (bytes == NULL) {
        *out = NULL;
        return 0;
    }
    jsize n = (*env)->GetArrayLength(env, bytes);
    if (n >= PATH_MAX)
        return -ENAMETOOLONG;
    (*env)->GetByteArrayRegion(env, bytes, 0, n, (jbyte *)buf);
    if (COPY_FAILED(env))
        return -EFAULT;
    buf[n] = '\0';
    if (memchr(buf, '\0', (size_t)n) != NULL)
        return -EINVAL;
    *out = buf;
    return 0;
}

#define PATH_ARG(var, bytes)                                   \
    char var##_buf[PATH_MAX];                                  \
    const char *var;                                           \
    do {                                                       \
        int var##_err = c_path(env, bytes, var##_buf, &var);   \
        if (var##_err < 0)                                     \
            return var##_err;                                  \
    } while (0)

/* ---- files */

FN(open)(ENV, jbyteArray path, jint flags, jint mode)
{
    PATH_ARG(p, path);
    int r;
    RETRY_EINTR(r, open(p, flags, (mode_t)mode));
    return RESULT(r);
}

FN(openat)(ENV, jint dirfd, jbyteArray path, jint flags, jint mode)
{
    PATH_ARG(p, path);
    int r;
    RETRY_EINTR(r, openat(dirfd, p, flags, (mode_t)mode));
    return RESULT(r);
}

FN(close)(UNUSED JNIEnv *env, UNUSED jclass cls, jint fd)
{
    int r = close(fd);
    return RESULT(r);
}

FN(read)(ENV, jint fd, jbyteArray buf, jint off, jint len)
{
    char stack[STACK_BYTES];
    char *b = buffer_for(len, stack);
    if (b == NULL)
        return -ENOMEM;
    ssize_t n;
    RETRY_EINTR(n, read(fd, b, (size_t)len));
    return bytes_read(env, buf, off, b, stack, n, errno);
}

FN(readDirect)(JNIEnv *env, UNUSED jclass cls, jint fd, jobject buffer, jint len)
{
    void *b = (*env)->GetDirectBufferAddress(env, buffer);
    if (b == NULL || (*env)->GetDirectBufferCapacity(env, buffer) < len)
        return -EINVAL;
    ssize_t n;
    RETRY_EINTR(n, read(fd, b, (size_t)len));
    return RESULT(n);
}

FN(write)(ENV, jint fd, jbyteArray buf, jint off, jint len)
{
    char stack[STACK_BYTES];
    char *b = bytes_in(env, buf, off, len, stack);
    if (b == NULL)
        return -errno;
    ssize_t n;
    RETRY_EINTR(n, write(fd, b, (size_t)len));
    int err = errno;
    buffer_done(b, stack);
    return n < 0 ? -err : (jint)n;
}

/* A call's result r with an int it gave back through a pointer: value into out[0] when r succeeded; r or -errno. */
static jint int_out(JNIEnv *env, jintArray out, int r, int value)
{
    if (r < 0)
        return -errno;
    jint v = value;
    (*env)->SetIntArrayRegion(env, out, 0, 1, &v);
    return r;
}

/* Both fds of a pipe2 or socketpair into out[0..1]. */
static void put_pair(JNIEnv *env, jintArray out, const int *fds)
{
    jint v[2] = { fds[0], fds[1] };
    (*env)->SetIntArrayRegion(env, out, 0, 2, v);
}

FN(pipe2)(ENV, jintArray out, jint flags)
{
    int fds[2];
    if (pipe2(fds, flags) < 0)
        return -errno;
    put_pair(env, out, fds);
    return 0;
}

FN(fcntl)(UNUSED JNIEnv *env, UNUSED jclass cls, jint fd, jint cmd, jint arg)
{
    int r = fcntl(fd, cmd, arg);
    return RESULT(r);
}

/* out: st_dev, st_ino */
FN(fstatDevIno)(ENV, jint fd, jlongArray out)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    jlong v[2] = { (jlong)st.st_dev, (jlong)st.st_ino };
    (*env)->SetLongArrayRegion(env, out, 0, 2, v);
    return 0;
}

/* out: stx_mode, stx_uid, stx_size, stx_dev_major, stx_dev_minor, stx_ino */
FN(statx)(ENV, jint dirfd, jbyteArray path, jint flags, jint mask, jlongArray out)
{
    PATH_ARG(p, path);
    struct statx sx;
    if (statx(dirfd, p, flags, (unsigned)mask, &sx) < 0)
        return -errno;
    jlong v[6] = { sx.stx_mode, sx.stx_uid, (jlong)sx.stx_size, sx.stx_dev_major, sx.stx_dev_minor,
                   (jlong)sx.stx_ino };
    (*env)->SetLongArrayRegion(env, out, 0, 6, v);
    return 0;
}

/* out: f_type */
FN(fstatfsType)(ENV, jint fd, jlongArray out)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) < 0)
        return -errno;
    jlong v = (jlong)sf.f_type;
    (*env)->SetLongArrayRegion(env, out, 0, 1, &v);
    return 0;
}

FN(readlinkat)(ENV, jint dirfd, jbyteArray path, jbyteArray buf)
{
    PATH_ARG(p, path);
    char target[PATH_MAX];
    jsize cap = (*env)->GetArrayLength(env, buf);
    ssize_t n = readlinkat(dirfd, p, target, cap < PATH_MAX ? (size_t)cap : PATH_MAX);
    if (n < 0)
        return -errno;
    (*env)->SetByteArrayRegion(env, buf, 0, (jsize)n, (const jbyte *)target);
    return (jint)n;
}

FN(unlinkat)(ENV, jint dirfd, jbyteArray path, jint flags)
{
    PATH_ARG(p, path);
    int r = unlinkat(dirfd, p, flags);
    return RESULT(r);
}

FN(unlink)(ENV, jbyteArray path)
{
    PATH_ARG(p, path);
    int r = unlink(p);
    return RESULT(r);
}

FN(mkdir)(ENV, jbyteArray path, jint mode)
{
    PATH_ARG(p, path);
    int r = mkdir(p, (mode_t)mode);
    return RESULT(r);
}

FN(memfdCreate)(ENV, jbyteArray name, jint flags)
{
    PATH_ARG(n, name);
    int r = memfd_create(n, (unsigned)flags);
    return RESULT(r);
}

/* ---- namespaces and mounts */

FN(ioctl)(UNUSED JNIEnv *env, UNUSED jclass cls, jint fd, jlong request)
{
    int r = ioctl(fd, (unsigned long)request);
    return RESULT(r);
}

/* ioctl with an int result written through its argument (NS_GET_OWNER_UID): into out[0]. */
FN(ioctlInt)(ENV, jint fd, jlong request, jintArray out)
{
    int value = 0;
    int r = ioctl(fd, (unsigned long)request, &value);
    return int_out(env, out, r, value);
}

FN(setns)(UNUSED JNIEnv *env, UNUSED jclass cls, jint fd, jint nstype)
{
    int r = setns(fd, nstype);
    return RESULT(r);
}

FN(unshare)(UNUSED JNIEnv *env, UNUSED jclass cls, jint flags)
{
    int r = unshare(flags);
    return RESULT(r);
}

FN(mount)(ENV, jbyteArray source, jbyteArray target, jbyteArray fstype, jlong flags)
{
    PATH_ARG(s, source);
    PATH_ARG(t, target);
    PATH_ARG(f, fstype);
    int r = mount(s, t, f, (unsigned long)flags, NULL);
    return RESULT(r);
}

FN(umount2)(ENV, jbyteArray target, jint flags)
{
    PATH_ARG(t, target);
    int r = umount2(t, flags);
    return RESULT(r);
}

/* ---- processes */

FN(kill)(UNUSED JNIEnv *env, UNUSED jclass cls, jint pid, jint sig)
{
    int r = kill(pid, sig);
    return RESULT(r);
}

FN(geteuid)(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    return (jint)geteuid();
}

/* waitpid: the pid or -errno; the raw status into status[0]. */
FN(waitpid)(ENV, jint pid, jintArray status, jint options)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, options);
    return int_out(env, status, r, st);
}

FN(pidfdOpen)(UNUSED JNIEnv *env, UNUSED jclass cls, jint pid, jint flags)
{
    long r = syscall(SYS_pidfd_open, (pid_t)pid, (unsigned)flags);
    return RESULT(r);
}

FN(pidfdSendSignal)(UNUSED JNIEnv *env, UNUSED jclass cls, jint pidfd, jint sig)
{
    long r = syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0U);
    return RESULT(r);
}

/* posix_spawn of path with sources[i] as its fd i, an empty signal mask and every signal at its default
 * disposition, no environment: the pid, or -errno. keep_fd (or -1) is an fd the file actions must not touch (the
 * executable's own, run through /proc/self/fd after them). The file actions come in two phases, so that no
 * source is overwritten before it is copied: first each out of the way (above every source, every target and
 * keep_fd), then home. */
FN(posixSpawn)(JNIEnv *env, UNUSED jclass cls, jbyteArray path, jintArray sources, jint keep_fd,
               jobjectArray argv)
{
    enum { MAX_FDS = 64, MAX_ARGS = 8, MAX_ARG = 64 };
    PATH_ARG(p, path);
    jsize n = (*env)->GetArrayLength(env, sources);
    jsize argc = (*env)->GetArrayLength(env, argv);
    if (n > MAX_FDS || argc >= MAX_ARGS)
        return -E2BIG;
    jint src[MAX_FDS];
    (*env)->GetIntArrayRegion(env, sources, 0, n, src);
    if (COPY_FAILED(env))
        return -EFAULT;
    char args[MAX_ARGS][MAX_ARG];
    char *args_p[MAX_ARGS];
    for (jsize i = 0; i < argc; i++) {
        jbyteArray a = (*env)->GetObjectArrayElement(env, argv, i);
        jsize len = a == NULL ? -1 : (*env)->GetArrayLength(env, a);
        if (len < 0 || len >= MAX_ARG)
            return -E2BIG;
        (*env)->GetByteArrayRegion(env, a, 0, len, (jbyte *)args[i]);
        args[i][len] = '\0';
        (*env)->DeleteLocalRef(env, a);
        if (memchr(args[i], '\0', (size_t)len) != NULL)
            return -EINVAL;
        args_p[i] = args[i];
    }
    args_p[argc] = NULL;
    char *envp[] = { NULL };

    int base = n > keep_fd ? n : keep_fd;
    for (jsize i = 0; i < n; i++)
        if (src[i] > base)
            base = src[i];
    base++;

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, all;
    int err = posix_spawn_file_actions_init(&fa);
    if (err != 0)
        return -err;
    err = posix_spawnattr_init(&attr);
    if (err != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return -err;
    }
    sigemptyset(&none);
    sigfillset(&all);
    err = posix_spawnattr_setsigmask(&attr, &none);
    if (err == 0)
        err = posix_spawnattr_setsigdefault(&attr, &all);
    if (err == 0)
        err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    for (jsize i = 0; err == 0 && i < n; i++)
        err = posix_spawn_file_actions_adddup2(&fa, src[i], base + i);
    for (jsize i = 0; err == 0 && i < n; i++) {
        err = posix_spawn_file_actions_adddup2(&fa, base + i, i);
        if (err == 0)
            err = posix_spawn_file_actions_addclose(&fa, base + i);
    }
    pid_t pid = 0;
    if (err == 0)
        err = posix_spawn(&pid, p, &fa, &attr, args_p, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    return err != 0 ? -err : (jint)pid;
}

/* ---- epoll */

/* epoll events one epollWait takes at most (the stack's room). */
#define EPOLL_BATCH 64

/* epoll_create1(EPOLL_CLOEXEC). */
FN(epollCreate)(ENV)
{
    (void)env;
    return RESULT(epoll_create1(EPOLL_CLOEXEC));
}

/* epoll_ctl(2) of fd (EPOLL_CTL_ADD or EPOLL_CTL_MOD) with events and a 64-bit key as its data. */
FN(epollCtl)(ENV, jint epfd, jint op, jint fd, jint events, jlong key)
{
    (void)env;
    struct epoll_event ev = { .events = (uint32_t)events, .data.u64 = (uint64_t)key };
    return RESULT(epoll_ctl(epfd, op, fd, &ev));
}

/* epoll_wait(2) for at most min(keys' length, EPOLL_BATCH) events: their keys in keys[0..n), n returned. */
FN(epollWait)(ENV, jint epfd, jlongArray keys, jint timeout)
{
    struct epoll_event ev[EPOLL_BATCH];
    jint room = (*env)->GetArrayLength(env, keys);
    int r = epoll_wait(epfd, ev, room < EPOLL_BATCH ? room : EPOLL_BATCH, timeout);
    if (r < 0)
        return -errno;
    jlong out[EPOLL_BATCH];
    for (int i = 0; i < r; i++)
        out[i] = (jlong)ev[i].data.u64;
    (*env)->SetLongArrayRegion(env, keys, 0, r, out);
    return r;
}

/* ---- poll */

/* poll(2) on pollfds laid out in an int array, two ints each: the fd, then events in the low and revents in
 * the high 16 bits. */
FN(poll)(ENV, jintArray fds, jint nfds, jint timeout)
{
    struct pollfd stack[STACK_POLLS];
    struct pollfd *p = nfds <= STACK_POLLS ? stack : calloc((size_t)nfds, sizeof *p);
    jint vstack[2 * STACK_POLLS];
    jint *v = nfds <= STACK_POLLS ? vstack : calloc((size_t)nfds * 2, sizeof *v);
    if (p == NULL || v == NULL) {
        if (p != stack)
            free(p);
        if (v != vstack)
            free(v);
        return -ENOMEM;
    }
    (*env)->GetIntArrayRegion(env, fds, 0, 2 * nfds, v);
    if (COPY_FAILED(env))
        nfds = 0;
    for (jint i = 0; i < nfds; i++) {
        p[i].fd = v[2 * i];
        p[i].events = (short)(v[2 * i + 1] & 0xffff);
        p[i].revents = 0;
    }
    int r = COPY_FAILED(env) ? (errno = EFAULT, -1) : poll(p, (nfds_t)nfds, timeout);
    int err = errno;
    if (r >= 0) {
        for (jint i = 0; i < nfds; i++)
            v[2 * i + 1] = (v[2 * i + 1] & 0xffff) | ((jint)(unsigned short)p[i].revents << 16);
        (*env)->SetIntArrayRegion(env, fds, 0, 2 * nfds, v);
    }
    if (p != stack)
        free(p);
    if (v != vstack)
        free(v);
    return r < 0 ? -err : r;
}

/* ---- sockets */

FN(socket)(UNUSED JNIEnv *env, UNUSED jclass cls, jint domain, jint type, jint protocol)
{
    int r = socket(domain, type, protocol);
    return RESULT(r);
}

FN(socketpair)(ENV, jint domain, jint type, jint protocol, jintArray out)
{
    int sv[2];
    if (socketpair(domain, type, protocol, sv) < 0)
        return -errno;
    put_pair(env, out, sv);
    return 0;
}

FN(setsockoptInt)(UNUSED JNIEnv *env, UNUSED jclass cls, jint fd, jint level, jint name, jint value)
{
    int v = value;
    int r = setsockopt(fd, level, name, &v, sizeof v);
    return RESULT(r);
}

/* SO_RCVTIMEO of whole seconds. */
FN(receiveTimeout)(UNUSED JNIEnv *env, UNUSED jclass cls, jint fd, jint seconds)
{
    struct timeval tv = { .tv_sec = seconds, .tv_usec = 0 };
    int r = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return RESULT(r);
}

/* The kernel's netlink address (port 0; for bind: "pick one for me"), no groups. */
static struct sockaddr_nl kernel_address(int family)
{
    struct sockaddr_nl a;
    memset(&a, 0, sizeof a);
    a.nl_family = (sa_family_t)family;
    return a;
}

FN(bindNetlink)(UNUSED JNIEnv *env, UNUSED jclass cls, jint fd, jint family)
{
    struct sockaddr_nl a = kernel_address(family);
    int r = bind(fd, (const struct sockaddr *)&a, sizeof a);
    return RESULT(r);
}

FN(sendToKernel)(ENV, jint fd, jint family, jbyteArray buf, jint len)
{
    struct sockaddr_nl a = kernel_address(family);
    char stack[STACK_BYTES];
    char *b = bytes_in(env, buf, 0, len, stack);
    if (b == NULL)
        return -errno;
    ssize_t n;
    RETRY_EINTR(n, sendto(fd, b, (size_t)len, 0, (const struct sockaddr *)&a, sizeof a));
    int err = errno;
    buffer_done(b, stack);
    return n < 0 ? -err : (jint)n;
}

FN(recv)(ENV, jint fd, jbyteArray buf, jint len, jint flags)
{
    char stack[STACK_BYTES];
    char *b = buffer_for(len, stack);
    if (b == NULL)
        return -ENOMEM;
    ssize_t n;
    RETRY_EINTR(n, recv(fd, b, (size_t)len, flags));
    return bytes_read(env, buf, 0, b, stack, n, errno);
}

/* sendmsg of data[0..len) with fds (SCM_RIGHTS; none when the array is empty): the count or -errno. */
FN(sendWithFds)(ENV, jint sock, jbyteArray data, jint len, jintArray fds, jint flags)
{
    enum { MAX_FDS = 64 };
    jsize n = (*env)->GetArrayLength(env, fds);
    if (n > MAX_FDS)
        return -E2BIG;
    char stack[STACK_BYTES];
    char *body = bytes_in(env, data, 0, len, stack);
    if (body == NULL)
        return -errno;
    union { char buf[CMSG_SPACE(MAX_FDS * sizeof(int))]; struct cmsghdr align; } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = { .iov_base = body, .iov_len = (size_t)len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (n > 0) {
        jint v[MAX_FDS];
        (*env)->GetIntArrayRegion(env, fds, 0, n, v);
        msg.msg_control = ctl.buf;
        msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
        for (jsize i = 0; i < n; i++) {
            int fd = v[i];
            memcpy(CMSG_DATA(c) + (size_t)i * sizeof(int), &fd, sizeof(int));
        }
    }
    ssize_t r = -1;
    if (COPY_FAILED(env))
        errno = EFAULT;
    else
        RETRY_EINTR(r, sendmsg(sock, &msg, flags));
    int err = errno;
    buffer_done(body, stack);
    return r < 0 ? -err : (jint)r;
}

/* recvmsg of up to len bytes into buf and at most one fd (into fd_out[0], -1 when none), with flags: the count
 * or -errno. More fds than one do not fit the control buffer: the kernel closes them (MSG_CTRUNC). */
FN(receiveWithFd)(ENV, jint sock, jbyteArray buf, jint len, jintArray fd_out, jint flags)
{
    char stack[STACK_BYTES];
    char *b = buffer_for(len, stack);
    if (b == NULL)
        return -ENOMEM;
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = { .iov_base = b, .iov_len = (size_t)len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                          .msg_controllen = sizeof ctl.buf };
    ssize_t n;
    RETRY_EINTR(n, recvmsg(sock, &msg, flags));
    int err = errno;
    jint fd = -1;
    if (n >= 0) {
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS
            && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int got;
            memcpy(&got, CMSG_DATA(c), sizeof got);
            fd = got;
        }
        (*env)->SetIntArrayRegion(env, fd_out, 0, 1, &fd);
    }
    return bytes_read(env, buf, 0, b, stack, n, err);
}
