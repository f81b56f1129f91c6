package org.xencommlab.examples.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type of the api module carries Javadoc, so that every SPI type says what an
 * implementation must guarantee. Javadoc is not in class files, so this reads the sources.
 */
final class TestSpiDocumentation {
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile("^public\\s+(?:final\\s+|abstract\\s+|sealed\\s+)*(?:interface|class|record|enum|@interface)\\s+\\w+",
                    Pattern.MULTILINE);

    @Test
    void everyPublicApiTypeHasJavadoc() throws IOException {
        Path api = Path.of("..", "api", "src", "main", "java");
        assertThat(api).isDirectory();
        List<String> undocumented = new ArrayList<>();
        try (Stream<Path> files = Files.walk(api)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String source = Files.readString(file);
                Matcher matcher = PUBLIC_TYPE.matcher(source);
                if (matcher.find()) {
                    String before = source.substring(0, matcher.start());
                    int javadocEnd = before.lastIndexOf("*/");
                    int javadocStart = before.lastIndexOf("/**");
                    String between = javadocEnd < 0 ? before : before.substring(javadocEnd + 2);
                    if (javadocStart < 0 || javadocEnd < javadocStart || !between.replaceAll("@\\w+(\\([^)]*\\))?", "").isBlank()) {
                        undocumented.add(api.relativize(file).toString());
                    }
                }
            }
        }
        assertThat(undocumented).as("public api types without Javadoc").isEmpty();
    }
}
