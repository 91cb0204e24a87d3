/**
 * The jns API: processes and Java code in new or existing Linux namespaces. Everything starts at
 * {@link dev.jns.Namespaces}.
 *
 * <ul>
 *   <li>{@link dev.jns.Spawn} describes a process to start in namespaces (as {@code unshare}, {@code nsenter}):
 *       {@link dev.jns.Spawn#run run} waits and returns a {@link dev.jns.SpawnResult};
 *       {@link dev.jns.Spawn#start start} returns an {@link dev.jns.NsProcess}, a {@link java.lang.Process} with
 *       handles to its namespaces and an {@link dev.jns.Outcome}.</li>
 *   <li>{@link dev.jns.NsHandle} is an open namespace (an fd): it keeps the namespace alive, can be joined by a
 *       spawn, kept on a path ({@link dev.jns.NsHandle#persist persist}) and entered by Java code
 *       ({@link dev.jns.NsHandle#call call}, root).</li>
 *   <li>{@link dev.jns.NamespaceException} is every failure: what was asked, the step, the errno and a hint;
 *       {@link dev.jns.InvalidSpecException} is bad input, naming the field, before any process exists.</li>
 * </ul>
 *
 * <pre>{@code
 * SpawnResult r = Namespaces.spawn()
 *         .newUser().mapRootUser()            // uid 0 inside is you outside: no root needed
 *         .newPid().newMount().mountProc()    // ps sees only the sandbox
 *         .newUts().hostname("sandbox")
 *         .run("ps", "-e");
 * }</pre>
 *
 * <p>The other packages: {@link dev.jns.sandbox} (mount plans, security and limits for a spawn),
 * {@link dev.jns.net} (links, addresses and routes between namespaces; named network namespaces),
 * {@link dev.jns.inspect} (listing, as {@code lsns}), {@link dev.jns.doctor} (what works on this machine, and why
 * not), {@link dev.jns.spi} (for implementations).
 */
package dev.jns;
