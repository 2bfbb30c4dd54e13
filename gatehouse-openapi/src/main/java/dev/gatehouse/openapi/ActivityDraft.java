package dev.gatehouse.openapi;

import java.util.SortedSet;

/**
 * One activity generated from one OpenAPI operation.
 *
 * @param method       GET, POST, PUT, PATCH or DELETE
 * @param serviceRegex the whole-path regex relative to the service's route prefix (the gateway matches it whole)
 * @param description  the operation's summary, else its operationId, else {@code operation}
 * @param permissions  the permissions that allow it, sorted
 * @param operation    where it came from, e.g. {@code GET /items/{id}}, for messages
 * @param shadow       from {@code x-gatehouse-shadow: true}: evaluated and measured by the gateway, not enforced
 */
public record ActivityDraft(String method, String serviceRegex, String description, SortedSet<String> permissions,
    String operation, boolean shadow) {}
