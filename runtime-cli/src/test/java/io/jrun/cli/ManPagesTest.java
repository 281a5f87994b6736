package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every page lists exactly the options its command declares: the pages and `--help` cannot drift apart. */
class ManPagesTest {
    @Test
    void eachCommandsPageListsExactlyItsOptions() {
        for (Subcommand c : Main.COMMANDS) {
            assertEquals(declared(c.params()), listed(ManPages.command(c)), "jrun-" + c.name() + "(8)");
        }
    }

    @Test
    void theMainPageListsTheGlobalOptionsAndEveryCommand() {
        String page = ManPages.main(Main.globalParams(), Main.COMMANDS);
        assertEquals(declared(Main.globalParams()), listed(page));
        for (Subcommand c : Main.COMMANDS) assertTrue(page.contains("\\fBjrun\\-" + c.name() + "\\fR(8)"), c.name());
    }

    /** What `man jrun-create` shows, when man is installed: the pages are valid roff and show every option. */
    @Test
    void manRendersEveryOption(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")), "man not installed");
        Docs.write(dir);
        for (Subcommand c : Main.COMMANDS) {
            String shown = render(dir.resolve("man8/jrun-" + c.name() + ".8"));
            assertTrue(shown.contains("jrun-" + c.name() + " - "), shown);
            for (String name : declared(c.params())) assertTrue(shown.contains(name), c.name() + ": " + name + "\n" + shown);
        }
    }

    private static String render(Path page) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("man", "-l", page.toString()).redirectErrorStream(true);
        pb.environment().put("MANWIDTH", "200");
        pb.environment().put("MANPAGER", "cat");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.replaceAll(".\b", ""); // overstrike bold, when man's pager is not given a tty
    }

    private static Set<String> declared(Params p) {
        Set<String> names = new TreeSet<>();
        for (Params.Option o : p.options) names.addAll(Set.of(o.names));
        return names;
    }

    /** The option names a page's OPTIONS section (or GLOBAL OPTIONS) lists, as the reader sees them. */
    private static Set<String> listed(String page) {
        Matcher section = Pattern.compile("(?s)\\.SH (GLOBAL )?OPTIONS\n(.*?)(\n\\.SH |$)").matcher(page);
        assertTrue(section.find(), page);
        Set<String> names = new LinkedHashSet<>();
        for (String line : section.group(2).split("\n")) {
            if (!line.startsWith("\\fB")) continue; // the .TP tag lines: names, then the value's label
            Matcher m = Pattern.compile(ManPages.OPTION_NAME).matcher(line);
            while (m.find()) names.add(m.group(1).replace("\\-", "-"));
        }
        return new TreeSet<>(names);
    }
}
