package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Clients may switch on a problem's type, so every type the demo answers is documented (docs/http.md). */
class DemoProblemDocsTest {

  @ParameterizedTest
  @EnumSource(DemoProblem.class)
  void everyDemoProblemTypeIsListedWithItsStatus(DemoProblem problem) throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "http.md"));

    assertThat(docs).contains("| `" + problem.type() + "` | " + problem.status() + " |");
  }
}
