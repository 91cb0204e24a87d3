package dev.jns.build;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jns-bom has no parent (an imported BOM would otherwise bring jns-parent's third-party versions into users'
 * builds), so nothing in Maven keeps it in step: this test does. Its version is the parent's, and it manages
 * every published module (those whose pom sets {@code jns.unpublished} to false) at that version.
 */
class BomTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    @Test
    void theBomHasTheParentsVersionAndEveryPublishedModule() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("jns-bom/pom.xml"));
        assertThat(first(bom, "<artifactId>jns-bom</artifactId>\\s*<version>([^<]+)</version>"))
                .isEqualTo(first(parent, "<artifactId>jns-parent</artifactId>\\s*<version>([^<]+)</version>"));
        List<String> published = new ArrayList<>();
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (modules.find()) {
            Path pom = ROOT.resolve(modules.group(1)).resolve("pom.xml");
            String text = Files.readString(pom);
            if (text.contains("<jns.unpublished>false</jns.unpublished>")) {
                published.add(first(text, "</parent>\\s*<artifactId>([^<]+)</artifactId>"));
            }
        }
        assertThat(published).containsExactlyInAnyOrder("jns-core", "jns-linux", "jns-testkit");
        for (String artifact : published) {
            assertThat(bom).containsPattern("<groupId>dev.jns</groupId>\\s*<artifactId>" + artifact
                    + "</artifactId>\\s*<version>\\$\\{project.version}</version>");
        }
        assertThat(bom).doesNotContain("<parent>");
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }
}
