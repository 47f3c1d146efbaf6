package dev.conversationworker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

class FinishedOffsetsTest {

    private static final int MAX = FinishedOffsets.DEFAULT_MAX_METADATA_CHARS;

    @Test
    void randomMapsComeBackAsWrittenOrAsTheirLowestOffsetsWhenTooLarge() {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            long committed = random.nextBoolean() ? random.nextInt(1_000_000) : random.nextLong() >>> 2;
            int span = 1 + random.nextInt(random.nextBoolean() ? 2_000 : 60_000);
            double density = random.nextDouble();
            NavigableSet<Long> finished = new TreeSet<>();
            for (long i = 1; i <= span; i++) {
                if (random.nextDouble() < density) {
                    finished.add(committed + i);
                }
            }
            FinishedOffsets map = new FinishedOffsets(committed, finished);

            FinishedOffsets.Encoded encoded = map.toMetadata(MAX);

            assertThat(encoded.metadata().length()).as("seed %d", seed).isLessThanOrEqualTo(MAX);
            assertThat(encoded.kept() + encoded.leftOut()).isEqualTo(finished.size());
            assertThat(FinishedOffsets.fromMetadata(committed, encoded.metadata()).beyond()).as("seed %d", seed)
                    .containsExactlyElementsOf(lowest(finished, encoded.kept()));
        }
    }

    @Test
    void nothingFinishedBeyondIsTheEmptyMetadata() {
        FinishedOffsets.Encoded encoded = FinishedOffsets.none(42).toMetadata(MAX);

        assertThat(encoded.metadata()).isEmpty();
        assertThat(encoded.complete()).isTrue();
        assertThat(FinishedOffsets.fromMetadata(42, "").beyond()).isEmpty();
    }

    @Test
    void aLongStretchBehindOneStuckRecordTakesAFewBytes() {
        // The head record waits for the LLM while ten thousand records behind it finish.
        FinishedOffsets map = new FinishedOffsets(5_000, range(5_001, 15_000));

        FinishedOffsets.Encoded encoded = map.toMetadata(MAX);

        assertThat(encoded.complete()).isTrue();
        assertThat(encoded.metadata().length()).isLessThan(FinishedOffsets.PREFIX.length() + 20);
        assertThat(FinishedOffsets.fromMetadata(5_000, encoded.metadata())).isEqualTo(map);
    }

    @Test
    void tenThousandFinishedAmongTwentyThousandFit() {
        Random random = new Random(7);
        NavigableSet<Long> finished = new TreeSet<>();
        while (finished.size() < 10_000) {
            finished.add(1_000_001L + random.nextInt(20_000));
        }
        FinishedOffsets map = new FinishedOffsets(1_000_000, finished);

        FinishedOffsets.Encoded encoded = map.toMetadata(MAX);

        assertThat(encoded.complete()).isTrue();
        assertThat(encoded.metadata().length()).isLessThanOrEqualTo(3_400); // a bitset: 2,500 bytes in base64
        assertThat(FinishedOffsets.fromMetadata(1_000_000, encoded.metadata())).isEqualTo(map);
    }

    @Test
    void aDenseMapWithScatteredHolesFits() {
        // 10,000 finished, 512 still running spread among them: the worker's in-flight bound.
        Random random = new Random(11);
        NavigableSet<Long> finished = range(1, 10_512);
        while (finished.size() > 10_000) {
            finished.remove(1L + random.nextInt(10_512));
        }
        FinishedOffsets map = new FinishedOffsets(0, finished);

        FinishedOffsets.Encoded encoded = map.toMetadata(MAX);

        assertThat(encoded.complete()).isTrue();
        assertThat(FinishedOffsets.fromMetadata(0, encoded.metadata())).isEqualTo(map);
    }

    @Test
    void aSparseMapTooLargeKeepsItsLowestOffsetsAndSaysHowManyWereLeftOut() {
        // Every thousandth record finished: about three bytes each, ten thousand do not fit in 4096 chars.
        NavigableSet<Long> finished = new TreeSet<>();
        for (long i = 1; i <= 10_000; i++) {
            finished.add(i * 1_000);
        }
        FinishedOffsets map = new FinishedOffsets(0, finished);

        FinishedOffsets.Encoded encoded = map.toMetadata(MAX);

        assertThat(encoded.complete()).isFalse();
        assertThat(encoded.kept()).isBetween(900, 1_100);
        assertThat(encoded.leftOut()).isEqualTo(10_000 - encoded.kept());
        assertThat(encoded.metadata().length()).isLessThanOrEqualTo(MAX);
        assertThat(FinishedOffsets.fromMetadata(0, encoded.metadata()).beyond())
                .containsExactlyElementsOf(lowest(finished, encoded.kept()));
    }

    @Test
    void everyLimitIsKeptAndFilledAsFarAsTheNextOffsetWouldNotFit() {
        Random random = new Random(3);
        NavigableSet<Long> finished = new TreeSet<>();
        long offset = 900;
        for (int i = 0; i < 3_000; i++) {
            offset += 1 + (random.nextInt(4) == 0 ? random.nextInt(300) : 0);
            finished.add(offset);
        }
        FinishedOffsets map = new FinishedOffsets(900, finished);
        for (int limit : new int[]{0, 1, FinishedOffsets.PREFIX.length(), FinishedOffsets.PREFIX.length() + 8,
                FinishedOffsets.PREFIX.length() + 9, 40, 100, 333, 1_000, 4_096, 100_000}) {
            FinishedOffsets.Encoded encoded = map.toMetadata(limit);

            assertThat(encoded.metadata().length()).as("limit %d", limit).isLessThanOrEqualTo(limit);
            assertThat(FinishedOffsets.fromMetadata(900, encoded.metadata()).beyond()).as("limit %d", limit)
                    .containsExactlyElementsOf(lowest(finished, encoded.kept()));
            if (!encoded.complete()) {
                FinishedOffsets oneMore = new FinishedOffsets(900, lowest(finished, encoded.kept() + 1));
                assertThat(oneMore.toMetadata(Integer.MAX_VALUE).metadata().length()).as("limit %d", limit)
                        .isGreaterThan(limit);
            }
        }
    }

    @Test
    void anyMapWithinTheSpanThatAlwaysFitsIsWrittenWhole() {
        assertThat(FinishedOffsets.spanThatAlwaysFits(MAX)).isEqualTo(24_368);
        assertThat(FinishedOffsets.spanThatAlwaysFits(0)).isZero();
        for (int limit : new int[]{40, 333, MAX, 20_000}) {
            long span = FinishedOffsets.spanThatAlwaysFits(limit);
            // The worst case: a committed offset of nine varint bytes, and a mixed map up to the span's end.
            long committed = Long.MAX_VALUE - span - 1;
            Random random = new Random(limit);
            NavigableSet<Long> finished = new TreeSet<>();
            for (long i = 1; i <= span; i++) {
                if (random.nextInt(3) == 0) {
                    finished.add(committed + i);
                }
            }
            finished.add(committed + span);

            FinishedOffsets.Encoded encoded = new FinishedOffsets(committed, finished).toMetadata(limit);

            assertThat(encoded.complete()).as("limit %d", limit).isTrue();
            assertThat(encoded.metadata().length()).isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void offsetsNearTheEndOfTheLongRangeComeBack() {
        long committed = Long.MAX_VALUE - 100;
        NavigableSet<Long> finished = new TreeSet<>(
                List.of(Long.MAX_VALUE - 99, Long.MAX_VALUE - 50, Long.MAX_VALUE - 1, Long.MAX_VALUE));
        FinishedOffsets nearTheEnd = new FinishedOffsets(committed, finished);
        FinishedOffsets wideGap = new FinishedOffsets(0, new TreeSet<>(List.of(1L, Long.MAX_VALUE)));

        assertThat(FinishedOffsets.fromMetadata(committed, nearTheEnd.toMetadata(MAX).metadata()))
                .isEqualTo(nearTheEnd);
        assertThat(FinishedOffsets.fromMetadata(0, wideGap.toMetadata(MAX).metadata())).isEqualTo(wideGap);
    }

    @Test
    void metadataThatIsNotOursReadsAsNothingFinished() {
        String ours = new FinishedOffsets(100, range(102, 140)).toMetadata(MAX).metadata();
        char flipped = ours.charAt(ours.length() - 5) == 'A' ? 'B' : 'A';
        String[] foreign = {null, "", "   ", "hello", "{\"owner\":\"someone\"}", FinishedOffsets.PREFIX,
                FinishedOffsets.PREFIX + "!!!not base64!!!", FinishedOffsets.PREFIX + "AAAA",
                FinishedOffsets.PREFIX + Base64.getUrlEncoder().encodeToString(new byte[]{'B', 100, 1, 2, 3, 4}),
                ours.substring(0, ours.length() - 3),
                ours.substring(0, ours.length() - 5) + flipped + ours.substring(ours.length() - 4),
                ours.substring(FinishedOffsets.PREFIX.length()),
                "cw-finished-v2:" + ours.substring(FinishedOffsets.PREFIX.length()),
                // Kafka Streams' own metadata is a base64 of its version byte, time and more: not ours either.
                Base64.getEncoder().encodeToString(new byte[]{2, 0, 0, 1, -112, 0, 0, 0, 0, 0})};

        for (String metadata : foreign) {
            assertThat(FinishedOffsets.fromMetadata(100, metadata)).as("%s", metadata)
                    .isEqualTo(FinishedOffsets.none(100));
        }
    }

    @Test
    void ourMetadataBesideAnotherOffsetIsNotBelieved() {
        // e.g. the offset reset by a tool, or moved on in at-least-once mode with the old metadata left there.
        String metadata = new FinishedOffsets(100, range(102, 140)).toMetadata(MAX).metadata();

        assertThat(FinishedOffsets.fromMetadata(100, metadata).beyond()).hasSize(39);
        assertThat(FinishedOffsets.fromMetadata(101, metadata).beyond()).isEmpty();
        assertThat(FinishedOffsets.fromMetadata(0, metadata).beyond()).isEmpty();
        assertThat(FinishedOffsets.fromMetadata(-1, metadata).beyond()).isEmpty();
    }

    @Test
    void randomTextBehindOurPrefixNeverFailsAndNeverNamesAnOffsetAtOrBelowTheCommittedOne() {
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            String metadata = FinishedOffsets.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

            assertThat(FinishedOffsets.fromMetadata(7, metadata).beyond()).allMatch(offset -> offset > 7);
        }
    }

    @Test
    void wellFormedMapsThatOurEncoderNeverWritesAreRefused() {
        // Checksummed, so only the structure stands between them and a reader: each would skip what never ran.
        assertThat(read(forged('R', 10, 0, 0))).as("an empty run").isEmpty();
        assertThat(read(forged('R', 10, 0, 2, 0, 3))).as("two runs with no gap between").isEmpty();
        assertThat(read(forged('R', 10, 0, FinishedOffsets.MAX_OFFSETS + 1L))).as("more than a map holds")
                .isEmpty();
        assertThat(read(forged('R', 10, Long.MAX_VALUE - 5, 10))).as("past the last offset").isEmpty();
        assertThat(read(forged('X', 10, 1, 1))).as("an unknown layout").isEmpty();
        assertThat(read(forged('R', 10, 1, 2))).as("a well-formed one, for contrast").containsExactly(12L, 13L);
    }

    @Test
    void finishedOffsetsMustLieBeyondTheCommittedOne() {
        assertThatThrownBy(() -> new FinishedOffsets(10, range(10, 12)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond the committed offset 10");
        assertThatThrownBy(() -> FinishedOffsets.none(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FinishedOffsets.none(0).toMetadata(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new FinishedOffsets(10, range(11, 12)).finished(11)).isTrue();
        assertThat(new FinishedOffsets(10, range(11, 12)).finished(13)).isFalse();
    }

    private static NavigableSet<Long> read(String metadata) {
        return FinishedOffsets.fromMetadata(10, metadata).beyond();
    }

    /** Metadata in our format, checksum and all, with whatever varints follow the committed offset. */
    private static String forged(char layout, long committed, long... varints) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(layout);
        FinishedOffsets.writeVarint(bytes, committed);
        for (long value : varints) {
            FinishedOffsets.writeVarint(bytes, value);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        bytes.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return FinishedOffsets.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }

    private static NavigableSet<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
    }

    private static NavigableSet<Long> lowest(NavigableSet<Long> offsets, int count) {
        return offsets.stream().limit(count).collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
    }
}
