package io.idem.jetty;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Every error the server writes itself (a bad request line, headers too large, a 404 or 500 from a
 * context) as {@code application/problem+json}, like every other error Idem's servers answer,
 * whatever the client's {@code Accept}. The body never carries the server's message or a stack trace.
 */
final class ProblemErrorHandler extends ErrorHandler {

  /** Set by a servlet container for an error dispatch ({@code RequestDispatcher.ERROR_STATUS_CODE}). */
  private static final String SERVLET_ERROR_STATUS = "jakarta.servlet.error.status_code";

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    ProblemJson.send(response, status(request, response), callback);
    return true;
  }

  /** Used for requests too broken to be handled at all (an unparsable request line, say). */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, ProblemJson.CONTENT_TYPE);
    fields.put(HttpHeader.CACHE_CONTROL, "no-store");
    return ByteBuffer.wrap(ProblemJson.body(status));
  }

  private static int status(Request request, Response response) {
    for (String attribute : new String[] {ERROR_STATUS, SERVLET_ERROR_STATUS}) {
      if (request.getAttribute(attribute) instanceof Integer status && status >= 400) {
        return status;
      }
    }
    return response.getStatus() >= 400 ? response.getStatus() : 500;
  }
}
