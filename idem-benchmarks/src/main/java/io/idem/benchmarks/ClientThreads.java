package io.idem.benchmarks;

/**
 * The kind of thread a load driver's clients run on: platform threads, or virtual threads (JDK 21+,
 * looked up reflectively because Idem is built for Java 17). A blocked virtual thread parks without a
 * kernel context switch, which is where most of a synchronous client's CPU goes on a small machine.
 */
public enum ClientThreads {
  PLATFORM,
  VIRTUAL;

  /** Parses the value of a {@code --threads} option. */
  public static ClientThreads parse(String value) {
    return switch (value) {
      case "platform" -> PLATFORM;
      case "virtual" -> VIRTUAL;
      default -> throw new IllegalArgumentException("--threads is platform or virtual, was " + value);
    };
  }

  /** An unstarted client thread; platform threads are daemons so a failed run cannot hang the JVM. */
  public Thread newThread(String name, Runnable body) {
    if (this == PLATFORM) {
      Thread thread = new Thread(body, name);
      thread.setDaemon(true);
      return thread;
    }
    try {
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      builder = ofVirtual.getMethod("name", String.class).invoke(builder, name);
      return (Thread) ofVirtual.getMethod("unstarted", Runnable.class).invoke(builder, body);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("--threads virtual needs JDK 21 or newer; this is " + Runtime.version(), e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT) + " threads";
  }
}
