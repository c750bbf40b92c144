import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.annotations.SerializedName;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders, lints and validates the chart (scripts/helm.mjs runs it):
 *
 *   version
 *   lint <chart>                                   helm lint --strict
 *   template <chart> <release> <namespace> [--values FILE]... [--set KEY=VALUE]... [--cluster FILE] [--validate]
 *   validate <file.yaml>...
 *
 * helm-java's template leaves hooks out of what it prints (helm template prints them last). So
 * the chart is rendered from a copy whose hook annotations are renamed, making hooks ordinary
 * objects, and the names are put back in the output: the same objects helm template prints.
 *
 * helm's lookup function reads the cluster. `template` answers it from a stand-in API server that
 * holds only the objects of --cluster (none by default), as `helm template` answers it from an
 * empty cluster, and as `helm upgrade` would from a cluster holding those objects.
 *
 * Validation holds every object to the Kubernetes API models of client-java (generated from the
 * Kubernetes OpenAPI spec): unknown fields, missing required fields and values of the wrong type
 * are errors, as is a kind it has no model for. ServiceMonitor objects are held to the
 * prometheus-operator models of fabric8. Exit status: 0 fine, 1 helm refused, 2 invalid objects.
 */
public final class ChartCheck {
  private static final String MODELS = "io.kubernetes.client.openapi.models.";

  public static void main(String[] args) throws Exception {
    try {
      System.exit(run(args));
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }

  private static int run(String[] args) throws Exception {
    if (args.length == 0) throw new IllegalArgumentException("usage: version | lint <chart> | template <chart> <release> <namespace> [options] | validate <file>...");
    switch (args[0]) {
      case "version":
        System.out.println(Helm.version().call());
        return 0;
      case "lint": {
        LintResult result = new Helm(Path.of(args[1])).lint().strict().call();
        result.getMessages().forEach(System.out::println);
        return result.isFailed() ? 1 : 0;
      }
      case "template":
        return template(args);
      case "validate": {
        List<String> errors = new ArrayList<>();
        for (int i = 1; i < args.length; i++) errors.addAll(validate(Files.readString(Path.of(args[i])), args[i]));
        errors.forEach(System.err::println);
        return errors.isEmpty() ? 0 : 2;
      }
      default:
        throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  /** Kinds the chart looks up: group/version, resource, kind. */
  private static final String[][] LOOKUP_KINDS = {{"v1", "secrets", "Secret"}, {"v1", "configmaps", "ConfigMap"}, {"apps/v1", "deployments", "Deployment"}};

  /**
   * Serves discovery for LOOKUP_KINDS and GET of the given objects; everything else is 404, which
   * lookup reads as "absent". helm reads the file KUBECONFIG names, which this writes: the caller
   * (scripts/helm.mjs) names a scratch file, since a process cannot change the environment the
   * helm library sees.
   */
  private static HttpServer standInCluster(String objectsYaml) throws java.io.IOException {
    Gson gson = new Gson();
    Map<String, String> objects = new java.util.HashMap<>();
    for (Object document : new Yaml(new LoaderOptions()).loadAll(objectsYaml)) {
      if (document == null) continue;
      JsonObject object = gson.toJsonTree(document).getAsJsonObject();
      for (String[] kind : LOOKUP_KINDS) {
        if (!kind[0].equals(string(object, "apiVersion")) || !kind[2].equals(string(object, "kind"))) continue;
        JsonObject metadata = object.getAsJsonObject("metadata");
        String prefix = kind[0].equals("v1") ? "/api/v1" : "/apis/" + kind[0];
        objects.put(prefix + "/namespaces/" + string(metadata, "namespace") + "/" + kind[1] + "/" + string(metadata, "name"), gson.toJson(object));
      }
    }
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      String body = objects.get(path);
      if (body == null) body = discovery(path);
      if (body == null) respond(exchange, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
      else respond(exchange, 200, body);
    });
    server.start();
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig == null || kubeconfig.isEmpty()) throw new IllegalStateException("template needs KUBECONFIG to name a scratch file for the stand-in cluster's address");
    Files.writeString(Path.of(kubeconfig), "apiVersion: v1\nkind: Config\n"
        + "clusters: [{ name: stand-in, cluster: { server: \"http://127.0.0.1:" + server.getAddress().getPort() + "\" } }]\n"
        + "users: [{ name: stand-in, user: {} }]\n"
        + "contexts: [{ name: stand-in, context: { cluster: stand-in, user: stand-in } }]\n"
        + "current-context: stand-in\n");
    return server;
  }

  private static String discovery(String path) {
    List<String> resources = new ArrayList<>();
    String groupVersion = null;
    for (String[] kind : LOOKUP_KINDS) {
      String prefix = kind[0].equals("v1") ? "/api/v1" : "/apis/" + kind[0];
      if (!path.equals(prefix)) continue;
      groupVersion = kind[0];
      resources.add("{\"name\":\"" + kind[1] + "\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"" + kind[2] + "\",\"verbs\":[\"get\",\"list\"]}");
    }
    if (groupVersion == null) return null;
    return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion + "\",\"resources\":[" + String.join(",", resources) + "]}";
  }

  private static void respond(HttpExchange exchange, int status, String body) throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static final String HOOK = "helm.sh/hook";
  private static final String HOOK_STAND_IN = "chart-check.invalid/hook";

  private static Path copyWithHooksAsObjects(Path chart) throws java.io.IOException {
    Path copy = Files.createTempDirectory("chart-check");
    try (var files = Files.walk(chart)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(chart.relativize(file).toString());
        if (Files.isDirectory(file)) Files.createDirectories(target);
        else Files.writeString(target, Files.readString(file).replace(HOOK, HOOK_STAND_IN));
      }
    }
    return copy;
  }

