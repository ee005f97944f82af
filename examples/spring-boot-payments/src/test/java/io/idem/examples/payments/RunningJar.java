package io.idem.examples.payments;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A server started the way a user starts it, {@code java -jar ...}, on a free port; stopped on close. */
final class RunningJar implements AutoCloseable {

  private final Process process;
  private final Path log;
  final int port;

  private RunningJar(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code java -jar jar args...}; {@code {port}} in an argument becomes the chosen port. */
  static RunningJar start(String jar, String... args) throws IOException {
    if (!new File(jar).isFile()) {
      throw new IllegalStateException(jar + " is missing: build it first (mvn -B verify builds both jars)");
    }
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-jar", jar));
    for (String arg : args) {
      command.add(arg.replace("{port}", Integer.toString(port)));
    }
    Path log = Files.createTempFile("idem-example-", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    RunningJar running = new RunningJar(process, log, port);
    try {
      HttpClient client = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("exited: " + Files.readString(log));
            }
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          });
    } catch (RuntimeException e) {
      running.close();
      throw new IllegalStateException(String.join(" ", command) + " did not start: " + Files.readString(log), e);
    }
    return running;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(java.time.Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
      Files.deleteIfExists(log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // a log left in the temporary directory
    }
  }
}
