/**
 * jns's Linux implementation: provides {@link dev.jns.spi.NamespaceProvider} to {@code dev.jns} and exports no
 * package (applications compile against {@code dev.jns} only and need this module at run time). It calls the
 * kernel through a JNI library of its own (in the jar); on JDK 24 and later,
 * {@code --enable-native-access=dev.jns.linux} lets it load that library without a warning.
 */
module dev.jns.linux {
    requires dev.jns;
    requires org.slf4j;

    provides dev.jns.spi.NamespaceProvider with dev.jns.linux.LinuxNamespaceProvider;
}
