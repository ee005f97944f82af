package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HikariCP is an optional dependency: without it a store built from a URL fails at once, naming what
 * to add, and a store on the caller's data source does not need it.
 */
class WithoutHikariTest {

  @Test
  void storeFromUrlNamesTheMissingPoolLibrary() throws Exception {
    try (URLClassLoader withoutHikari = classPathWithout("HikariCP")) {
      Class<?> store = Class.forName(JdbcStore.class.getName(), true, withoutHikari);
      assertThatThrownBy(() -> invoke(store, "fromUrl", "jdbc:postgresql://localhost:1/x"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("com.zaxxer:HikariCP");
    }
  }

  @Test
  void storeOnTheCallersDataSourceDoesNotNeedIt() throws Exception {
    try (URLClassLoader withoutHikari = classPathWithout("HikariCP")) {
      Class<?> dataSource = Class.forName("org.postgresql.ds.PGSimpleDataSource", true, withoutHikari);
      Class<?> store = Class.forName(JdbcStore.class.getName(), true, withoutHikari);
      Object built = store.getMethod("create", javax.sql.DataSource.class)
          .invoke(null, dataSource.getConstructor().newInstance());
      assertThat(built.getClass().getName()).isEqualTo(JdbcStore.class.getName());
      ((AutoCloseable) built).close();
    }
  }

  private static Object invoke(Class<?> type, String method, String argument) throws Throwable {
    try {
      return type.getMethod(method, String.class).invoke(null, argument);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The test class path minus the jars whose path contains {@code excluded}, with no parent but the platform's. */
  private static URLClassLoader classPathWithout(String excluded) throws MalformedURLException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty() && !entry.contains(excluded)) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    assertThat(urls).as("class path entries").hasSizeGreaterThan(2);
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }
}
