package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Bad configuration fails at build time with the bad value in the message; no database needed. */
class JdbcStoreConfigurationTest {

  private final JdbcStoreBuilder builder = JdbcStore.builder(unreachable());

  @Test
  void tableNameThatIsNotAnIdentifierIsRejected() {
    assertThatThrownBy(() -> builder.tableName("idem; DROP TABLE users"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idem; DROP TABLE users");
  }

  @Test
  void schemaQualifiedTableNameIsAccepted() {
    assertThat(builder.tableName("billing.idem_records").build().table()).isEqualTo("billing.idem_records");
  }

  @Test
  void timeoutsAndCleanupSettingsOutOfRangeAreRejected() {
    assertThatThrownBy(() -> builder.timeout(Duration.ZERO)).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> builder.cleanupInterval(Duration.ofMillis(-1))).hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> builder.cleanupBatchSize(0)).hasMessageContaining("was 0");
  }

  @Test
  void nonPositiveLeaseIsRejectedBeforeReachingTheDatabase() {
    try (JdbcStore store = builder.build()) {
      assertThatThrownBy(() -> store.reserve(io.idem.IdempotencyKey.of("n", "k"), io.idem.Fingerprint.EMPTY,
          io.idem.LeaseToken.random(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lease must be positive");
    }
  }

  @Test
  void dialectIsDetectedFromTheProductName() {
    assertThat(Dialect.fromProductName("PostgreSQL")).isEqualTo(Dialect.POSTGRESQL);
    assertThat(Dialect.fromProductName("MySQL")).isEqualTo(Dialect.MYSQL);
    assertThat(Dialect.fromProductName("MariaDB")).isEqualTo(Dialect.MYSQL);
    assertThatThrownBy(() -> Dialect.fromProductName("H2")).hasMessageContaining("\"H2\"");
  }

  @Test
  void shippedSchemaUsesTheConfiguredTableAndIndexNames() {
    assertThat(SchemaInstaller.statements(Dialect.POSTGRESQL, "billing.idem_records"))
        .containsExactly(
            SchemaInstaller.statements(Dialect.POSTGRESQL, "billing.idem_records").get(0),
            "CREATE INDEX IF NOT EXISTS idem_records_expires_at ON billing.idem_records USING brin (expires_at)");
    assertThat(SchemaInstaller.statements(Dialect.MYSQL, "t")).singleElement().asString()
        .startsWith("CREATE TABLE IF NOT EXISTS t (").contains("KEY t_expires_at (expires_at)");
  }

  @Test
  void poolSizeIsOnlyForAStoreThatOpensItsOwnPool() {
    assertThatThrownBy(() -> builder.poolSize(4)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DataSource you passed in");
    assertThatThrownBy(() -> JdbcStore.builder("jdbc:postgresql://localhost:1/x").poolSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
  }

  @Test
  void urlThatIsNotJdbcIsRejectedWithoutItsPassword() {
    assertThatThrownBy(() -> JdbcStore.fromUrl("postgresql://h/db?user=u&password=secret"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with jdbc:")
        .message().doesNotContain("secret");
  }

  @Test
  void urlThatNoDriverAcceptsIsRejectedWithoutItsPassword() {
    assertThatThrownBy(() -> JdbcStore.builder("jdbc:nosuchdb://h/db?user=u&password=secret"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no JDBC driver")
        .message().doesNotContain("secret");
  }

  private static DataSource unreachable() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL("jdbc:postgresql://localhost:1/x");
    return dataSource;
  }
}
