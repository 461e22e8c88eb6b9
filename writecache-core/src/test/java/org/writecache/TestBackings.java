package org.writecache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link TestBacking}s of one test, one per backing file path of its configurations (so a cache reopened with the
 * same configuration finds the same storage), made by the test class's factory and closed after each test.
 * Registered with {@code @RegisterExtension} after {@link TestFiles}.
 */
public final class TestBackings implements AfterEachCallback {
    /** Makes the storage for one backing file path. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @param file the configuration's {@code backing.file}: the file to use or serve.
         * @param size the configuration's {@code backing.size}.
         */
        TestBacking create(Path file, long size) throws IOException;
    }

    private final Factory factory;
    private final Map<Path, TestBacking> open = new LinkedHashMap<>();

    /** @param factory how the test class makes its storage. */
    public TestBackings(final Factory factory) {
        this.factory = factory;
    }

    /** @return the storage of {@code config}'s backing file, made on first use. */
    public TestBacking of(final WriteCacheConfig config) throws IOException {
        TestBacking b = open.get(config.backingFile());
        if (b == null) {
            b = factory.create(config.backingFile(), config.backingSize());
            open.put(config.backingFile(), b);
        }
        return b;
    }

    /** @return a device on {@code config}'s storage. */
    public BlockDevice device(final WriteCacheConfig config) throws IOException {
        return of(config).open(config);
    }

    @Override
    public void afterEach(final ExtensionContext context) throws IOException {
        IOException first = null;
        for (final TestBacking b : open.values()) {
            try {
                b.close();
            } catch (final IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
