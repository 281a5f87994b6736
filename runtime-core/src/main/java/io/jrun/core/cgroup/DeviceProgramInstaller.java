package io.jrun.core.cgroup;

import java.nio.file.Path;

/**
 * Installs a compiled device program on a cgroup v2 directory. The production implementation
 * ({@link BpfDeviceInstaller}) calls bpf(2) through JNI; unit tests record the program instead.
 */
@FunctionalInterface
interface DeviceProgramInstaller {
    void install(Path cgroupDir, byte[] program);
}
