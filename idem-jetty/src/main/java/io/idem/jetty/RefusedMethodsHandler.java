package io.idem.jetty;

import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers 405 to methods no Idem server serves, before any application sees them. {@code TRACE}
 * (and Microsoft's {@code TRACK}) echo the request, {@code Authorization} and cookies included, which
 * a script on another page can then read (cross-site tracing). Matched in any letter case, since a
 * proxied application may read {@code trace} as {@code TRACE}.
 */
final class RefusedMethodsHandler extends Handler.Wrapper {

  private final Set<String> refused;
  private final String allow;

  /** {@code refused} in upper case; {@code allow} is the {@code Allow} header of the 405. */
  RefusedMethodsHandler(Handler handler, Set<String> refused, String allow) {
    super(handler);
    this.refused = Set.copyOf(refused);
    this.allow = allow;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (refused.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
      response.getHeaders().put(HttpHeader.ALLOW, allow);
      ProblemJson.send(response, 405, callback);
      return true;
    }
    return super.handle(request, response, callback);
  }
}