  private static int template(String[] args) throws java.io.IOException {
    String cluster = null;
    for (int i = 4; i < args.length; i++) if (args[i].equals("--cluster")) cluster = args[i + 1];
    HttpServer server = standInCluster(cluster == null ? "" : Files.readString(Path.of(cluster)));
    Path chart = copyWithHooksAsObjects(Path.of(args[1]));
    TemplateCommand command = new Helm(chart).template().withName(args[2]).withNamespace(args[3]);
    boolean validate = false;
    for (int i = 4; i < args.length; i++) {
      switch (args[i]) {
        case "--values" -> command = command.withValuesFile(Path.of(args[++i]));
        case "--cluster" -> i++;
        case "--set" -> {
          String[] pair = args[++i].split("=", 2);
          command = command.set(pair[0], pair[1]);
        }
        case "--validate" -> validate = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String rendered;
    try {
      rendered = command.call();
    } finally {
      server.stop(0);
      try (var files = Files.walk(chart)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
    rendered = rendered.replace(HOOK_STAND_IN, HOOK);
    System.out.print(rendered);
    if (!validate) return 0;
    List<String> errors = validate(rendered, "rendered chart");
    errors.forEach(System.err::println);
    return errors.isEmpty() ? 0 : 2;
  }

  static List<String> validate(String yaml, String source) {
    List<String> errors = new ArrayList<>();
    Gson gson = new Gson();
    int index = 0;
    for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
      index++;
      if (document == null) continue;
      JsonElement json = gson.toJsonTree(document);
      String where = source + " #" + index;
      if (!json.isJsonObject()) {
        errors.add(where + ": not an object");
        continue;
      }
      JsonObject object = json.getAsJsonObject();
      String apiVersion = string(object, "apiVersion");
      String kind = string(object, "kind");
      JsonObject metadata = object.has("metadata") && object.get("metadata").isJsonObject() ? object.getAsJsonObject("metadata") : null;
      String name = metadata == null ? null : string(metadata, "name");
      where = source + " " + kind + "/" + name;
      if (apiVersion == null || kind == null || name == null) {
        errors.add(where + ": apiVersion, kind and metadata.name are required");
        continue;
      }
      if (apiVersion.startsWith("monitoring.coreos.com/")) {
        checkFabric8(document, apiVersion, kind, where, errors);
        continue;
      }
      Class<?> model = kubernetesModel(apiVersion, kind);
      if (model == null) {
        errors.add(where + ": no Kubernetes schema for " + apiVersion + " " + kind);
        continue;
      }
      check(json, model, "", where, errors);
    }
    return errors;
  }

  private static String string(JsonObject object, String key) {
    JsonElement value = object.get(key);
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString() : null;
  }

  /** apps/v1 Deployment → V1Deployment, autoscaling/v2 HorizontalPodAutoscaler → V2HorizontalPodAutoscaler. */
  private static Class<?> kubernetesModel(String apiVersion, String kind) {
    String version = apiVersion.substring(apiVersion.lastIndexOf('/') + 1);
    try {
      return Class.forName(MODELS + Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  private static void check(JsonElement json, Type type, String path, String where, List<String> errors) {
    if (json == null || json.isJsonNull()) return;
    if (type instanceof ParameterizedType parameterized) {
      Class<?> raw = (Class<?>) parameterized.getRawType();
      Type[] arguments = parameterized.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
        if (!json.isJsonArray()) {
          errors.add(where + ": " + path + " must be a list");
          return;
        }
        int i = 0;
        for (JsonElement item : json.getAsJsonArray()) check(item, arguments[0], path + "[" + i++ + "]", where, errors);
      } else if (Map.class.isAssignableFrom(raw)) {
        if (!json.isJsonObject()) {
          errors.add(where + ": " + path + " must be a map");
          return;
        }
        for (Map.Entry<String, JsonElement> entry : json.getAsJsonObject().entrySet()) check(entry.getValue(), arguments[1], path + "." + entry.getKey(), where, errors);
      } else {
        errors.add(where + ": " + path + " has a type the validator does not know: " + type);
      }
      return;
    }
    Class<?> c = (Class<?>) type;
    String problem = scalarProblem(json, c);
    if (problem != null) {
      if (!problem.isEmpty()) errors.add(where + ": " + path + " " + problem);
      return;
    }
    if (!c.getName().startsWith(MODELS)) {
      errors.add(where + ": " + path + " has a type the validator does not know: " + c.getName());
      return;
    }
    if (!json.isJsonObject()) {
      errors.add(where + ": " + path + " must be an object (" + c.getSimpleName() + ")");
      return;
    }
    JsonObject object = json.getAsJsonObject();
    Map<String, Field> fields = new java.util.HashMap<>();
    for (Field field : c.getDeclaredFields()) {
      SerializedName serialized = field.getAnnotation(SerializedName.class);
      if (serialized != null && !Modifier.isStatic(field.getModifiers())) fields.put(serialized.value(), field);
    }
    for (String required : requiredFields(c)) {
      if (!object.has(required) || object.get(required).isJsonNull()) errors.add(where + ": " + join(path, required) + " is required");
    }
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      Field field = fields.get(entry.getKey());
      if (field == null) errors.add(where + ": " + join(path, entry.getKey()) + " is not a field of " + c.getSimpleName());
      else check(entry.getValue(), field.getGenericType(), join(path, entry.getKey()), where, errors);
    }
  }

  /** null when the class is not a scalar; "" for a valid scalar; otherwise what is wrong. */
  private static String scalarProblem(JsonElement json, Class<?> c) {
    JsonPrimitive primitive = json.isJsonPrimitive() ? json.getAsJsonPrimitive() : null;
    if (c == String.class || c == OffsetDateTime.class) return primitive != null && primitive.isString() ? "" : "must be a string";
    if (c == Boolean.class || c == boolean.class) return primitive != null && primitive.isBoolean() ? "" : "must be true or false";
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class) return isInteger(primitive) ? "" : "must be an integer";
    if (c == Double.class || c == Float.class || c == java.math.BigDecimal.class) return primitive != null && primitive.isNumber() ? "" : "must be a number";
    if (c == IntOrString.class) return primitive != null && (primitive.isString() || isInteger(primitive)) ? "" : "must be an integer or a string";
    if (c == Quantity.class) {
      if (primitive == null || primitive.isBoolean()) return "must be a quantity";
      try {
        Quantity.fromString(primitive.getAsString());
        return "";
      } catch (RuntimeException e) {
        return "is not a quantity: " + primitive.getAsString();
      }
    }
    if (c == byte[].class) {
      if (primitive == null || !primitive.isString()) return "must be a base64 string";
      try {
        Base64.getDecoder().decode(primitive.getAsString());
        return "";
      } catch (IllegalArgumentException e) {
        return "is not base64";
      }
    }
    if (c == Object.class) return "";
    return null;
  }

  private static boolean isInteger(JsonPrimitive primitive) {
    return primitive != null && primitive.isNumber() && primitive.getAsDouble() == Math.rint(primitive.getAsDouble());
  }

  @SuppressWarnings("unchecked")
  private static Set<String> requiredFields(Class<?> c) {
    try {
      return (Set<String>) c.getField("openapiRequiredFields").get(null);
    } catch (ReflectiveOperationException e) {
      return Set.of();
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Reads the object into the prometheus-operator model and refuses any field the model does not have. */
  private static void checkFabric8(Object document, String apiVersion, String kind, String where, List<String> errors) {
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    Class<?> model;
    try {
      model = Class.forName("io.fabric8.openshift.api.model.monitoring." + version + "." + kind);
    } catch (ClassNotFoundException e) {
      errors.add(where + ": no schema for " + apiVersion + " " + kind);
      return;
    }
    try {
      Object parsed = new ObjectMapper().convertValue(document, model);
      unknownFields(parsed, "", where, errors, new IdentityHashMap<>());
    } catch (IllegalArgumentException e) {
      errors.add(where + ": " + e.getMessage());
    }
  }

  private static void unknownFields(Object value, String path, String where, List<String> errors, IdentityHashMap<Object, Boolean> seen) {
    if (value == null || seen.put(value, Boolean.TRUE) != null) return;
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) unknownFields(item, path + "[" + i++ + "]", where, errors, seen);
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) unknownFields(entry.getValue(), join(path, String.valueOf(entry.getKey())), where, errors, seen);
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) return;
    try {
      Method additional = value.getClass().getMethod("getAdditionalProperties");
      Map<?, ?> extra = (Map<?, ?>) additional.invoke(value);
      if (extra != null) for (Object key : extra.keySet()) errors.add(where + ": " + join(path, String.valueOf(key)) + " is not a field of " + value.getClass().getSimpleName());
    } catch (ReflectiveOperationException ignored) {
      // a model without additional properties refuses unknown fields itself
    }
    for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getName().equals("additionalProperties")) continue;
        try {
          field.setAccessible(true);
          unknownFields(field.get(value), join(path, field.getName()), where, errors, seen);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
          // fields of JDK types are not the model's
        }
      }
    }
  }
}
