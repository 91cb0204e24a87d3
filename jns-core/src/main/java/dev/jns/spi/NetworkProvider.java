package dev.jns.spi;

import dev.jns.NsHandle;

/**
 * The networking part of an implementation: rtnetlink sessions on network namespaces. Reached through
 * {@link NamespaceProvider#network()}; users call {@link dev.jns.net.Net} instead.
 */
public interface NetworkProvider {
    /**
     * Opens a session on the network namespace {@code netns}, or on the calling thread's when it is null. The
     * session stays bound to that namespace for its whole life, whatever thread uses it.
     */
    NetSession open(NsHandle netns);
}
