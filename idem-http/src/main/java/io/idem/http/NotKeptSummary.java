package io.idem.http;

import java.nio.ByteBuffer;

/**
 * What the HTTP layer keeps of a response too large to store: its status, as two bytes. Stored data:
 * never change the layout.
 */
final class NotKeptSummary {

  private NotKeptSummary() {}

  static byte[] encode(int status) {
    return ByteBuffer.allocate(2).putShort((short) status).array();
  }

  /** The status that was sent, or 0 when the summary is not one this layer wrote. */
  static int status(byte[] summary) {
    return summary.length == 2 ? ByteBuffer.wrap(summary).getShort() & 0xffff : 0;
  }
}
