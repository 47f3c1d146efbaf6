package dev.conversationworker.testsupport;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A real OpenAI-compatible chat-completions server on a local port, for tests and benchmarks. By default it answers
 * every request with a valid analysis after a configurable latency. A test scripts other behaviour for prompts that
 * contain a token of its own ({@link #script}), so tests sharing one server do not disturb each other, and reads
 * back what the server saw: calls per model, their arrival times, and how many the client aborted.
 * <p>
 * It bills like a provider ({@link #billed}): every answer with a 200 carries a {@code usage} counted with the
 * model's tokenizer (OpenAI's count of chat messages: 3 tokens per message, its role and content, 3 to prime the
 * answer; {@code o200k_base} for gpt-4o models, {@code cl100k_base} otherwise), with the system message as
 * {@code prompt_tokens_details.cached_tokens} once the model has seen it (a prefix cache, at any length); an error
 * status bills nothing; a call the client aborts bills its prompt, uncached.
 */
public final class LlmSimulator implements AutoCloseable {

    /** What the server does for one call: wait, then answer with a status, headers and body. */
    public record Reply(long delayMs, int status, Map<String, String> headers, String body) {

        public static Reply ok(long delayMs, JsonObject result) {
            return new Reply(delayMs, 200, Map.of(), completion(result.encode(), "stop"));
        }

        public static Reply status(int status, Map<String, String> headers) {
            return new Reply(0, status, headers,
                    new JsonObject().put("error", new JsonObject().put("message", "simulated " + status)).encode());
        }

        public static Reply raw(long delayMs, String content, String finishReason) {
            return new Reply(delayMs, 200, Map.of(), completion(content, finishReason));
        }
    }

    /** What the server billed for the calls of one script token. */
    public record Billed(long promptTokens, long completionTokens, long cachedTokens, int calls) {

        Billed plus(long prompt, long completion, long cached) {
            return new Billed(promptTokens + prompt, completionTokens + completion, cachedTokens + cached, calls + 1);
        }

        public Billed plus(Billed other) {
            return new Billed(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                    cachedTokens + other.cachedTokens, calls + other.calls);
        }

        public Billed minus(Billed earlier) {
            return new Billed(promptTokens - earlier.promptTokens, completionTokens - earlier.completionTokens,
                    cachedTokens - earlier.cachedTokens, calls - earlier.calls);
        }
    }

    /** One call as the server saw it. */
    public record Call(String model, long arrivedAtNanos, JsonObject request) {
    }

    /** GET: how many calls the server received, all models together. */
    public static final String CALLS_PATH = "/calls";

    /** GET: how many calls the server holds unanswered now. */
    public static final String IN_FLIGHT_PATH = "/in-flight";

    /** GET: how many calls the server has answered, and for how long it held them in all (ns), space-separated. */
    public static final String HELD_PATH = "/held";

    /** GET: what the server billed, all calls together: prompt, completion and cached tokens, calls, space-separated. */
    public static final String BILLED_PATH = "/billed";

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, Map<String, IntFunction<Reply>>> scripts = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> aborted = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder answered = new LongAdder();
    private final LongAdder heldNanos = new LongAdder();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> callsByModel = new ConcurrentHashMap<>();
    private final Set<String> quoting = ConcurrentHashMap.newKeySet();
    private static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();
    private final Map<String, Billed> billed = new ConcurrentHashMap<>();
    private final Set<String> cachedSystemMessages = ConcurrentHashMap.newKeySet();
    private volatile ToLongFunction<String> defaultLatencyMs = model -> 5;
    private volatile boolean recordCalls = true;
    private volatile boolean down;

    public LlmSimulator() {
        server = vertx.createHttpServer().requestHandler(this::handle);
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the LLM simulator", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    /** Latency of the default answer, per model (e.g. a distribution for a benchmark). */
    public void defaultLatency(ToLongFunction<String> latencyMsByModel) {
        this.defaultLatencyMs = latencyMsByModel;
    }

    /** For prompts containing {@code token}: the reply of {@code model}'s n-th call (1-based) for that token. */
    public void script(String token, String model, IntFunction<Reply> replyForAttempt) {
        scripts.computeIfAbsent(token, t -> new ConcurrentHashMap<>()).put(model, replyForAttempt);
    }

    /**
     * Prompts that contain {@code token} are answered as a model that quotes the customer would: every customer
     * line in {@code userQuestions}, and all of them in {@code summary} (what an LLM does with personal data it is
     * given).
     */
    public void quoteCustomer(String token) {
        quoting.add(token);
    }

    public List<Call> calls(String token) {
        return calls.stream().filter(c -> c.request().encode().contains(token)).toList();
    }

    public List<Call> calls(String token, String model) {
        return calls(token).stream().filter(c -> c.model().equals(model)).toList();
    }

    /** What the calls whose prompts contain {@code token} were billed, all models together. */
    public Billed billed(String token) {
        return billed.getOrDefault(token, new Billed(0, 0, 0, 0));
    }

    /** What the server billed for every call so far, scripted or not (a benchmark's run, against its ledger). */
    public Billed billedInAll() {
        return billed.values().stream().reduce(new Billed(0, 0, 0, 0), Billed::plus);
    }

    public int aborted(String token, String model) {
        return aborted.getOrDefault(token + "|" + model, new AtomicInteger()).get();
    }

    /** Calls received by {@code model} so far, recorded or not. */
    public int callCount(String model) {
        return callsByModel.getOrDefault(model, new AtomicInteger()).get();
    }

    /**
     * An outage of the whole provider: while {@code down}, every call without a script is answered 503 at once
     * (the benchmark's soak turns it on and off).
     */
    public void down(boolean down) {
        this.down = down;
    }

    /** Benchmarks switch off keeping every request (their memory would be measured otherwise). */
    public void recordCalls(boolean record) {
        this.recordCalls = record;
    }

    /** Calls received and not yet answered (nor aborted by the client). */
    public int callsInFlight() {
        return inFlight.get();
    }

    /** Calls answered so far, and for how long they were held in all (ns): their mean latency, as served. */
    public long[] held() {
        return new long[]{answered.sum(), heldNanos.sum()};
    }

    public int maxConcurrentCalls() {
        return maxInFlight.get();
    }

    /** Starts counting {@link #maxConcurrentCalls()} afresh. */
    public void resetMaxConcurrentCalls() {
        maxInFlight.set(inFlight.get());
    }

    private void handle(HttpServerRequest request) {
        if (request.path().equals(CALLS_PATH)) { // for a benchmark that runs this server in a process of its own
            request.response().end(Integer.toString(callsByModel.values().stream().mapToInt(AtomicInteger::get).sum()));
            return;
        }
        if (request.path().equals(IN_FLIGHT_PATH)) {
            request.response().end(Integer.toString(inFlight.get()));
            return;
        }
        if (request.path().equals(HELD_PATH)) {
            request.response().end(answered.sum() + " " + heldNanos.sum());
            return;
        }
        if (request.path().equals(BILLED_PATH)) {
            Billed all = billedInAll();
            request.response().end(all.promptTokens() + " " + all.completionTokens() + " " + all.cachedTokens() + " "
                    + all.calls());
            return;
        }
        request.body().onSuccess(buffer -> {
            JsonObject body = buffer.toJsonObject();
            String model = body.getString("model", "");
            // Encoded again only to find a script: a benchmark has none, and shares the machine with the worker.
            String prompt = scripts.isEmpty() && quoting.isEmpty() ? "" : body.encode();
            String conversation = conversationOf(body);
            callsByModel.computeIfAbsent(model, m -> new AtomicInteger()).incrementAndGet();
            if (recordCalls) {
                calls.add(new Call(model, System.nanoTime(), body));
            }
            long arrived = System.nanoTime();
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            Map.Entry<String, Map<String, IntFunction<Reply>>> script = scripts.entrySet().stream()
                    .filter(s -> prompt.contains(s.getKey())).findFirst().orElse(null);
            Reply reply;
            if (script != null && script.getValue().containsKey(model)) {
                int attempt = (int) calls(script.getKey(), model).size();
                reply = script.getValue().get(model).apply(attempt);
            } else if (!down && quoting.stream().anyMatch(prompt::contains)) {
                reply = Reply.ok(defaultLatencyMs.applyAsLong(model), quotingResult(conversation));
            } else {
                reply = down
                        ? Reply.status(503, Map.of())
                        : Reply.ok(defaultLatencyMs.applyAsLong(model), defaultResult(conversation));
            }
            String billKey = script == null ? "" : script.getKey();
            String abortKey = billKey + "|" + model;
            Prompt tokens = prompt(model, body.getJsonArray("messages", new JsonArray()));
            AtomicInteger done = new AtomicInteger();
            request.connection().closeHandler(v -> {
                if (done.compareAndSet(0, 1)) {
                    inFlight.decrementAndGet();
                    aborted.computeIfAbsent(abortKey, k -> new AtomicInteger()).incrementAndGet();
                    bill(billKey, tokens.total(), 0, 0);
                }
            });
            Runnable send = () -> {
                if (!done.compareAndSet(0, 1)) {
                    return;
                }
                inFlight.decrementAndGet();
                answered.increment();
                heldNanos.add(System.nanoTime() - arrived);
                request.response().setStatusCode(reply.status()).putHeader("Content-Type", "application/json");
                reply.headers().forEach(request.response()::putHeader);
                request.response().end(billedBody(billKey, model, reply, tokens));
            };
            if (reply.delayMs() > 0) {
                vertx.setTimer(reply.delayMs(), id -> send.run());
            } else {
                send.run();
            }
        });
    }

    /** A request's prompt tokens, and the part of them (the system message) the provider's cache already has. */
    private record Prompt(int total, int cached) {
    }

    private Prompt prompt(String model, JsonArray messages) {
        Encoding encoding = encodingOf(model);
        int total = 3;
        int cached = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonObject message = messages.getJsonObject(i);
            String content = message.getString("content", "");
            int tokens = 3 + encoding.countTokensOrdinary(message.getString("role", ""))
                    + encoding.countTokensOrdinary(content);
            if (i == 0 && "system".equals(message.getString("role"))
                    && !cachedSystemMessages.add(model + "\n" + content)) {
                cached = tokens;
            }
            total += tokens;
        }
        return new Prompt(total, cached);
    }

    private static Encoding encodingOf(String model) {
        return ENCODINGS.getEncoding(model.startsWith("gpt-4o") ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE);
    }

    /** The reply as sent, with its usage when it is a completion; billed as a provider would bill it. */
    private String billedBody(String billKey, String model, Reply reply, Prompt prompt) {
        if (reply.status() != 200) {
            bill(billKey, 0, 0, 0);
            return reply.body();
        }
        JsonObject completion;
        try {
            completion = new JsonObject(reply.body());
        } catch (RuntimeException notJson) {
            bill(billKey, prompt.total(), 0, 0);
            return reply.body();
        }
        JsonObject message = completion.getJsonArray("choices", new JsonArray()).isEmpty()
                ? new JsonObject()
                : completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message", new JsonObject());
        Object content = message.getValue("content");
        int output = content instanceof String text ? encodingOf(model).countTokensOrdinary(text) : 0;
        completion.put("usage", new JsonObject().put("prompt_tokens", prompt.total())
                .put("completion_tokens", output).put("total_tokens", prompt.total() + output)
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", prompt.cached())));
        bill(billKey, prompt.total(), output, prompt.cached());
        return completion.encode();
    }

    private void bill(String key, long prompt, long completion, long cached) {
        billed.compute(key, (k, sum) -> (sum == null ? new Billed(0, 0, 0, 0) : sum).plus(prompt, completion, cached));
    }

    /** The user message: the conversation between its markers (the system message mentions fraud and such). */
    private static String conversationOf(JsonObject body) {
        JsonArray messages = body.getJsonArray("messages", new JsonArray());
        return messages.isEmpty() ? "" : messages.getJsonObject(messages.size() - 1).getString("content", "");
    }

    private static JsonObject quotingResult(String conversation) {
        JsonArray questions = new JsonArray();
        StringBuilder summary = new StringBuilder("The customer wrote:");
        for (String line : conversation.split("\n")) {
            int at = line.indexOf("[USER]: ");
            if (at >= 0 && questions.size() < 20) {
                String text = line.substring(at + "[USER]: ".length());
                questions.add(text.length() > 500 ? text.substring(0, 500) : text);
                summary.append(' ').append(text);
            }
        }
        return defaultResult(conversation).put("userQuestions", questions)
                .put("summary", summary.length() > 2000 ? summary.substring(0, 2000) : summary.toString());
    }

    /** A valid analysis; attention and severity follow a few keywords of the prompt, like a (very) small model. */
    public static JsonObject defaultResult(String conversation) {
        String lower = conversation.toLowerCase();
        boolean critical = lower.contains("fraud") || lower.contains("lừa đảo") || lower.contains("hacked");
        boolean high = critical || lower.contains("refund") || lower.contains("hoàn tiền")
                || lower.contains("angry");
        return new JsonObject()
                .put("userQuestions", new JsonArray().add("How do I change my password?"))
                .put("intent", high ? "complaint" : "account_access")
                .put("sentiment", high ? "negative" : "neutral")
                .put("summary", "Simulated summary of the conversation.")
                .put("needsAttention", high)
                .put("severity", critical ? "critical" : high ? "high" : "low")
                .put("language", lower.contains("mật khẩu") ? "vi" : "en");
    }

    static String completion(String content, String finishReason) {
        return new JsonObject().put("id", "chatcmpl-sim").put("object", "chat.completion")
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant").put("content", content)
                                .putNull("refusal"))
                        .put("finish_reason", finishReason)))
                .put("usage", new JsonObject().put("prompt_tokens", 100).put("completion_tokens", 50))
                .encode();
    }

    @Override
    public void close() {
        vertx.close();
    }
}
