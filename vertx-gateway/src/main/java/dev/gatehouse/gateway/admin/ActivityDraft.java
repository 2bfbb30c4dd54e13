package dev.gatehouse.gateway.admin;

import java.util.Set;

/** An activity as written through the admin API, before it has an id. */
public record ActivityDraft(String method, String urlRegex, String description, Set<String> permissions) {
  public ActivityDraft {
    permissions = Set.copyOf(permissions);
  }
}
