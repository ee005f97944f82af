package io.idem.gateway;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Picks the upstream of a path: the longest matching {@code --route} prefix, else the default upstream. */
final class Routes {

  private final Upstream fallback;
  private final List<Route> longestFirst;
  private final List<Upstream> upstreams;

  Routes(URI fallback, List<Route> routes) {
    this.fallback = Upstream.of(fallback);
    List<Route> sorted = new ArrayList<>(routes);
    sorted.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
    this.longestFirst = List.copyOf(sorted);
    List<Upstream> each = new ArrayList<>();
    for (Route route : longestFirst) {
      each.add(Upstream.of(route.upstream()));
    }
    this.upstreams = List.copyOf(each);
  }

  Upstream upstreamOf(String path) {
    for (int i = 0; i < longestFirst.size(); i++) {
      if (longestFirst.get(i).matches(path)) {
        return upstreams.get(i);
      }
    }
    return fallback;
  }
}
