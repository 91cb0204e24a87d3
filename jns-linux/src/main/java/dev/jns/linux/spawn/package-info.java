/**
 * How jns-linux starts processes: the plan made from a {@link dev.jns.spi.SpawnSpec}, its encoding for the
 * native launcher, and the process object. Internal to jns-linux; see {@code docs/launcher-protocol.md}.
 */
package dev.jns.linux.spawn;
