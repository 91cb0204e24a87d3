package dev.jns.linux.spawn;

/**
 * The code of a JVM's first spawn, loaded ahead of it ({@link dev.jns.linux.LinuxNamespaceProvider#prepare()}, on
 * the thread {@code jns-prepare}) while the caller is still describing the spawn: the native library first (the
 * spawn needs it soonest, and waits for it), then the classes. A fresh JVM's first spawn spends most of its time
 * loading classes one after another; the second CPU loads them too.
 */
public final class Preload {
    /** The class whose initialization loads jns's native library (package-private in its package). */
    static final String LIBRARY_CLASS = "dev.jns.linux.ffi.Calls";

    private Preload() {
    }

    /**
     * What a JVM's first {@code run()} loads once it has found jns-linux, to its return (the outcome's classes come
     * after {@code SpawnResult}'s), in the order it loads them: jns's classes
     * and those of the JDK that its class-data archive lacks (JDK 17's), a root JVM's and a plain user's (which
     * adds {@code SetGroups}). FirstSpawnClassesTest checks that it holds every class of jns a first {@code run()}
     * loads, as whichever user runs the test.
     */
    static final String[] FIRST_RUN = {
        "dev.jns.NsHandle", "dev.jns.spi.NetworkProvider", "dev.jns.internal.Checks", "dev.jns.internal.TextChecks",
        "java.lang.ProcessEnvironment", "java.lang.ProcessEnvironment$ExternalData",
        "java.lang.ProcessEnvironment$Variable", "java.lang.ProcessEnvironment$Value",
        "java.lang.ProcessEnvironment$StringEnvironment", "java.util.Collections$UnmodifiableMap$UnmodifiableEntrySet",
        "java.lang.ProcessEnvironment$StringEntrySet", "java.util.Collections$UnmodifiableMap$UnmodifiableEntrySet$1",
        "java.lang.ProcessEnvironment$StringEntrySet$1",
        "java.util.Collections$UnmodifiableMap$UnmodifiableEntrySet$UnmodifiableEntry",
        "java.lang.ProcessEnvironment$StringEntry", "dev.jns.spi.SpawnSpec", "dev.jns.spi.SpawnSpec$Builder",
        "dev.jns.spi.SpawnSpec$Sandbox", "dev.jns.linux.ffi.Sys", "dev.jns.linux.ffi.Sys$Hint",
        "dev.jns.linux.ffi.Sys$Hint$2", "dev.jns.linux.ffi.Sys$Hint$1", "dev.jns.linux.ffi.Calls",
        "dev.jns.linux.ffi.NativeLibrary", "java.io.UncheckedIOException", "java.io.IOException",
        "java.lang.UnsatisfiedLinkError", "dev.jns.linux.ffi.JarImages$Sink", "java.nio.file.FileSystemException",
        "java.nio.file.FileAlreadyExistsException", "java.nio.file.attribute.PosixFilePermissions",
        "java.nio.file.attribute.PosixFilePermission", "java.util.RegularEnumSet$EnumSetIterator",
        "java.nio.file.attribute.FileAttribute", "java.nio.file.attribute.PosixFilePermissions$1",
        "sun.nio.fs.UnixFileModeAttribute", "sun.nio.fs.UnixFileModeAttribute$1", "dev.jns.linux.ffi.NativeLibrary$1",
        "dev.jns.linux.ffi.JarImages", "java.net.URISyntaxException", "sun.nio.fs.UnixFileKey",
        "java.io.FileOutputStream$1", "dev.jns.linux.spawn.Spawner", "dev.jns.linux.spawn.FdList",
        "java.util.concurrent.ExecutionException",
        "java.util.concurrent.Callable", "dev.jns.linux.spawn.ForkServer$Abandoned", "dev.jns.linux.spawn.StdFds",
        "dev.jns.linux.spawn.Hints", "dev.jns.Errno", "dev.jns.linux.spawn.Privileges", "dev.jns.linux.proc.ProcFiles",
        "dev.jns.linux.spawn.Reaper", "dev.jns.linux.ffi.Sys$Epoll", "dev.jns.linux.spawn.Reaper$2",
        "dev.jns.linux.spawn.Reaper$1",
        "dev.jns.linux.ffi.Sys$PollSet", "dev.jns.linux.spawn.LaunchPlan", "java.lang.UnsupportedOperationException",
        "dev.jns.sandbox.SeccompFilter", "dev.jns.SetGroups", "dev.jns.linux.spawn.Launcher",
        "dev.jns.linux.spawn.Launcher$1",
        "java.lang.ProcessBuilder$Redirect$Type", "dev.jns.linux.spawn.SpecEncoder",
        "dev.jns.linux.spawn.Spawner$SpawnCall", "dev.jns.linux.spawn.LauncherProc",
        "dev.jns.linux.spawn.StatusReader", "dev.jns.linux.spawn.Logs", "dev.jns.linux.spawn.Logs$2",
        "dev.jns.linux.spawn.Logs$Log", "dev.jns.linux.spawn.Logs$1", "dev.jns.linux.spawn.Step",
        "dev.jns.linux.spawn.StatusReader$Record", "dev.jns.linux.spawn.Logs$Early",
        "dev.jns.linux.spawn.NamespaceIds", "dev.jns.linux.spawn.Spawner$Launched", "dev.jns.linux.spawn.RunLoop",
        "dev.jns.linux.spawn.Reaper$Watch", "dev.jns.linux.spawn.ExitCollector", "dev.jns.linux.spawn.RunLoop$Capture",
        "dev.jns.linux.spawn.OutputScratch", "java.nio.DirectByteBuffer$Deallocator", "dev.jns.linux.spawn.CommandEnd",
        "dev.jns.linux.spawn.RunLoop$1", "dev.jns.linux.spawn.Spawner$Collected", "dev.jns.SpawnResult",
        "dev.jns.linux.spawn.ExitStatus", "dev.jns.Outcome$Kind", "dev.jns.Outcome", "java.util.EnumMap$EntrySet",
        "java.util.AbstractMap$SimpleEntry",
    };

    /**
     * Loads jns's native library: initializes the class whose initialization loads it ({@code Calls}; a failure is
     * kept there, and the spawn's {@code Sys.requireLibrary} throws it). Not through {@code Sys}, whose own
     * initialization would come first: the spawn waits for the library, so nothing else goes before it.
     */
    public static void library() {
        try {
            Class.forName(LIBRARY_CLASS, true, Preload.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // the spawn meets it, and says what fails
        }
    }

    /**
     * Loads {@link #FIRST_RUN}'s classes, without initializing them (that stays with the spawn: a class's
     * initialization may open fds or start threads, and must happen on its thread), from the last to the first:
     * the spawn meanwhile loads from the first on, and the two meet in the middle instead of waiting for the same
     * classes. A class that does not load is left for the spawn, which says what fails.
     */
    public static void classes() {
        ClassLoader loader = Preload.class.getClassLoader();
        for (int i = FIRST_RUN.length - 1; i >= 0; i--) {
            try {
                Class.forName(FIRST_RUN[i], false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // the spawn meets it, and says what fails
            }
        }
    }
}
