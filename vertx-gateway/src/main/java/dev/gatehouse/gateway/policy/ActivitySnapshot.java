package dev.gatehouse.gateway.policy;

import java.util.List;

/** Every stored activity as of one moment, with the version counter of that same moment. */
public record ActivitySnapshot(List<Activity> activities, long version) {
  public ActivitySnapshot {
    activities = List.copyOf(activities);
  }
}
