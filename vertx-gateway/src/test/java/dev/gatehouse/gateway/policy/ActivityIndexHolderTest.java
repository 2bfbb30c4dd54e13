package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActivityIndexHolderTest {

  @Test
  void isEmptyUntilTheFirstLoadThenServesTheSwappedIndex() {
    ActivityIndexHolder holder = new ActivityIndexHolder();
    assertThat(holder.current()).isNull();
    assertThat(holder.isLoaded()).isFalse();
    assertThat(holder.version()).isEqualTo(-1);
    assertThat(holder.size()).isZero();
    assertThat(holder.loadedAt()).isNull();

    holder.swap(ActivityIndex.build(List.of(new Activity(1, "GET", "/a", "", Set.of("p"))), 42));
    assertThat(holder.isLoaded()).isTrue();
    assertThat(holder.version()).isEqualTo(42);
    assertThat(holder.size()).isEqualTo(1);
    assertThat(holder.loadedAt()).isNotNull();
  }
}
