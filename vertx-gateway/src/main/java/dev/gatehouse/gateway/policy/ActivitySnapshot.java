package dev.gatehouse.gateway.policy;

import java.util.List;

/** Every stored activity and service as of one moment, with the version counter of that same moment. */
public record ActivitySnapshot(List<Activity> activities, List<Service> services, long version) {
  public ActivitySnapshot {
    activities = List.copyOf(activities);
    services = List.copyOf(services);
  }

  public ActivitySnapshot(List<Activity> activities, long version) {
    this(activities, List.of(), version);
  }
}
