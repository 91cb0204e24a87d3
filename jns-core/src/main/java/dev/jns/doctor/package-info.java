/**
 * What works on this machine, and why not: {@link dev.jns.Namespaces#doctor()} tries each namespace type for
 * real (as the JVM's user and, for a root JVM, as an unprivileged user) and returns a
 * {@link dev.jns.doctor.DoctorReport}: one {@link dev.jns.doctor.DoctorProbe} per attempt, with the failed step,
 * errno, cause and fix, and the {@link dev.jns.doctor.DoctorFacts} that explain them (kernel, sysctls,
 * {@code newuidmap}, {@code /etc/subuid}, container, seccomp).
 *
 * <pre>{@code
 * DoctorReport report = Namespaces.doctor();
 * System.out.println(report);                                     // jns doctor
 * report.whyNot(List.of(NamespaceType.USER, NamespaceType.NET), false)
 *       .ifPresent(why -> System.out.println("no sandbox with a network here: " + why));
 * }</pre>
 */
package dev.jns.doctor;
