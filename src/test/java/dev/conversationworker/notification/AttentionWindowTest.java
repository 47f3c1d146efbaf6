package dev.conversationworker.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.AnalysisStatus;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Provider;
import dev.conversationworker.model.Severity;
import dev.conversationworker.model.TriggerType;

/** The paging decision with claims kept in memory; {@code AttentionNotificationTest} runs it against Redis. */
class AttentionWindowTest {

    private final InMemoryClaims claims = new InMemoryClaims();
    private final AtomicInteger suppressed = new AtomicInteger();
    private final AttentionWindow window = new AttentionWindow(claims, suppressed::incrementAndGet);
    private final List<String> published = new ArrayList<>();

    @Test
    void aConversationPagesOncePerWindowOthersPageToo() {
        page(analysis("c-1", "a-1"));
        page(analysis("c-1", "a-2"));
        page(analysis("c-2", "a-3"));

        assertThat(published).containsExactly("a-1", "a-3");
        assertThat(suppressed).hasValue(1);
    }

    @Test
    void aRedeliveredTriggerWithTheSameAnalysisIdMayPageAgain() {
        page(analysis("c-1", "a-1"));
        page(analysis("c-1", "a-1"));

        assertThat(published).containsExactly("a-1", "a-1");
        assertThat(suppressed).hasValue(0);
    }

    @Test
    void aFailedPublishGivesTheClaimBackSoTheRetryPages() {
        AnalysisRecord first = analysis("c-1", "a-1");
        assertThatThrownBy(() -> window.pageOnce(first, () -> Uni.createFrom().failure(new IllegalStateException(
                "broker away"))).await().indefinitely()).hasMessageContaining("broker away");
        assertThat(claims.holders).isEmpty();

        page(analysis("c-1", "a-2"));
        assertThat(published).containsExactly("a-2");
    }

    private void page(AnalysisRecord analysis) {
        window.pageOnce(analysis, () -> Uni.createFrom().item(analysis.analysisId()).invoke(published::add)
                .replaceWithVoid()).await().indefinitely();
    }

    private static AnalysisRecord analysis(String conversationId, String analysisId) {
        return new AnalysisRecord(AnalysisRecord.SCHEMA_VERSION, analysisId, conversationId, "t-" + analysisId,
                TriggerType.CONVERSATION_CLOSED, AnalysisStatus.OK, 2,
                false, "2026-11-24T10:00:00Z", "m", "p1", Provider.PRIMARY, 5L, LlmUsage.NONE,
                new AnalysisResult(List.of(), "fraud", "negative",
                        "s", true, Severity.CRITICAL, "en"),
                null, null, null);
    }

    /** Claims that never expire within a test. */
    private static final class InMemoryClaims implements AttentionClaims {

        final Map<String, String> holders = new HashMap<>();

        @Override
        public Uni<Boolean> claim(String conversationId, String analysisId) {
            return Uni.createFrom().item(
                    analysisId.equals(holders.computeIfAbsent(conversationId, c -> analysisId)));
        }

        @Override
        public Uni<Void> release(String conversationId, String analysisId) {
            holders.remove(conversationId, analysisId);
            return Uni.createFrom().voidItem();
        }
    }
}
