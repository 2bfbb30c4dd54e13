package dev.gatehouse.keycloak.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class WarningThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final WarningThrottle throttle = new WarningThrottle(Duration.ofMinutes(1), now::get);

    @Test
    void theFirstWarningForAKeyIsLoggedAndRepeatsWithinTheIntervalAreNot() {
        assertThat(throttle.shouldLog("gatehouse/perms")).isTrue();
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(throttle.shouldLog("gatehouse/perms")).isFalse();
    }

    @Test
    void aKeyIsLoggedAgainOnceTheIntervalHasPassed() {
        assertThat(throttle.shouldLog("gatehouse/perms")).isTrue();
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(throttle.shouldLog("gatehouse/perms")).isTrue();
        assertThat(throttle.shouldLog("gatehouse/perms")).isFalse();
    }

    @Test
    void keysAreThrottledIndependently() {
        assertThat(throttle.shouldLog("gatehouse/perms")).isTrue();
        assertThat(throttle.shouldLog("other-realm/perms")).isTrue();
        assertThat(throttle.shouldLog("gatehouse/other-client")).isTrue();
        assertThat(throttle.shouldLog("gatehouse/perms")).isFalse();
    }
}
