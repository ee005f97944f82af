package io.idem.benchmarks.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's nginx as a plain reverse proxy in front of the same upstream: a generated configuration in
 * a temporary directory, one worker per core, keep-alive connections to the upstream (the way a
 * reverse proxy is configured for throughput), no access log. Started in the foreground as a child
 * process, stopped with it.
 */
final class NginxProxy implements AutoCloseable {

  private final Path dir;
  private final Process process;
  private final int port;

  NginxProxy(int port, int upstreamPort) throws IOException {
    this.port = port;
    this.dir = Files.createTempDirectory("idem-bench-nginx");
    for (String temp : List.of("body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      Files.createDirectories(dir.resolve(temp));
    }
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, String.join("\n",
        "worker_processes auto;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + " warn;",
        isRoot() ? "user root;" : "",
        "events { worker_connections 4096; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + dir.resolve("body") + ";",
        "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
        "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("scgi") + ";",
        "  upstream service { server 127.0.0.1:" + upstreamPort + "; keepalive 256; }",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    location / {",
        "      proxy_pass http://service;",
        "      proxy_http_version 1.1;",
        "      proxy_set_header Connection \"\";",
        "      proxy_set_header Host $host;",
        "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "    }",
        "  }",
        "}", ""));
    process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
  }

  int port() {
    return port;
  }

  Process process() {
    return process;
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
