package org.writecache;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens the backing device a configuration names. {@code backing.file} is a <em>location</em>: a
 * {@link BlockDeviceProvider} found with {@link ServiceLoader} that accepts it opens it; otherwise it is a local file
 * (a path, or a {@code file:} URI), opened as a {@link FileBlockDevice}. A location that looks like a URI
 * ({@code scheme://...}) and that no provider accepts is refused by {@link WriteCacheConfig.Builder#build()}, naming
 * the scheme and, for the NBD schemes, the artifact to add.
 */
public final class BlockDevices {
    private static final Pattern URI_LIKE = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://.*", Pattern.DOTALL);
    private static final String FILE_SCHEME = "file";
    private static final Map<String, String> ARTIFACTS = Map.of(
        "nbd", "org.writecache:writecache-nbd", "nbd+unix", "org.writecache:writecache-nbd",
        "nbds", "org.writecache:writecache-nbd");

    private BlockDevices() {
    }

    /**
     * Opens {@code config}'s backing device: through the first provider that accepts its location, else as a local
     * file of {@code backing.size} bytes (0: the file's length), which only a format may create (see
     * {@link FileBlockDevice#create} and {@link FileBlockDevice#open}).
     *
     * @param format true when a cache is being formatted in front of the device; false when one is opened.
     * @return the open device; the caller owns it.
     * @throws IllegalArgumentException if the configuration has no backing location.
     * @throws IOException              naming the location when the device cannot be opened.
     */
    public static BlockDevice open(final WriteCacheConfig config, final boolean format) throws IOException {
        final String location = config.backingLocation();
        if (location == null) {
            throw new IllegalArgumentException(Settings.BACKING_FILE + " is required");
        }
        final Optional<BlockDeviceProvider> provider = provider(location);
        if (provider.isPresent()) {
            return provider.get().open(location, config, format);
        }
        return format ? FileBlockDevice.create(config.backingFile(), config.backingSize(), config.fileMode())
            : FileBlockDevice.open(config.backingFile(), config.backingSize());
    }

    /** @return the first provider on the class path that accepts {@code location}. */
    public static Optional<BlockDeviceProvider> provider(final String location) {
        for (final BlockDeviceProvider p : ServiceLoader.load(BlockDeviceProvider.class)) {
            if (p.accepts(location)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** @return whether {@code location} looks like a URI of a scheme other than {@code file}. */
    static boolean isUri(final String location) {
        final String scheme = scheme(location);
        return scheme != null && !scheme.equals(FILE_SCHEME);
    }

    /** @return the local path of a location that is not a URI (a path, or a {@code file:} URI). */
    static Path localPath(final String location) {
        return FILE_SCHEME.equals(scheme(location)) ? Path.of(URI.create(location)) : Path.of(location);
    }

    /** @return what is wrong with {@code location} as a backing location, naming it; null if nothing is. */
    static String problem(final String location) {
        if (isUri(location)) {
            final String scheme = scheme(location);
            try {
                if (provider(location).isPresent()) {
                    return null;
                }
            } catch (final ServiceConfigurationError e) {
                return Settings.BACKING_FILE + " '" + location + "': a block device provider failed to load: "
                    + e.getMessage();
            }
            final String artifact = ARTIFACTS.get(scheme);
            return Settings.BACKING_FILE + " '" + location + "': no block device provider on the class path accepts "
                + "scheme '" + scheme + "'" + (artifact == null ? "" : "; add " + artifact + " to the class path");
        }
        try {
            localPath(location);
            return null;
        } catch (final IllegalArgumentException e) {
            return Settings.BACKING_FILE + " is not a path or a URI: '" + location + "' (" + e.getMessage() + ")";
        }
    }

    private static String scheme(final String location) {
        final Matcher m = URI_LIKE.matcher(location);
        return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }
}
