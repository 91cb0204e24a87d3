/**
 * The libc binding interface alone ({@link dev.jns.linux.ffi.libc.LibC}), which jnr-ffi implements at run time in
 * an unnamed module: the one package jns-linux's module opens. Not API.
 */
package dev.jns.linux.ffi.libc;
