package dev.gatehouse.stack.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Merges a dev/test overlay onto a production realm export, so that production files never hold demo users or
 * secrets and local runs still get them.
 *
 * <p>Objects merge recursively. Arrays of objects are matched by the first identifying key present
 * ({@code clientId}, {@code alias}, {@code name}, {@code username}): matched entries merge recursively, the others are
 * appended. Any other array, and every scalar, is replaced by the overlay's value.
 */
public final class RealmOverlay {
  private static final List<String> IDENTITY_KEYS = List.of("clientId", "alias", "name", "username");

  private RealmOverlay() {}

  /** Returns a new tree; neither argument is modified. */
  public static ObjectNode apply(ObjectNode base, ObjectNode overlay) {
    ObjectNode merged = base.deepCopy();
    mergeInto(merged, overlay);
    return merged;
  }

  private static void mergeInto(ObjectNode target, ObjectNode overlay) {
    overlay.properties().forEach(entry -> {
      JsonNode existing = target.get(entry.getKey());
      JsonNode incoming = entry.getValue();
      if (existing instanceof ObjectNode existingObject && incoming instanceof ObjectNode incomingObject) {
        mergeInto(existingObject, incomingObject);
      } else if (existing instanceof ArrayNode existingArray && incoming instanceof ArrayNode incomingArray
          && isArrayOfObjects(existingArray) && isArrayOfObjects(incomingArray)) {
        mergeArrays(existingArray, incomingArray);
      } else {
        target.set(entry.getKey(), incoming.deepCopy());
      }
    });
  }

  private static void mergeArrays(ArrayNode target, ArrayNode overlay) {
    for (JsonNode incoming : overlay) {
      ObjectNode match = findByIdentity(target, (ObjectNode) incoming);
      if (match == null) {
        target.add(incoming.deepCopy());
      } else {
        mergeInto(match, (ObjectNode) incoming);
      }
    }
  }

  private static ObjectNode findByIdentity(ArrayNode candidates, ObjectNode incoming) {
    for (String key : IDENTITY_KEYS) {
      JsonNode id = incoming.get(key);
      if (id == null) {
        continue;
      }
      for (JsonNode candidate : candidates) {
        if (id.equals(candidate.get(key))) {
          return (ObjectNode) candidate;
        }
      }
      return null;
    }
    return null;
  }

  private static boolean isArrayOfObjects(ArrayNode array) {
    for (JsonNode element : array) {
      if (!element.isObject()) {
        return false;
      }
    }
    return true;
  }
}
