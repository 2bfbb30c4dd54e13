package dev.gatehouse.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's decision log against a gateway that stores decision records in PostgreSQL
 * ({@code audit.postgres.enabled}): a refused and an allowed request of a user show up in Chromium, and the subject and
 * decision filters narrow the list. (With storage off the view says so: {@link ConsoleIT}.)
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ConsoleDecisionLogIT {
  private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
  private static final double TIMEOUT_MS = 90_000;
  private static final Duration RECORDED = Duration.ofSeconds(30);

  private static SsoStack stack;
  private static HeadlessChromium chromium;
  private static Browser browser;

  @BeforeAll
  static void start(KeycloakServer keycloak, PostgresServer postgres) {
    stack = SsoStack.start(keycloak, postgres, config -> config.put("audit", new JsonObject()
        .put("postgres", new JsonObject().put("enabled", true))));
    chromium = HeadlessChromium.launch();
    browser = chromium.browser();
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theDecisionLogListsARefusedAndAnAllowedRequestAndFiltersBySubjectAndDecision() throws Exception {
    String erin = stack.passwordToken("erin");
    String erinId = new ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(erin.split("\\.")[1]))
        .get("sub").asText();
    assertThat(bearer("/api/v1/users", erin)).as("erin, a fellow, lacks view-users").isEqualTo(403);
    assertThat(bearer("/api/v1/roles", erin)).isEqualTo(200);

    try (BrowserContext context = browser.newContext()) {
      context.setDefaultTimeout(TIMEOUT_MS);
      Page page = context.newPage();
      page.navigate(stack.publicUrl + "/gatehouse/console/#/admin/decisions");
      page.waitForSelector("#username");
      page.fill("#username", "dave");
      page.fill("#password", "dave");
      page.click("#kc-login");
      page.waitForSelector("body[data-ready=true]");
      page.click("nav a[data-view='admin/decisions']");
      page.waitForSelector("#decisions-form");

      // Records are written in batches off the request path: search until both are there.
      page.fill("#decisions-subject", erinId);
      searchUntil(page, "#decisions tr[data-subject='" + erinId + "'][data-decision=denied][data-path='/api/v1/users']",
          "#decisions tr[data-subject='" + erinId + "'][data-decision=allowed][data-path='/api/v1/roles']");
      assertThat(page.locator("#decisions tbody tr").count()).as("only erin's")
          .isEqualTo(page.locator("#decisions tr[data-subject='" + erinId + "']").count());
      shot(page, "console-13-decision-log");

      page.selectOption("#decisions-decision", "denied");
      page.click("#decisions-search");
      page.waitForFunction("() => [...document.querySelectorAll('#decisions tbody tr')].every(r =>"
          + " r.dataset.decision === 'denied')");
      assertThat(page.locator("#decisions tr[data-decision=denied][data-path='/api/v1/users']").count()).isPositive();
      assertThat(page.locator("#decisions tr[data-decision=allowed]").count()).isZero();
      assertThat(page.textContent("#decisions")).contains("GET /api/v1/users");
      shot(page, "console-14-decision-log-denied");

      page.fill("#decisions-subject", "nobody-" + Long.toHexString(System.nanoTime()));
      page.click("#decisions-search");
      page.waitForSelector("#no-decisions");
    }
  }

  private static void searchUntil(Page page, String... selectors) throws InterruptedException {
    Instant deadline = Instant.now().plus(RECORDED);
    while (true) {
      page.click("#decisions-search");
      page.waitForSelector("#decisions-window");
      boolean all = true;
      for (String selector : selectors) {
        all &= page.locator(selector).count() > 0;
      }
      if (all) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the decision log did not show " + List.of(selectors) + " within "
            + RECORDED.toSeconds() + " s");
      }
      Thread.sleep(250);
    }
  }

  private static int bearer(String path, String token) throws Exception {
    return stack.getWithBearer(path, token).statusCode();
  }

  private static void shot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
  }
}
