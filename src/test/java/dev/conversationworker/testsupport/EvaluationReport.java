package dev.conversationworker.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where an evaluation test leaves its report: in {@code target/}, and in the doc a system property names. */
public final class EvaluationReport {

    private EvaluationReport() {
    }

    /**
     * @param file the report's file name, in {@code target/}
     * @param docProperty a system property that may name a doc to write it to as well (how docs/ is regenerated)
     */
    public static void write(String report, String file, String docProperty) throws IOException {
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", file), report, StandardCharsets.UTF_8);
        String doc = System.getProperty(docProperty);
        if (doc != null && !doc.isBlank()) {
            Files.writeString(Path.of(doc), report, StandardCharsets.UTF_8);
        }
    }
}
