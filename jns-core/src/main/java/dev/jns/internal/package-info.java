/** Helpers shared by jns-core's packages. Not API: not exported by the module, and may change in any release. */
package dev.jns.internal;
