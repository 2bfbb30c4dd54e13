package dev.gatehouse.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #17: the console at {@code /gatehouse/console/} in a real Chromium against the real stack (Keycloak with the
 * Google stand-in, PostgreSQL, the gateway with its browser login, the demo service). Programs' calls are made with
 * java.net.http, as curl would. Screenshots go to {@code target/screenshots/console-*.png}.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ConsoleIT {
  private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
  private static final double TIMEOUT_MS = 90_000;
  private static final Duration PROPAGATION = Duration.ofSeconds(30);

  private static SsoStack stack;
  private static HeadlessChromium chromium;
  private static Browser browser;

  @BeforeAll
  static void start(KeycloakServer keycloak, PostgresServer postgres) {
    stack = SsoStack.start(keycloak, postgres);
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
  void aFellowSeesTheirPermissionsManagesAnApiTokenAndAsksWhyACallIsDenied() throws Exception {
    try (BrowserContext context = browser.newContext()) {
      context.setDefaultTimeout(TIMEOUT_MS);
      Page page = context.newPage();
      page.navigate(console());
      // Signed out: the console sends the browser through the gateway's login to Keycloak, then back.
      page.waitForSelector("#social-fake-google");
      page.click("#social-fake-google");
      page.waitForSelector("#username");
      page.fill("#username", "alice");
      page.fill("#password", "alice");
      page.click("#kc-login");
      awaitConsole(page);

      assertThat(page.textContent("#me-username")).isEqualTo("alice");
      // Fast: a signed-in reload paints within 1 s and shows the user's data soon after (measured by the browser).
      page.reload();
      page.waitForSelector("body[data-ready=true]");
      double firstPaint = ((Number) page.evaluate("new Promise(done => new PerformanceObserver((list, observer) =>"
          + " { done(list.getEntries()[0].startTime); observer.disconnect(); })"
          + ".observe({type: 'paint', buffered: true}))")).doubleValue();
      int ready = Integer.parseInt(page.getAttribute("body", "data-ready-ms"));
      System.out.printf("Console timing: first paint %.0f ms, signed-in view ready %d ms%n", firstPaint, ready);
      assertThat(firstPaint).as("first paint (ms)").isLessThan(1000);
      List<String> permissions = page.locator("#me-permissions li").allTextContents();
      assertThat(permissions).contains("view-roles", "view-skills").doesNotContain("manage-activities");
      assertThat(page.locator("#me-roles li").allTextContents()).contains("fellow");
      shot(page, "console-01-who-am-i");

      // No admin pages for a fellow, and the admin API itself refuses her (the server decides, not the page).
      assertThat(page.isHidden("#admin-nav")).isTrue();
      page.evaluate("location.hash = '#/admin/activities'");
      page.waitForSelector("#view-title:text('Who I am')");
      Object adminStatus = page.evaluate("fetch('/gatehouse/admin/activities').then(r => r.status)");
      assertThat(((Number) adminStatus).intValue()).isEqualTo(403);
      Object adminWrite = page.evaluate("fetch('/gatehouse/admin/activities', {method: 'POST', headers:"
          + " {'Content-Type': 'application/json', 'X-Requested-With': 'x'}, body: JSON.stringify({method: 'GET',"
          + " urlRegex: '/api/v1/mine', permissions: ['view-roles']})}).then(r => r.status)");
      assertThat(((Number) adminWrite).intValue()).isEqualTo(403);

      // An API token: created, shown once, used by a program (200), revoked in the console (401).
      page.click("nav a[data-view=tokens]");
      page.waitForSelector("#token-form");
      String name = "console-it-" + Long.toHexString(System.nanoTime());
      page.fill("#token-name", name);
      page.click("#token-create");
      page.waitForSelector("#new-token");
      String token = page.inputValue("#new-token");
      assertThat(token).startsWith("gatehouse_pat_");
      Locator row = page.locator("tr[data-token-name='" + name + "']");
      row.waitFor();
      shot(page, "console-02-new-api-token");

      assertThat(stack.getWithBearer("/api/v1/roles", token).statusCode()).as("the new token works for a program").isEqualTo(200);

      page.evaluate("location.hash = '#/me'");
      page.click("nav a[data-view=tokens]");
      assertThat(page.isVisible("#new-token")).as("the secret is never shown again").isFalse();
      row = page.locator("tr[data-token-name='" + name + "']");
      row.waitFor();
      assertThat(row.locator(".last-used").textContent()).as("the list shows the program's use").isNotEqualTo("never");
      row.locator("button.revoke").click();
      row.locator("button.revoke").click();
      page.waitForSelector("tr[data-token-name='" + name + "']", new Page.WaitForSelectorOptions()
          .setState(WaitForSelectorState.DETACHED));
      assertThat(page.textContent("#token-status")).contains("Revoked");
      awaitStatus("/api/v1/roles", token, status -> status == 401);

      // "Why was I denied?"
      page.click("nav a[data-view=explain]");
      page.selectOption("#explain-method", "GET");
      page.fill("#explain-path", "/api/v1/users");
      page.click("#explain-submit");
      page.waitForSelector("#explain-result");
      String why = page.textContent("#explain-result");
      assertThat(why).contains("Denied").contains("view-users")
          .as("names the roles carrying it, asked of Keycloak").contains("Roles that give it: admin, talent-manager.");
      shot(page, "console-03-why-denied");

      // On a phone: one column, nothing wider than the screen; the keyboard reaches the skip link first.
      page.setViewportSize(390, 844);
      page.click("nav a[data-view=endpoints]");
      page.waitForSelector("#my-activities");
      Object overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
      assertThat(((Number) overflow).intValue()).as("no horizontal scrolling at 390 px").isLessThanOrEqualTo(0);
      shot(page, "console-07-phone");
      page.reload();
      page.waitForSelector("body[data-ready=true]");
      page.keyboard().press("Tab");
      assertThat(page.evaluate("document.activeElement.className")).isEqualTo("skip");
    }
  }

  @Test
  void anAdministratorCreatesAnActivityLinksAPermissionSeesAUserGainAccessAndUndoesIt() throws Exception {
    String erin = stack.passwordToken("erin");
    assertThat(stack.getWithBearer("/api/v1/echo", erin).statusCode()).as("no activity for /api/v1/echo yet").isEqualTo(403);
    try (BrowserContext context = browser.newContext()) {
      context.setDefaultTimeout(TIMEOUT_MS);
      Page page = context.newPage();
      page.navigate(console());
      page.waitForSelector("#username");
      page.fill("#username", "dave");
      page.fill("#password", "dave");
      page.click("#kc-login");
      awaitConsole(page);
      assertThat(page.isVisible("#admin-nav")).isTrue();
      assertThat(page.getAttribute("#keycloak-admin", "href")).endsWith("/admin/gatehouse/console/");

      page.click("nav a[data-view='admin/activities']");
      page.waitForSelector("#activities");
      int before = activityCount(page);

      // Invalid input: the server's message next to the field, and nothing stored.
      page.selectOption("#activity-method", "GET");
      page.fill("#activity-regex", "/api/v1/echo(");
      page.fill("#activity-permissions", "view-skills");
      page.click("#activity-save");
      page.waitForSelector("#activity-regex-error:not(:empty)");
      assertThat(page.textContent("#activity-regex-error")).contains("does not compile");
      assertThat(page.getAttribute("#activity-regex", "aria-invalid")).isEqualTo("true");

      page.fill("#activity-regex", "/api/v1/echo");
      page.fill("#activity-permissions", "no-such-permission");
      page.click("#activity-save");
      page.waitForSelector("#activity-permissions-error:not(:empty)");
      assertThat(page.textContent("#activity-permissions-error")).contains("no-such-permission");
      assertThat(page.textContent("#activity-regex-error")).isEmpty();
      shot(page, "console-04-inline-validation");
      assertThat(activityCount(page)).as("refused input changes nothing").isEqualTo(before);

      // Create (no permission yet), then link one: erin, a fellow, gains access.
      page.fill("#activity-permissions", "");
      page.fill("#activity-description", "Echo, opened from the console");
      page.click("#activity-save");
      Locator row = page.locator("#activities tr[data-method=GET][data-regex='/api/v1/echo']");
      row.waitFor();
      assertThat(activityCount(page)).isEqualTo(before + 1);
      row.locator(".link-permission input").fill("view-skills");
      row.locator(".link-permission button").click();
      page.locator("#activities tr[data-regex='/api/v1/echo'] button.unlink[data-permission=view-skills]").waitFor();
      awaitStatus("/api/v1/echo", erin, status -> status == 200);
      shot(page, "console-05-admin-activities");

      page.click("nav a[data-view='admin/explain']");
      page.selectOption("#ax-kind", "user");
      page.fill("#ax-who", "erin");
      page.selectOption("#ax-method", "GET");
      page.fill("#ax-path", "/api/v1/echo");
      page.click("#ax-submit");
      page.waitForSelector("#ax-result");
      assertThat(page.textContent("#ax-result")).contains("Allowed").contains("view-skills");
      shot(page, "console-06-explain-for-erin");

      // This gateway stores no decisions: the log says so, and how to turn storage on.
      page.click("nav a[data-view='admin/decisions']");
      page.waitForSelector("#decisions-unavailable");
      assertThat(page.textContent("#decisions-unavailable")).contains("off").contains("audit.postgres.enabled=true");
      assertThat(page.isHidden("#decisions-form")).isTrue();
      shot(page, "console-11-decision-log-off");

      // Undo: unlink (erin loses access), then delete.
      page.click("nav a[data-view='admin/activities']");
      page.waitForSelector("#activities");
      page.locator("#activities tr[data-regex='/api/v1/echo'] button.unlink[data-permission=view-skills]").click();
      page.locator("#activities tr[data-regex='/api/v1/echo'] button.unlink").waitFor(new Locator.WaitForOptions()
          .setState(WaitForSelectorState.DETACHED));
      awaitStatus("/api/v1/echo", erin, status -> status == 403);
      Locator delete = page.locator("#activities tr[data-regex='/api/v1/echo'] button.delete");
      delete.click();
      delete.click();
      page.locator("#activities tr[data-regex='/api/v1/echo']").waitFor(new Locator.WaitForOptions()
          .setState(WaitForSelectorState.DETACHED));
      assertThat(activityCount(page)).isEqualTo(before);

      // A robot user for a third party: created, a token issued (shown once), used by a program, revoked.
      page.click("nav a[data-view='admin/robots']");
      page.waitForSelector("#robot-form");
      String robot = "console-robot-" + Long.toHexString(System.nanoTime());
      page.fill("#robot-username", robot);
      page.fill("#robot-description", "ConsoleIT partner");
      page.click("#robot-create");
      Locator card = page.locator("section[data-robot='" + robot + "']");
      card.waitFor();
      card.locator("input").fill("partner-sync");
      card.locator("button.issue-token").click();
      page.waitForSelector("#new-token");
      String robotToken = page.inputValue("#new-token");
      assertThat(robotToken).startsWith("gatehouse_pat_");
      card.locator("tr[data-token-name='partner-sync']").waitFor();
      shot(page, "console-08-robot-token");
      assertThat(stack.getWithBearer("/api/v1/roles", robotToken).statusCode()).as("the robot's default roles allow it")
          .isEqualTo(200);
      assertThat(stack.getWithBearer("/api/v1/users", robotToken).statusCode()).as("view-users is not a default permission")
          .isEqualTo(403);

      // Its roles, given and taken in the console: talent-manager (view-users) opens /api/v1/users for its token.
      Locator roles = card.locator(".robot-roles");
      // A role that would open the admin API is listed but not offered: disabled, and the gateway's reason in words.
      roles.locator("select option[value='admin']").waitFor(new Locator.WaitForOptions()
          .setState(WaitForSelectorState.ATTACHED));
      assertThat(roles.locator("select option[value='admin']").isDisabled()).isTrue();
      assertThat(roles.locator("select option[value='admin']").textContent()).contains("not for robots");
      assertThat(roles.locator(".withheld-roles li[data-withheld-role='admin']").textContent())
          .contains("open Gatehouse's admin API");
      assertThat(roles.locator("select option[value='talent-manager']").isDisabled()).isFalse();
      roles.locator("select").selectOption("talent-manager");
      roles.locator("button.give-role").click();
      roles.locator("li[data-role='talent-manager']").waitFor();
      awaitStatus("/api/v1/users", robotToken, status -> status == 200);
      assertThat(roles.locator("select option[value='admin']").isDisabled())
          .as("still refused in the listing the gateway answered the change with").isTrue();
      shot(page, "console-09-robot-roles");
      // Asked directly, the gateway still refuses it, saying why.
      String robotId = stack.keycloak.admin().get("gatehouse/users?exact=true&username=" + robot).expect(200).json()
          .get(0).get("id").asText();
      Object adminRole = page.evaluate("id => fetch('/gatehouse/admin/robots/' + id + '/roles/admin', {method: 'PUT',"
          + " headers: {'X-Requested-With': 'x'}}).then(r => r.text().then(t => r.status + ' ' + t))", robotId);
      assertThat(String.valueOf(adminRole)).startsWith("403").contains("must not administer Gatehouse");
      assertThat(roles.locator("li[data-role='admin']").count()).isZero();
      roles.locator("button.remove-role[data-role='talent-manager']").click();
      roles.locator("li[data-role='talent-manager']").waitFor(new Locator.WaitForOptions()
          .setState(WaitForSelectorState.DETACHED));
      awaitStatus("/api/v1/users", robotToken, status -> status == 403);
      // A person's roles are never changed here, even by calling the API directly.
      String erinId = stack.keycloak.admin().get("gatehouse/users?exact=true&username=erin").expect(200).json()
          .get(0).get("id").asText();
      Object person = page.evaluate("id => fetch('/gatehouse/admin/robots/' + id + '/roles/talent-manager', {method:"
          + " 'PUT', headers: {'X-Requested-With': 'x'}}).then(r => r.text().then(t => r.status + ' ' + t))", erinId);
      assertThat(String.valueOf(person)).startsWith("403").contains("not a robot user");
      // A role given behind the console's back (Keycloak's own admin console) that opens the admin API is warned of,
      // and can be taken away here.
      stack.keycloak.admin().post("gatehouse/users/" + robotId + "/role-mappings/realm",
          List.of(stack.keycloak.admin().get("gatehouse/roles/admin").expect(200).json())).expect(204);
      page.reload();
      awaitConsole(page);
      Locator warned = page.locator("section[data-robot='" + robot + "'] .robot-role-warning"
          + " li[data-warned-role='admin']");
      warned.waitFor();
      assertThat(warned.textContent()).contains("can administer Gatehouse");
      assertThat(roles.locator("li[data-role='admin']").textContent()).contains("opens the admin API");
      shot(page, "console-15-robot-role-warning");
      assertThat(roles.textContent()).as("no absent part written as text").doesNotContain("null");
      roles.locator("button.remove-role[data-role='admin']").click();
      roles.locator("li[data-role='admin']").waitFor(new Locator.WaitForOptions()
          .setState(WaitForSelectorState.DETACHED));
      assertThat(roles.locator(".robot-role-warning").count()).isZero();
      Locator revoke = card.locator("tr[data-token-name='partner-sync'] button.revoke");
      revoke.click();
      revoke.click();
      card.locator("tr[data-token-name='partner-sync']").waitFor(new Locator.WaitForOptions()
          .setState(WaitForSelectorState.DETACHED));
      awaitStatus("/api/v1/roles", robotToken, status -> status == 401);
    }
  }

  @Test
  void anAdministratorImportsAServicesOpenApiDocumentAsAPlanThenAppliesIt() throws Exception {
    String name = "console-import-" + Long.toHexString(System.nanoTime());
    String spec = """
        openapi: 3.0.3
        info: {title: things, version: "1"}
        paths:
          /things:
            get:
              summary: List things
              x-gatehouse-permissions: [view-skills]
              responses: {"200": {description: ok}}
          /things/{id}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: string}}
            delete:
              operationId: deleteThing
              x-gatehouse-permissions: [view-users]
              responses: {"204": {description: gone}}
        """;
    try (BrowserContext context = browser.newContext()) {
      context.setDefaultTimeout(TIMEOUT_MS);
      Page page = context.newPage();
      page.navigate(console());
      page.waitForSelector("#username");
      page.fill("#username", "dave");
      page.fill("#password", "dave");
      page.click("#kc-login");
      awaitConsole(page);
      Object created = page.evaluate("([name, upstream]) => fetch('/gatehouse/admin/services', {method: 'POST',"
          + " headers: {'Content-Type': 'application/json', 'X-Requested-With': 'x'}, body: JSON.stringify({name,"
          + " routePrefix: '/' + name, upstreams: [upstream]})}).then(r => r.status)",
          List.of(name, stack.demo.baseUrl()));
      assertThat(((Number) created).intValue()).isEqualTo(201);

      page.click("nav a[data-view='admin/import']");
      page.waitForSelector("#import-service option[value='" + name + "']", new Page.WaitForSelectorOptions()
          .setState(WaitForSelectorState.ATTACHED));
      page.selectOption("#import-service", name);
      assertThat(page.isDisabled("#import-apply")).as("nothing to apply before a plan is shown").isTrue();

      // A file chosen in the browser is read there (FileReader) into the field; only its text is sent.
      page.setInputFiles("#import-file", new com.microsoft.playwright.options.FilePayload("things.yaml",
          "application/yaml", spec.getBytes(StandardCharsets.UTF_8)));
      page.waitForFunction("() => document.querySelector('#import-spec').value.includes('deleteThing')");
      page.click("#import-plan");
      page.waitForSelector("#import-summary");
      assertThat(page.textContent("#import-summary")).contains("Plan").contains("2 added, 0 changed, 0 removed");
      assertThat(page.locator("#plan-added tr[data-kind=added]").count()).isEqualTo(2);
      assertThat(page.textContent("#plan-added")).contains("/" + name + "/things/[^/]+").contains("view-users");
      assertThat(serviceActivities(page, name)).as("a plan changes nothing").isZero();
      shot(page, "console-10-openapi-plan");

      page.click("#import-apply");
      page.waitForSelector("#import-status:text('Applied')");
      assertThat(serviceActivities(page, name)).isEqualTo(2);
      String erin = stack.passwordToken("erin");
      // Authorized now (whatever the demo upstream answers for a path it does not serve).
      awaitStatus("/" + name + "/things", erin, status -> status != 401 && status != 403 && status < 500);

      // Re-planning the same spec shows no change; an edit disables Apply until it is planned.
      page.click("#import-plan");
      page.waitForSelector("#import-summary:text('2 unchanged')");
      assertThat(page.textContent("#import-summary")).contains("0 added, 0 changed, 0 removed, 2 unchanged");
      page.fill("#import-spec", spec.replace("[view-users]", "[view-roles]"));
      assertThat(page.isDisabled("#import-apply")).isTrue();
      page.click("#import-plan");
      page.waitForSelector("#plan-changed tr[data-kind=changed]");
      assertThat(page.textContent("#plan-changed .what-changed")).contains("permissions").contains("view-users")
          .contains("view-roles");
      // Even if Apply were clicked with text that was not reviewed, it re-plans instead of applying.
      page.fill("#import-spec", spec.replace("[view-users]", "[view-skills]"));
      page.evaluate("document.querySelector('#import-apply').disabled = false");
      page.click("#import-apply");
      page.waitForSelector("#import-status:text('changed since the plan')");
      assertThat(serviceActivities(page, name)).isEqualTo(2);
      assertThat(page.textContent("#plan-changed")).contains("view-skills");

      // A bad spec: the server's message next to the field, nothing changed.
      page.fill("#import-spec", "just: text");
      page.click("#import-plan");
      page.waitForSelector("#import-spec-error:not(:empty)");
      assertThat(page.textContent("#import-spec-error")).contains("not a valid OpenAPI 3.0/3.1 document");
      assertThat(page.getAttribute("#import-spec", "aria-invalid")).isEqualTo("true");
      assertThat(page.isDisabled("#import-apply")).isTrue();
      shot(page, "console-12-openapi-bad-spec");
      assertThat(serviceActivities(page, name)).isEqualTo(2);
    }
  }

  private static int serviceActivities(Page page, String service) {
    Object count = page.evaluate("name => fetch('/gatehouse/admin/services/' + name + '/activities')"
        + ".then(r => r.json()).then(a => a.length)", service);
    return ((Number) count).intValue();
  }

  private static String console() {
    return stack.publicUrl + "/gatehouse/console/";
  }

  private static void awaitConsole(Page page) {
    page.waitForURL(url -> url.startsWith(console()));
    page.waitForSelector("body[data-ready=true]");
  }

  private static int activityCount(Page page) {
    Object count = page.evaluate("fetch('/gatehouse/admin/activities').then(r => r.json()).then(a => a.length)");
    return ((Number) count).intValue();
  }

  /** Polls until the gateway's answer satisfies {@code expected}: changes reach it through PostgreSQL and Keycloak. */
  private static void awaitStatus(String path, String token, IntPredicate expected) throws Exception {
    Instant deadline = Instant.now().plus(PROPAGATION);
    int last;
    do {
      last = stack.getWithBearer(path, token).statusCode();
      if (expected.test(last)) {
        return;
      }
      Thread.sleep(200);
    } while (Instant.now().isBefore(deadline));
    throw new AssertionError("GET " + path + " still answers " + last + " after " + PROPAGATION.toSeconds() + " s");
  }

  private static void shot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
  }
}
