package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.ActivityNotFoundException;

import dev.gatehouse.gateway.policy.ActivityConflictException;

import dev.gatehouse.gateway.policy.ActivityDefinition;

import dev.gatehouse.gateway.policy.Activity;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where the admin API reads and writes activities (PostgreSQL in production). Writes must notify the other
 * gateway instances, so each index picks the change up. Failures:
 * {@link ActivityNotFoundException} (no such id), {@link ActivityConflictException} (same method and regex exist),
 * {@code InvalidActivityException} (rejected by the activity rules).
 */
public interface ActivityRepository {
  Future<List<Activity>> list();

  Future<Activity> find(long id);

  Future<Activity> create(ActivityDefinition draft);

  Future<Activity> update(long id, ActivityDefinition draft);

  Future<Void> delete(long id);

  /** Links {@code permission} to the activity; linking an already linked permission is not an error. */
  Future<Activity> linkPermission(long id, String permission);

  /** Unlinks {@code permission}; unlinking one that is not linked is not an error. */
  Future<Activity> unlinkPermission(long id, String permission);
}
