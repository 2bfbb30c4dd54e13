package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.ActivityChangedException;
import dev.gatehouse.gateway.policy.ActivityNotFoundException;

import dev.gatehouse.gateway.policy.ActivityConflictException;

import dev.gatehouse.gateway.policy.ActivityDefinition;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ExpectedRevision;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where the admin API reads and writes activities (PostgreSQL in production). Writes must notify the other
 * gateway instances, so each index picks the change up. Every activity returned carries its current revision. Failures:
 * {@link ActivityNotFoundException} (no such id), {@link ActivityConflictException} (same method and regex exist),
 * {@link ActivityChangedException} (the activity is not at an {@code expected} revision; nothing changed),
 * {@code InvalidActivityException} (rejected by the activity rules).
 */
public interface ActivityRepository {
  Future<List<Activity>> list();

  Future<Activity> find(long id);

  Future<Activity> create(ActivityDefinition draft);

  Future<Activity> update(long id, ActivityDefinition draft, ExpectedRevision expected);

  Future<Void> delete(long id, ExpectedRevision expected);

  /** Links {@code permission} to the activity; linking an already linked permission is not an error. */
  Future<Activity> linkPermission(long id, String permission, ExpectedRevision expected);

  /** Makes a shadow activity enforced; promoting an enforced one changes nothing. */
  Future<Activity> promote(long id, ExpectedRevision expected);

  /** Unlinks {@code permission}; unlinking one that is not linked is not an error. */
  Future<Activity> unlinkPermission(long id, String permission, ExpectedRevision expected);
}
