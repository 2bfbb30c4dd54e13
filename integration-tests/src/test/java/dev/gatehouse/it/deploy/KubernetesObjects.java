package dev.gatehouse.it.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.module.SimpleModule;

/**
 * A rendered manifest stream read strictly into the Kubernetes API types (fabric8 kubernetes-model): a kind this
 * project does not expect, an apiVersion that does not serve that kind, a misspelt or misplaced field, or a value of
 * the wrong type fails the read and names the path.
 */
final class KubernetesObjects {
  /** Every kind deploy/kubernetes may render, with the one apiVersion the cluster serves it under. */
  private static final List<Class<? extends HasMetadata>> KINDS = List.of(Namespace.class, ServiceAccount.class,
      ConfigMap.class, Service.class, Deployment.class, StatefulSet.class, PodDisruptionBudget.class,
      HorizontalPodAutoscaler.class, NetworkPolicy.class, Ingress.class);

  /**
   * fabric8's model classes collect unknown fields in an "additionalProperties" map (a Jackson any-setter), so
   * FAIL_ON_UNKNOWN_PROPERTIES alone would accept "readinesProbe". Without the any-setter it refuses them.
   */
  private static final JsonMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .addModule(new SimpleModule("no-additional-properties").setDeserializerModifier(new ValueDeserializerModifier() {
        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription.Supplier bean,
            BeanDeserializerBuilder builder) {
          builder.setAnySetter(null);
          return builder;
        }
      }))
      .build();

  private final List<HasMetadata> objects;

  private KubernetesObjects(List<HasMetadata> objects) {
    this.objects = objects;
  }

  static KubernetesObjects read(String renderedYaml, String source) {
    List<HasMetadata> objects = new ArrayList<>();
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    int count = 0;
    for (Object document : yaml.loadAll(renderedYaml)) {
      int index = ++count;
      if (document == null) {
        continue;
      }
      if (!(document instanceof Map<?, ?> map)) {
        throw new AssertionError(source + ": document " + index + " is not an object");
      }
      String kind = String.valueOf(map.get("kind"));
      String apiVersion = String.valueOf(map.get("apiVersion"));
      Class<? extends HasMetadata> type = KINDS.stream().filter(k -> HasMetadata.getKind(k).equals(kind)).findFirst()
          .orElseThrow(() -> new AssertionError(source + ": document " + index + " is a " + kind
              + ", which KubernetesObjects does not know; add its fabric8 model class to KINDS"));
      if (!HasMetadata.getApiVersion(type).equals(apiVersion)) {
        throw new AssertionError(source + ": " + kind + " " + name(map) + " has apiVersion " + apiVersion
            + "; the served version is " + HasMetadata.getApiVersion(type));
      }
      try {
        objects.add(STRICT.convertValue(map, type));
      } catch (RuntimeException e) {
        throw new AssertionError(source + ": " + kind + " " + name(map) + " is not a valid " + apiVersion + " "
            + kind + ": " + e.getMessage(), e);
      }
    }
    return new KubernetesObjects(objects);
  }

  private static Object name(Map<?, ?> document) {
    return document.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : "(no name)";
  }

  List<HasMetadata> all() {
    return objects;
  }

  <T extends HasMetadata> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
    return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> kind, String name) {
    return find(kind, name).orElseThrow(() -> new AssertionError("no " + HasMetadata.getKind(kind) + " named "
        + name + " was rendered (rendered: " + all(kind).stream().map(o -> o.getMetadata().getName()).toList() + ")"));
  }

  /** Every workload's pod template, keyed "Kind/name". */
  Map<String, PodTemplateSpec> podTemplates() {
    Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
    all(Deployment.class).forEach(d -> templates.put("Deployment/" + d.getMetadata().getName(),
        d.getSpec().getTemplate()));
    all(StatefulSet.class).forEach(s -> templates.put("StatefulSet/" + s.getMetadata().getName(),
        s.getSpec().getTemplate()));
    return templates;
  }

  /**
   * The environment a container would see: literal values, ConfigMap keys looked up in the rendered ConfigMaps,
   * the pod IP for {@code status.podIP}, and for each Secret key a stand-in value (48 bytes, base64) unique to it.
   */
  Map<String, String> environment(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), valueOf(container, var));
    }
    return env;
  }

  private String valueOf(Container container, EnvVar var) {
    if (var.getValueFrom() == null) {
      return var.getValue() == null ? "" : var.getValue();
    }
    var from = var.getValueFrom();
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      ConfigMap map = get(ConfigMap.class, ref.getName());
      String value = map.getData() == null ? null : map.getData().get(ref.getKey());
      if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
        throw new AssertionError("container " + container.getName() + " env " + var.getName() + " reads key "
            + ref.getKey() + " of ConfigMap " + ref.getName() + ", which has no such key");
      }
      return value == null ? "" : value;
    }
    if (from.getSecretKeyRef() != null) {
      return standInSecret(from.getSecretKeyRef().getName() + "/" + from.getSecretKeyRef().getKey());
    }
    if (from.getFieldRef() != null && "status.podIP".equals(from.getFieldRef().getFieldPath())) {
      return "10.0.0.7";
    }
    throw new AssertionError("container " + container.getName() + " env " + var.getName()
        + " uses a valueFrom the checks do not understand: " + from);
  }

  static String standInSecret(String reference) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-384").digest(reference.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
