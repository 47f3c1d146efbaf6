package dev.conversationworker.ops;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kafka.KafkaConnector;

/**
 * Readiness of the Kafka input channels ({@code chat-events}, {@code notification-delivery}): DOWN when a topic they
 * read is missing on the broker, has a partition without a leader, or the broker does not answer. SmallRye's own
 * readiness check of an input channel asks instead whether this instance was assigned a partition, which an
 * instance of a group larger than the topic's partitions never is (more replicas than partitions, a rollout's new
 * pod): the channels are told not to verify topics in readiness ({@code health-topic-verification-readiness-disabled}),
 * which leaves SmallRye reporting only whether the consumer is connected, and this check asks the connector's topic
 * verification (its start-up check) at each probe instead.
 */
@Readiness
@ApplicationScoped
class KafkaInputTopicsHealth implements HealthCheck {

    @Inject
    @Connector(KafkaConnector.CONNECTOR_NAME)
    KafkaConnector kafka;

    @Override
    public HealthCheckResponse call() {
        Set<String> inputs = kafka.getConsumerChannels();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Kafka input topics").up();
        for (HealthReport.ChannelInfo channel : kafka.getStartup().getChannels()) {
            if (inputs.contains(channel.getChannel())) {
                response.withData(channel.getChannel(), channel.isOk()
                        ? "[OK]"
                        : "[KO] - " + channel.getMessage());
                if (!channel.isOk()) {
                    response.down();
                }
            }
        }
        return response.build();
    }
}
