package dev.jns.linux.spawn;

import dev.jns.Namespaces;

import java.util.concurrent.TimeUnit;

/**
 * {@link Slf4jStartTest}'s fresh JVM, with {@link BlockingSlf4jProvider} as its SLF4J provider: a first run(), then a
 * second one while SLF4J's start is held, then the start released and {@code System.exit} at once.
 */
public final class Slf4jStartMain {
    private Slf4jStartMain() {
    }

    public static void main(String[] args) throws Exception {
        Namespaces.spawn().run("/bin/true");
        System.out.println("first run done");
        if (!BlockingSlf4jProvider.ENTERED.await(30, TimeUnit.SECONDS)) {
            System.out.println("SLF4J never started");
            System.exit(3);
        }
        Namespaces.spawn().run("/bin/false");
        System.out.println("second run done while SLF4J starts");
        BlockingSlf4jProvider.RELEASE.countDown();
        System.exit(0);
    }
}
