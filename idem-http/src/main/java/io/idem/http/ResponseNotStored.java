package io.idem.http;

/**
 * The marker kept instead of a response over the size limit, through the engine's stored-failure
 * record: a retry then gets {@link ProblemType#RESPONSE_NOT_STORED} and never re-runs the handler.
 * The class name and the message ({@code status=NNN}) are stored data: never rename or reformat them.
 */
final class ResponseNotStored extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String TYPE = ResponseNotStored.class.getName();
  private static final String STATUS_PREFIX = "status=";

  ResponseNotStored(int status) {
    super(STATUS_PREFIX + status, null, false, false);
  }

  /** The status of the response that was sent, or 0 when the message is not one this class wrote. */
  static int originalStatus(String message) {
    if (message == null || !message.startsWith(STATUS_PREFIX)) {
      return 0;
    }
    try {
      return Integer.parseInt(message.substring(STATUS_PREFIX.length()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
