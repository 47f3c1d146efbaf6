package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.opentelemetry.context.Context;

/** What the parse step decides before the parser runs; {@code ChatEventParserTest} covers the parsing itself. */
class ParseStepTest {

    @Test
    void aRecordsLogLinesNameItsKeyAsItsConversationBeforeItIsParsed() {
        TracedEvent keyed = ParseStep.unparsed("conv-ü".getBytes(StandardCharsets.UTF_8), Context.root());
        TracedEvent keyless = ParseStep.unparsed(null, Context.root());

        assertThat(keyed.conversationId()).isEqualTo("conv-ü");
        assertThat(keyed.eventId()).isNull();
        assertThat(keyless.conversationId()).isNull();
        assertThat(keyed.mayPublish()).isSameAs(TracedEvent.ALWAYS);
    }

    @Test
    void aSmallRecordIsParsedInPlaceAndABigOneOnTheCpuPool() {
        byte[] key = new byte[100];

        assertThat(ParseStep.recordBytes(key, new byte[200])).isEqualTo(300).isLessThanOrEqualTo(
                CpuWorkPool.INLINE_BYTES);
        assertThat(ParseStep.recordBytes(key, new byte[CpuWorkPool.INLINE_BYTES])).isGreaterThan(
                CpuWorkPool.INLINE_BYTES);
        assertThat(ParseStep.recordBytes(null, null)).isZero();
    }
}
