package dev.gatehouse.keycloak.mapper;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets one warning per key through per interval, so that a misconfiguration hit by every token request
 * is reported clearly without flooding the log.
 */
public final class WarningThrottle {

    /** Keys are realm/client pairs chosen by admins; the cap only guards against surprises. */
    private static final int MAX_KEYS = 10_000;

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Long> lastLoggedAt = new ConcurrentHashMap<>();

    public WarningThrottle(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** True when the caller should log now for this key; records the time if so. */
    public boolean shouldLog(String key) {
        long now = nanoClock.getAsLong();
        if (lastLoggedAt.size() >= MAX_KEYS && !lastLoggedAt.containsKey(key)) {
            lastLoggedAt.clear();
        }
        boolean[] due = {false};
        lastLoggedAt.compute(key, (k, last) -> {
            if (last == null || now - last >= intervalNanos) {
                due[0] = true;
                return now;
            }
            return last;
        });
        return due[0];
    }
}
