package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A newcomer who clones the repository finds every file the docs name inside it: README.md and docs/*.md name
 * no path outside the repository (the shared tree beside the checkout, /work/...), and every repository path
 * they name (a link, or a word that starts with one of the repository's top-level directories) exists.
 */
class DocPathsTest {
    /** Paths that lie outside any clone: the shared tree of the machines the project was started on. */
    private static final Pattern OUTSIDE = Pattern.compile("(\\.\\./shared/|/work/|(?<![\\w.-])shared/(vm|reference|conformance|hooks|design)\\b)");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    @Test
    void docsNameNoPathOutsideTheRepository() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path doc : docs()) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = OUTSIDE.matcher(lines.get(i));
                if (m.find()) bad.add(where(doc, i) + ": " + m.group());
            }
        }
        assertEquals(List.of(), bad, "paths outside the repository");
    }

    @Test
    void everyRepositoryPathTheDocsNameExists() throws IOException {
        Pattern repoPath = repoPathPattern();
        List<String> missing = new ArrayList<>();
        for (Path doc : docs()) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher link = LINK.matcher(lines.get(i));
                while (link.find()) {
                    String target = link.group(1);
                    if (target.contains("://") || target.startsWith("mailto:")) continue;
                    if (!Files.exists(doc.getParent().resolve(target))) missing.add(where(doc, i) + ": " + target);
                }
                Matcher m = repoPath.matcher(lines.get(i));
                while (m.find()) {
                    if (!exists(m.group(1))) missing.add(where(doc, i) + ": " + m.group(1));
                }
            }
        }
        assertEquals(List.of(), missing, "paths the docs name that the repository lacks");
    }

    /** A word that starts with one of the repository's top-level directories and a slash. */
    private static Pattern repoPathPattern() throws IOException {
        List<String> tops = new ArrayList<>();
        try (Stream<Path> s = Files.list(root())) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".git") && !n.equals("target")).forEach(n -> tops.add(Pattern.quote(n)));
        }
        assertTrue(tops.size() > 3, "top-level directories: " + tops);
        return Pattern.compile("(?<![\\w./$<>-])((?:" + String.join("|", tops) + ")/[\\w./*<>{},-]*[\\w*>}])");
    }

    /**
     * Whether a named path exists; a glob or placeholder (`*`, `<name>`, `{a,b}`) stands for what lies under its
     * fixed part. Build output (a module's target/) is made by the build, not cloned: not checked.
     */
    private static boolean exists(String path) {
        if (path.contains("/target/") || path.endsWith("/target")) return true;
        int cut = path.length();
        for (char c : new char[] {'*', '<', '{'}) {
            int i = path.indexOf(c);
            if (i >= 0) cut = Math.min(cut, i);
        }
        String fixed = path.substring(0, cut);
        if (cut < path.length()) fixed = fixed.substring(0, fixed.lastIndexOf('/') + 1);
        return Files.exists(root().resolve(fixed));
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(root().resolve("README.md")));
        try (Stream<Path> s = Files.list(root().resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** The repository: the parent of this module (surefire's cwd). */
    private static Path root() {
        return Path.of("").toAbsolutePath().getParent();
    }

    private static String where(Path doc, int line) {
        return root().relativize(doc) + ":" + (line + 1);
    }
}
