/**
 * What jns-linux's tests share: the leak check ({@link dev.jns.linux.testing.LeakCheck}, as the extensions
 * {@link dev.jns.linux.testing.NoLeaks} and {@link dev.jns.linux.testing.WorkDir}), probes of the machine
 * ({@link dev.jns.linux.testing.Probe}, {@link dev.jns.linux.testing.Procs}), the warm-up of jns's JVM-wide
 * resources ({@link dev.jns.linux.testing.Warm}) and the sandbox tests' minimal root
 * ({@link dev.jns.linux.testing.SandboxSupport}). The tests themselves are in packages by concern: handles, joining,
 * keeping and listing in {@code dev.jns.linux} (the package of that code), {@code spawn}, {@code sandbox} (mounts,
 * ids, hardening), {@code net}, {@code cgroup}, {@code doctor}, {@code reliability}, {@code proc}, {@code ffi},
 * {@code modulepath}.
 */
package dev.jns.linux.testing;
