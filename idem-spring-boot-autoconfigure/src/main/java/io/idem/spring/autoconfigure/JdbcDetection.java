package io.idem.spring.autoconfigure;

import io.idem.jdbc.JdbcStore;
import io.idem.spring.autoconfigure.IdemProperties.SchemaInitialization;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The JDBC store on the application's one DataSource; its table created as {@code idem.jdbc.initialize-schema} allows. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JdbcStore.class)
class JdbcDetection {

  @Bean
  @Order(2)
  DetectedStore jdbcDetectedStore(ObjectProvider<DataSource> dataSources, IdemProperties properties) {
    return () -> Optional.ofNullable(dataSources.getIfUnique()).map(dataSource -> open(dataSource, properties.getJdbc()));
  }

  private static DetectedStore.Found open(DataSource dataSource, IdemProperties.Jdbc jdbc) {
    boolean create = switch (jdbc.getInitializeSchema()) {
      case ALWAYS -> true;
      case NEVER -> false;
      case EMBEDDED -> isEmbedded(dataSource);
    };
    JdbcStore store = JdbcStore.builder(dataSource).tableName(jdbc.getTableName()).createIfMissing(create).build();
    String hint = jdbc.getInitializeSchema() == SchemaInitialization.ALWAYS ? ""
        : " (if the table " + jdbc.getTableName() + " is missing, create it, or set idem.jdbc.initialize-schema=always)";
    return new DetectedStore.Found(store, "the application's DataSource", hint);
  }

  /** An in-memory database lives only as long as the application: creating the table there is always right. */
  private static boolean isEmbedded(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      String url = connection.getMetaData().getURL().toLowerCase(Locale.ROOT);
      return url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:hsqldb:mem:") || url.startsWith("jdbc:derby:memory:");
    } catch (SQLException e) {
      return false;
    }
  }
}
