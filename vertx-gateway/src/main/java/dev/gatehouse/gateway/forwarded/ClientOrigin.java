package dev.gatehouse.gateway.forwarded;

/**
 * Where a request really came from, as far as the gateway can vouch for it.
 *
 * @param address      the client: the TCP peer, or, when the peer is a trusted proxy, the first address right of
 *                     which only trusted proxies stand
 * @param scheme       {@code http} or {@code https} as the client used it (a trusted proxy's word, or the connection's)
 * @param forwardedFor the {@code X-Forwarded-For} value for the upstream: the client first, then each proxy that
 *                     vouched for the next, ending with the peer. Nothing a client wrote about itself survives.
 */
public record ClientOrigin(String address, String scheme, String forwardedFor) {}
