package dev.jns.sandbox;

import dev.jns.InvalidSpecException;

import java.util.Locale;

/**
 * Linux capabilities by name, numbered as in {@code <linux/capability.h>} ({@link #ordinal()} is the number).
 * See {@link Security.Builder#keepCapabilities} and {@link Security.Builder#dropCapabilities}.
 */
public enum Capability {
    /** Linux capability 0. */
    CAP_CHOWN,
    /** Linux capability 1. */
    CAP_DAC_OVERRIDE,
    /** Linux capability 2. */
    CAP_DAC_READ_SEARCH,
    /** Linux capability 3. */
    CAP_FOWNER,
    /** Linux capability 4. */
    CAP_FSETID,
    /** Linux capability 5. */
    CAP_KILL,
    /** Linux capability 6. */
    CAP_SETGID,
    /** Linux capability 7. */
    CAP_SETUID,
    /** Linux capability 8. */
    CAP_SETPCAP,
    /** Linux capability 9. */
    CAP_LINUX_IMMUTABLE,
    /** Linux capability 10. */
    CAP_NET_BIND_SERVICE,
    /** Linux capability 11. */
    CAP_NET_BROADCAST,
    /** Linux capability 12. */
    CAP_NET_ADMIN,
    /** Linux capability 13. */
    CAP_NET_RAW,
    /** Linux capability 14. */
    CAP_IPC_LOCK,
    /** Linux capability 15. */
    CAP_IPC_OWNER,
    /** Linux capability 16. */
    CAP_SYS_MODULE,
    /** Linux capability 17. */
    CAP_SYS_RAWIO,
    /** Linux capability 18. */
    CAP_SYS_CHROOT,
    /** Linux capability 19. */
    CAP_SYS_PTRACE,
    /** Linux capability 20. */
    CAP_SYS_PACCT,
    /** Linux capability 21. */
    CAP_SYS_ADMIN,
    /** Linux capability 22. */
    CAP_SYS_BOOT,
    /** Linux capability 23. */
    CAP_SYS_NICE,
    /** Linux capability 24. */
    CAP_SYS_RESOURCE,
    /** Linux capability 25. */
    CAP_SYS_TIME,
    /** Linux capability 26. */
    CAP_SYS_TTY_CONFIG,
    /** Linux capability 27. */
    CAP_MKNOD,
    /** Linux capability 28. */
    CAP_LEASE,
    /** Linux capability 29. */
    CAP_AUDIT_WRITE,
    /** Linux capability 30. */
    CAP_AUDIT_CONTROL,
    /** Linux capability 31. */
    CAP_SETFCAP,
    /** Linux capability 32. */
    CAP_MAC_OVERRIDE,
    /** Linux capability 33. */
    CAP_MAC_ADMIN,
    /** Linux capability 34. */
    CAP_SYSLOG,
    /** Linux capability 35. */
    CAP_WAKE_ALARM,
    /** Linux capability 36. */
    CAP_BLOCK_SUSPEND,
    /** Linux capability 37. */
    CAP_AUDIT_READ,
    /** Linux capability 38. */
    CAP_PERFMON,
    /** Linux capability 39. */
    CAP_BPF,
    /** Linux capability 40. */
    CAP_CHECKPOINT_RESTORE;

    /** The kernel's number of this capability. */
    public int number() {
        return ordinal();
    }

    /**
     * The capability of a name, with or without the {@code CAP_} prefix, in any case ({@code "net_admin"}).
     *
     * @throws InvalidSpecException when no capability has that name
     */
    public static Capability of(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (!n.startsWith("CAP_")) {
            n = "CAP_" + n;
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("capability", "'" + name + "' is not a Linux capability",
                    "use names such as CAP_NET_ADMIN (see capabilities(7))");
        }
    }
}
