package io.jrun.core.cgroup;

import io.jrun.sys.NativeBpf;
import io.jrun.sys.SyscallException;
import java.nio.file.Path;

/**
 * Loads a device program with BPF_PROG_LOAD and attaches it to the cgroup with BPF_PROG_ATTACH
 * (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI), then detaches the programs that were attached before, so an update
 * replaces the rules without a moment where none apply. The attachment keeps the program alive after its fd
 * is closed, until it is detached or the cgroup is removed.
 */
final class BpfDeviceInstaller implements DeviceProgramInstaller {
    static final BpfDeviceInstaller INSTANCE = new BpfDeviceInstaller();

    @Override
    public void install(Path cgroupDir, byte[] program) {
        String dir = cgroupDir.toString();
        try {
            int[] old = NativeBpf.queryDevicePrograms(dir);
            int fd = NativeBpf.loadDeviceProgram(program, "Apache-2.0");
            try {
                NativeBpf.attachDeviceProgram(dir, fd);
            } finally {
                NativeBpf.close(fd);
            }
            for (int id : old) {
                NativeBpf.detachDeviceProgram(dir, id);
            }
        } catch (SyscallException e) {
            throw new CgroupException("linux.resources.devices: " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError e) {
            throw new CgroupException("linux.resources.devices: cannot load the device program: native library "
                    + "unavailable (" + e.getMessage() + ")", e);
        }
    }
}
