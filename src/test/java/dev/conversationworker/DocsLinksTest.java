package dev.conversationworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/*.md resolves: the file or directory exists, and an anchor names a
 * heading of its file as GitHub slugs it. Links inside code (fenced blocks, inline spans) are text, not links.
 */
class DocsLinksTest {

    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern REFERENCE_LINK = Pattern.compile("(?m)^\\s*\\[[^\\]]+\\]:\\s*(\\S+)");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            String text = Files.readString(document);
            for (String link : links(text)) {
                String problem = problem(document, link);
                if (problem != null) {
                    broken.add(document + ": " + link + " (" + problem + ")");
                }
            }
        }
        assertThat(documents).as("documents read").hasSizeGreaterThan(1);
        assertThat(broken).as("relative links that do not resolve").isEmpty();
    }

    @Test
    void theCheckSeesABrokenFileAndABrokenAnchor() {
        Path readme = Path.of("README.md");
        assertThat(problem(readme, "docs/no-such-file.md")).isNotNull();
        assertThat(problem(readme, "docs/configuration.md#no-such-heading")).isNotNull();
        assertThat(problem(readme, "docs/configuration.md#reference")).isNull();
        assertThat(links("[a](x.md) `[b](y.md)` [c]: z.md\n[d]: w.md")).containsExactly("x.md", "w.md");
    }

    private static List<String> links(String text) {
        String prose = withoutCode(text);
        List<String> links = new ArrayList<>();
        for (Matcher link = INLINE_LINK.matcher(prose); link.find();) {
            links.add(link.group(1));
        }
        for (Matcher link = REFERENCE_LINK.matcher(prose); link.find();) {
            links.add(link.group(1));
        }
        return links.stream().filter(link -> !SCHEME.matcher(link).find()).toList();
    }

    /** What is wrong with a relative link of a document, or null when it resolves. */
    private static String problem(Path document, String link) {
        int hash = link.indexOf('#');
        String path = hash < 0 ? link : link.substring(0, hash);
        Path target = path.isEmpty() ? document : document.toAbsolutePath().getParent().resolve(path).normalize();
        if (!Files.exists(target)) {
            return "no such file";
        }
        if (hash >= 0 && !anchors(target).contains(link.substring(hash + 1))) {
            return "no such heading";
        }
        return null;
    }

    /** The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(Path file) {
        Set<String> anchors = new HashSet<>();
        if (!file.toString().endsWith(".md")) {
            return anchors;
        }
        try {
            for (Matcher heading = HEADING.matcher(withoutFences(Files.readString(file))); heading.find();) {
                String text = heading.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
                String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                        .replace(' ', '-');
                String unique = slug;
                for (int n = 1; !anchors.add(unique); n++) {
                    unique = slug + "-" + n;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(file.toString(), e);
        }
        return anchors;
    }

    /** The text without code: fenced blocks and inline spans (what is in them would be read as a link). */
    private static String withoutCode(String text) {
        return withoutFences(text).replaceAll("`[^`\\n]*`", "");
    }

    private static String withoutFences(String text) {
        return text.replaceAll("(?ms)^[ \\t]*```.*?^[ \\t]*```[^\\n]*$", "");
    }
}
