package dev.gatehouse.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.config.ServerSettings;
import dev.gatehouse.gateway.testing.TestCertificates;
import dev.gatehouse.gateway.tls.TlsMode;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.keycloak.RevocationDelivery;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps deploy/kubernetes honest without a cluster: every overlay is rendered with {@code kubectl kustomize}, read
 * strictly into the Kubernetes API types, and checked against the code (ports, health paths, environment variable
 * names, image versions, the gateway's own config loader) and against the security posture the docs promise.
 */
class KubernetesManifestsTest {
  private static final String GATEWAY = "gateway";
  private static final String KEYCLOAK = "keycloak";
  /** Where the rendered image names point, per repository name: the Dockerfile that builds it (docker-compose.yml). */
  private static final Pattern IMAGE = Pattern.compile("(?:.+/)?(gatehouse/[a-z0-9-]+):([A-Za-z0-9._-]+)");
  private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(secret|password|passwd|token|private).*");
  /** Environment variables of the Keycloak image's entrypoint (deploy/keycloak/entrypoint.sh). */
  private static final Set<String> KEYCLOAK_ENTRYPOINT_VARIABLES = Set.of("GATEHOUSE_REALM_IMPORT_DIR");

  private static Path root;
  private static Path kubernetes;
  private static final Map<String, KubernetesObjects> OVERLAYS = new LinkedHashMap<>();
  private static Map<String, Path> dockerfiles;
  private static KeycloakOptions keycloakOptions;
  private static TestCertificates.Issued standInCertificate;
  @TempDir
  static Path podFiles;

  @BeforeAll
  static void render() throws Exception {
    root = RepositoryFiles.root();
    kubernetes = root.resolve("deploy/kubernetes");
    Kustomize.requireKubectl();
    for (String overlay : overlays().toList()) {
      Path dir = kubernetes.resolve("overlays").resolve(overlay);
      OVERLAYS.put(overlay, KubernetesObjects.read(Kustomize.render(dir), "overlays/" + overlay));
    }
    ComposeFile compose = ComposeFile.load(root.resolve("docker-compose.yml"),
        RepositoryFiles.readEnvFile(root.resolve(".env.example")));
    dockerfiles = new HashMap<>();
    for (String service : compose.serviceNames()) {
      Object image = compose.setting(service, "image");
      Object dockerfile = compose.setting(service, "build", "dockerfile");
      if (image != null && dockerfile != null) {
        dockerfiles.put(String.valueOf(image).replaceAll(":.*$", ""), root.resolve(String.valueOf(dockerfile)));
      }
    }
    keycloakOptions = KeycloakOptions.load(new StackLayout(root).keycloakDistribution());
  }

  static Stream<String> overlays() throws IOException {
    Path dir = RepositoryFiles.root().resolve("deploy/kubernetes/overlays");
    try (Stream<Path> entries = Files.list(dir)) {
      List<String> names = entries.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
          .map(d -> d.getFileName().toString()).sorted().toList();
      assertThat(names).as("overlays under %s", dir).contains("production");
      return names.stream();
    }
  }

  @Test
  void everyComponentIsRenderedByAnOverlay() throws IOException {
    List<String> unused = new ArrayList<>();
    try (Stream<Path> components = Files.list(kubernetes.resolve("components"))) {
      for (Path component : components.toList()) {
        String reference = "components/" + component.getFileName();
        boolean used;
        try (Stream<Path> overlayFiles = Files.walk(kubernetes.resolve("overlays"))) {
          used = overlayFiles.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
              .anyMatch(f -> read(f).contains(reference));
        }
        if (!used) {
          unused.add(reference);
        }
      }
    }
    assertThat(unused).as("components no overlay includes are never rendered, so never checked").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void noPlaceholderHostSurvivesTheOverlay(String overlay) {
    for (HasMetadata object : objects(overlay).all()) {
      assertThat(object.toString())
          .as("%s %s still holds a *.gatehouse.invalid placeholder: the overlay's replacements missed it",
              object.getKind(), object.getMetadata().getName())
          .doesNotContain("gatehouse.invalid");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPodRunsLockedDown(String overlay) {
    objects(overlay).podTemplates().forEach((workload, template) -> {
      PodSpec pod = template.getSpec();
      String where = overlay + " " + workload;
      assertThat(pod.getAutomountServiceAccountToken()).as("%s: automountServiceAccountToken (no pod talks to "
          + "the Kubernetes API)", where).isFalse();
      assertThat(pod.getHostNetwork()).as("%s: hostNetwork", where).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getHostPID()).as("%s: hostPID", where).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getVolumes()).as("%s: no hostPath volumes", where).allSatisfy(v -> assertThat(v.getHostPath())
          .isNull());
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("%s: pod runAsNonRoot", where).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).as("%s: pod runAsUser (non-zero)", where).isPositive();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as("%s: seccomp", where)
          .isEqualTo("RuntimeDefault");
      assertThat(pod.getInitContainers()).as("%s: init containers would need the same checks", where).isEmpty();
      for (Container container : pod.getContainers()) {
        String c = where + " container " + container.getName();
        var security = container.getSecurityContext();
        assertThat(security).as("%s: securityContext", c).isNotNull();
        assertThat(security.getAllowPrivilegeEscalation()).as("%s: allowPrivilegeEscalation", c).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).as("%s: readOnlyRootFilesystem", c).isTrue();
        assertThat(security.getRunAsNonRoot()).as("%s: runAsNonRoot", c).isTrue();
        assertThat(security.getPrivileged()).as("%s: privileged", c).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).as("%s: drops every capability", c).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).as("%s: adds no capability", c).isEmpty();
        for (String resource : List.of("cpu", "memory")) {
          assertThat(container.getResources().getRequests()).as("%s: requests.%s", c, resource).containsKey(resource);
          assertThat(container.getResources().getLimits()).as("%s: limits.%s", c, resource).containsKey(resource);
          assertThat(bytesOrCores(container.getResources().getRequests().get(resource)))
              .as("%s: requests.%s at most limits.%s", c, resource, resource)
              .isLessThanOrEqualTo(bytesOrCores(container.getResources().getLimits().get(resource)));
        }
        assertThat(container.getReadinessProbe()).as("%s: readinessProbe", c).isNotNull();
        assertThat(container.getLivenessProbe()).as("%s: livenessProbe", c).isNotNull();
        assertThat(container.getImagePullPolicy()).as("%s: imagePullPolicy", c).isNotNull();
      }
    });
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void secretsEnterOnlyThroughSecretReferences(String overlay) {
    KubernetesObjects objects = objects(overlay);
    assertThat(objects.all()).as("%s renders no Secret: secrets are created outside the repository", overlay)
        .noneMatch(o -> o.getKind().equals("Secret"));
    objects.podTemplates().forEach((workload, template) -> {
      for (Container container : template.getSpec().getContainers()) {
        assertThat(container.getEnvFrom()).as("%s %s: envFrom hides which names a container gets", overlay,
            workload).isEmpty();
        for (EnvVar var : container.getEnv()) {
          if (SECRET_LIKE.matcher(var.getName()).matches()) {
            assertThat(var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef())
                .as("%s %s env %s must come from a secretKeyRef, never a literal or a ConfigMap", overlay, workload,
                    var.getName())
                .isNotNull();
          }
        }
      }
    });
    for (ConfigMap map : objects.all(ConfigMap.class)) {
      map.getData().forEach((key, value) -> {
        assertThat(key).as("%s ConfigMap %s key looks like a secret", overlay, map.getMetadata().getName())
            .doesNotMatch(SECRET_LIKE);
        if (key.endsWith(".json")) {
          assertThat(jsonKeys(value)).as("%s ConfigMap %s %s holds secret-looking settings; use the environment "
              + "from a secretKeyRef", overlay, map.getMetadata().getName(), key).noneMatch(k -> k.matches(
                  "(?i).*(secret|password).*"));
        }
      });
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everySecretReferenceIsCreatedInTheOperationsGuide(String overlay) {
    Map<String, Set<String>> documented = documentedSecrets();
    objects(overlay).podTemplates().forEach((workload, template) -> {
      for (Volume volume : template.getSpec().getVolumes()) {
        if (volume.getSecret() != null) {
          String name = volume.getSecret().getSecretName();
          assertThat(documented).as("docs/operations.md must create Secret %s, mounted by %s %s (`kubectl create "
              + "secret tls %s ...` or `create secret generic`)", name, overlay, workload, name).containsKey(name);
          assertThat(volume.getSecret().getItems()).as("%s %s Secret volume %s: items would hide keys from the "
              + "checks; mount the whole Secret", overlay, workload, name).isNullOrEmpty();
          int mode = Objects.requireNonNullElse(volume.getSecret().getDefaultMode(), 0644);
          assertThat(mode & 0007).as("%s %s Secret volume %s: defaultMode %o lets other users read the files; use "
              + "e.g. 288 (0440) with the pod's fsGroup", overlay, workload, name, mode).isZero();
        }
      }
      for (Container container : template.getSpec().getContainers()) {
        for (EnvVar var : container.getEnv()) {
          if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
            var ref = var.getValueFrom().getSecretKeyRef();
            assertThat(documented.getOrDefault(ref.getName(), Set.of()))
                .as("docs/operations.md must create Secret %s with key %s (%s %s env %s): `kubectl create secret "
                    + "generic %s --from-literal=%s=...`", ref.getName(), ref.getKey(), overlay, workload,
                    var.getName(), ref.getName(), ref.getKey())
                .contains(ref.getKey());
          }
        }
      }
    });
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void gatewayGetsOnlyVariablesItReadsAndItsConfigLoads(String overlay) throws IOException {
    KubernetesObjects objects = objects(overlay);
    Container gateway = gatewayContainer(objects);
    assertThat(objects.environment(gateway).keySet())
        .as("%s: gateway env names the gateway does not read (GatewayConfig.environmentVariables()) are silently "
            + "ignored at run time", overlay)
        .isSubsetOf(GatewayConfig.environmentVariables());
    GatewayConfig config = gatewayConfig(objects);
    assertThat(config.server().host()).as("listen.host: a pod must listen on all interfaces").isEqualTo("0.0.0.0");
    assertThat(config.activities().seedFile()).as("GATEHOUSE_ACTIVITY_SEED must be the seed the gateway image carries")
        .isEqualTo(root.resolve("realm-config/activities.json"));
    RepositoryFiles.assertSeedFitsTheRoutes(config, overlay);
    assertThat(config.loginEnabled()).as("the browser login is part of the deployment").isTrue();
  }

  /**
   * The gateway's TLS mode, its probes and the Ingress in front must agree: a gateway serving HTTPS to a controller
   * that speaks HTTP (or the reverse) answers every request with an error, and probes in the wrong scheme keep every
   * pod unready. With TLS at the gateway its certificate and key come from a mounted Secret.
   */
  @ParameterizedTest
  @MethodSource("overlays")
  void gatewayTlsModeMatchesTheIngressAndTheProbes(String overlay) throws IOException {
    KubernetesObjects objects = objects(overlay);
    GatewayConfig config = gatewayConfig(objects);
    Container gateway = gatewayContainer(objects);
    List<Ingress> toGateway = objects.all(Ingress.class).stream().filter(KubernetesManifestsTest::routesToGateway)
        .toList();
    assertThat(toGateway).as("%s: an Ingress must publish the gateway", overlay).isNotEmpty();
    Set<String> backendProtocols = new TreeSet<>();
    toGateway.forEach(ingress -> backendProtocols.add(backendProtocol(ingress)));
    assertThat(backendProtocols).as("%s: every Ingress reaching the gateway must speak one protocol to it", overlay)
        .hasSize(1);
    boolean https = backendProtocols.contains("HTTPS");
    assertThat(config.server().tls().mode())
        .as("%s: the Ingress speaks %s to the gateway, so tls.mode (GATEHOUSE_TLS_MODE) must be %s", overlay,
            https ? "HTTPS" : "HTTP", https ? "terminate" : "terminated-by-proxy")
        .isEqualTo(https ? TlsMode.TERMINATE : TlsMode.TERMINATED_BY_PROXY);
    for (Probe probe : Stream.of(gateway.getStartupProbe(), gateway.getReadinessProbe(), gateway.getLivenessProbe())
        .filter(Objects::nonNull).toList()) {
      assertThat(Objects.requireNonNullElse(probe.getHttpGet().getScheme(), "HTTP"))
          .as("%s: gateway probe %s must use the scheme the gateway serves", overlay, probe.getHttpGet().getPath())
          .isEqualTo(https ? "HTTPS" : "HTTP");
    }
    Map<String, EnvVar> env = new HashMap<>();
    gateway.getEnv().forEach(var -> env.put(var.getName(), var));
    if (https) {
      PodSpec pod = objects.get(Deployment.class, GATEWAY).getSpec().getTemplate().getSpec();
      for (String file : List.of("GATEHOUSE_TLS_CERT_FILE", "GATEHOUSE_TLS_KEY_FILE")) {
        assertThat(env).as("%s: the gateway terminates TLS, so it needs %s", overlay, file).containsKey(file);
        assertThat(secretVolumeHolding(pod, gateway, env.get(file).getValue()))
            .as("%s: %s=%s must lie in a mounted Secret volume (key material stays in Secrets)", overlay, file,
                env.get(file).getValue())
            .isPresent();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void trustedProxiesAreASiteSettingOfTheIngressControllersAddresses(String overlay) throws IOException {
    KubernetesObjects objects = objects(overlay);
    EnvVar trusted = gatewayContainer(objects).getEnv().stream()
        .filter(var -> var.getName().equals("GATEHOUSE_TRUSTED_PROXIES")).findFirst()
        .orElseThrow(() -> new AssertionError(overlay + ": the gateway gets no GATEHOUSE_TRUSTED_PROXIES"));
    assertThat(trusted.getValueFrom() == null ? null : trusted.getValueFrom().getConfigMapKeyRef())
        .as("%s: GATEHOUSE_TRUSTED_PROXIES comes from the site settings (settings.env)", overlay).isNotNull()
        .satisfies(ref -> {
          assertThat(ref.getName()).startsWith("gatehouse-settings");
          assertThat(ref.getKey()).isEqualTo("ingress-controller-cidrs");
        });
    String setting = objects.environment(gatewayContainer(objects)).get("GATEHOUSE_TRUSTED_PROXIES");
    GatewayConfig config = gatewayConfig(objects);
    assertThat(config.proxy().trustedProxies().cidrs())
        .as("%s: the gateway trusts exactly the blocks of settings.env's "
        + "ingress-controller-cidrs (\"%s\")", overlay, setting)
        .hasSize(setting.isBlank() ? 0 : setting.split(",").length);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void gatewayProbesAskTheRealHealthPathsOnItsPort(String overlay) throws IOException {
    KubernetesObjects objects = objects(overlay);
    Container gateway = gatewayContainer(objects);
    GatewayConfig config = gatewayConfig(objects);
    assertThat(containerPort(gateway, "http")).as("the gateway's container port must be listen.port")
        .isEqualTo(config.server().port());
    assertProbe(gateway, gateway.getReadinessProbe(), "/health/ready", config.server().port());
    assertProbe(gateway, gateway.getLivenessProbe(), "/health/live", config.server().port());
    if (gateway.getStartupProbe() != null) {
      assertProbe(gateway, gateway.getStartupProbe(), "/health/live", config.server().port());
    }
    assertThat(config.server().publicRoutes())
        .as("probe paths must be public routes, or the probes get 401 instead of the health answer")
        .contains("/health/ready", "/health/live");
    assertThat(ServerSettings.DEFAULT_PUBLIC_ROUTES).as("the paths the gateway serves health on")
        .contains("/health/ready", "/health/live");
    Service service = objects.get(Service.class, GATEWAY);
    assertThat(targetPortOf(service, gateway)).as("Service gateway must reach listen.port")
        .isEqualTo(config.server().port());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void gatewayStopsGracefullyAndScalesAsOneDeployment(String overlay) throws IOException {
    KubernetesObjects objects = objects(overlay);
    Deployment deployment = objects.get(Deployment.class, GATEWAY);
    Container gateway = gatewayContainer(objects);
    long preStop = preStopSeconds(gateway);
    long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    // GatewayMain waits shutdownTimeoutMillis plus 5 s for the drain before giving up.
    assertThat(grace * 1000)
        .as("%s: terminationGracePeriodSeconds must exceed preStop (%d s) + shutdownTimeoutMillis + 5 s", overlay,
            preStop)
        .isGreaterThan(preStop * 1000 + gatewayConfig(objects).server().shutdownTimeoutMillis() + 5_000);
    HorizontalPodAutoscaler hpa = objects.get(HorizontalPodAutoscaler.class, GATEWAY);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind() + "/" + hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo("Deployment/" + GATEWAY);
    assertThat(deployment.getSpec().getReplicas())
        .as("the gateway Deployment must leave replicas to its HorizontalPodAutoscaler").isNull();
    assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
    assertSelects(objects.get(PodDisruptionBudget.class, GATEWAY).getSpec().getSelector(),
        deployment.getSpec().getTemplate(), "PodDisruptionBudget gateway");
    assertSelects(deployment.getSpec().getSelector(), deployment.getSpec().getTemplate(), "Deployment gateway");
  }

  @Test
  void productionRunsTwoOfEverythingAtLeast() {
    KubernetesObjects production = objects("production");
    assertThat(production.get(HorizontalPodAutoscaler.class, GATEWAY).getSpec().getMinReplicas())
        .as("production gateways: at least two, so that one can restart").isGreaterThanOrEqualTo(2);
    assertThat(production.get(StatefulSet.class, KEYCLOAK).getSpec().getReplicas())
        .as("production Keycloak nodes: at least two (a cluster)").isGreaterThanOrEqualTo(2);
    assertThat(production.get(PodDisruptionBudget.class, GATEWAY).getSpec().getMinAvailable())
        .as("an eviction must leave a gateway serving").isEqualTo(new IntOrString(1));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void gatewayTrustsTheIssuerKeycloakWritesAndReachesKeycloakInside(String overlay) throws Exception {
    KubernetesObjects objects = objects(overlay);
    GatewayConfig config = gatewayConfig(objects);
    Map<String, String> keycloakEnv = objects.environment(keycloakContainer(objects));
    String realm = RepositoryFiles.realmName(root);
    assertThat(config.token().issuer())
        .as("%s: the gateway's issuer must be Keycloak's KC_HOSTNAME + /realms/%s, exactly as tokens carry it",
            overlay, realm)
        .isEqualTo(keycloakEnv.get("KC_HOSTNAME").replaceAll("/+$", "") + "/realms/" + realm);
    int keycloakHttp = containerPort(keycloakContainer(objects), "http");
    for (URI internal : List.of(config.token().jwksUrl(), URI.create(config.apiTokens().tokenEndpoint()))) {
      assertThat(internal.getHost()).as("%s must reach Keycloak through its Service", internal).isEqualTo(KEYCLOAK);
      assertThat(servicePortTargeting(objects.get(Service.class, KEYCLOAK), internal.getPort(),
          keycloakContainer(objects))).as("%s: Service keycloak port %d must reach Keycloak's HTTP port %d",
              internal, internal.getPort(), keycloakHttp).isEqualTo(keycloakHttp);
      assertThat(internal.getPath()).startsWith("/realms/" + realm + "/protocol/openid-connect/");
    }
    assertThat(keycloakEnv.get("GATEHOUSE_GATEWAY_PUBLIC_URL"))
        .as("Keycloak's gateway redirect URIs and the gateway's login must use the same public URL")
        .isEqualTo(config.login().publicBaseUrl());
    assertThat(keycloakEnv.get("GATEHOUSE_PARENT_DOMAIN")).isEqualTo(config.login().parentDomain());
    assertThat(keycloakEnv.get("KC_DB_URL_HOST")).as("Keycloak and the gateway use the same PostgreSQL")
        .isEqualTo(config.database().host());
    assertThat(config.token().audiences()).as("the realm's audience mapper adds \"gateway\"").contains("gateway");
  }

  /**
   * Keycloak writes revocations into the gateways' database as the least-privileged role, never as the gateway's own
   * user (owner of the policy tables), and gets no Secret key the gateway's database password is in.
   */
  @ParameterizedTest
  @MethodSource("overlays")
  void keycloakDeliversRevocationsAsTheLeastPrivilegedWriterNeverAsTheGatewaysUser(String overlay)
      throws IOException {
    KubernetesObjects objects = objects(overlay);
    GatewayConfig config = gatewayConfig(objects);
    Container keycloak = keycloakContainer(objects);
    Map<String, String> keycloakEnv = objects.environment(keycloak);
    String prefix = RevocationDelivery.ENV_PREFIX;
    assertThat(keycloakEnv.get(prefix + "JDBC_URL")).as("%s: the relay writes into the gateways' database", overlay)
        .endsWith("/" + config.database().database());
    assertThat(keycloakEnv.get(prefix + "JDBC_USERNAME"))
        .as("%s: Keycloak's relay must not use the gateway's database user %s (owner of the policy tables)",
            overlay, config.database().user())
        .isNotEqualTo(config.database().user())
        .isEqualTo(RevocationDelivery.WRITER_ROLE);
    EnvVar gatewayPassword = gatewayContainer(objects).getEnv().stream()
        .filter(v -> v.getName().equals("GATEHOUSE_DB_PASSWORD")).findFirst()
        .orElseThrow(() -> new AssertionError(overlay + ": the gateway gets no GATEHOUSE_DB_PASSWORD"));
    var gatewayRef = gatewayPassword.getValueFrom().getSecretKeyRef();
    for (EnvVar var : keycloak.getEnv()) {
      var ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
      assertThat(ref != null && ref.getName().equals(gatewayRef.getName()) && ref.getKey().equals(gatewayRef.getKey()))
          .as("%s: Keycloak env %s reads the gateway's database password (Secret %s key %s)", overlay, var.getName(),
              gatewayRef.getName(), gatewayRef.getKey())
          .isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void ingressPublishesTheGatewayAndOnlyKeycloaksPublicPaths(String overlay) throws Exception {
    KubernetesObjects objects = objects(overlay);
    GatewayConfig config = gatewayConfig(objects);
    String gatewayHost = URI.create(config.login().publicBaseUrl()).getHost();
    String keycloakHost = URI.create(keycloakEnvironment(objects).get("KC_HOSTNAME")).getHost();
    Map<String, IngressRule> rules = new HashMap<>();
    for (Ingress ingress : objects.all(Ingress.class)) {
      String name = ingress.getMetadata().getName();
      Set<String> hosts = new TreeSet<>();
      ingress.getSpec().getRules().forEach(rule -> {
        assertThat(rules.put(rule.getHost(), rule)).as("%s: host %s has rules in two Ingresses", overlay,
            rule.getHost()).isNull();
        hosts.add(rule.getHost());
      });
      assertThat(ingress.getSpec().getTls()).as("%s: Ingress %s must serve its hosts over TLS", overlay, name)
          .singleElement().satisfies(tls -> {
            assertThat(tls.getHosts()).containsExactlyInAnyOrderElementsOf(hosts);
            assertThat(tls.getSecretName()).isNotBlank();
          });
    }
    assertThat(rules.keySet()).as("%s: Ingress hosts must be the public hosts of the gateway and Keycloak", overlay)
        .containsExactlyInAnyOrder(gatewayHost, keycloakHost);
    for (IngressRule rule : rules.values()) {
      for (var path : rule.getHttp().getPaths()) {
        IngressBackend backend = path.getBackend();
        Service service = objects.get(Service.class, backend.getService().getName());
        assertThat(service.getSpec().getPorts()).as("Ingress %s%s: Service %s has no port %s", rule.getHost(),
            path.getPath(), service.getMetadata().getName(), backend.getService().getPort())
            .anyMatch(p -> p.getName().equals(backend.getService().getPort().getName())
                || Objects.equals(p.getPort(), backend.getService().getPort().getNumber()));
      }
    }
    assertThat(rules.get(gatewayHost).getHttp().getPaths()).singleElement().satisfies(path -> {
      assertThat(path.getPath()).isEqualTo("/");
      assertThat(path.getBackend().getService().getName()).isEqualTo(GATEWAY);
    });
    assertThat(rules.get(keycloakHost).getHttp().getPaths())
        .as("Keycloak's host publishes the realm's login pages and OIDC endpoints only, never the master realm, the "
            + "admin console or /")
        .allSatisfy(path -> assertThat(path.getPath()).isIn("/realms/" + RepositoryFiles.realmName(root) + "/",
            "/resources/"))
        .allSatisfy(path -> assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("http"));
    for (Ingress ingress : objects.all(Ingress.class)) {
      if (ingress.getSpec().getRules().stream().anyMatch(rule -> rule.getHost().equals(keycloakHost))) {
        assertThat(backendProtocol(ingress)).as("%s: Ingress %s reaches Keycloak's plain HTTP port", overlay,
            ingress.getMetadata().getName()).isEqualTo("HTTP");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyUpstreamIsAServiceOnlyTheGatewayCanReach(String overlay) throws IOException {
    KubernetesObjects objects = objects(overlay);
    PodTemplateSpec gatewayPods = objects.get(Deployment.class, GATEWAY).getSpec().getTemplate();
    List<RouteConfig> routes = gatewayConfig(objects).proxy().routes();
    assertThat(routes).as("%s: the gateway config has routes", overlay).isNotEmpty();
    for (RouteConfig route : routes) {
      String host = route.upstream().getHost();
      Service service = objects.find(Service.class, host.replaceAll("\\..*$", "")).orElseThrow(() ->
          new AssertionError(overlay + ": route " + route.prefix() + " goes to " + route.upstream()
              + ", but no Service " + host + " is rendered: the checks cannot tell whether only the gateway reaches "
              + "it"));
      List<Map.Entry<String, PodTemplateSpec>> backends = objects.podTemplates().entrySet().stream()
          .filter(e -> selects(service.getSpec().getSelector(), e.getValue())).toList();
      assertThat(backends).as("%s: Service %s selects no rendered workload", overlay, host).isNotEmpty();
      for (var backend : backends) {
        int port = servicePortTargeting(service, route.upstream().getPort(),
            backend.getValue().getSpec().getContainers().get(0));
        assertThat(port).as("%s: route %s port must reach a container port of %s", overlay, route.prefix(),
            backend.getKey()).isPositive();
        List<NetworkPolicy> policies = objects.all(NetworkPolicy.class).stream()
            .filter(p -> selects(p.getSpec().getPodSelector(), backend.getValue())).toList();
        assertThat(policies).as("%s: no NetworkPolicy selects upstream %s (label its pods "
            + "gatehouse.dev/upstream: \"true\")", overlay, backend.getKey()).isNotEmpty();
        for (NetworkPolicy policy : policies) {
          assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
          for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            assertThat(rule.getFrom())
                .as("%s: NetworkPolicy %s lets %s be reached by peers other than the gateway pods", overlay,
                    policy.getMetadata().getName(), backend.getKey())
                .isNotEmpty()
                .allSatisfy(peer -> assertOnlyGatewayPods(peer, gatewayPods));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void demoListensOnItsPodAddressAndPortAndReadsItsVariables(String overlay) throws IOException {
    KubernetesObjects objects = objects(overlay);
    var deployment = objects.find(Deployment.class, "demo");
    if (deployment.isEmpty()) {
      return;
    }
    Container demo = onlyContainer(deployment.get().getSpec().getTemplate(), "demo");
    Map<String, String> env = objects.environment(demo);
    String source;
    try (Stream<Path> files = Files.walk(root.resolve("demo-service/src/main/java"))) {
      source = String.join("\n", files.filter(f -> f.toString().endsWith(".java")).map(KubernetesManifestsTest::read)
          .toList());
    }
    assertThat(env.keySet()).as("%s: demo env names its code never mentions are ignored", overlay)
        .allSatisfy(name -> assertThat(source).contains("\"" + name + "\""));
    assertThat(env.get("GATEHOUSE_DEMO_HOST")).as("the demo defaults to 127.0.0.1, unreachable from the gateway pods")
        .isEqualTo("0.0.0.0");
    assertThat(containerPort(demo, "http")).as("the demo's container port must be GATEHOUSE_DEMO_PORT")
        .isEqualTo(Integer.parseInt(env.getOrDefault("GATEHOUSE_DEMO_PORT", "8001")));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void keycloakGetsOnlyRuntimeOptionsAndTheRealmPlaceholders(String overlay) throws IOException {
    KubernetesObjects objects = objects(overlay);
    Container keycloak = keycloakContainer(objects);
    Map<String, Boolean> placeholders = RepositoryFiles.realmPlaceholders(root);
    List<String> problems = new ArrayList<>();
    for (EnvVar var : keycloak.getEnv()) {
      String name = var.getName();
      if (name.startsWith("KC_")) {
        Boolean buildTime = keycloakOptions.buildTime(KeycloakOptions.keyOf(name));
        if (buildTime == null) {
          problems.add(name + ": Keycloak has no option " + KeycloakOptions.keyOf(name));
        } else if (buildTime) {
          problems.add(name + ": " + KeycloakOptions.keyOf(name) + " is a build-time option; the image runs "
              + "start --optimized, so set it in deploy/keycloak/Dockerfile's kc.sh build");
        }
      } else if (!placeholders.containsKey(name) && !KEYCLOAK_ENTRYPOINT_VARIABLES.contains(name)) {
        problems.add(name + ": neither a Keycloak option nor a placeholder of realm-config/gatehouse-realm.json");
      }
    }
    Map<String, EnvVar> byName = new HashMap<>();
    keycloak.getEnv().forEach(v -> byName.put(v.getName(), v));
    placeholders.forEach((name, hasDefault) -> {
      EnvVar var = byName.get(name);
      if (var == null) {
        problems.add(name + " is used by gatehouse-realm.json but not given to Keycloak");
      } else if (!hasDefault && var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null
          && Boolean.TRUE.equals(var.getValueFrom().getSecretKeyRef().getOptional())) {
        problems.add(name + " has no default in the realm, so its Secret reference must not be optional");
      }
    });
    assertThat(problems).as("%s: Keycloak's environment", overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void keycloakProbesItsManagementPortAndClustersOnlyWithItself(String overlay) {
    KubernetesObjects objects = objects(overlay);
    Container keycloak = keycloakContainer(objects);
    Map<String, String> env = objects.environment(keycloak);
    int management = Integer.parseInt(env.getOrDefault("KC_HTTP_MANAGEMENT_PORT", "9000"));
    assertThat(containerPort(keycloak, "management")).isEqualTo(management);
    assertThat(containerPort(keycloak, "http")).isEqualTo(Integer.parseInt(env.getOrDefault("KC_HTTP_PORT", "8080")));
    assertProbe(keycloak, keycloak.getReadinessProbe(), "/health/ready", management);
    assertProbe(keycloak, keycloak.getLivenessProbe(), "/health/live", management);
    assertProbe(keycloak, keycloak.getStartupProbe(), "/health/started", management);
    // JGroups' transport port, and its failure detection on the transport port + 50000 (docs/operations.md).
    int jgroups = Integer.parseInt(env.getOrDefault("KC_CACHE_EMBEDDED_NETWORK_BIND_PORT", "7800"));
    assertThat(containerPort(keycloak, "jgroups")).isEqualTo(jgroups);
    assertThat(containerPort(keycloak, "jgroups-fd")).isEqualTo(jgroups + 50_000);
    assertThat(env).as("production mode clusters through the database: no local-only cache")
        .doesNotContainEntry("KC_CACHE", "local");
    StatefulSet statefulSet = objects.get(StatefulSet.class, KEYCLOAK);
    assertSelects(objects.get(PodDisruptionBudget.class, KEYCLOAK).getSpec().getSelector(),
        statefulSet.getSpec().getTemplate(), "PodDisruptionBudget keycloak");
    assertThat(statefulSet.getSpec().getPodManagementPolicy())
        .as("nodes start one at a time: the first creates the schema and imports the realm").isEqualTo("OrderedReady");
    List<NetworkPolicy> policies = objects.all(NetworkPolicy.class).stream()
        .filter(p -> selects(p.getSpec().getPodSelector(), statefulSet.getSpec().getTemplate())).toList();
    assertThat(policies).as("a NetworkPolicy must guard Keycloak's cluster ports").isNotEmpty();
    for (NetworkPolicy policy : policies) {
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        List<Integer> ports = rule.getPorts().stream().map(p -> portNumber(keycloak, p)).toList();
        assertThat(ports).as("NetworkPolicy %s: a rule without ports opens everything", policy.getMetadata()
            .getName()).isNotEmpty();
        if (ports.contains(jgroups) || ports.contains(jgroups + 50_000)) {
          assertThat(rule.getFrom()).as("cluster ports must accept Keycloak pods only").isNotEmpty()
              .allSatisfy(peer -> {
                assertThat(peer.getNamespaceSelector()).isNull();
                assertThat(peer.getIpBlock()).isNull();
                assertThat(selects(peer.getPodSelector(), statefulSet.getSpec().getTemplate())).isTrue();
                assertThat(peer.getPodSelector().getMatchLabels()).containsAllEntriesOf(
                    statefulSet.getSpec().getSelector().getMatchLabels());
              });
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void imagesAreTheOnesTheRepositoryBuildsAtTheCodesVersions(String overlay) throws Exception {
    String keycloakVersion = RepositoryFiles.pomValue(root.resolve("pom.xml"), "properties", "keycloak.version");
    String projectVersion = RepositoryFiles.pomValue(root.resolve("pom.xml"), "project", "version");
    objects(overlay).podTemplates().forEach((workload, template) -> {
      for (Container container : template.getSpec().getContainers()) {
        Matcher m = IMAGE.matcher(container.getImage());
        assertThat(m.matches()).as("%s %s image %s must be [registry/]gatehouse/<name>:<tag>", overlay, workload,
            container.getImage()).isTrue();
        Path dockerfile = dockerfiles.get(m.group(1));
        assertThat(dockerfile).as("%s %s image %s: docker-compose.yml builds no image %s", overlay, workload,
            container.getImage(), m.group(1)).isNotNull();
        String expectedTag = m.group(1).equals("gatehouse/keycloak") ? keycloakVersion : projectVersion;
        assertThat(m.group(2)).as("%s %s image tag", overlay, workload).isEqualTo(expectedTag);
        String user = finalUser(dockerfile);
        if (user.matches("\\d+(:\\d+)?")) {
          String[] ids = user.split(":");
          var pod = template.getSpec().getSecurityContext();
          assertThat(pod.getRunAsUser()).as("%s runAsUser must be %s's USER", workload, root.relativize(dockerfile))
              .isEqualTo(Long.parseLong(ids[0]));
          if (ids.length > 1) {
            assertThat(pod.getRunAsGroup()).as("%s runAsGroup", workload).isEqualTo(Long.parseLong(ids[1]));
          }
        }
      }
    });
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private static KubernetesObjects objects(String overlay) {
    return Objects.requireNonNull(OVERLAYS.get(overlay), overlay);
  }

  private static Container gatewayContainer(KubernetesObjects objects) {
    return onlyContainer(objects.get(Deployment.class, GATEWAY).getSpec().getTemplate(), "gateway");
  }

  private static Container keycloakContainer(KubernetesObjects objects) {
    return onlyContainer(objects.get(StatefulSet.class, KEYCLOAK).getSpec().getTemplate(), "keycloak");
  }

  private static Map<String, String> keycloakEnvironment(KubernetesObjects objects) {
    return objects.environment(keycloakContainer(objects));
  }

  private static Container onlyContainer(PodTemplateSpec template, String name) {
    assertThat(template.getSpec().getContainers()).extracting(Container::getName).containsExactly(name);
    return template.getSpec().getContainers().get(0);
  }

  /**
   * The gateway's configuration exactly as a pod gets it: the rendered environment, the ConfigMap files where they
   * are mounted, and files the image carries (its Dockerfile's COPY) at their repository paths.
   */
  private static GatewayConfig gatewayConfig(KubernetesObjects objects) throws IOException {
    PodTemplateSpec template = objects.get(Deployment.class, GATEWAY).getSpec().getTemplate();
    Container container = gatewayContainer(objects);
    Path mounted = Files.createTempDirectory(podFiles, "gateway-pod");
    Map<String, Path> hostPaths = new LinkedHashMap<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
          .findFirst().orElseThrow(() -> new AssertionError("volumeMount " + mount.getName() + " has no volume"));
      if (volume.getConfigMap() != null) {
        Path dir = mounted.resolve(mount.getName());
        Files.createDirectories(dir);
        for (var entry : objects.get(ConfigMap.class, volume.getConfigMap().getName()).getData().entrySet()) {
          Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
        }
        hostPaths.put(mount.getMountPath(), dir);
      } else if (volume.getSecret() != null) {
        Path dir = mounted.resolve(mount.getName());
        Files.createDirectories(dir);
        writeStandInSecret(volume.getSecret().getSecretName(), dir);
        hostPaths.put(mount.getMountPath(), dir);
      }
    }
    Map<String, String> env = new HashMap<>(objects.environment(container));
    Dockerfile image = Dockerfile.read(dockerfiles.get(imageRepository(container)));
    env.replaceAll((name, value) -> hostPathOf(value, hostPaths, image));
    assertThat(env).as("the gateway must name its config file in %s", GatewayConfig.CONFIG_ENV)
        .containsKey(GatewayConfig.CONFIG_ENV);
    assertThat(Path.of(env.get(GatewayConfig.CONFIG_ENV))).as("%s must point at a file mounted from a ConfigMap",
        GatewayConfig.CONFIG_ENV).isRegularFile();
    return GatewayConfig.load(new String[0], env);
  }

  /**
   * Stands in for a Secret volume's files, with the keys docs/operations.md creates the Secret with: a certificate
   * and its key (valid now) for a TLS Secret's tls.crt and tls.key, a stand-in value for anything else.
   */
  private static void writeStandInSecret(String secretName, Path dir) throws IOException {
    Set<String> keys = documentedSecrets().get(secretName);
    assertThat(keys).as("docs/operations.md must create the mounted Secret %s", secretName).isNotNull();
    for (String key : keys) {
      switch (key) {
        case "tls.crt" -> Files.writeString(dir.resolve(key), TestCertificates.pem(standInCertificate().certificate()));
        case "tls.key" -> Files.writeString(dir.resolve(key), TestCertificates.pem(standInCertificate().keys()
            .getPrivate()));
        default -> Files.writeString(dir.resolve(key), KubernetesObjects.standInSecret(secretName + "/" + key));
      }
    }
  }

  private static synchronized TestCertificates.Issued standInCertificate() {
    if (standInCertificate == null) {
      try {
        standInCertificate = TestCertificates.server(TestCertificates.ca("stand-in CA"));
      } catch (Exception e) {
        throw new AssertionError("cannot issue a stand-in certificate", e);
      }
    }
    return standInCertificate;
  }

  private static String hostPathOf(String value, Map<String, Path> mounts, Dockerfile image) {
    for (var mount : mounts.entrySet()) {
      if (value.startsWith(mount.getKey() + "/")) {
        return mount.getValue().resolve(value.substring(mount.getKey().length() + 1)).toString();
      }
    }
    for (String copy : image.finalStage("COPY")) {
      String[] parts = copy.split("\\s+");
      if (!copy.contains("--from=") && parts.length == 2 && parts[1].equals(value)) {
        return root.resolve(parts[0]).toString();
      }
    }
    return value;
  }

  private static boolean routesToGateway(Ingress ingress) {
    return ingress.getSpec().getRules().stream().flatMap(rule -> rule.getHttp().getPaths().stream())
        .anyMatch(path -> path.getBackend().getService().getName().equals(GATEWAY));
  }

  /** What ingress-nginx speaks to the Ingress's backends: HTTP unless the annotation says otherwise. */
  private static String backendProtocol(Ingress ingress) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    return annotations == null ? "HTTP"
        : annotations.getOrDefault("nginx.ingress.kubernetes.io/backend-protocol", "HTTP");
  }

  /** The Secret volume mounted where {@code file} lies, if any. */
  private static Optional<Volume> secretVolumeHolding(PodSpec pod, Container container, String file) {
    return container.getVolumeMounts().stream().filter(mount -> file.startsWith(mount.getMountPath() + "/"))
        .flatMap(mount -> pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())))
        .filter(volume -> volume.getSecret() != null).findFirst();
  }

  private static String imageRepository(Container container) {
    Matcher m = IMAGE.matcher(container.getImage());
    assertThat(m.matches()).as("image %s", container.getImage()).isTrue();
    return m.group(1);
  }

  private static String finalUser(Path dockerfile) {
    try {
      List<String> users = Dockerfile.read(dockerfile).finalStage("USER");
      return users.isEmpty() ? "" : users.get(users.size() - 1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertProbe(Container container, Probe probe, String path, int port) {
    assertThat(probe).as("container %s probe for %s", container.getName(), path).isNotNull();
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get).as("container %s probe for %s must be an HTTP GET", container.getName(), path).isNotNull();
    assertThat(get.getPath()).as("container %s probe path", container.getName()).isEqualTo(path);
    assertThat(portNumber(container, get.getPort())).as("container %s probe %s port", container.getName(), path)
        .isEqualTo(port);
  }

  private static int containerPort(Container container, String name) {
    return container.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow(() -> new AssertionError("container " + container.getName() + " has no port named "
            + name));
  }

  private static int portNumber(Container container, IntOrString port) {
    return port.getIntVal() != null ? port.getIntVal() : containerPort(container, port.getStrVal());
  }

  private static int portNumber(Container container, NetworkPolicyPort port) {
    return portNumber(container, port.getPort());
  }

  /** The container port a Service port reaches (by the Service port's number); -1 if the Service has none. */
  private static int servicePortTargeting(Service service, int servicePort, Container container) {
    return service.getSpec().getPorts().stream().filter(p -> p.getPort() == servicePort)
        .map(p -> portNumber(container, p.getTargetPort())).findFirst().orElse(-1);
  }

  private static int targetPortOf(Service service, Container container) {
    assertThat(service.getSpec().getPorts()).hasSize(1);
    ServicePort port = service.getSpec().getPorts().get(0);
    return portNumber(container, port.getTargetPort());
  }

  private static long preStopSeconds(Container container) {
    if (container.getLifecycle() == null || container.getLifecycle().getPreStop() == null) {
      return 0;
    }
    var preStop = container.getLifecycle().getPreStop();
    if (preStop.getSleep() != null) {
      return preStop.getSleep().getSeconds();
    }
    List<String> command = preStop.getExec().getCommand();
    assertThat(command).as("preStop of %s: expected [sleep, N]", container.getName()).hasSize(2).startsWith("sleep");
    return Long.parseLong(command.get(1));
  }

  private static boolean selects(Map<String, String> selector, PodTemplateSpec template) {
    return selector != null && !selector.isEmpty()
        && template.getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
  }

  private static boolean selects(LabelSelector selector, PodTemplateSpec template) {
    assertThat(selector.getMatchExpressions()).as("the checks read matchLabels only").isEmpty();
    return selects(selector.getMatchLabels(), template);
  }

  private static void assertSelects(LabelSelector selector, PodTemplateSpec template, String what) {
    assertThat(selects(selector, template)).as("%s must select the pods of its workload", what).isTrue();
  }

  private static void assertOnlyGatewayPods(NetworkPolicyPeer peer, PodTemplateSpec gatewayPods) {
    assertThat(peer.getIpBlock()).as("an ipBlock peer admits more than the gateway").isNull();
    assertThat(peer.getNamespaceSelector()).as("a namespaceSelector peer admits other namespaces' pods").isNull();
    assertThat(peer.getPodSelector()).as("the peer must select pods").isNotNull();
    assertThat(selects(peer.getPodSelector(), gatewayPods)).as("the peer must select the gateway pods").isTrue();
    assertThat(peer.getPodSelector().getMatchLabels())
        .as("the peer must select by the gateway's own label, not one other pods share")
        .containsEntry("app.kubernetes.io/name", "gatehouse-gateway");
  }

  private static double bytesOrCores(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity).doubleValue();
  }

  private static Set<String> jsonKeys(String json) {
    Set<String> keys = new TreeSet<>();
    collectKeys(new io.vertx.core.json.JsonObject(json), keys);
    return keys;
  }

  private static void collectKeys(Object node, Set<String> keys) {
    if (node instanceof io.vertx.core.json.JsonObject object) {
      for (String key : object.fieldNames()) {
        keys.add(key);
        collectKeys(object.getValue(key), keys);
      }
    } else if (node instanceof io.vertx.core.json.JsonArray array) {
      array.forEach(item -> collectKeys(item, keys));
    }
  }

  /**
   * Secret name → keys, from the `kubectl create secret generic NAME --from-literal=KEY=...` commands in the docs,
   * and `kubectl create secret tls NAME` (keys tls.crt and tls.key).
   */
  private static Map<String, Set<String>> documentedSecrets() {
    String docs = read(root.resolve("docs/operations.md")).replace("\\\n", " ");
    Map<String, Set<String>> secrets = new HashMap<>();
    Matcher tls = Pattern.compile("create secret tls ([a-z0-9-]+)").matcher(docs);
    while (tls.find()) {
      secrets.computeIfAbsent(tls.group(1), n -> new TreeSet<>()).addAll(List.of("tls.crt", "tls.key"));
    }
    Matcher command = Pattern.compile("create secret generic ([a-z0-9-]+)([^\\n]*)").matcher(docs);
    while (command.find()) {
      Matcher key = Pattern.compile("--from-(?:literal|file)=([A-Za-z0-9._-]+)=").matcher(command.group(2));
      while (key.find()) {
        secrets.computeIfAbsent(command.group(1), n -> new TreeSet<>()).add(key.group(1));
      }
    }
    return secrets;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
