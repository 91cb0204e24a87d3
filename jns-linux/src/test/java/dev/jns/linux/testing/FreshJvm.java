package dev.jns.linux.testing;

/** For tests that start a fresh JVM (a first spawn, a JVM killed mid-spawn, the module path): its java. */
public final class FreshJvm {
    private FreshJvm() {
    }

    /** The java launcher of this JVM (the same JDK, whichever stage of CI runs the tests). */
    public static String java() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }
}
