package dev.gatehouse.stack.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RealmOverlayTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void mergesObjectsRecursivelyAndReplacesScalars() throws Exception {
    ObjectNode base = json("{'realm':'gatehouse','enabled':true,'attributes':{'a':'1','b':'2'}}");
    ObjectNode overlay = json("{'enabled':false,'attributes':{'b':'3'}}");

    ObjectNode merged = RealmOverlay.apply(base, overlay);

    assertThat(merged).isEqualTo(json("{'realm':'gatehouse','enabled':false,'attributes':{'a':'1','b':'3'}}"));
    assertThat(base.path("enabled").asBoolean()).as("base is not modified").isTrue();
  }

  @Test
  void matchesArrayEntriesByIdentityKeyAndAppendsTheRest() throws Exception {
    ObjectNode base = json("{'identityProviders':[{'alias':'google','enabled':true,'config':{'clientId':'x'}}],"
        + "'clients':[{'clientId':'gateway','publicClient':false}]}");
    ObjectNode overlay = json("{'identityProviders':[{'alias':'google','enabled':false},{'alias':'fake-google'}],"
        + "'clients':[{'clientId':'test','publicClient':true}]}");

    ObjectNode merged = RealmOverlay.apply(base, overlay);

    assertThat(merged.get("identityProviders")).isEqualTo(JSON.readTree(
        "[{\"alias\":\"google\",\"enabled\":false,\"config\":{\"clientId\":\"x\"}},{\"alias\":\"fake-google\"}]"));
    assertThat(merged.get("clients")).hasSize(2);
  }

  @Test
  void replacesArraysOfScalars() throws Exception {
    ObjectNode merged = RealmOverlay.apply(json("{'defaultRoles':['a','b']}"), json("{'defaultRoles':['c']}"));

    assertThat(merged.get("defaultRoles")).isEqualTo(JSON.readTree("[\"c\"]"));
  }
}
