package io.idem.testservers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** The two rules every helper shares: an external server named by a variable, and what a missing binary means. */
final class Environment {

  private Environment() {}

  /** The URL in {@code variable}, when it names an external server to use instead of starting one. */
  static Optional<String> externalUrl(String variable) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** Whether this is a CI run ({@code CI=true}), where a backend must never be skipped. */
  static boolean ci() {
    String value = System.getenv("CI");
    return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
  }

  /**
   * Returns when every binary is executable. Otherwise aborts the calling test with a message that
   * says how to install the package, or, in CI, fails: a skipped backend would pass a build that
   * tested nothing.
   */
  static void requireInstalled(String debianPackage, String urlVariable, boolean ci, Path... binaries) {
    for (Path binary : binaries) {
      if (!Files.isExecutable(binary)) {
        String message = binary + " is missing: run .ci/install-test-servers (Debian package " + debianPackage
            + "), or set " + urlVariable + " to a running server";
        if (ci) {
          throw new IllegalStateException(message + " (CI=true: a backend must not be skipped)");
        }
        Assumptions.abort(message);
      }
    }
  }
}
