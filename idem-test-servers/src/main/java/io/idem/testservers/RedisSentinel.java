package io.idem.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** A real Redis Sentinel on a random port, monitoring one master under a name. */
public final class RedisSentinel extends ServerProcess {

  private final String masterName;

  private RedisSentinel(String masterName) {
    super("redis-sentinel", FreePorts.pick(), TempDirectories.create("idem-sentinel-"));
    this.masterName = masterName;
  }

  /** A Sentinel watching {@code master} as {@code masterName}, returned once it answers. */
  public static RedisSentinel monitor(String masterName, RedisServer master) {
    RedisSentinel sentinel = new RedisSentinel(masterName);
    try {
      Files.writeString(sentinel.dir().resolve("sentinel.conf"), "sentinel monitor " + masterName
          + " 127.0.0.1 " + master.port() + " 1\nsentinel down-after-milliseconds " + masterName + " 5000\n");
    } catch (IOException e) {
      TempDirectories.delete(sentinel.dir());
      throw new UncheckedIOException(e);
    }
    return launch(sentinel);
  }

  /** A {@code redis-sentinel://} URL that names the monitored master. */
  public String url() {
    return "redis-sentinel://127.0.0.1:" + port() + "#" + masterName;
  }

  @Override
  List<String> command() {
    // Sentinel rewrites its configuration file, which must come first on the command line.
    return List.of(RedisServer.embeddedBinary().toString(), dir().resolve("sentinel.conf").toString(), "--sentinel",
        "--port", Integer.toString(port()), "--bind", "127.0.0.1", "--dir", dir().toString(),
        "--protected-mode", "no");
  }

  @Override
  boolean ready() {
    return Resp.answersPing(port());
  }
}
