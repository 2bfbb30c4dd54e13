package dev.gatehouse.gateway.forwarded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Walking the hop list from the right: trusted hops are skipped, the first untrusted address is the client. */
class TrustedProxiesTest {
  private static final TrustedProxies PROXIES = new TrustedProxies(
      List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"), Cidr.parse("192.0.2.7")),
      TrustedProxies.Header.X_FORWARDED_FOR);

  @ParameterizedTest(name = "{0} + [{1}] → {2} / {3}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // peer        | X-Forwarded-For                          | client        | X-Forwarded-For upstream
      "10.0.0.5      | 203.0.113.9                               | 203.0.113.9   | 203.0.113.9, 10.0.0.5",
      // what the client wrote about itself (left of its real address) is dropped
      "10.0.0.5      | 6.6.6.6, 203.0.113.9                      | 203.0.113.9   | 203.0.113.9, 10.0.0.5",
      // two trusted proxies in a row
      "10.0.0.5      | 6.6.6.6, 203.0.113.9, 192.0.2.7           | 203.0.113.9   | 203.0.113.9, 192.0.2.7, 10.0.0.5",
      // a client inside a trusted block: the leftmost address stands
      "10.0.0.5      | 10.9.9.9                                  | 10.9.9.9      | 10.9.9.9, 10.0.0.5",
      // ports, brackets, IPv6, IPv4-mapped peers
      "10.0.0.5      | 203.0.113.9:4711                          | 203.0.113.9   | 203.0.113.9, 10.0.0.5",
      "fd00::1       | [2001:db8::7]:443                         | 2001:db8::7   | 2001:db8::7, fd00::1",
      "::ffff:10.0.0.5 | 2001:db8::7                             | 2001:db8::7   | 2001:db8::7, ::ffff:10.0.0.5",
      // garbage where the client should be: the last hop anybody vouched for
      "10.0.0.5      | 203.0.113.9, unknown                      | 10.0.0.5      | 10.0.0.5",
      "10.0.0.5      | 203.0.113.9, unknown, 10.1.1.1            | 10.1.1.1      | 10.1.1.1, 10.0.0.5",
      // no header from a trusted peer: the peer is the client
      "10.0.0.5      | -                                         | 10.0.0.5      | 10.0.0.5",
  })
  void theClientIsTheFirstUntrustedHopFromTheRight(String peer, String header, String client, String upstream) {
    ClientOrigin origin = PROXIES.fromXForwardedFor(peer, "http", header == null ? List.of() : List.of(header),
        List.of());

    assertThat(origin.address()).isEqualTo(client);
    assertThat(origin.forwardedFor()).isEqualTo(upstream);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https        | https",
      "HTTPS        | https",
      "ftp          | http",
      "'https, http' | http"})
  void aTrustedProxySaysWhichSchemeTheClientUsed(String proto, String scheme) {
    assertThat(PROXIES.fromXForwardedFor("10.0.0.5", "http", List.of("203.0.113.9"), List.of(proto)).scheme())
        .isEqualTo(scheme);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "for=203.0.113.9;proto=https                                    | 203.0.113.9 | https",
      "for=6.6.6.6, for=203.0.113.9;proto=https, for=10.1.1.1;proto=http | 203.0.113.9 | https",
      "for=\"[2001:db8::7]:4711\";proto=https                           | 2001:db8::7 | https",
      "for=\"_hidden\", for=10.1.1.1                                   | 10.1.1.1    | http",
      "for=\"203.0.113.9, 6.6.6.6\"                                    | 10.0.0.5    | http"})
  void forwardedElementsAreReadTheSameWay(String header, String client, String scheme) {
    TrustedProxies forwarded = new TrustedProxies(PROXIES.cidrs(), TrustedProxies.Header.FORWARDED);

    ClientOrigin origin = forwarded.fromForwarded("10.0.0.5", "http", List.of(header));

    assertThat(origin.address()).isEqualTo(client);
    assertThat(origin.scheme()).isEqualTo(scheme);
  }

  @ParameterizedTest
  @CsvSource({"10.255.255.255, true", "11.0.0.0, false", "192.0.2.7, true", "192.0.2.8, false", "fd12::1, true",
      "fe80::1, false", "::ffff:10.0.0.1, true", "not-an-address, false"})
  void membership(String address, boolean trusted) {
    assertThat(PROXIES.trusts(address)).isEqualTo(trusted);
  }
}
