package dev.jns.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Map;
import java.util.Stack;

/**
 * util-linux's optional option values ({@code --net[=FILE]}) are taken only when attached with {@code =}: in
 * {@code jns unshare --net ip link}, "ip" is the program, not the file. picocli would take the next argument,
 * so for an option with {@code arity = "0..1"} and this preprocessor a value that is not attached becomes
 * {@link #NONE} (the option without a value) and the next argument stays where it is.
 */
final class AttachedValue implements CommandLine.IParameterPreprocessor {
    /** The value of such an option given without one. */
    static final String NONE = "";

    @Override
    public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
        if (!"=".equals(info.get("separator"))) {
            args.push(NONE); // picocli takes this as the value and leaves the next argument alone
        }
        return false;
    }

    /** The value given with {@code =}, or null for none (or the option absent). */
    static String value(String option) {
        return option == null || option.equals(NONE) ? null : option;
    }
}
