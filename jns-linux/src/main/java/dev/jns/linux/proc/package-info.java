/**
 * Readers of {@code /proc} (and {@code /etc/passwd}) for listing namespaces as {@code lsns} does: pure parsers
 * in {@link dev.jns.linux.proc.ProcParsers}, the live scan in {@link dev.jns.linux.proc.ProcScan}.
 */
package dev.jns.linux.proc;
