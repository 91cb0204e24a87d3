package dev.jns.testkit;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java code of README.md and jns-testkit/README.md compiles, and runs where it can: so it cannot rot. Each
 * {@code ```java} block is self-contained (its imports shown, no undefined variable). A block of statements is
 * wrapped in a {@code main} and compiled against this module's test class path (jns-core, jns-linux, the
 * testkit, JUnit); a block that declares a class is compiled as it is. Then, in this JVM, every statement block
 * runs unless its fence says {@code ```java compile-only} (it needs what a test machine lacks) or
 * {@code ```java root} and this JVM is not root. The testkit README's test class is {@code SandboxExampleTest},
 * which surefire runs: this test checks that the two are the same.
 */
class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    /** One {@code ```java} block: where it is, its fence's words after {@code java}, its lines. */
    record Snippet(String file, int line, String info, List<String> lines) {
        boolean declaresClass() {
            return lines.stream().anyMatch(l -> l.matches("(public |final )*class \\w+.*"));
        }

        String name() {
            return "Readme_" + file.replaceAll("\\W", "_") + "_" + line;
        }
    }

    static List<Snippet> snippets(String file) throws IOException {
        List<String> text = Files.readAllLines(ROOT.resolve(file), StandardCharsets.UTF_8);
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String fence = text.get(i);
            if (fence.equals("```java") || fence.startsWith("```java ")) {
                int start = i + 1;
                List<String> lines = new ArrayList<>();
                for (i = start; i < text.size() && !text.get(i).equals("```"); i++) {
                    lines.add(text.get(i));
                }
                out.add(new Snippet(file, start, fence.substring("```java".length()).trim(), lines));
            }
        }
        return out;
    }

    @Test
    void everyJavaBlockCompilesAndTheRunnableOnesRun() throws Exception {
        List<Snippet> all = new ArrayList<>(snippets("README.md"));
        all.addAll(snippets("jns-testkit/README.md"));
        assertThat(all).hasSizeGreaterThanOrEqualTo(6);

        Path dir = Files.createTempDirectory("jns-readme-");
        List<Path> sources = new ArrayList<>();
        for (Snippet s : all) {
            if (s.declaresClass()) {
                String cls = s.lines().stream().filter(l -> l.matches("(public |final )*class \\w+.*")).findFirst()
                        .orElseThrow().replaceAll("^(public |final )*class (\\w+).*", "$2");
                sources.add(write(dir, cls, String.join("\n", s.lines())));
            } else {
                StringBuilder src = new StringBuilder();
                StringBuilder body = new StringBuilder();
                for (String l : s.lines()) {
                    (l.startsWith("import ") ? src : body).append(l).append('\n');
                }
                src.append("public class ").append(s.name())
                        .append(" { public static void main(String[] args) throws Exception {\n").append(body)
                        .append("}}\n");
                sources.add(write(dir, s.name(), src.toString()));
            }
        }

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("-d", dir.toString(), "-cp", System.getProperty("java.class.path"), "-proc:none"),
                    null, files.getJavaFileObjectsFromPaths(sources)).call();
            List<String> errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                    .toList();
            assertThat(errors).as("README snippets that do not compile (wrapped in a main; see %s)", dir).isEmpty();
            assertThat(ok).isTrue();
        }

        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            for (Snippet s : all) {
                if (s.declaresClass() || s.info().contains("compile-only") || s.info().contains("root") && !root) {
                    continue;
                }
                Method main = loader.loadClass(s.name()).getMethod("main", String[].class);
                try {
                    main.invoke(null, (Object) new String[0]);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw new AssertionError("the snippet at " + s.file() + ":" + s.line() + " failed: " + e.getCause(),
                            e.getCause());
                }
            }
        }
    }

    @Test
    void theTestkitReadmesTestClassIsSandboxExampleTest() throws IOException {
        Snippet readme = snippets("jns-testkit/README.md").stream().filter(Snippet::declaresClass).findFirst()
                .orElseThrow();
        List<String> test = Files.readAllLines(ROOT.resolve(
                "jns-testkit/src/test/java/dev/jns/testkit/example/SandboxExampleTest.java"));
        assertThat(code(readme.lines())).isEqualTo(code(test));
    }

    /** The lines that are code: no package line, blank line or javadoc line. */
    private static List<String> code(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank() && !l.startsWith("package ") && !l.startsWith("/**")).toList();
    }

    private static Path write(Path dir, String cls, String source) throws IOException {
        Path f = dir.resolve(cls + ".java");
        Files.writeString(f, source, StandardCharsets.UTF_8);
        return f;
    }
}
