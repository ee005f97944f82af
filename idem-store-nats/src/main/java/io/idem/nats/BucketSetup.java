package io.idem.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.support.ServerVersion;
import java.io.IOException;
import java.time.Duration;

/**
 * Binds the store to its bucket at build: uses the bucket when it exists, creates it when it does not,
 * and reads what the store must know of it (its max age, whether the server drops entries by
 * per-message TTL).
 */
final class BucketSetup {

  /** The first server version whose streams honour a per-message TTL ({@code Nats-TTL}). */
  static final String MESSAGE_TTL_VERSION = "2.11.0";
  /**
   * The first server version that serialises concurrent writes expecting the same revision of a key in a
   * replicated stream (nats-server issue 4320, fixed in 2.9.21).
   */
  static final String CLUSTERED_CAS_VERSION = "2.9.21";

  private static final System.Logger LOG = System.getLogger(NatsStore.class.getName());
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;

  /** What the store needs to know of its bucket. */
  record Bound(KvBucket bucket, Duration maxAge) {}

  private BucketSetup() {}

  static boolean serverHonoursMessageTtl(String serverVersion) {
    return serverVersion != null && ServerVersion.isSameOrNewer(serverVersion, MESSAGE_TTL_VERSION);
  }

  static boolean serverSerialisesClusteredCas(String serverVersion) {
    return serverVersion != null && ServerVersion.isSameOrNewer(serverVersion, CLUSTERED_CAS_VERSION);
  }

  /**
   * @throws IOException or JetStreamApiException when the server cannot be asked (no JetStream, no answer)
   * @throws IllegalStateException when the bucket exists but lacks what the store relies on
   */
  static Bound bind(Connection connection, String bucket, int replicas, StorageType storage, Duration maxAge,
      Duration timeout) throws IOException, JetStreamApiException {
    JetStreamOptions options = JetStreamOptions.builder().requestTimeout(timeout).build();
    JetStreamManagement management = connection.jetStreamManagement(options);
    boolean ttlServer = serverHonoursMessageTtl(connection.getServerInfo().getVersion());
    String stream = KvBucket.streamName(bucket);
    StreamConfiguration config;
    try {
      config = management.getStreamInfo(stream).getConfiguration();
      check(config, bucket, replicas, storage);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
      config = create(connection, options, management, bucket, replicas, storage, maxAge, ttlServer);
    }
    boolean messageTtl = ttlServer && config.getAllowMessageTtl();
    boolean replicated = config.getReplicas() > 1;
    boolean casMessageIds = replicated && !serverSerialisesClusteredCas(connection.getServerInfo().getVersion());
    if (casMessageIds) {
      LOG.log(System.Logger.Level.INFO, "Idem: NATS " + connection.getServerInfo().getVersion() + " does not serialise"
          + " compare-and-set in a replicated stream (fixed in " + CLUSTERED_CAS_VERSION + "): bucket '" + bucket
          + "' guards each one with a message id as well");
    }
    KvBucket kv = new KvBucket(connection, connection.jetStream(options), management, bucket, messageTtl, replicated,
        casMessageIds, timeout);
    return new Bound(kv, config.getMaxAge());
  }

  private static StreamConfiguration create(Connection connection, JetStreamOptions options,
      JetStreamManagement management, String bucket, int replicas, StorageType storage, Duration maxAge,
      boolean ttlServer) throws IOException, JetStreamApiException {
    KeyValueConfiguration.Builder kv = KeyValueConfiguration.builder()
        .name(bucket)
        .description("Idem idempotency records")
        .maxHistoryPerKey(1)
        .ttl(maxAge)
        .storageType(storage)
        .replicas(replicas);
    if (ttlServer) {
      // Enables per-message TTL on the stream: expired records then leave at once instead of at max age.
      kv.limitMarker(Duration.ofSeconds(1));
    }
    try {
      StreamInfo created = connection.keyValueManagement(KeyValueOptions.builder().jetStreamOptions(options).build())
          .create(kv.build()).getBackingStreamInfo();
      LOG.log(System.Logger.Level.INFO, "Idem: created the NATS key-value bucket '" + bucket + "' (" + replicas
          + " replica(s), " + storage + " storage, max age " + maxAge + ", per-message TTL "
          + (ttlServer ? "on" : "off (server older than " + MESSAGE_TTL_VERSION + ")") + ")");
      return created.getConfiguration();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
      // Another instance created it first, with other settings: use theirs.
      StreamConfiguration existing = management.getStreamInfo(KvBucket.streamName(bucket)).getConfiguration();
      check(existing, bucket, replicas, storage);
      return existing;
    }
  }

  private static void check(StreamConfiguration config, String bucket, int replicas, StorageType storage) {
    if (!config.getAllowDirect() || !config.getAllowRollup()) {
      throw new IllegalStateException("the NATS stream " + config.getName() + " behind bucket '" + bucket
          + "' does not allow direct gets and rollups, which Idem's reads and releases use; give Idem a bucket"
          + " of its own (a key-value bucket created by NATS 2.9 or later has both)");
    }
    if (config.getReplicas() != replicas || config.getStorageType() != storage) {
      LOG.log(System.Logger.Level.WARNING, "Idem: the NATS key-value bucket '" + bucket + "' exists with "
          + config.getReplicas() + " replica(s) and " + config.getStorageType() + " storage; this store asked for "
          + replicas + " and " + storage + ". Idem uses it as it is.");
    }
  }
}
