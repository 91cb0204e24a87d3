/**
 * jns's Linux implementation: provides {@link dev.jns.spi.NamespaceProvider} to {@code dev.jns} and exports no
 * package (applications compile against {@code dev.jns} only and need this module at run time). On JDK 24 and
 * later, {@code --enable-native-access=org.jnrproject.jffi} lets jffi load its native library without a warning.
 */
module dev.jns.linux {
    requires dev.jns;
    requires org.jnrproject.ffi;
    requires org.slf4j;
    // jnr-ffi writes each binding's class with ASM. As an automatic module it declares no requires, so on a
    // module path nothing would resolve ASM's (explicit) module: jns-linux requires it for jnr-ffi.
    requires org.objectweb.asm;

    // jnr-ffi implements the libc binding interface with a class it generates at run time and defines in an
    // unnamed module of its own class loader; that class must be able to access the interface. A qualified
    // export or opens cannot name an unnamed module (tried: IllegalAccessError, "superinterface check failed"),
    // so the package that holds the interface alone is opened to all: accessible at run time, not exported to
    // compile against. Native and Sys, which hold the loaded binding, stay encapsulated.
    opens dev.jns.linux.ffi.libc;

    provides dev.jns.spi.NamespaceProvider with dev.jns.linux.LinuxNamespaceProvider;
}
