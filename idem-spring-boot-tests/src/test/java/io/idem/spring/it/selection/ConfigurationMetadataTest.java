package io.idem.spring.it.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** IDEs complete {@code idem.*} from the metadata the configuration processor writes into the jar. */
class ConfigurationMetadataTest {

  @Test
  void everyIdemPropertyIsDescribedForIdes() throws IOException {
    String metadata = "";
    for (URL url : Collections.list(getClass().getClassLoader()
        .getResources("META-INF/spring-configuration-metadata.json"))) {
      if (url.toString().contains("idem-spring-boot-autoconfigure")) {
        try (InputStream in = url.openStream()) {
          metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    List<String> names = new ArrayList<>();
    Matcher name = Pattern.compile("\"name\"\\s*:\\s*\"(idem\\.[^\"]+)\"").matcher(metadata);
    while (name.find()) {
      names.add(name.group(1));
    }

    assertThat(names).contains("idem.store", "idem.lease", "idem.retention", "idem.attempt-time-limit",
        "idem.wait-for-in-progress", "idem.failure-policy", "idem.mismatch-policy", "idem.heartbeat",
        "idem.http.require-key-on-paths", "idem.http.tenant", "idem.http.max-preferred-wait",
        "idem.jdbc.initialize-schema", "idem.methods.wait-for-in-progress");
    assertThat(metadata).contains("Unset: the Redis server of Spring Data Redis");
  }
}
