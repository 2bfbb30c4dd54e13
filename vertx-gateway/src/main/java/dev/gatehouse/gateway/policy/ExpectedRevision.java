package dev.gatehouse.gateway.policy;

import java.util.Set;

/**
 * The condition a write puts on the activity's current revision: {@link #ANY} (unconditional), or one of the given
 * revisions (what the writer read). Checked and applied in one transaction, with the activity row locked.
 */
public record ExpectedRevision(Set<Long> anyOf) {
  public static final ExpectedRevision ANY = new ExpectedRevision(null);

  public ExpectedRevision {
    anyOf = anyOf == null ? null : Set.copyOf(anyOf);
  }

  public static ExpectedRevision oneOf(Set<Long> revisions) {
    return new ExpectedRevision(revisions);
  }

  public boolean accepts(long revision) {
    return anyOf == null || anyOf.contains(revision);
  }
}
