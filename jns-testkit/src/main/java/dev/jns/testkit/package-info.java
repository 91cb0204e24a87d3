/**
 * JUnit 5 and 6 fixtures for tests that need Linux namespaces, without root and without Docker:
 * {@link dev.jns.testkit.WithSandbox} gives a test a rootless {@link dev.jns.testkit.Sandbox} (configured by
 * {@link dev.jns.testkit.SandboxConfig}, checked for leaks afterwards), {@link dev.jns.testkit.RequiresNamespaces}
 * skips a test with the reason when this machine cannot, {@link dev.jns.testkit.Isolated} runs a test in a child
 * JVM inside namespaces of its own, and {@link dev.jns.testkit.SkipReport} prints the skipped tests and their
 * reasons at the end of a run.
 *
 * <pre>
 * &#64;WithSandbox
 * class HostnameTest {
 *     &#64;Test
 *     void theSandboxHasItsOwnHostname(Sandbox sandbox) {
 *         assertEquals("sandbox\n", sandbox.run("hostname").stdout());
 *     }
 * }
 * </pre>
 */
package dev.jns.testkit;
