/**
 * {@code Namespaces.doctor()}: real attempts to create each namespace type (as the JVM's user and, for a root
 * JVM, as an unprivileged user), made once per JVM, and the facts of the machine that explain failures.
 */
package dev.jns.linux.doctor;
