package io.jrun.seccomp;

import java.util.Arrays;

/**
 * Name ⇄ number map of one ABI. Backed by the generated, name-sorted arrays so that loading costs two array
 * constants and lookups are a binary search, with no map built at start-up.
 */
public final class SyscallTable {
    private final Arch arch;
    private final String[] names;
    private final int[] numbers;

    SyscallTable(Arch arch, String[] names, int[] numbers) {
        this.arch = arch;
        this.names = names;
        this.numbers = numbers;
    }

    public Arch arch() { return arch; }

    /** Number as seen in seccomp_data.nr (x32 numbers include bit 30), or -1 when the name is unknown here. */
    public int number(String name) {
        int i = Arrays.binarySearch(names, name);
        return i >= 0 ? numbers[i] : -1;
    }

    /** A name for the number, or null (linear: only for diagnostics and tests). */
    public String name(int nr) {
        for (int i = 0; i < numbers.length; i++) {
            if (numbers[i] == nr) return names[i];
        }
        return null;
    }

    public int size() { return names.length; }

    public String nameAt(int i) { return names[i]; }

    public int numberAt(int i) { return numbers[i]; }
}
