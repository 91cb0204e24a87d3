package dev.jns.linux.spawn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher protocol has one source of truth per table: the C headers ({@code src/main/c/spec.h}, {@code steps.h},
 * {@code status.h}) define it, and each Java twin must agree with it both ways. Every named C enum of those headers
 * is a table here; names are compared without their table prefix ({@code TAG_CWD} = {@code T_CWD},
 * {@code STEP_FORK} = {@code Step.FORK}), values must be equal, and nothing may be missing on either side.
 */
class ProtocolTablesTest {
    private static final Path C_DIR = Path.of("src", "main", "c");
    private static final List<String> HEADERS = List.of("spec.h", "steps.h", "status.h");

    /** A C enum and its Java twin. */
    record Table(String cEnum, String cPrefix, String java, Map<String, Long> javaValues) {
        @Override
        public String toString() {
            return "enum " + cEnum + " <-> " + java;
        }
    }

    static List<Table> tables() {
        return List.of(
                new Table("spec_tag", "TAG_", "SpecEncoder.T_*", ints(SpecEncoder.class, "T_")),
                new Table("option_bit", "OPTION_", "SpecEncoder.OPT_*", ints(SpecEncoder.class, "OPT_")),
                new Table("map_helper_bit", "MAP_HELPER_", "SpecEncoder.MAP_HELPER_*",
                        ints(SpecEncoder.class, "MAP_HELPER_")),
                new Table("setgroups_value", "SETGROUPS_", "SpecEncoder.SETGROUPS_*",
                        ints(SpecEncoder.class, "SETGROUPS_")),
                new Table("propagation_value", "PROPAGATION_", "SpecEncoder.PROPAGATION_*",
                        ints(SpecEncoder.class, "PROPAGATION_")),
                new Table("mount_flag", "MOUNT_FLAG_", "SpecEncoder.MOUNT_FLAG_*",
                        ints(SpecEncoder.class, "MOUNT_FLAG_")),
                new Table("caps_flag", "CAPS_", "SpecEncoder.CAPS_*", ints(SpecEncoder.class, "CAPS_")),
                new Table("seccomp_flag", "SECCOMP_", "SpecEncoder.SECCOMP_*", ints(SpecEncoder.class, "SECCOMP_")),
                new Table("rule_action", "RULE_", "SpecEncoder.RULE_*", ints(SpecEncoder.class, "RULE_")),
                new Table("cgroup_role", "CGROUP_", "SpecEncoder.CGROUP_*", ints(SpecEncoder.class, "CGROUP_")),
                new Table("mount_op", "MOUNT_", "MountOp", codes(MountOp.values(), MountOp::code)),
                new Table("step", "STEP_", "Step", codes(Step.values(), Step::code)),
                new Table("status_kind", "STATUS_", "StatusReader", ints(StatusReader.class, "")),
                new Table("fixed_fd", "FD_", "LaunchPlan.FD_*", ints(LaunchPlan.class, "FD_")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void theJavaTwinHasExactlyTheNamesAndValuesOfTheCTable(Table t) throws IOException {
        Map<String, Long> c = cEnums().get(t.cEnum());
        assertThat(c).as("enum %s in %s", t.cEnum(), HEADERS).isNotNull().isNotEmpty();
        Map<String, Long> fromC = new TreeMap<>();
        c.forEach((name, value) -> {
            assertThat(name).as("enum %s: every name starts with %s", t.cEnum(), t.cPrefix()).startsWith(t.cPrefix());
            fromC.put(name.substring(t.cPrefix().length()), value);
        });
        List<String> problems = new ArrayList<>();
        fromC.forEach((name, value) -> {
            Long java = t.javaValues().get(name);
            if (java == null) {
                problems.add(t.cPrefix() + name + " = " + value + " has no twin in " + t.java());
            } else if (!java.equals(value)) {
                problems.add(t.cPrefix() + name + " = " + value + " but " + name + " = " + java + " in " + t.java());
            }
        });
        t.javaValues().forEach((name, value) -> {
            if (!fromC.containsKey(name)) {
                problems.add(name + " = " + value + " of " + t.java() + " has no twin " + t.cPrefix() + name
                        + " in enum " + t.cEnum());
            }
        });
        assertThat(problems).as("%s: rename or renumber one side", t).isEmpty();
    }

    @Test
    void everyNamedEnumOfTheHeadersIsATable() throws IOException {
        assertThat(cEnums().keySet()).as("named enums in %s", HEADERS)
                .containsExactlyInAnyOrderElementsOf(tables().stream().map(Table::cEnum).toList());
    }

    @Test
    void everyConstantOfTheEncoderBelongsToATable() {
        List<String> prefixes = List.of("T_", "OPT_", "MAP_HELPER_", "SETGROUPS_", "PROPAGATION_", "MOUNT_FLAG_",
                "CAPS_", "SECCOMP_", "RULE_", "CGROUP_");
        assertThat(ints(SpecEncoder.class, "").keySet()).allSatisfy(name -> assertThat(
                name.equals("VERSION") || prefixes.stream().anyMatch(name::startsWith))
                .as("SpecEncoder.%s belongs to a table of spec.h", name).isTrue());
    }

    @Test
    void theSpecVersionAgrees() throws IOException {
        Matcher m = Pattern.compile("#define\\s+SPEC_VERSION\\s+(\\d+)").matcher(read("spec.h"));
        assertThat(m.find()).as("SPEC_VERSION in spec.h").isTrue();
        assertThat(SpecEncoder.VERSION).isEqualTo(Integer.parseInt(m.group(1)));
    }

    @Test
    void theSpecLimitsAgree() throws IOException {
        String h = read("spec.h");
        Matcher total = Pattern.compile("#define\\s+SPEC_MAX_TOTAL\\s+\\(1u << (\\d+)\\)").matcher(h);
        Matcher payload = Pattern.compile("#define\\s+SPEC_MAX_PAYLOAD\\s+\\((\\d+)u << 10\\)").matcher(h);
        assertThat(total.find() && payload.find()).as("SPEC_MAX_TOTAL and SPEC_MAX_PAYLOAD in spec.h").isTrue();
        assertThat(LaunchPlan.SPEC_MAX_TOTAL).isEqualTo(1 << Integer.parseInt(total.group(1)));
        assertThat(LaunchPlan.SPEC_MAX_PAYLOAD).isEqualTo(Integer.parseInt(payload.group(1)) << 10);
        // what jns-core counts against: the whole spec less 64 KiB for the records it does not count
        assertThat(dev.jns.Spawn.MAX_TOTAL_BYTES).isEqualTo(LaunchPlan.SPEC_MAX_TOTAL - 64 * 1024);
        assertThat(dev.jns.Spawn.MAX_ARG_BYTES).isEqualTo(LaunchPlan.SPEC_MAX_PAYLOAD);
    }

    /** spec.c's table of record types must name every tag as spec.h does, once (it names tags in messages). */
    @Test
    void theParserHasOneRowPerTagUnderItsName() throws IOException {
        Matcher m = Pattern.compile("\\{\\s*TAG_(\\w+)\\s*,\\s*\"(\\w+)\"").matcher(read("spec.c"));
        Map<String, String> rows = new LinkedHashMap<>();
        while (m.find()) {
            assertThat(rows.put(m.group(1), m.group(2))).as("a second row for TAG_%s", m.group(1)).isNull();
        }
        assertThat(rows).allSatisfy((tag, name) -> assertThat(name).as("the name of TAG_%s", tag).isEqualTo(tag));
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(
                cEnums().get("spec_tag").keySet().stream().map(n -> n.substring("TAG_".length())).toList());
    }

    /** Named enums of the headers: name -> (entry -> value); every entry must have an explicit value. */
    static Map<String, Map<String, Long>> cEnums() throws IOException {
        Map<String, Map<String, Long>> enums = new TreeMap<>();
        Pattern block = Pattern.compile("\\benum\\s+(\\w+)\\s*\\{([^}]*)}");
        Pattern entry = Pattern.compile("\\s*(\\w+)\\s*=\\s*(0x[0-9a-fA-F]+|\\d+)\\s*");
        for (String header : HEADERS) {
            Matcher b = block.matcher(read(header));
            while (b.find()) {
                Map<String, Long> values = new LinkedHashMap<>();
                for (String item : b.group(2).split(",")) {
                    if (item.isBlank()) {
                        continue;
                    }
                    Matcher e = entry.matcher(item);
                    assertThat(e.matches()).as("enum %s in %s: \"%s\" is not NAME = number", b.group(1), header,
                            item.strip()).isTrue();
                    String v = e.group(2);
                    Long prev = values.put(e.group(1),
                            v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v));
                    assertThat(prev).as("enum %s: %s twice", b.group(1), e.group(1)).isNull();
                }
                assertThat(enums.put(b.group(1), values)).as("enum %s defined twice", b.group(1)).isNull();
            }
        }
        return enums;
    }

    /** A C source without its comments. */
    private static String read(String file) throws IOException {
        return Files.readString(C_DIR.resolve(file)).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    /** The static final int fields of {@code type} whose names start with {@code prefix}, the prefix removed. */
    private static Map<String, Long> ints(Class<?> type, String prefix) {
        Map<String, Long> values = new TreeMap<>();
        for (Field f : type.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == int.class
                    && f.getName().startsWith(prefix)) {
                try {
                    f.setAccessible(true);
                    values.put(f.getName().substring(prefix.length()), (long) f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return values;
    }

    private static <E extends Enum<E>> Map<String, Long> codes(E[] values, Function<E, Integer> code) {
        return Arrays.stream(values).collect(Collectors.toMap(Enum::name, e -> (long) code.apply(e)));
    }
}
