package dev.jns;

/**
 * A request that cannot be carried out as given: a bad value or an impossible combination, found before
 * anything was started. {@link #field()} names the offending parameter.
 */
public class InvalidSpecException extends NamespaceException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field   the parameter at fault ({@code "hostname"}, {@code "command[2]"})
     * @param problem what is wrong with it
     * @param hint    what to do, or null
     */
    public InvalidSpecException(String field, String problem, String hint) {
        super(builder("invalid " + field).step("validate").errno(Errno.EINVAL).detail(problem).hint(hint));
        this.field = field;
    }

    /** The parameter at fault. */
    public String field() {
        return field;
    }
}
