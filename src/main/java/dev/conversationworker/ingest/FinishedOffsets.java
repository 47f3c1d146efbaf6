package dev.conversationworker.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.BitSet;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * The records of one partition that finished beyond its committed offset, written into the commit's metadata so that
 * whoever reads the partition next (this instance after a crash, or the partition's next owner) skips them instead of
 * processing them again (decision 10). Records finish out of order, and a commit can only move the offset up to the
 * first unfinished record, {@link #committed}; everything after it that finished is {@link #beyond}.
 * <p>
 * The metadata is {@value #PREFIX} and a base64url text of: a layout byte, the committed offset, the map, and a
 * CRC-32C of all of it. The map is relative to the committed offset, in whichever of two layouts is shorter: a bitset
 * (one bit per offset after the committed one, good for dense, mixed maps) or runs (pairs of "so many unfinished, then
 * so many finished" as varints, good for long stretches). The committed offset is written too, so a map read beside
 * another offset (moved by a tool, or committed in at-least-once mode with old metadata left) is not believed; the
 * checksum does the same for text that is not ours. Reading never fails: anything but our own intact metadata reads
 * as nothing finished, which costs at most records processed again, never a record skipped unprocessed.
 */
record FinishedOffsets(long committed, NavigableSet<Long> beyond) {

    /** The broker's {@code offset.metadata.max.bytes} by default; it compares the metadata's length in chars. */
    static final int DEFAULT_MAX_METADATA_CHARS = 4096;
    /** Names the owner and the version of the format; metadata without it is someone else's, and read as none. */
    static final String PREFIX = "cw-finished-v1:";
    /**
     * The most offsets a map holds, written or read: far more than the consumer lets finish ahead of its first
     * unfinished record, and a bound on what a forged or corrupt map could make a reader allocate.
     */
    static final int MAX_OFFSETS = 1 << 20;

    private static final byte BITSET = 'B';
    private static final byte RUNS = 'R';
    private static final int CHECKSUM_BYTES = 4;
    private static final int MAX_VARINT_BYTES = 9;

    /** What {@link #toMetadata} wrote: the first {@code kept} offsets of {@link #beyond}; the rest did not fit. */
    record Encoded(String metadata, int kept, int leftOut) {

        /** True when every finished offset is in the metadata: none will be processed again. */
        boolean complete() {
            return leftOut == 0;
        }
    }

    /**
     * @param committed the offset committed: the first record not finished (or the next to come)
     * @param beyond offsets of records that finished after it, each greater than {@code committed}
     */
    FinishedOffsets {
        if (committed < 0) {
            throw new IllegalArgumentException("committed offset must not be negative, got " + committed);
        }
        TreeSet<Long> copy = new TreeSet<>(beyond);
        if (!copy.isEmpty() && copy.first() <= committed) {
            throw new IllegalArgumentException("finished offsets must lie beyond the committed offset " + committed
                    + ", got " + copy.first());
        }
        beyond = Collections.unmodifiableNavigableSet(copy);
    }

    static FinishedOffsets none(long committed) {
        return new FinishedOffsets(committed, new TreeSet<>());
    }

    /** True when the record at {@code offset} finished already and must not be processed again. */
    boolean finished(long offset) {
        return beyond.contains(offset);
    }

    /**
     * How far past the committed offset records may finish with the map still written whole, whatever its pattern:
     * a bitset of that many bits fits in {@code maxChars} (24,368 offsets at the broker's default). In exactly-once
     * mode the consumer is to start no record beyond it (decision 10), so that nothing is ever left out.
     */
    static long spanThatAlwaysFits(int maxChars) {
        long bytes = (maxChars - PREFIX.length()) * 3L / 4 - (1 + MAX_VARINT_BYTES + CHECKSUM_BYTES);
        return Math.max(0, bytes * 8);
    }

    /**
     * The commit metadata for these offsets, at most {@code maxChars} long (the broker's
     * {@code offset.metadata.max.bytes}; a longer one fails the whole commit, or the whole transaction). When the
     * whole map does not fit, the longest prefix of it that does is written (the lowest offsets, which the committed
     * offset reaches first); the records left out are processed again by the next reader: at least once for them,
     * not exactly once. Nothing finished beyond is the empty metadata.
     */
    Encoded toMetadata(int maxChars) {
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars must not be negative, got " + maxChars);
        }
        long[] relative = relative();
        int kept = longestPrefixThatFits(relative, maxChars);
        int leftOut = beyond.size() - kept;
        if (kept == 0) {
            return new Encoded("", 0, leftOut);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean bitset = bitsetBytes(relative[kept - 1]) <= runBytes(relative, kept);
        bytes.write(bitset ? BITSET : RUNS);
        writeVarint(bytes, committed);
        if (bitset) {
            BitSet bits = new BitSet();
            for (int i = 0; i < kept; i++) {
                bits.set((int) relative[i]);
            }
            bytes.writeBytes(bits.toByteArray());
        } else {
            writeRuns(bytes, relative, kept);
        }
        bytes.writeBytes(
                ByteBuffer.allocate(CHECKSUM_BYTES).putInt(checksum(bytes.toByteArray(), bytes.size())).array());
        String metadata = PREFIX + base64(bytes.toByteArray());
        return new Encoded(metadata, kept, leftOut);
    }

    /**
     * The finished offsets that {@code metadata} records beyond {@code committed}, the offset it was committed with.
     * Never fails: absent, empty, foreign (at-least-once mode, another tool), corrupt metadata, or metadata written
     * beside another offset, all read as nothing finished.
     */
    static FinishedOffsets fromMetadata(long committed, String metadata) {
        if (committed < 0 || metadata == null || !metadata.startsWith(PREFIX)) {
            return none(Math.max(0, committed));
        }
        try {
            NavigableSet<Long> offsets = decode(committed, metadata.substring(PREFIX.length()));
            return offsets == null ? none(committed) : new FinishedOffsets(committed, offsets);
        } catch (RuntimeException notOurs) {
            return none(committed);
        }
    }

    /** The offsets as distances past the first after the committed one: 0 is {@code committed + 1}. */
    private long[] relative() {
        long[] relative = new long[Math.min(beyond.size(), MAX_OFFSETS)];
        int i = 0;
        for (long offset : beyond) {
            if (i == relative.length) {
                break;
            }
            relative[i++] = offset - committed - 1;
        }
        return relative;
    }

    /** The size only grows with each offset added, in both layouts, so the first that does not fit ends the search. */
    private int longestPrefixThatFits(long[] relative, int maxChars) {
        int headerBytes = 1 + varintLength(committed) + CHECKSUM_BYTES;
        long runBytes = 0;
        long runBytesBeforeRun = 0;
        int runStart = 0;
        for (int k = 1; k <= relative.length; k++) {
            int i = k - 1;
            if (i == 0 || relative[i] != relative[i - 1] + 1) {
                runBytesBeforeRun = runBytes;
                runStart = i;
            }
            runBytes = runBytesBeforeRun + pairBytes(relative, runStart, i);
            long payload = Math.min(runBytes, bitsetBytes(relative[i]));
            if (PREFIX.length() + base64Length(headerBytes + payload) > maxChars) {
                return k - 1;
            }
        }
        return relative.length;
    }

    /** Bytes of the pair for the run of {@code relative[start..end]}: the gap before it, and its length. */
    private static long pairBytes(long[] relative, int start, int end) {
        long gap = start == 0 ? relative[0] : relative[start] - relative[start - 1] - 1;
        return varintLength(gap) + varintLength(end - start + 1L);
    }

    /** Bytes of a bitset reaching {@code lastRelative}; a bitset is indexed by int, so none beyond that. */
    private static long bitsetBytes(long lastRelative) {
        return lastRelative < Integer.MAX_VALUE ? lastRelative / 8 + 1 : Long.MAX_VALUE;
    }

    private static long runBytes(long[] relative, int kept) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writeRuns(bytes, relative, kept);
        return bytes.size();
    }

    private static void writeRuns(ByteArrayOutputStream bytes, long[] relative, int kept) {
        int start = 0;
        for (int i = 1; i <= kept; i++) {
            if (i == kept || relative[i] != relative[i - 1] + 1) {
                writeVarint(bytes, start == 0 ? relative[0] : relative[start] - relative[start - 1] - 1);
                writeVarint(bytes, i - start);
                start = i;
            }
        }
    }

    /** The offsets, or {@code null} when the text is not an intact map of ours for {@code committed}. */
    private static NavigableSet<Long> decode(long committed, String text) {
        byte[] bytes = Base64.getUrlDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
        if (bytes.length < 2 + CHECKSUM_BYTES) {
            return null;
        }
        int body = bytes.length - CHECKSUM_BYTES;
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, body);
        if (ByteBuffer.wrap(bytes, body, CHECKSUM_BYTES).getInt() != checksum(bytes, body)) {
            return null;
        }
        byte layout = in.get();
        if (readVarint(in) != committed) {
            return null; // written beside another offset: it says nothing about the records after this one
        }
        NavigableSet<Long> offsets = new TreeSet<>();
        if (layout == BITSET) {
            long first = Math.addExact(committed, 1);
            BitSet bits = BitSet.valueOf(in.slice());
            if (bits.cardinality() > MAX_OFFSETS) {
                return null;
            }
            for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
                offsets.add(Math.addExact(first, i));
            }
            return offsets;
        }
        if (layout != RUNS) {
            return null;
        }
        long last = committed;
        while (in.hasRemaining()) {
            long gap = readVarint(in);
            long run = readVarint(in);
            if (run < 1 || (gap < 1 && !offsets.isEmpty()) || offsets.size() + run > MAX_OFFSETS) {
                return null;
            }
            long start = Math.addExact(Math.addExact(last, 1), gap);
            last = Math.addExact(start, run - 1);
            for (long offset = start; offset != last; offset++) {
                offsets.add(offset);
            }
            offsets.add(last);
        }
        return offsets;
    }

    private static int checksum(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Chars of unpadded base64 for {@code bytes} bytes. */
    private static long base64Length(long bytes) {
        return (bytes * 4 + 2) / 3;
    }

    /** Unsigned LEB128: seven bits a byte, low first, the high bit saying another byte follows. */
    static void writeVarint(ByteArrayOutputStream out, long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.write((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.write((int) rest);
    }

    private static int varintLength(long value) {
        int length = 1;
        for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
            length++;
        }
        return length;
    }

    /** A non-negative long of at most nine bytes (63 bits); anything else is not ours. */
    private static long readVarint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < MAX_VARINT_BYTES * 7; shift += 7) {
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 63 bits");
    }
}
