package org.writecache.pmem.crash;

import java.util.HashMap;
import java.util.Map;

/**
 * What identifies one crash image: the cut point, a hash of the log up to it, the tearing mode and the state chosen
 * for each pending line or word. The seed and sample number say where the choice came from; rebuilding needs only
 * the choice. Written as one line:
 * {@code crash-replay/1 cut=17 log=9a3f... tearing=PREFIX seed=1 sample=5 choices=3:2,7:1}.
 */
record Replay(int cut, long logHash, Tearing tearing, long seed, long sample, String choices) {
    private static final String MAGIC = "crash-replay/1";

    String format() {
        return MAGIC + " cut=" + cut + " log=" + Long.toHexString(logHash) + " tearing=" + tearing + " seed=" + seed
            + " sample=" + sample + " choices=" + choices;
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code text}. */
    static Replay parse(final String text) {
        final String[] tokens = text.strip().split("\\s+");
        if (!MAGIC.equals(tokens[0])) {
            throw malformed(text, "it does not start with " + MAGIC);
        }
        final Map<String, String> fields = new HashMap<>();
        for (int i = 1; i < tokens.length; i++) {
            final int eq = tokens[i].indexOf('=');
            if (eq <= 0) {
                throw malformed(text, "'" + tokens[i] + "' is not key=value");
            }
            fields.put(tokens[i].substring(0, eq), tokens[i].substring(eq + 1));
        }
        try {
            return new Replay(Integer.parseInt(field(text, fields, "cut")),
                Long.parseUnsignedLong(field(text, fields, "log"), 16),
                Tearing.valueOf(field(text, fields, "tearing")),
                Long.parseLong(field(text, fields, "seed")),
                Long.parseLong(field(text, fields, "sample")),
                field(text, fields, "choices"));
        } catch (final IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("malformed")) {
                throw e;
            }
            throw new IllegalArgumentException("malformed crash replay string '" + text + "': " + e.getMessage(), e);
        }
    }

    private static String field(final String text, final Map<String, String> fields, final String key) {
        final String value = fields.get(key);
        if (value == null) {
            throw malformed(text, "it has no " + key + "=");
        }
        return value;
    }

    private static IllegalArgumentException malformed(final String text, final String why) {
        return new IllegalArgumentException("malformed crash replay string '" + text + "': " + why);
    }
}
