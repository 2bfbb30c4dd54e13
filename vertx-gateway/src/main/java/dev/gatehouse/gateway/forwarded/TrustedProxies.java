package dev.gatehouse.gateway.forwarded;

import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The proxies in front of the gateway whose forwarding headers are believed. A request from any other peer has its
 * {@code X-Forwarded-*}/{@code Forwarded} headers ignored (and replaced on the way upstream): the peer is the client.
 *
 * <p>From a trusted peer the hop list is walked from the right (the newest hop, written by the peer itself) and
 * every trusted hop is skipped; the first untrusted address is the client. Entries further left were written by
 * the client or by proxies nobody vouches for, so they are dropped. Only one header is read, the one the operator
 * names: a proxy that sets {@code X-Forwarded-For} usually passes a client's {@code Forwarded} through untouched,
 * so believing both would let a client choose.
 */
public final class TrustedProxies {
  /** Which header the trusted proxies write. */
  public enum Header {
    X_FORWARDED_FOR("X-Forwarded-For"),
    FORWARDED("Forwarded");

    private final String headerName;

    Header(String headerName) {
      this.headerName = headerName;
    }

    public String headerName() {
      return headerName;
    }

    /** Accepts the header's name in any case; null for anything else. */
    public static Header fromName(String name) {
      for (Header header : values()) {
        if (header.headerName.equalsIgnoreCase(name.trim())) {
          return header;
        }
      }
      return null;
    }
  }

  public static final TrustedProxies NONE = new TrustedProxies(List.of(), Header.X_FORWARDED_FOR);

  private final List<Cidr> cidrs;
  private final Header header;

  public TrustedProxies(List<Cidr> cidrs, Header header) {
    this.cidrs = List.copyOf(cidrs);
    this.header = header;
  }

  public List<Cidr> cidrs() {
    return cidrs;
  }

  public Header header() {
    return header;
  }

  public boolean isEmpty() {
    return cidrs.isEmpty();
  }

  /** Whether {@code address} (a literal; null or garbage is never trusted) lies in a trusted block. */
  public boolean trusts(String address) {
    if (cidrs.isEmpty() || address == null) {
      return false;
    }
    byte[] bytes = Addresses.parse(address);
    for (Cidr cidr : cidrs) {
      if (cidr.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  public ClientOrigin originOf(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    String scheme = request.isSSL() ? "https" : "http";
    if (!trusts(peer)) {
      return new ClientOrigin(peer, scheme, peer);
    }
    return header == Header.FORWARDED
        ? fromForwarded(peer, scheme, request.headers().getAll("Forwarded"))
        : fromXForwardedFor(peer, scheme, request.headers().getAll("X-Forwarded-For"),
            request.headers().getAll("X-Forwarded-Proto"));
  }

  /** The scheme the client used: only a trusted peer may say it was https when the connection is not. */
  public String schemeOf(HttpServerRequest request) {
    if (request.isSSL()) {
      return "https";
    }
    return cidrs.isEmpty() ? "http" : originOf(request).scheme();
  }

  /** {@code peer} is trusted; {@code forwardedFor} and {@code proto} are every value of those headers, in order. */
  ClientOrigin fromXForwardedFor(String peer, String connectionScheme, List<String> forwardedFor, List<String> proto) {
    List<String> hops = new ArrayList<>();
    for (String value : forwardedFor) {
      for (String hop : value.split(",")) {
        hops.add(hop);
      }
    }
    String scheme = proto.size() == 1 ? scheme(proto.get(0).trim(), connectionScheme) : connectionScheme;
    return walk(peer, hops, scheme, null);
  }

  ClientOrigin fromForwarded(String peer, String connectionScheme, List<String> forwarded) {
    List<String> hops = new ArrayList<>();
    List<String> protos = new ArrayList<>();
    for (String value : forwarded) {
      for (String element : ForwardedHeader.elements(value)) {
        hops.add(ForwardedHeader.parameter(element, "for"));
        protos.add(ForwardedHeader.parameter(element, "proto"));
      }
    }
    return walk(peer, hops, connectionScheme, protos);
  }

  /**
   * Right to left: a hop the previous (trusted) hop vouches for is the client unless it is trusted itself.
   * {@code protos}, when given, holds each hop's {@code proto=}: the scheme the client used is the one its proxy saw.
   */
  private ClientOrigin walk(String peer, List<String> hops, String scheme, List<String> protos) {
    String client = peer;
    int clientIndex = hops.size();
    for (int i = hops.size() - 1; i >= 0; i--) {
      String address = hops.get(i) == null ? null : Addresses.hopAddress(hops.get(i));
      if (address == null) {
        break; // a trusted proxy could not name its peer: the last address we could vouch for stands
      }
      client = address;
      clientIndex = i;
      if (protos != null) {
        scheme = scheme(protos.get(i), scheme);
      }
      if (!trusts(address)) {
        break;
      }
    }
    StringBuilder chain = new StringBuilder(client);
    for (int i = clientIndex + 1; i < hops.size(); i++) {
      chain.append(", ").append(Addresses.hopAddress(hops.get(i)));
    }
    if (clientIndex < hops.size()) {
      chain.append(", ").append(peer);
    }
    return new ClientOrigin(client, scheme, chain.toString());
  }

  private static String scheme(String claimed, String fallback) {
    if (claimed == null) {
      return fallback;
    }
    String lower = claimed.trim().toLowerCase(Locale.ROOT);
    if (lower.length() >= 2 && lower.startsWith("\"") && lower.endsWith("\"")) {
      lower = lower.substring(1, lower.length() - 1);
    }
    return lower.equals("https") || lower.equals("http") ? lower : fallback;
  }

  @Override
  public String toString() {
    return cidrs.isEmpty() ? "none" : cidrs + " via " + header.headerName();
  }
}
