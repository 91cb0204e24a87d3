package dev.jns.linux.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A decoded NLMSG_ERROR: an acknowledgement ({@code errno == 0}) or a refusal, with the extended ack the kernel
 * adds when {@code NETLINK_EXT_ACK} is on: a message ({@code "Invalid MTU"}) and the offset of the bad attribute.
 *
 * @param errno    the positive errno, 0 for an ack
 * @param origType the type of the request it answers
 * @param origSeq  the sequence number of the request it answers
 * @param message  the kernel's extended-ack message, or null
 * @param offset   the offset of the offending attribute in the request, or -1
 */
record NlError(int errno, int origType, int origSeq, String message, int offset) {
    /** Decodes the payload of an NLMSG_ERROR message. */
    static NlError decode(NlMessage m) {
        byte[] p = m.payload();
        if (p.length < 4 + Nl.HDRLEN) {
            throw new IllegalArgumentException("NLMSG_ERROR of " + p.length + " bytes");
        }
        ByteBuffer b = m.buffer();
        int error = b.getInt(0);
        int origLen = b.getInt(4);
        int origType = Short.toUnsignedInt(b.getShort(8));
        int origSeq = b.getInt(12);
        int tlvAt = 4 + Nl.HDRLEN;
        if ((m.flags() & Nl.NLM_F_CAPPED) == 0 && error != 0) {
            tlvAt = 4 + Nl.align(Math.max(origLen, Nl.HDRLEN));
        }
        String message = null;
        int offset = -1;
        if ((m.flags() & Nl.NLM_F_ACK_TLVS) != 0 && tlvAt <= p.length) {
            NlAttrs a = NlAttrs.parse(p, tlvAt, p.length - tlvAt);
            message = a.string(Nl.NLMSGERR_ATTR_MSG);
            offset = a.u32(Nl.NLMSGERR_ATTR_OFFS, -1);
        }
        return new NlError(-error, origType, origSeq, message, offset);
    }

    /** The NLMSG_ERROR a kernel with NETLINK_CAP_ACK and NETLINK_EXT_ACK would send for this (for tests). */
    byte[] encode(int seq, int pid) {
        boolean tlvs = message != null || offset >= 0;
        NlWriter w = new NlWriter(Nl.NLMSG_ERROR, Nl.NLM_F_CAPPED | (tlvs ? Nl.NLM_F_ACK_TLVS : 0), seq);
        w.raw(4 + Nl.HDRLEN).putInt(-errno).putInt(Nl.HDRLEN).putShort((short) origType).putShort((short) 0)
                .putInt(origSeq).putInt(pid);
        if (message != null) {
            w.string(Nl.NLMSGERR_ATTR_MSG, message);
        }
        if (offset >= 0) {
            w.u32(Nl.NLMSGERR_ATTR_OFFS, offset);
        }
        byte[] out = w.finish();
        ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()).putInt(12, pid);
        return out;
    }
}
