package dev.gatehouse.cli.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTableTest {
  @Test
  void yamlTakesTheShortAndTheObjectFormOfWho() {
    List<ObjectNode> cases = PolicyTable.yaml("""
        cases:
          - {name: fellows read skills, who: "role:fellow", method: GET, path: /api/v1/skills, expected: allow}
          - who: {user: carol}
            method: DELETE
            path: /api/v1/roles/7
            expected: deny
          - {who: {permissions: [view-roles, view-users]}, method: GET, path: /api/v1/roles, expected: allow}
          - {who: "permissions:", method: GET, path: /api/v1/roles, expected: deny}
        """, "t.yaml");

    assertThat(cases).extracting(Object::toString).containsExactly(
        "{\"name\":\"fellows read skills\",\"who\":{\"role\":\"fellow\"},\"method\":\"GET\",\"path\":\"/api/v1/skills\",\"expected\":\"allow\"}",
        "{\"who\":{\"user\":\"carol\"},\"method\":\"DELETE\",\"path\":\"/api/v1/roles/7\",\"expected\":\"deny\"}",
        "{\"who\":{\"permissions\":[\"view-roles\",\"view-users\"]},\"method\":\"GET\",\"path\":\"/api/v1/roles\",\"expected\":\"allow\"}",
        "{\"who\":{\"permissions\":[]},\"method\":\"GET\",\"path\":\"/api/v1/roles\",\"expected\":\"deny\"}");
  }

  @Test
  void csvHasAHeaderCommentsAndQuotedValues() {
    List<ObjectNode> cases = PolicyTable.csv("""
        # who may read roles
        who,method,path,expected,name
        client:reporting-service,GET,/api/v1/users,allow,
        permissions:view-roles view-users,GET,"/api/v1/roles/a,b",allow,"quoted, with comma"
        """, "t.csv");

    assertThat(cases).hasSize(2);
    assertThat(cases.get(0).toString()).isEqualTo("{\"who\":{\"client\":\"reporting-service\"},\"method\":\"GET\","
        + "\"path\":\"/api/v1/users\",\"expected\":\"allow\"}");
    assertThat(cases.get(1).path("path").asText()).isEqualTo("/api/v1/roles/a,b");
    assertThat(cases.get(1).path("name").asText()).isEqualTo("quoted, with comma");
    assertThat(cases.get(1).path("who").path("permissions")).hasSize(2);
  }

  @Test
  void badTablesAreRefusedNamingTheLineOrCase() {
    assertThatThrownBy(() -> PolicyTable.csv("who,method,path\nrole:x,GET,/\n", "t.csv"))
        .hasMessageStartingWith("t.csv, line 1: the header must name the columns who,method,path,expected");
    assertThatThrownBy(() -> PolicyTable.csv("who,method,path,expected\nrole:x,GET,/\n", "t.csv"))
        .hasMessageStartingWith("t.csv, line 2: 3 values for 4 columns");
    assertThatThrownBy(() -> PolicyTable.csv("who,method,path,expected\ngroup:x,GET,/,allow\n", "t.csv"))
        .hasMessageContaining("line 2: who \"group:x\" starts with \"group:\"");
    assertThatThrownBy(() -> PolicyTable.yaml("cases:\n  - {who: role:x, method: GET, path: /, expect: allow}\n",
        "t.yaml")).hasMessageStartingWith("t.yaml, case 1: unknown field \"expect\"");
    assertThatThrownBy(() -> PolicyTable.yaml("- just a list\n", "t.yaml"))
        .hasMessageContaining("expected a top-level \"cases:\" list");
  }
}
