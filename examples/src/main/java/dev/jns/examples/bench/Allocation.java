package dev.jns.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Heap bytes allocated per call, counted over every thread of the JVM, not only the caller's: jns does part of
 * a spawn's work on threads of its own (the fork server's I/O, exit collection, the reaper), so the calling
 * thread's own counter would undercount.
 *
 * <p>On JDK 21 and later the JVM's total ({@code getTotalThreadAllocatedBytes}) counts threads that ended
 * during the batch too. Before JDK 21 the count is the sum over the threads alive before and after the batch:
 * what a thread allocated between the first snapshot and its end is lost, so the report says how many threads
 * ended or started meanwhile (0 and 0: nothing was lost).
 */
final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final Method TOTAL = total();

    private Allocation() {
    }

    /** Bytes per call of {@code once}, over {@code calls} calls after {@code calls / 4} untimed ones; one line. */
    static String perCall(int calls, Runnable once) {
        if (!THREADS.isThreadAllocatedMemorySupported()) {
            return "not measured: this JVM does not count allocation per thread";
        }
        THREADS.setThreadAllocatedMemoryEnabled(true);
        for (int i = 0; i < calls / 4; i++) {
            once.run();
        }
        long me = Thread.currentThread().getId();
        long started = THREADS.getTotalStartedThreadCount();
        Long totalBefore = jvmTotal();
        Map<Long, Long> before = live();
        for (int i = 0; i < calls; i++) {
            once.run();
        }
        Map<Long, Long> after = live();
        Long totalAfter = jvmTotal();
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        long ended = before.keySet().stream().filter(id -> !after.containsKey(id)).count();
        long caller = after.get(me) - before.get(me);
        if (totalBefore != null && totalAfter != null) {
            return String.format(Locale.ROOT, "%6.1f KiB per call (JVM total, all threads; calling thread alone %.1f KiB)",
                    (totalAfter - totalBefore) / 1024.0 / calls, caller / 1024.0 / calls);
        }
        return String.format(Locale.ROOT, "%6.1f KiB per call (live threads summed; calling thread alone %.1f KiB; "
                + "threads ended meanwhile %d, started %d: %s)", sum / 1024.0 / calls, caller / 1024.0 / calls, ended,
                THREADS.getTotalStartedThreadCount() - started,
                ended == 0 ? "nothing lost" : "what they allocated after the first snapshot is not counted");
    }

    /** Bytes allocated so far by each live thread. */
    private static Map<Long, Long> live() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }

    /** The JVM's own total over all threads, ended ones included (JDK 21+), or null. */
    private static Long jvmTotal() {
        if (TOTAL == null) {
            return null;
        }
        try {
            long v = (long) TOTAL.invoke(THREADS);
            return v < 0 ? null : v;
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static Method total() {
        try {
            return com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
        } catch (NoSuchMethodException e) {
            return null; // JDK 17 to 20
        }
    }
}
