package dev.gatehouse.gateway.policy;

import java.util.Collection;
import java.util.List;

/**
 * What the seed file asks for: services (each inserted when missing) and activities (each inserted when missing; an
 * activity with a {@code service} belongs to one of {@code services}). Read and validated by {@link ActivitySeedFile}.
 */
public record ActivitySeed(List<Service> services, List<ActivityDefinition> activities) {
  public ActivitySeed {
    services = List.copyOf(services);
    activities = List.copyOf(activities);
  }

  /** A seed of global activities only (the list form of the file). */
  public static ActivitySeed of(List<ActivityDefinition> activities) {
    return new ActivitySeed(List.of(), activities);
  }

  /**
   * Checks each seeded service against the gateway's configured routes ({@link ServiceRules#validateRouting}), so
   * that a seed and a configuration that do not fit together fail at start with the entry named, not later.
   */
  public void validateRouting(Collection<String> configuredPrefixes, String source) {
    for (int i = 0; i < services.size(); i++) {
      Service service = services.get(i);
      try {
        ServiceRules.validateRouting(service, configuredPrefixes);
      } catch (InvalidServiceException | ServiceConflictException e) {
        throw new InvalidServiceException(source + " services[" + i + "] (" + service.name() + "): "
            + e.getMessage());
      }
    }
  }
}
