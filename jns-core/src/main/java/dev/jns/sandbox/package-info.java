/**
 * What makes a spawn a sandbox, as values handed to {@link dev.jns.Spawn}: the file-system view
 * ({@link dev.jns.sandbox.MountPlan}, entries {@link dev.jns.sandbox.Mount}, {@link dev.jns.sandbox.Propagation}),
 * what the command may do ({@link dev.jns.sandbox.Security}, {@link dev.jns.sandbox.Capability}) and how much it
 * may use ({@link dev.jns.sandbox.Limits}, {@link dev.jns.sandbox.Rlimit}).
 *
 * <pre>{@code
 * SpawnResult r = Namespaces.spawn().mapRootUser().newPid().newNet()
 *         .mounts(new MountPlan().emptyRoot()                       // a tmpfs root; the host's tree is gone
 *                 .roBind(Path.of("/usr"), Path.of("/usr")).symlink("usr/bin", Path.of("/bin"))
 *                 .symlink("usr/lib", Path.of("/lib")).symlink("usr/lib64", Path.of("/lib64"))
 *                 .proc(Path.of("/proc")).tmpfs(Path.of("/tmp")))
 *         .limits(Limits.builder().rlimit(Rlimit.NOFILE, 1024).build())
 *         .run("ls", "/");
 * }</pre>
 *
 * <p>A spawn with a mount plan that confines it drops every capability and runs in a session of its own
 * unless its {@link dev.jns.sandbox.Security} says otherwise (see there). Every value is validated before any
 * process exists; a mistake is an {@link dev.jns.InvalidSpecException} naming the entry.
 */
package dev.jns.sandbox;
