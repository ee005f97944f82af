package io.idem.examples.payments;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/** Each tenant's payments on this instance, in memory: the example's business data, not Idem's. */
@Component
class Ledger {

  private final ConcurrentMap<String, List<Payment>> byTenant = new ConcurrentHashMap<>();

  void add(String tenant, Payment payment) {
    byTenant.computeIfAbsent(tenant, t -> new CopyOnWriteArrayList<>()).add(payment);
  }

  List<Payment> list(String tenant) {
    return List.copyOf(byTenant.getOrDefault(tenant, List.of()));
  }

  Optional<Payment> find(String tenant, String id) {
    return list(tenant).stream().filter(p -> p.id().equals(id)).findFirst();
  }
}
