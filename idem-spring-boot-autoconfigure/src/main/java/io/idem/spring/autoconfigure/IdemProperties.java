package io.idem.spring.autoconfigure;

import io.idem.IdempotencyConfig;
import io.idem.IdempotencyConfig.FailurePolicy;
import io.idem.IdempotencyConfig.HeartbeatMode;
import io.idem.IdempotencyConfig.MismatchPolicy;
import io.idem.http.HttpIdempotencyConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code idem.*}: the engine's and the HTTP layer's configuration. Defaults are the engine's and
 * {@link HttpIdempotencyConfig}'s own.
 */
@ConfigurationProperties(prefix = "idem")
public class IdemProperties {

  /**
   * The store: memory:, redis://host:port, jdbc:postgresql://.., jdbc:mariadb://.., jdbc:mysql://..,
   * nats://host:port. Unset: the Redis server of Spring Data Redis, else the application's DataSource,
   * else memory. A store bean of the application's own always wins.
   */
  private String store;

  /** How long a result is kept for replay. */
  private Duration retention = IdempotencyConfig.DEFAULT_RETENTION;

  /** How long an attempt holds its key before a retry may take it over (the heartbeat extends it while it runs). */
  private Duration lease = IdempotencyConfig.DEFAULT_LEASE;

  /** How long an attempt may run, or have its completion retried, before its key is left to expire. */
  private Duration attemptTimeLimit = IdempotencyConfig.DEFAULT_ATTEMPT_TIME_LIMIT;

  /** How long a duplicate waits for the first attempt to finish before it is told "in progress"; 0: not at all. */
  private Duration waitForInProgress = Duration.ZERO;

  /** How often a waiting duplicate looks again. */
  private Duration inProgressPollInterval = Duration.ofMillis(20);

  /** What a key reused for a different request gets: REJECT (422) or IGNORE (the first result). */
  private MismatchPolicy mismatchPolicy = MismatchPolicy.REJECT;

  /** What a failed attempt leaves: RELEASE (a retry runs again) or STORE (the failure is replayed). */
  private FailurePolicy failurePolicy = FailurePolicy.RELEASE;

  /** Lease heartbeat: AUTO (when the store can extend leases), OFF, or REQUIRED. */
  private HeartbeatMode heartbeat = HeartbeatMode.AUTO;

  private final Http http = new Http();
  private final Jdbc jdbc = new Jdbc();
  private final Methods methods = new Methods();

  public String getStore() {
    return store;
  }

