package dev.conversationworker.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A real local HTTP server that behaves like Google Chat's incoming webhooks
 * ({@code POST /v1/spaces/SPACE/messages?key=…&token=…}): it checks the key and token (401 when they are wrong or the
 * space's webhook was revoked), validates the body as Google does (JSON, {@code text} ≤ 4,096 characters, message
 * ≤ 32,000 bytes, card shape, ≤ 100 widgets per card; 400 with Google's error otherwise), allows each space
 * {@code perSecond} created messages in any second (429 {@code RESOURCE_EXHAUSTED} beyond, every other one with
 * {@code Retry-After}), fails some requests with 500/503 or 429, answers some slowly and loses the answer to some
 * it created (per space, by chance), and returns the first message again for a {@code requestId} it has seen in the
 * space, whatever the body, as Google does. Can fail chosen bodies with a 5xx for ever, and answer the next requests
 * of a space with 429 and a chosen {@code Retry-After}. Can hold the answer to a chosen message it created, for a test
 * to kill the sender meanwhile. Records every created message.
 */
public final class GoogleChatSimulator implements AutoCloseable {

    /** A message the server created. */
    public record Created(String space, String requestId, String threadKey, boolean replyOptionSet, JsonObject body,
            long atMillis) {
    }

    /**
     * What a space does besides its job, each a probability per request.
     *
     * @param answersLost the message is created, then its answer lost: the connection is closed or 503 answered
     */
    public record Faults(double failures, double slow, double throttles, double answersLost) {

        public static final Faults NONE = new Faults(0, 0, 0, 0);

        public Faults(double failures, double slow, double throttles) {
            this(failures, slow, throttles, 0);
        }
    }

    /** An answer to hold: the first created message of the space that matches. */
    private record Hold(String space, Predicate<Created> which, CompletableFuture<Created> held) {
    }

    private static final class SpaceState {

        final String key;
        final String token;
        final int perSecond;
        volatile Faults faults;
        volatile boolean revoked;
        final Deque<Long> createdAt = new ArrayDeque<>();
        final AtomicInteger throttledByRate = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        boolean retryAfterNext;
        /** Bodies answered with {@link #failingStatus} whatever else happens (a body Google cannot take, but not 400). */
        volatile Predicate<String> failingBodies = body -> false;
        volatile int failingStatus = 500;
        /** The next requests answered 429 with this {@code Retry-After}. */
        final AtomicInteger throttleNext = new AtomicInteger();
        volatile String throttleRetryAfter;

        SpaceState(String key, String token, int perSecond, Faults faults) {
            this.key = key;
            this.token = token;
            this.perSecond = perSecond;
            this.faults = faults;
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, SpaceState> spaces = new ConcurrentHashMap<>();
    private final Map<String, String> messageByRequestId = new ConcurrentHashMap<>();
    private final List<Created> created = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final AtomicInteger repeatedRequestIds = new AtomicInteger();
    private final Map<String, AtomicInteger> repeatsByRequestId = new ConcurrentHashMap<>();
    private final AtomicInteger answersLost = new AtomicInteger();
    private final List<Hold> holds = new CopyOnWriteArrayList<>();

    public GoogleChatSimulator() {
        server = vertx.createHttpServer().requestHandler(this::handle);
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Google Chat simulator", e);
        }
    }

    /** Adds a space; returns its webhook URL (a secret to the worker). */
    public String space(String name, String key, String token, int perSecond, Faults faults) {
        spaces.put(name, new SpaceState(key, token, perSecond, faults));
        return "http://127.0.0.1:" + server.actualPort() + "/v1/spaces/" + name + "/messages?key=" + key + "&token="
                + token;
    }

    public void faults(String space, Faults faults) {
        spaces.get(space).faults = faults;
    }

    /**
     * Answers {@code status} (a 5xx or 408) to every request of the space whose body matches, for ever: a message that
     * fails deterministically while the space takes others.
     */
    public void failBodies(String space, Predicate<String> which, int status) {
        SpaceState state = spaces.get(space);
        state.failingStatus = status;
        state.failingBodies = which;
    }

    /** Answers the space's next {@code count} requests with 429 and this {@code Retry-After} (seconds, as Google). */
    public void throttleNext(String space, int count, String retryAfter) {
        SpaceState state = spaces.get(space);
        state.throttleRetryAfter = retryAfter;
        state.throttleNext.set(count);
    }

    /** Revokes (401 from now on) or restores the space's webhook. */
    public void revoke(String space, boolean revoked) {
        spaces.get(space).revoked = revoked;
    }

    public List<Created> created(String space) {
        return created.stream().filter(c -> c.space().equals(space)).toList();
    }

    /** Answers given so far with this status, all spaces. */
    public int answered(int status) {
        return statuses.getOrDefault(Integer.toString(status), new AtomicInteger()).get();
    }

    /** 429s the space's rate limit gave (not the ones given by chance). */
    public int throttledByRate(String space) {
        return spaces.get(space).throttledByRate.get();
    }

    public int requests(String space) {
        return spaces.get(space).requests.get();
    }

    public int repeatedRequestIds() {
        return repeatedRequestIds.get();
    }

    /** How often this requestId came again after its message was created (any space). */
    public int repeats(String requestId) {
        return repeatsByRequestId.getOrDefault(requestId, new AtomicInteger()).get();
    }

    /** Messages created whose answer was lost on purpose ({@link Faults#answersLost()}). */
    public int answersLost() {
        return answersLost.get();
    }

    /**
     * Holds the answer to the next message created in {@code space} that matches: it is created, and its sender
     * waits for an answer that never comes. Completes with the message once created.
     */
    public CompletableFuture<Created> holdAnswer(String space, Predicate<Created> which) {
        Hold hold = new Hold(space, which, new CompletableFuture<>());
        holds.add(hold);
        return hold.held();
    }

    /** The most messages created for the space within any 1,000 ms. */
    public int maxCreatedInAnySecond(String space) {
        List<Long> times = created(space).stream().map(Created::atMillis).sorted().toList();
        int max = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(j) >= 1000) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(buffer -> {
            String[] path = request.path().split("/");
            SpaceState space = path.length == 5 && "spaces".equals(path[2]) && "messages".equals(path[4])
                    ? spaces.get(path[3])
                    : null;
            if (space == null) {
                reply(request, 404, error(404, "NOT_FOUND", "Requested entity was not found."), null);
                return;
            }
            space.requests.incrementAndGet();
            if (space.revoked || !space.key.equals(request.getParam("key"))
                    || !space.token.equals(request.getParam("token"))) {
                reply(request, 401, error(401, "UNAUTHENTICATED",
                        "Request had invalid authentication credentials."), null);
                return;
            }
            if (space.throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(request, 429, error(429, "RESOURCE_EXHAUSTED", "simulated quota"), space.throttleRetryAfter);
                return;
            }
            if (space.failingBodies.test(buffer.toString(StandardCharsets.UTF_8))) {
                reply(request, space.failingStatus, error(space.failingStatus, "INTERNAL", "simulated: this body"),
                        null);
                return;
            }
            Faults faults = space.faults;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (random.nextDouble() < faults.failures()) {
                int status = random.nextBoolean() ? 500 : 503;
                reply(request, status, error(status, status == 500 ? "INTERNAL" : "UNAVAILABLE", "simulated"), null);
                return;
            }
            if (random.nextDouble() < faults.throttles()) {
                boolean withRetryAfter;
                synchronized (space) {
                    withRetryAfter = space.retryAfterNext = !space.retryAfterNext;
                }
                reply(request, 429, error(429, "RESOURCE_EXHAUSTED", "simulated quota"), withRetryAfter ? "1" : null);
                return;
            }
            long delay = random.nextDouble() < faults.slow() ? 300 + random.nextInt(1200) : 0;
            if (delay > 0) {
                vertx.setTimer(delay, id -> create(request, path[3], space, buffer.toString(StandardCharsets.UTF_8),
                        buffer.length()));
            } else {
                create(request, path[3], space, buffer.toString(StandardCharsets.UTF_8), buffer.length());
            }
        });
    }

    private void create(HttpServerRequest request, String name, SpaceState space, String text, int bytes) {
        String requestId = request.getParam("requestId");
        String existing = requestId == null ? null : messageByRequestId.get(name + " " + requestId);
        if (existing != null) {
            repeatedRequestIds.incrementAndGet();
            repeatsByRequestId.computeIfAbsent(requestId, id -> new AtomicInteger()).incrementAndGet();
            reply(request, 200, new JsonObject().put("name", existing), null);
            return;
        }
        String invalid;
        JsonObject body = null;
        try {
            body = new JsonObject(text);
            invalid = invalid(body, bytes);
        } catch (RuntimeException e) {
            invalid = "Invalid JSON payload received.";
        }
        if (invalid != null) {
            reply(request, 400, error(400, "INVALID_ARGUMENT", invalid), null);
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (space) {
            while (!space.createdAt.isEmpty() && now - space.createdAt.peekFirst() >= 1000) {
                space.createdAt.pollFirst();
            }
            if (space.createdAt.size() >= space.perSecond) {
                space.throttledByRate.incrementAndGet();
                space.retryAfterNext = !space.retryAfterNext;
                reply(request, 429, error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
                        space.retryAfterNext ? "1" : null);
                return;
            }
            space.createdAt.addLast(now);
        }
        String message = "spaces/" + name + "/messages/" + java.util.UUID.randomUUID();
        if (requestId != null) {
            messageByRequestId.put(name + " " + requestId, message);
        }
        JsonObject thread = body.getJsonObject("thread");
        Created made = new Created(name, requestId, thread == null ? null : thread.getString("threadKey"),
                "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD".equals(request.getParam("messageReplyOption")), body, now);
        created.add(made);
        for (Hold hold : holds) {
            if (hold.space().equals(name) && hold.which().test(made) && holds.remove(hold)) {
                hold.held().complete(made);
                return; // no answer: the sender waits until it gives up or dies
            }
        }
        if (ThreadLocalRandom.current().nextDouble() < space.faults.answersLost()) {
            answersLost.incrementAndGet();
            if (ThreadLocalRandom.current().nextBoolean()) {
                request.connection().close();
            } else {
                reply(request, 503, error(503, "UNAVAILABLE", "simulated: created, answer lost"), null);
            }
            return;
        }
        reply(request, 200, new JsonObject().put("name", message), null);
    }

    /** Google's checks, as far as a test needs them; the error message, or null when the body is acceptable. */
    static String invalid(JsonObject body, int bytes) {
        if (bytes > 32_000) {
            return "Message exceeds the maximum size of 32000 bytes.";
        }
        String text = body.getString("text");
        JsonArray cards = body.getJsonArray("cardsV2");
        if ((text == null || text.isEmpty()) && (cards == null || cards.isEmpty())) {
            return "Message cannot be empty.";
        }
        if (text != null && text.length() > 4096) {
            return "Invalid text: the text exceeds 4096 characters.";
        }
        if (cards != null) {
            for (int i = 0; i < cards.size(); i++) {
                JsonObject card = cards.getJsonObject(i).getJsonObject("card");
                if (card == null || card.getJsonArray("sections") == null) {
                    return "Invalid cardsV2[" + i + "]: a card needs sections.";
                }
                int widgets = 0;
                for (Object section : card.getJsonArray("sections")) {
                    JsonArray list = ((JsonObject) section).getJsonArray("widgets");
                    widgets += list == null ? 0 : list.size();
                }
                if (widgets > 100) {
                    return "Invalid cardsV2[" + i + "]: more than 100 widgets.";
                }
            }
        }
        return null;
    }

    private static JsonObject error(int code, String status, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)
                .put("status", status));
    }

    private void reply(HttpServerRequest request, int status, JsonObject body, String retryAfter) {
        statuses.computeIfAbsent(Integer.toString(status), s -> new AtomicInteger()).incrementAndGet();
        var response = request.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        if (retryAfter != null) {
            response.putHeader("Retry-After", retryAfter);
        }
        response.end(body.encode());
    }

    @Override
    public void close() {
        vertx.close();
    }
}
