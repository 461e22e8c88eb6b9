package org.writecache.bench.report;

import java.util.Locale;

/**
 * A goal the project holds itself to, and what this run measured for it.
 *
 * @param goal       what is promised, in words
 * @param measured   how the figure was obtained
 * @param value      the measured figure over the runs (NaN median when not measured)
 * @param threshold  the bound the median must meet
 * @param atLeast    true if the figure must be at least the bound, false if at most
 * @param unit       unit of the figure, such as {@code x} for a ratio
 */
public record Target(String goal, String measured, Stats value, double threshold, boolean atLeast, String unit) {

    /** @return true or false when measured, null when not. */
    public Boolean met() {
        if (Double.isNaN(value.median())) {
            return null;
        }
        return atLeast ? value.median() >= threshold : value.median() <= threshold;
    }

    /** @return {@code met}, {@code NOT met} or {@code not measured}. */
    public String verdict() {
        final Boolean m = met();
        return m == null ? "not measured" : m ? "met" : "NOT met";
    }

    /** @return the bound as text, such as {@code >= 200x}. */
    public String bound() {
        return (atLeast ? ">= " : "<= ") + Format.number(threshold) + unit;
    }

    /** @return the measured median with its spread, such as {@code 312x (250-400x)}. */
    public String figure() {
        if (Double.isNaN(value.median())) {
            return "-";
        }
        if (value.min() == value.max()) {
            return Format.number(value.median()) + unit;
        }
        return String.format(Locale.ROOT, "%s%s (%s-%s)", Format.number(value.median()), unit,
            Format.number(value.min()), Format.number(value.max()));
    }
}
