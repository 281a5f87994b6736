package io.jrun.core.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads /proc/<pid>/stat: the process state letter, its parent (field 4) and its start time (field 22, clock ticks
 * since boot).
 */
public final class ProcStat {
    private ProcStat() {}

    /** {state letter, parent pid, start time}, or null if the process does not exist. */
    public static Info read(int pid) {
        if (pid <= 0) return null;
        String s;
        try {
            s = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
        // comm (field 2) may contain spaces and parentheses: parse from the last ')'.
        int close = s.lastIndexOf(')');
        if (close < 0) return null;
        String[] f = s.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state), f[1] field 4 (ppid); field 22 (starttime) is f[19].
        return new Info(f[0].charAt(0), Integer.parseInt(f[1]), Long.parseLong(f[19]));
    }

    /** The parent's pid, or -1 if the process does not exist. */
    public static int parent(int pid) {
        Info i = read(pid);
        return i == null ? -1 : i.parent();
    }

    public record Info(char state, int parent, long startTime) {
        public boolean zombieOrDead() {
            return state == 'Z' || state == 'X' || state == 'x';
        }
    }
}
