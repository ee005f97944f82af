package io.idem.nats;

import io.idem.StoreCapacityExceededException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PurgeOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The JetStream key-value bucket on the wire, with exactly the requests the store needs: each method
 * is one request and one reply. Writes are what the client library's {@code KeyValue.create} and
 * {@code update} send underneath (a publish to {@code $KV.<bucket>.<key>} that expects the key's last
 * revision), issued with {@link JetStream#publishAsync} so that no thread waits; reads get the key's
 * last message, directly from a single-replica bucket or through the leader of a replicated one.
 * Neither retries nor decides: that is {@link RecordOperations}' job.
 */
final class KvBucket {

  /** What a write answers when the key's last revision was not the expected one. */
  static final long CONFLICT = -1;

  /** Room kept for the headers of a write when checking a value against the server's max_payload. */
  private static final int HEADER_ALLOWANCE = 128;

  private static final String KV_OPERATION = "KV-Operation";
  private static final String ROLLUP = "Nats-Rollup";

  private final Connection connection;
  private final JetStream jetStream;
  private final JetStreamManagement management;
  private final String streamName;
  private final String subjectPrefix;
  private final String directGetPrefix;
  private final String leaderGetSubject;
  private final boolean messageTtl;
  private final boolean leaderReads;
  private final boolean casMessageIds;
  private final Duration timeout;

  /**
   * @param leaderReads read through the stream leader instead of any replica (decision 0503)
   * @param casMessageIds give each compare-and-set a message id derived from the revision it expects,
   *     for servers that do not serialise the revision check in a cluster (decision 0503)
   */
  KvBucket(Connection connection, JetStream jetStream, JetStreamManagement management, String bucket,
      boolean messageTtl, boolean leaderReads, boolean casMessageIds, Duration timeout) {
    this.connection = connection;
    this.jetStream = jetStream;
    this.management = management;
    this.streamName = streamName(bucket);
    this.subjectPrefix = "$KV." + bucket + ".";
    this.directGetPrefix = "$JS.API.DIRECT.GET." + streamName + "." + subjectPrefix;
    this.leaderGetSubject = "$JS.API.STREAM.MSG.GET." + streamName;
    this.messageTtl = messageTtl;
    this.leaderReads = leaderReads;
    this.casMessageIds = casMessageIds;
    this.timeout = timeout;
  }

  static String streamName(String bucket) {
    return "KV_" + bucket;
  }

  /** Whether the server removes each entry when its lifetime ends (per-message TTL, NATS 2.11 and later). */
  boolean expiresEntries() {
    return messageTtl;
  }

  /**
   * Writes {@code value} if the key's last revision is {@code expectedRevision} (0: the key has no
   * message at all) and answers the new revision, or {@link #CONFLICT}.
   *
   * @param lifetimeMillis how long the entry matters; with per-message TTL the server drops it then
   */
  CompletableFuture<Long> write(String natsKey, byte[] value, long expectedRevision, long lifetimeMillis) {
    if (value.length + HEADER_ALLOWANCE > connection.getMaxPayload()) {
      return CompletableFuture.failedFuture(new StoreCapacityExceededException("an Idem record of " + value.length
          + " bytes does not fit in one NATS message: the server accepts at most " + connection.getMaxPayload()
          + " bytes (max_payload, less " + HEADER_ALLOWANCE + " for headers). Raise max_payload or store smaller"
          + " results."));
    }
    return publish(natsKey, expectations(new Headers(), expectedRevision, lifetimeMillis), value);
  }

  /**
   * Replaces the key's value by a purge marker (the key reads as absent) if its last revision is
   * {@code expectedRevision}, and answers the marker's revision, or {@link #CONFLICT}.
   */
  CompletableFuture<Long> writeMarker(String natsKey, long expectedRevision, long lifetimeMillis) {
    Headers headers = new Headers().put(KV_OPERATION, "PURGE").put(ROLLUP, "sub");
    return publish(natsKey, expectations(headers, expectedRevision, lifetimeMillis), null);
  }

  /**
   * The headers of a conditional write, set directly rather than through {@code PublishOptions}, which
   * would build and copy them once more per write.
   */
  private Headers expectations(Headers headers, long expectedRevision, long lifetimeMillis) {
    headers.put(NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_HDR, Long.toString(expectedRevision));
    if (casMessageIds && expectedRevision > 0) {
      // A revision is a stream sequence, unique in the stream: every write that expects it carries the same
      // id, and the server's duplicate check lets only the first of them in.
      headers.put(NatsJetStreamConstants.MSG_ID_HDR, "idem-cas-" + expectedRevision);
    }
    if (messageTtl) {
      // Whole seconds, rounded up: the server never drops an entry that a reader still counts as live.
      headers.put(NatsJetStreamConstants.MSG_TTL_HDR, Math.max(1, (lifetimeMillis + 999) / 1000) + "s");
    }
    return headers;
  }

  private CompletableFuture<Long> publish(String natsKey, Headers headers, byte[] value) {
    CompletableFuture<Long> revision;
    try {
      revision = jetStream.publishAsync(subjectPrefix + natsKey, headers, value, null)
          .thenApply(ack -> ack.isDuplicate() ? CONFLICT : ack.getSeqno());
    } catch (RuntimeException e) {
      // Refused before sending (disconnected, closed): the same failure path as an error reply.
      return CompletableFuture.failedFuture(e);
    }
    return revision.exceptionallyCompose(failure -> {
      Throwable cause = unwrap(failure);
      if (cause instanceof JetStreamApiException api && isConflict(api.getApiErrorCode())) {
        return CompletableFuture.completedFuture(CONFLICT);
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  /**
   * A wrong last revision; or, in a cluster whose stream leader just changed, a revision the new
   * leader cannot confirm yet. Either way the caller reads the key again and decides anew.
   */
  private static boolean isConflict(int apiErrorCode) {
    return apiErrorCode == NatsJetStreamConstants.JS_WRONG_LAST_SEQUENCE
        || apiErrorCode == NatsJetStreamConstants.JS_SEQUENCE_TEMPORARILY_UNKNOWN;
  }

  /**
   * The key's last message, or null when it has none. A single-replica bucket answers a direct get;
   * a replicated one is asked through its leader, because any replica may answer a direct get, and one
   * that lags would not show a write that was already acknowledged.
   */
  CompletableFuture<KvEntry> last(String natsKey) {
    CompletableFuture<Message> reply;
    try {
      reply = leaderReads
          ? connection.requestWithTimeout(leaderGetSubject, null,
              ("{\"last_by_subj\":\"" + subjectPrefix + natsKey + "\"}").getBytes(StandardCharsets.US_ASCII), timeout)
          : connection.requestWithTimeout(directGetPrefix + natsKey, null, null, timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return reply.thenApply(leaderReads ? this::leaderEntry : this::directEntry);
  }

  private KvEntry leaderEntry(Message message) {
    if (message.isStatusMessage()) {
      throw new CompletionException(new IOException("stream message get answered "
          + message.getStatus().getMessageWithCode()));
    }
    MessageInfo info = new MessageInfo(message, streamName, false);
    if (info.hasError()) {
      if (info.getApiErrorCode() == NatsJetStreamConstants.JS_NO_MESSAGE_FOUND_ERR) {
        return null;
      }
      throw new CompletionException(new JetStreamApiException(info));
    }
    byte[] data = info.getData();
    return new KvEntry(info.getSeq(), info.getTime().toInstant().toEpochMilli(),
        isMarker(info.getHeaders()), data == null ? new byte[0] : data);
  }

  private static boolean isMarker(Headers headers) {
    String operation = headers == null ? null : headers.getFirst(KV_OPERATION);
    return operation != null && !operation.equals("PUT");
  }

  private KvEntry directEntry(Message message) {
    if (message.isStatusMessage()) {
      if (message.getStatus().getCode() == 404) {
        return null;
      }
      throw new CompletionException(new IOException("direct get of " + message.getSubject() + " answered "
          + message.getStatus().getMessageWithCode()));
    }
    Headers headers = message.getHeaders();
    String sequence = headers == null ? null : headers.getFirst("Nats-Sequence");
    String timestamp = headers == null ? null : headers.getFirst("Nats-Time-Stamp");
    if (sequence == null || timestamp == null) {
      throw new CompletionException(new IOException("a direct get reply without Nats-Sequence and Nats-Time-Stamp"
          + " headers: is the bucket's allow_direct off?"));
    }
    byte[] data = message.getData();
    return new KvEntry(Long.parseLong(sequence), Instant.parse(timestamp).toEpochMilli(), isMarker(headers),
        data == null ? new byte[0] : data);
  }

  /**
   * Removes the messages of every key matching {@code keyFilter} whose revision is below
   * {@code belowRevision} (0: all of them), leaving no marker behind. Blocks, at most the timeout.
   *
   * @return how many messages the server removed
   */
  long purge(String keyFilter, long belowRevision) throws IOException, JetStreamApiException {
    PurgeOptions.Builder options = PurgeOptions.builder().subject(subjectPrefix + keyFilter);
    if (belowRevision > 0) {
      options.sequence(belowRevision);
    }
    return management.purgeStream(streamName, options.build()).getPurged();
  }

  /** The failure inside the wrappers that completion stages add. */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException
        || cause.getClass() == RuntimeException.class) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
