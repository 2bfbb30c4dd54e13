package dev.gatehouse.gateway.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.gateway.credential.CredentialResult.Found;
import dev.gatehouse.gateway.credential.CredentialResult.Invalid;
import dev.gatehouse.gateway.credential.CredentialResult.Missing;
import dev.gatehouse.gateway.login.OriginCheck;
import io.vertx.core.MultiMap;
import io.vertx.core.net.HostAndPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fuzzes the credential extractor with arbitrary Authorization and Cookie header lists. Invariants, for every input:
 * <ul>
 *   <li>no exception escapes (it would become a 500);</li>
 *   <li>a token is only ever found where the documented rules put it: one Bearer header, or token cookies that all
 *       agree, and never both with different values;</li>
 *   <li>how cookies are split over Cookie headers (HTTP/2 sends one per cookie) never changes the result;</li>
 *   <li>the CSRF origin check sees every cookie credential the extractor finds: a foreign Origin is refused
 *       whenever the gate would honour a cookie.</li>
 * </ul>
 */
class CredentialExtractorFuzzTest {
  private static final String NAME = CredentialExtractor.DEFAULT_COOKIE_NAME;
  private static final CredentialExtractor EXTRACTOR = new CredentialExtractor();
  private static final OriginCheck ORIGIN_CHECK = OriginCheck.sameOriginOnly(EXTRACTOR);
  private static final HostAndPort GATEWAY = HostAndPort.create("api.gatehouse.test", -1);

  @FuzzTest(maxDuration = "5s")
  @DictionaryEntries({"Bearer ", "bearer ", "BEARER", "Basic ", "jwt-token=", "jwt-token", "; ", ";", "=", "\"",
      " ", "\t", "a.b.c", "gatehouse_pat_", "=="})
  void findsATokenOnlyWhereTheRulesPutIt(FuzzedDataProvider data) {
    List<String> authorization = new ArrayList<>();
    int headerCount = data.consumeInt(0, 2);
    for (int i = 0; i < headerCount; i++) {
      authorization.add(data.consumeString(200));
    }
    List<String> cookies = new ArrayList<>();
    int cookieCount = data.consumeInt(0, 4);
    for (int i = 0; i < cookieCount; i++) {
      cookies.add(data.consumeString(200));
    }

    CredentialResult result = EXTRACTOR.extract(authorization, cookies);

    List<String> cookieValues = RequestCookies.values(cookies, NAME);
    if (result instanceof Found found && found.credential().source() == Credential.Source.BEARER_HEADER) {
      String token = found.credential().token();
      assertThat(authorization).hasSize(1);
      assertThat(authorization.get(0).strip().toLowerCase(Locale.ROOT)).startsWith("bearer ")
          .endsWith(token.toLowerCase(Locale.ROOT));
      assertThat(CredentialExtractor.isToken68(token)).isTrue();
      assertThat(cookieValues).allMatch(token::equals);
    } else if (result instanceof Found found) {
      String token = found.credential().token();
      assertThat(authorization).isEmpty();
      assertThat(cookieValues).isNotEmpty().allMatch(token::equals);
      assertThat(CredentialExtractor.isToken68(token)).isTrue();
    } else if (result instanceof Missing) {
      assertThat(authorization).isEmpty();
      assertThat(cookieValues).isEmpty();
    } else {
      assertThat(((Invalid) result).message()).isNotBlank();
    }

    CredentialResult joined =
        EXTRACTOR.extract(authorization, cookies.isEmpty() ? List.of() : List.of(String.join("; ", cookies)));
    assertThat(outcome(joined)).as("one Cookie header instead of %d", cookies.size()).isEqualTo(outcome(result));

    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    authorization.forEach(value -> headers.add("Authorization", value));
    cookies.forEach(value -> headers.add("Cookie", value));
    headers.add("Origin", "https://evil.example");
    if (result instanceof Found found && found.credential().source() == Credential.Source.COOKIE) {
      assertThat(ORIGIN_CHECK.decide("POST", GATEWAY, headers)).as("a cookie the gate honours, from another site")
          .isInstanceOf(OriginCheck.Deny.class);
      assertThat(ORIGIN_CHECK.decide("GET", GATEWAY, headers)).isInstanceOf(OriginCheck.Deny.class);
    }
  }

  /** What a result means for the caller, without its wording. */
  private static String outcome(CredentialResult result) {
    if (result instanceof Found found) {
      return "found " + found.credential();
    }
    return result instanceof Invalid invalid ? "invalid " + invalid.problem() : "missing";
  }
}
