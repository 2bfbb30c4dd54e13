package dev.gatehouse.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.Decision;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExplainShadowTest {
  @Test
  void explainSaysWhichShadowWouldChangeTheDecision() {
    Activity shadow = new Activity(9, "GET", "/billing/x", "", Set.of("p"), 1, "billing", true);

    JsonObject differs = ExplainHandler.shadowExplanation("GET", "/billing/x", List.of("p"), Decision.DENIED,
        Decision.allowedBy(shadow));
    JsonObject same = ExplainHandler.shadowExplanation("GET", "/billing/y", List.of("p"), Decision.DENIED,
        Decision.DENIED);

    assertThat(differs.getBoolean("allowed")).isTrue();
    assertThat(differs.getBoolean("differs")).isTrue();
    assertThat(differs.getJsonObject("decidingActivity").getLong("id")).isEqualTo(9);
    assertThat(differs.getString("reason")).contains("Shadow activity 9").contains("not enforced");
    assertThat(same.getBoolean("differs")).isFalse();
    assertThat(same.getValue("decidingActivity")).isNull();
    assertThat(ExplainHandler.shadowExplanation("GET", "/x", List.of(), Decision.DENIED, null)).isNull();
  }
}
