package dev.gatehouse.keycloak.apitoken;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * Small stand-ins for Keycloak's models, for unit tests of the pack's decisions. Each answers only the methods named
 * in its table (a role also takes {@code addCompositeRole}, for cycles); any other call throws, so that a decision
 * which starts reading something new fails loudly here instead of being tested against a made-up default.
 */
final class KeycloakModelFakes {
  private KeycloakModelFakes() {}

  /** A realm whose roles and default role the test fills in after creating it. */
  static final class Realm {
    final String name;
    final List<RoleModel> roles = new ArrayList<>();
    RoleModel defaultRole;
    final RealmModel model;

    Realm(String name) {
      this.name = name;
      this.model = fake(RealmModel.class, name, Map.of(
          "getName", () -> name,
          "getDefaultRole", () -> defaultRole,
          "getRolesStream", () -> roles.stream()));
    }

    /** A realm role of this realm, listed by it, holding {@code composites}. */
    RoleModel role(String roleName, RoleModel... composites) {
      RoleModel role = KeycloakModelFakes.role(roleName, "About " + roleName, false, model, composites);
      roles.add(role);
      return role;
    }

    ClientModel client(String clientId) {
      return fake(ClientModel.class, clientId, Map.of("getClientId", () -> clientId, "getRealm", () -> model));
    }
  }

  static RoleModel clientRole(ClientModel client, String name, RoleModel... composites) {
    return role(name, null, true, client, composites);
  }

  static UserModel user(String username, RoleModel... realmRoles) {
    return fake(UserModel.class, username, Map.of(
        "getUsername", () -> username,
        "getRealmRoleMappingsStream", () -> List.of(realmRoles).stream()));
  }

  private static RoleModel role(String name, String description, boolean clientRole, Object container,
      RoleModel... composites) {
    String id = UUID.randomUUID().toString();
    List<RoleModel> contained = new ArrayList<>(List.of(composites));
    return answering(RoleModel.class, name, Map.of(
        "getId", args -> id,
        "getName", args -> name,
        "getDescription", args -> description,
        "isClientRole", args -> clientRole,
        "getContainer", args -> container,
        "getCompositesStream", args -> contained.stream(),
        "addCompositeRole", args -> contained.add((RoleModel) args[0])));
  }

  private static <T> T fake(Class<T> type, String label, Map<String, Supplier<Object>> getters) {
    Map<String, Function<Object[], Object>> answers = new HashMap<>();
    getters.forEach((name, getter) -> answers.put(name, args -> getter.get()));
    return answering(type, label, answers);
  }

  private static <T> T answering(Class<T> type, String label, Map<String, Function<Object[], Object>> answers) {
    return type.cast(Proxy.newProxyInstance(KeycloakModelFakes.class.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> switch (method.getName()) {
          case "toString" -> type.getSimpleName() + "(" + label + ")";
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> {
            Function<Object[], Object> answer = answers.get(method.getName());
            if (answer == null) {
              throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName() + " is not faked:"
                  + " add it to KeycloakModelFakes if the code under test needs it");
            }
            yield answer.apply(args);
          }
        }));
  }
}
