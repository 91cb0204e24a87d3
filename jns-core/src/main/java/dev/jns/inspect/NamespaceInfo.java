package dev.jns.inspect;

import dev.jns.NamespaceType;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One namespace as {@code lsns} lists it.
 *
 * @param type      its type
 * @param inode     its inode number (the NS column)
 * @param processes how many processes are in it (NPROCS)
 * @param pid       the lowest pid in it (PID), 0 when only a path or an fd holds it
 * @param ppid      the parent pid of {@code pid} (PPID)
 * @param uid       the uid of {@code pid} (UID)
 * @param user      that uid's name (USER), or the number when it has none
 * @param command   the command line of {@code pid} (COMMAND)
 * @param path      where it is bind-mounted, when that is how it is held (NSFS)
 * @param parent    the inode of the parent namespace (user and pid namespaces)
 * @param owner     the inode of the owning user namespace
 */
public record NamespaceInfo(NamespaceType type, long inode, int processes, long pid, long ppid, long uid,
                            String user, String command, Optional<Path> path, OptionalLong parent,
                            OptionalLong owner) {
}
