/**
 * The Linux implementation of jns ({@link dev.jns.linux.LinuxNamespaceProvider}, found by
 * {@link java.util.ServiceLoader}): namespace handles, joining Java threads, keeping namespaces on paths, named
 * network namespaces and the listing. Processes are started by the native launcher ({@code dev.jns.linux.spawn}).
 * Applications use the API in {@code dev.jns} and need this module only at run time.
 */
package dev.jns.linux;
