/**
 * jns: Linux namespaces for Java. The API lives in {@code dev.jns}; implementations (such as
 * {@code jns-linux}) provide {@link dev.jns.spi.NamespaceProvider} and are found with
 * {@link java.util.ServiceLoader}.
 */
module dev.jns {
    exports dev.jns;
    exports dev.jns.spi;
    exports dev.jns.net;
    exports dev.jns.sandbox;
    exports dev.jns.inspect;
    exports dev.jns.doctor;
    uses dev.jns.spi.NamespaceProvider;
}
