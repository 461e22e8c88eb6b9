package org.writecache.pmem.crash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.writecache.pmem.HeapPersistentMemory;

/**
 * The crash images possible at one cut point, as independent dimensions with a number of states each: one per
 * pending line ({@link Tearing#LINE}, {@link Tearing#PREFIX}) or one per pending word ({@link Tearing#ADVERSARIAL}).
 * A choice (one state per dimension) turns the floor into one image; state 0 is always "as on the floor".
 *
 * <p>Choices are written {@code line:state} (or {@code line.word:state} for words, word 0 to 7 within the line),
 * comma separated, listing only non-zero states; {@code -} when there are none.
 */
final class ChoiceSpace {
    private final Tearing tearing;
    private final EventLog log;
    private final int[] lines;
    private final int[] words;
    /** Per dimension, the log rows whose values its states apply. */
    private final int[][] rows;
    private final int pendingLines;

    private ChoiceSpace(final Tearing tearing, final EventLog log, final int[] lines, final int[] words,
        final int[][] rows, final int pendingLines) {
        this.tearing = tearing;
        this.log = log;
        this.lines = lines;
        this.words = words;
        this.rows = rows;
        this.pendingLines = pendingLines;
    }

    /** @return the space of the walker's current cut point. */
    static ChoiceSpace at(final MediaWalker walker, final Tearing tearing) {
        final EventLog log = walker.log();
        final int[] pendingLines = walker.pendingLines();
        if (tearing != Tearing.ADVERSARIAL) {
            final int[][] rows = new int[pendingLines.length][];
            for (int d = 0; d < rows.length; d++) {
                rows[d] = walker.pendingStores(pendingLines[d]);
            }
            return new ChoiceSpace(tearing, log, pendingLines, new int[pendingLines.length], rows, pendingLines.length);
        }
        final List<int[]> rowList = new ArrayList<>();
        final List<Integer> lineList = new ArrayList<>();
        final List<Integer> wordList = new ArrayList<>();
        for (final int line : pendingLines) {
            final int[] stores = walker.pendingStores(line);
            for (int word = 0; word < 8; word++) {
                int n = 0;
                final int[] mine = new int[stores.length];
                for (final int row : stores) {
                    if ((int) (log.wordOffset(row) >>> 3 & 7) == word) {
                        mine[n++] = row;
                    }
                }
                if (n > 0) {
                    rowList.add(Arrays.copyOf(mine, n));
                    lineList.add(line);
                    wordList.add(word);
                }
            }
        }
        return new ChoiceSpace(tearing, log, lineList.stream().mapToInt(Integer::intValue).toArray(),
            wordList.stream().mapToInt(Integer::intValue).toArray(), rowList.toArray(new int[0][]), pendingLines.length);
    }

    int dimensions() {
        return rows.length;
    }

    int pendingLines() {
        return pendingLines;
    }

    /** @return the number of states of dimension {@code d}. */
    int states(final int d) {
        return tearing == Tearing.LINE ? 2 : rows[d].length + 1;
    }

    /** @return the number of distinct choices, saturated at {@link Long#MAX_VALUE}. */
    long combinations() {
        long product = 1;
        for (int d = 0; d < rows.length; d++) {
            final int states = states(d);
            if (product > Long.MAX_VALUE / states) {
                return Long.MAX_VALUE;
            }
            product *= states;
        }
        return product;
    }

    /** Fills {@code choice} with the {@code index}-th combination, first dimension varying fastest. */
    void decode(final long index, final int[] choice) {
        long rest = index;
        for (int d = 0; d < choice.length; d++) {
            final int states = states(d);
            choice[d] = (int) (rest % states);
            rest /= states;
        }
    }

    /** Sample 0: nothing pending persisted; sample 1: everything did; later samples: uniform per dimension. */
    void sample(final long index, final SplittableRandom random, final int[] choice) {
        for (int d = 0; d < choice.length; d++) {
            choice[d] = index == 0 ? 0 : index == 1 ? states(d) - 1 : random.nextInt(states(d));
        }
    }

    /** Writes the states chosen for each dimension over the floor copy {@code image}. */
    void apply(final int[] choice, final HeapPersistentMemory image) {
        for (int d = 0; d < choice.length; d++) {
            final int state = choice[d];
            if (state == 0) {
                continue;
            }
            final int[] dimension = rows[d];
            switch (tearing) {
                case LINE -> put(image, dimension, dimension.length);
                case PREFIX -> put(image, dimension, state);
                case ADVERSARIAL -> image.putLong(log.wordOffset(dimension[state - 1]), log.wordValue(dimension[state - 1]));
            }
        }
    }

    private void put(final HeapPersistentMemory image, final int[] dimension, final int count) {
        for (int k = 0; k < count; k++) {
            image.putLong(log.wordOffset(dimension[k]), log.wordValue(dimension[k]));
        }
    }

    /** @return the non-zero states of {@code choice} in the replay notation. */
    String format(final int[] choice) {
        final StringBuilder text = new StringBuilder();
        for (int d = 0; d < choice.length; d++) {
            if (choice[d] != 0) {
                if (!text.isEmpty()) {
                    text.append(',');
                }
                text.append(lines[d]);
                if (tearing == Tearing.ADVERSARIAL) {
                    text.append('.').append(words[d]);
                }
                text.append(':').append(choice[d]);
            }
        }
        return text.isEmpty() ? "-" : text.toString();
    }

    /**
     * @return the choice written as {@code text} in the replay notation.
     * @throws IllegalArgumentException naming the first entry that is malformed or not pending here.
     */
    int[] parse(final String text) {
        final int[] choice = new int[rows.length];
        if ("-".equals(text)) {
            return choice;
        }
        for (final String entry : text.split(",", -1)) {
            final int colon = entry.indexOf(':');
            final String place = colon < 0 ? entry : entry.substring(0, colon);
            final int dot = place.indexOf('.');
            if (colon < 0 || (dot >= 0) != (tearing == Tearing.ADVERSARIAL)) {
                throw new IllegalArgumentException("malformed choice '" + entry + "' for tearing " + tearing);
            }
            final int line;
            final int word;
            final int state;
            try {
                line = Integer.parseInt(dot < 0 ? place : place.substring(0, dot));
                word = dot < 0 ? 0 : Integer.parseInt(place.substring(dot + 1));
                state = Integer.parseInt(entry.substring(colon + 1));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("malformed choice '" + entry + "'", e);
            }
            final int d = find(line, word);
            if (d < 0) {
                throw new IllegalArgumentException("choice '" + entry + "' names nothing pending at this cut point");
            }
            if (state < 1 || state >= states(d)) {
                throw new IllegalArgumentException(
                    "choice '" + entry + "' has state " + state + "; allowed 1 to " + (states(d) - 1));
            }
            choice[d] = state;
        }
        return choice;
    }

    private int find(final int line, final int word) {
        for (int d = 0; d < lines.length; d++) {
            if (lines[d] == line && words[d] == word) {
                return d;
            }
        }
        return -1;
    }
}
