package dev.gatehouse.it.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * The Chromium the browser tests drive: Debian's (Playwright never downloads one), headless, quiet, and resolving
 * every {@code *.gatehouse.test} name to loopback so the gateway and the demo apps can be reached by their public
 * names.
 */
final class HeadlessChromium implements AutoCloseable {
  private final Playwright playwright;
  private final Browser browser;

  private HeadlessChromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  static HeadlessChromium launch() {
    Playwright playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
          .setExecutablePath(Paths.get("/usr/bin/chromium"))
          .setHeadless(true)
          .setArgs(List.of("--no-sandbox", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run",
              "--host-resolver-rules=MAP *." + SsoStack.PARENT_DOMAIN + " 127.0.0.1")));
      return new HeadlessChromium(playwright, browser);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  Browser browser() {
    return browser;
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
