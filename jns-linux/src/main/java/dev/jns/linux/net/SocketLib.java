package dev.jns.linux.net;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The socket calls of libc that rtnetlink needs, bound with jnr-ffi. Public only because jnr-ffi generates its
 * classes in an unnamed module; not an API.
 */
public interface SocketLib {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] addr, int addrlen);

    int setsockopt(int fd, int level, int name, @In byte[] value, int len);

    @ssize_t long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] addr, int addrlen);

    @ssize_t long recv(int fd, @Out byte[] buf, @size_t long len, int flags);

    int close(int fd);
}
