package org.writecache;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting of a cache, described once: its property name, value type, the text it is written as, its default, what
 * values are valid and one line of documentation. Every setting is declared in {@link Settings}; the builder, the
 * properties loader, {@link WriteCacheConfig#toProperties()}, the dm table line ({@link DmTable}), the command line's
 * {@code --set} and {@code config/writecache.properties} are all derived from these descriptors.
 *
 * <p>Immutable once {@link Settings} is initialised.
 *
 * @param <T> the value type: {@code Long} for sizes, {@code Integer}, {@code Boolean}, {@code Duration}, {@code Path},
 *            {@code String} or an enum.
 */
public final class Setting<T> {
    private final int index;
    private final String name;
    private final Class<T> type;
    private final String syntax;
    private final Function<String, T> parser;
    private final Function<T, String> printer;
    private final T defaultValue;
    private final String doc;
    private final List<Function<T, String>> checks = new ArrayList<>();
    private boolean required;
    private String example;
    private DmTable.Option dm;

    Setting(final int index, final String name, final Class<T> type, final String syntax,
            final Function<String, T> parser, final Function<T, String> printer, final T defaultValue,
            final String doc) {
        this.index = index;
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.syntax = syntax;
        this.parser = parser;
        this.printer = printer;
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    /** @return the property name, such as {@code cache.size}. */
    public String name() {
        return name;
    }

    /** @return the value type. */
    public Class<T> type() {
        return type;
    }

    /** @return what the text of a value looks like, such as "size" or "one of auto, sync, msync, fence-only". */
    public String syntax() {
        return syntax;
    }

    /** @return the value when none is set; null when the setting has none (see {@link #required()}). */
    public T defaultValue() {
        return defaultValue;
    }

    /** @return whether {@link WriteCacheConfig.Builder#build()} refuses a configuration without this setting. */
    public boolean required() {
        return required;
    }

    /** @return one line of documentation: what the setting does and what its values mean. */
    public String doc() {
        return doc;
    }

    /** @return the value {@code config/writecache.properties} shows: the default, or an example where there is none. */
    public String shippedValue() {
        return example != null ? example : defaultValue == null ? "" : format(defaultValue);
    }

    /**
     * @return the value {@code text} names (surrounding blanks ignored). Only its form is checked here; whether it is
     *         valid is {@link WriteCacheConfig.Builder#build()}'s to decide.
     * @throws IllegalArgumentException naming this setting and {@code text}.
     */
    public T parse(final String text) {
        try {
            return parser.apply(Objects.requireNonNull(text, name).strip());
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("bad value for " + name + ": " + e.getMessage(), e);
        }
    }

    /** @return {@code value} as a properties file writes it; {@link #parse} reads it back as an equal value. */
    public String format(final T value) {
        return printer.apply(value);
    }

    /** @return what is wrong with {@code value} (null meaning unset), naming this setting; null if it is valid. */
    String problem(final T value) {
        if (value == null) {
            return required ? name + " is required" : null;
        }
        for (final Function<T, String> check : checks) {
            final String problem = check.apply(value);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    int index() {
        return index;
    }

    DmTable.Option dm() {
        return dm;
    }

    /** @return {@code value} as this setting's type (a boxed primitive for primitives). */
    T cast(final Object value) {
        return type.cast(value);
    }

    // ---- declaration, used by Settings while it is initialised

    /** Valid values satisfy {@code ok}; the message then says "{@code <name> must be <requirement>: <value>}". */
    Setting<T> require(final Predicate<? super T> ok, final String requirement) {
        checks.add(v -> ok.test(v) ? null : name + " must be " + requirement + ": " + format(v));
        return this;
    }

    /** Adds a check that returns the whole message of a problem, or null. */
    Setting<T> check(final Function<T, String> problem) {
        checks.add(problem);
        return this;
    }

    Setting<T> mandatory() {
        required = true;
        return this;
    }

    Setting<T> example(final String value) {
        example = value;
        return this;
    }

    Setting<T> dm(final DmTable.Option option) {
        dm = option;
        return this;
    }

    @Override
    public String toString() {
        return name;
    }
}
