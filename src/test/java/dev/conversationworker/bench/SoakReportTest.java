package dev.conversationworker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conversationworker.bench.SoakReport.Backlog;
import dev.conversationworker.bench.SoakSettings.Outage;

class SoakReportTest {

    private static SoakSettings settings(double minutes, double warmUp, double every, double outage, double ttl) {
        return new SoakSettings(minutes(minutes), minutes(warmUp), minutes(every), minutes(outage), minutes(ttl),
                Duration.ofSeconds(60), 30, Duration.ofSeconds(30));
    }

    @Test
    void anHourHasThreeOutagesOfFiveMinutesEveryTwentyFromTheEndOfTheWarmUp() {
        assertThat(settings(60, 5, 20, 5, 10).outages()).containsExactly(
                new Outage(1, minutes(5), minutes(10)), new Outage(2, minutes(25), minutes(30)),
                new Outage(3, minutes(45), minutes(50)));
        // The short check: each outage followed by at least its own length of traffic.
        assertThat(settings(6, 1, 3, 1, 2).outages()).containsExactly(new Outage(1, minutes(1), minutes(2)),
                new Outage(2, minutes(4), minutes(5)));
        assertThat(settings(60, 5, 20, 0, 10).outages()).isEmpty();
        SoakSettings hour = settings(60, 5, 20, 5, 10);
        assertThat(hour.llmDown(minutes(4.9))).isFalse();
        assertThat(hour.llmDown(minutes(5))).isTrue();
        assertThat(hour.llmDown(minutes(29.9))).isTrue();
        assertThat(hour.llmDown(minutes(30))).isFalse();
    }

    @Test
    void redisIsJudgedOnceEveryKeyOfTheStartHasExpired() {
        assertThat(settings(60, 5, 20, 5, 10).redisSettledFrom()).isEqualTo(minutes(11));
        assertThat(settings(60, 15, 20, 5, 10).redisSettledFrom()).isEqualTo(minutes(15));
    }

    @Test
    void theSlopeIsPerHourAndLeavesOutTheWarmUpAndMissingValues() {
        List<SoakSample> samples = new ArrayList<>();
        for (int minute = 0; minute <= 60; minute++) {
            // 300 MiB during the first 5 minutes (not counted), then 100 MiB + 0.5 MiB a minute = 30 MiB/h.
            double heap = minute < 5 ? 300 : minute == 30 ? Double.NaN : 100 + 0.5 * minute;
            samples.add(sample(minute, heap));
        }
        assertThat(SoakReport.slopePerHour(samples, minutes(5), SoakSample::heapAfterGcMib))
                .isCloseTo(30, within(1e-9));
        assertThat(SoakReport.slopePerHour(samples, minutes(5), SoakSample::threads)).isZero();
    }

    @Test
    void recoveryIsTheTimeFromTheOutagesEndToTheFirstLagUnderTheTarget() {
        List<Backlog> lags = List.of(lag(9.0, 50), lag(10.0, 4000), lag(10.5, 2500), lag(11.0, -1), lag(11.5, 900),
                lag(12.0, 20));
        assertThat(SoakReport.recovery(lags, minutes(10), 1000)).contains(Duration.ofSeconds(90));
        // Never above the target after it: recovered at once.
        assertThat(SoakReport.recovery(lags, minutes(11.5), 1000)).contains(Duration.ZERO);
        assertThat(SoakReport.recovery(lags, minutes(10), 100)).contains(Duration.ofMinutes(2));
        assertThat(SoakReport.recovery(lags, minutes(10), 10)).isEmpty();
    }

    @Test
    void theWaitingRoomIsEmptiedWhenNoAnalysisIsSeenWaiting() {
        List<Backlog> points = List.of(new Backlog(minutes(10), 0, 9000), new Backlog(minutes(11), 0, Double.NaN),
                new Backlog(minutes(12), 0, 40), new Backlog(minutes(12.5), 0, 0));
        assertThat(SoakReport.waitingEmptied(points, minutes(10))).contains(Duration.ofSeconds(150));
        assertThat(SoakReport.waitingEmptied(points.subList(0, 3), minutes(10))).isEmpty();
    }

    @Test
    void theReportSaysWhichTargetsAreMet() {
        SoakSettings settings = settings(30, 5, 20, 5, 10);
        List<SoakSample> samples = new ArrayList<>();
        List<Backlog> lags = new ArrayList<>();
        for (int minute = 0; minute <= 30; minute++) {
            samples.add(sample(minute, 80 + 0.01 * minute)); // 0.6 MiB/h
            lags.add(lag(minute, minute == 10 ? 5000 : 10));
        }
        String report = SoakReport.markdown("S5 test", settings, samples, lags, List.of("a total"));
        assertThat(report).contains("| heap after a full GC | +0.60 MiB/h | 80.1 MiB – 80.3 MiB | < 1 MiB/h | met |")
                .contains("| live threads | +0.0 /h | 60–60 |").contains("| 1 | 5.0–10.0 | 5,000 | 60 s | 0 | 0 s |")
                .contains("- a total");
        assertThat(report.lines().filter(l -> l.startsWith("| input lag after each outage")).findFirst())
                .hasValueSatisfying(l -> assertThat(l).endsWith("| met |"));
    }

    private static SoakSample sample(double minute, double heapMib) {
        return new SoakSample(minutes(minute), false, heapMib, 40, 400, 30, 1000, 60, 10, 0, 0, 50, 0, 0);
    }

    private static Backlog lag(double minute, long lag) {
        return new Backlog(minutes(minute), lag, 0);
    }

    private static Duration minutes(double minutes) {
        return Duration.ofMillis(Math.round(minutes * 60_000));
    }
}
