package io.jrun.core.state;

import java.util.Map;

/**
 * What jrun records about a container in {@code <root>/<id>/state.json} (architecture brief §5). The
 * status is never stored: it is derived from the init process and the cgroup each time it is needed.
 *
 * @param pid           host pid of the container init (0 before it exists)
 * @param pidStartTime  field 22 of /proc/<pid>/stat when the init was created, so that a recycled pid is
 *                      never taken for the container (and never signalled)
 * @param created       RFC 3339 creation time
 * @param cgroupPaths   hierarchy name → absolute cgroup directory (from the cgroup manager)
 * @param privatePidNs  whether the container has a new pid namespace of its own: then the kernel kills all of
 *                      its processes when its init dies (pid_namespaces(7)), so whatever its cgroup holds after
 *                      that belongs to someone else, and delete leaves it alone
 */
public record ContainerState(
        String ociVersion,
        String id,
        int pid,
        long pidStartTime,
        String bundle,
        String rootfs,
        String created,
        String owner,
        Map<String, String> annotations,
        Map<String, String> cgroupPaths,
        boolean cgroupCreated,
        String jrunVersion,
        boolean privatePidNs) {

    public ContainerState withPid(int newPid, long startTime) {
        return new ContainerState(ociVersion, id, newPid, startTime, bundle, rootfs, created, owner, annotations,
                cgroupPaths, cgroupCreated, jrunVersion, privatePidNs);
    }
}
