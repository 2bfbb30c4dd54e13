package dev.gatehouse.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.policy.ExpectedRevision;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntityTagsTest {
  @Test
  void ifMatchListsTheRevisionsAWriteMayReplace() {
    assertThat(EntityTags.ifMatch(List.of(), false)).isEqualTo(ExpectedRevision.ANY);
    assertThat(EntityTags.ifMatch(List.of("*"), true)).isEqualTo(ExpectedRevision.ANY);
    assertThat(EntityTags.ifMatch(List.of("\"17\""), true).anyOf()).containsExactly(17L);
    assertThat(EntityTags.ifMatch(List.of("\"17\" , \"18\"", "\"19\""), true).anyOf()).containsExactlyInAnyOrder(17L,
        18L, 19L);
    assertThat(EntityTags.ifMatch(List.of("W/\"17\""), true).anyOf()).as("weak tags never match strongly").isEmpty();
    assertThat(EntityTags.ifMatch(List.of("\"x,y\", \"017\", \"99999999999999999999\""), true).anyOf())
        .as("well-formed tags that are no revision of ours can never match").isEmpty();
    assertThat(EntityTags.ifMatch(List.of("\"17\""), true).accepts(18)).isFalse();
    assertThat(EntityTags.of(17)).isEqualTo("\"17\"");
    assertThat(ExpectedRevision.oneOf(Set.of(3L)).accepts(3)).isTrue();
  }

  @Test
  void aReplacementWithoutIfMatchIs428() {
    assertThatThrownBy(() -> EntityTags.ifMatch(List.of(), true))
        .isInstanceOfSatisfying(AdminRequestException.class, e -> assertThat(e.status()).isEqualTo(428))
        .hasMessageContaining("If-Match");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "17", "\"17", "\"17\" \"18\"", "\"17\",", "*, \"17\"", "W/17", ",\"17\""})
  void malformedIfMatchIs400(String value) {
    assertThatThrownBy(() -> EntityTags.ifMatch(List.of(value), false))
        .isInstanceOfSatisfying(AdminRequestException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("If-Match must be * or a list of quoted ETags");
  }
}
