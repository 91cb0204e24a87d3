/** The testkit's machinery (the isolated JVM's main, leak checks, /proc readers). Not API: may change in any release. */
package dev.jns.testkit.internal;
