package dev.jns.linux;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every message jns writes reads right in any locale: the string and character literals of jns-core's and
 * jns-linux's main code (Java and the launcher's C), which make up the exceptions' messages and hints, are
 * ASCII. Under the POSIX locale (no LANG: {@code file.encoding=ANSI_X3.4-1968} on JDK 17, the console's
 * encoding on later JDKs) anything else prints as {@code ?}. Comments and javadoc may use any character.
 */
class AsciiMessagesTest {
    @Test
    void literalsInMainCodeAreAscii() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        List<Path> dirs = List.of(root.resolve("jns-core/src/main/java"), root.resolve("jns-linux/src/main/java"),
                root.resolve("jns-linux/src/main/c"));
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path dir : dirs) {
            assertThat(dir).isDirectory();
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.filter(p -> p.toString().matches(".*\\.(java|c|h)")).sorted().toList()) {
                    files++;
                    found.addAll(nonAsciiLiterals(root.relativize(f).toString(),
                            Files.readString(f, StandardCharsets.UTF_8), f.toString().endsWith(".java")));
                }
            }
        }
        assertThat(files).isGreaterThan(50);
        assertThat(found).as("non-ASCII characters in literals (use ASCII: ' -- ' for a dash, '->' for an arrow)")
                .isEmpty();
    }

    @Test
    void theScanFindsAnEscapedDashAndIgnoresComments() {
        String src = "// \u2014 fine\n/* \u2192 fine */\nclass X { String a = \"ok\"; String b = \" \\u2014 \"; "
                + "char c = '\u00b5'; String t = \"\"\"\n  text \u2026\n  \"\"\"; }\n";
        assertThat(nonAsciiLiterals("X.java", src, true)).containsExactly(
                "X.java:3: U+2014 in \" \\u2014 \"", "X.java:3: U+00B5 in '\u00b5'", "X.java:4: U+2026 in \"\"\"");
    }

    /**
     * The non-ASCII characters in the string, text-block and character literals of a source, as
     * {@code file:line: U+XXXX in <literal's start>}. Java's unicode escapes count as what they stand for.
     */
    static List<String> nonAsciiLiterals(String file, String src, boolean java) {
        List<String> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                line += count(src, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                boolean block = java && src.startsWith("\"\"\"", i);
                String close = block ? "\"\"\"" : String.valueOf(c);
                int start = i;
                int startLine = line;
                i += close.length();
                while (i < n && !src.startsWith(close, i)) {
                    char d = src.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        if (java && src.charAt(i + 1) == 'u') {
                            int j = i + 1;
                            while (j < n && src.charAt(j) == 'u') {
                                j++;
                            }
                            if (j + 4 <= n) {
                                int cp = Integer.parseInt(src.substring(j, j + 4), 16);
                                if (cp > 0x7f) {
                                    out.add(where(file, line, cp, src, start, close));
                                }
                            }
                            i = j + 4;
                            continue;
                        }
                        i += 2;
                        continue;
                    }
                    if (d == '\n') {
                        line++;
                        if (!block) {
                            break; // not a literal after all (a quote in a C preprocessor line, say)
                        }
                    } else if (d > 0x7f) {
                        out.add(where(file, block ? line : startLine, d, src, start, close));
                    }
                    i++;
                }
                i += close.length();
            } else {
                i++;
            }
        }
        return out;
    }

    private static String where(String file, int line, int cp, String src, int start, String close) {
        String shown = close.length() == 3 ? close : src.substring(start, Math.min(src.length(),
                src.indexOf(close, start + 1) + 1));
        return String.format("%s:%d: U+%04X in %s", file, line, cp, shown);
    }

    private static int count(String s, int from, int to) {
        int k = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                k++;
            }
        }
        return k;
    }
}
