package io.jrun.core.image;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code create/run --image}: the image reference, the platform asked for (null: the host's), the command that
 * replaces the image's Cmd, where the container's changes go (null: a tmpfs, gone with the container), the
 * layer store, and the reproducible-build settings (docs/images.md).
 */
public record ImageRequest(String image, String platform, List<String> command, Path keepChanges, Path store,
                           boolean reproducible, Long sourceDateEpoch) {}
