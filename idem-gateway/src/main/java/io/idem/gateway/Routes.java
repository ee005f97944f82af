package io.idem.gateway;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Picks the upstream of a path: the longest matching {@code --route} prefix, else the default upstream. */
final class Routes {

  private final URI fallback;
  private final List<Route> longestFirst;

  Routes(URI fallback, List<Route> routes) {
    this.fallback = fallback;
    List<Route> sorted = new ArrayList<>(routes);
    sorted.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
    this.longestFirst = List.copyOf(sorted);
  }

  URI upstreamOf(String path) {
    for (Route route : longestFirst) {
      if (route.matches(path)) {
        return route.upstream();
      }
    }
    return fallback;
  }
}
