/**
 * The system calls jns makes from the JVM, through a JNI library of its own ({@code src/main/jni}):
 * {@code setns}, {@code unshare}, {@code mount}, {@code pidfd_open}, namespace ioctls and the like, each returning
 * the errno for a {@link dev.jns.NamespaceException}. Not API.
 */
package dev.jns.linux.ffi;
