package dev.jns.linux.net;

import java.util.List;

/**
 * Carries rtnetlink requests to one network namespace's kernel side and brings back every answer message: a
 * socket of this JVM ({@link NlSocket}), or a helper process inside a user namespace ({@link HelperTransport}).
 */
interface Transport extends AutoCloseable {
    /** A fresh sequence number for a request. */
    int nextSeq();

    /**
     * Sends one request and returns the answers to it, the last being NLMSG_ERROR (ack or refusal) or
     * NLMSG_DONE (end of a dump). Only transport failures throw; refusals are in the returned messages.
     */
    List<NlMessage> exchange(String what, byte[] request);

    @Override
    void close();
}