  public void setStore(String store) {
    this.store = store;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  public Duration getLease() {
    return lease;
  }

  public void setLease(Duration lease) {
    this.lease = lease;
  }

  public Duration getAttemptTimeLimit() {
    return attemptTimeLimit;
  }

  public void setAttemptTimeLimit(Duration attemptTimeLimit) {
    this.attemptTimeLimit = attemptTimeLimit;
  }

  public Duration getWaitForInProgress() {
    return waitForInProgress;
  }

  public void setWaitForInProgress(Duration waitForInProgress) {
    this.waitForInProgress = waitForInProgress;
  }

  public Duration getInProgressPollInterval() {
    return inProgressPollInterval;
  }

  public void setInProgressPollInterval(Duration inProgressPollInterval) {
    this.inProgressPollInterval = inProgressPollInterval;
  }

  public MismatchPolicy getMismatchPolicy() {
    return mismatchPolicy;
  }

  public void setMismatchPolicy(MismatchPolicy mismatchPolicy) {
    this.mismatchPolicy = mismatchPolicy;
  }

  public FailurePolicy getFailurePolicy() {
    return failurePolicy;
  }

  public void setFailurePolicy(FailurePolicy failurePolicy) {
    this.failurePolicy = failurePolicy;
  }

  public HeartbeatMode getHeartbeat() {
    return heartbeat;
  }

  public void setHeartbeat(HeartbeatMode heartbeat) {
    this.heartbeat = heartbeat;
  }

  public Http getHttp() {
    return http;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public Methods getMethods() {
    return methods;
  }

  /** {@code idem.http.*}: the Idempotency-Key header on Spring MVC and WebFlux. */
  public static class Http {

    /** Whether Idem filters web requests at all. */
    private boolean enabled = true;

    /** The request header that carries the key. */
    private String headerName = HttpIdempotencyConfig.DEFAULT_HEADER_NAME;

    /** The namespace of HTTP keys in the store. */
    private String namespace = HttpIdempotencyConfig.DEFAULT_NAMESPACE;

    /** The HTTP methods covered when they carry the key (a handler annotated @Idempotent is covered whatever its method). */
    private List<String> methods = new ArrayList<>(List.of("POST", "PATCH"));

    /** Path prefixes on which a covered method without the key gets 400. */
    private List<String> requireKeyOnPaths = new ArrayList<>();

    /** Cover only handlers annotated @Idempotent, not every request of a covered method. */
    private boolean onlyAnnotated;

    /** Whose request it is: PRINCIPAL (the authenticated user; anonymous when none) or SHARED (one tenant for all). */
    private Tenant tenant = Tenant.PRINCIPAL;

    /** The largest response kept for replay; a larger one is sent, and a retry gets a documented error. */
    private DataSize maxStoredResponseSize = DataSize.ofBytes(HttpIdempotencyConfig.DEFAULT_MAX_STORED_RESPONSE_BYTES);

    /** The largest request body read to fingerprint a request; a larger one gets 413. */
    private DataSize maxRequestBodySize = DataSize.ofBytes(HttpIdempotencyConfig.DEFAULT_MAX_REQUEST_BODY_BYTES);

    /** Run requests unprotected when the store does not answer, instead of answering 503. */
    private boolean failOpen;

    /** Retry-After sent with 409 (a request with this key is still running). */
    private Duration inProgressRetryAfter = Duration.ofSeconds(1);

    /** Retry-After sent with 503 (the store did not answer). */
    private Duration unavailableRetryAfter = Duration.ofSeconds(5);

    /** Honour a client's Prefer: wait=N (wait for a running duplicate, then replay) up to this long; 0 ignores it. */
    private Duration maxPreferredWait = Duration.ZERO;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getHeaderName() {
      return headerName;
    }

    public void setHeaderName(String headerName) {
      this.headerName = headerName;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public List<String> getMethods() {
      return methods;
    }

    public void setMethods(List<String> methods) {
      this.methods = methods;
    }

    public List<String> getRequireKeyOnPaths() {
      return requireKeyOnPaths;
    }

    public void setRequireKeyOnPaths(List<String> requireKeyOnPaths) {
      this.requireKeyOnPaths = requireKeyOnPaths;
    }

    public boolean isOnlyAnnotated() {
      return onlyAnnotated;
    }

    public void setOnlyAnnotated(boolean onlyAnnotated) {
      this.onlyAnnotated = onlyAnnotated;
    }

    public Tenant getTenant() {
      return tenant;
    }

    public void setTenant(Tenant tenant) {
      this.tenant = tenant;
    }

    public DataSize getMaxStoredResponseSize() {
      return maxStoredResponseSize;
    }

    public void setMaxStoredResponseSize(DataSize maxStoredResponseSize) {
      this.maxStoredResponseSize = maxStoredResponseSize;
    }

    public DataSize getMaxRequestBodySize() {
      return maxRequestBodySize;
    }

    public void setMaxRequestBodySize(DataSize maxRequestBodySize) {
      this.maxRequestBodySize = maxRequestBodySize;
    }

    public boolean isFailOpen() {
      return failOpen;
    }

    public void setFailOpen(boolean failOpen) {
      this.failOpen = failOpen;
    }

    public Duration getInProgressRetryAfter() {
      return inProgressRetryAfter;
    }

    public void setInProgressRetryAfter(Duration inProgressRetryAfter) {
      this.inProgressRetryAfter = inProgressRetryAfter;
    }

    public Duration getUnavailableRetryAfter() {
      return unavailableRetryAfter;
    }

    public void setUnavailableRetryAfter(Duration unavailableRetryAfter) {
      this.unavailableRetryAfter = unavailableRetryAfter;
    }

    public Duration getMaxPreferredWait() {
      return maxPreferredWait;
    }

    public void setMaxPreferredWait(Duration maxPreferredWait) {
      this.maxPreferredWait = maxPreferredWait;
    }
  }

  /** Who a request belongs to. */
  public enum Tenant { PRINCIPAL, SHARED }

  /** {@code idem.jdbc.*}: the JDBC store on the application's DataSource. */
  public static class Jdbc {

    /** Create the store's table when missing: ALWAYS, EMBEDDED (only on an embedded database) or NEVER. */
    private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

    /** The store's table. */
    private String tableName = io.idem.jdbc.JdbcStore.DEFAULT_TABLE;

    public SchemaInitialization getInitializeSchema() {
      return initializeSchema;
    }

    public void setInitializeSchema(SchemaInitialization initializeSchema) {
      this.initializeSchema = initializeSchema;
    }

    public String getTableName() {
      return tableName;
    }

    public void setTableName(String tableName) {
      this.tableName = tableName;
    }
  }

  /** When Idem creates the JDBC store's table, as Spring's own {@code initialize-schema} settings. */
  public enum SchemaInitialization { ALWAYS, EMBEDDED, NEVER }

  /** {@code idem.methods.*}: {@link io.idem.spring.Idempotent} on bean methods. */
  public static class Methods {

    /** Whether @Idempotent bean methods are intercepted. */
    private boolean enabled = true;

    /** How long a duplicate call waits for the running one and replays its result, before DuplicateInProgressException. */
    private Duration waitForInProgress = Duration.ZERO;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getWaitForInProgress() {
      return waitForInProgress;
    }

    public void setWaitForInProgress(Duration waitForInProgress) {
      this.waitForInProgress = waitForInProgress;
    }
  }
}
