/**
 * The provider interface between the API and an implementation: {@link dev.jns.spi.NamespaceProvider} (found
 * with {@link java.util.ServiceLoader}; {@code jns-linux} provides it), {@link dev.jns.spi.SpawnSpec} (a spawn
 * as the implementation receives it, validated), {@link dev.jns.spi.NetworkProvider} and
 * {@link dev.jns.spi.NetSession} for {@link dev.jns.net}. Applications use {@link dev.jns.Namespaces}, not this
 * package.
 */
package dev.jns.spi;
