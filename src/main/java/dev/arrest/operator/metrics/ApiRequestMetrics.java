package dev.arrest.operator.metrics;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the requests the operator's Kubernetes client sends, by RBAC verb and resource, as an
 * interceptor of Fabric8's HTTP client. This is what the operator costs the API server: the figure
 * that must not grow with the number of finished trainings (docs/operator.md, Scale). A watch is
 * counted once, when it is opened.
 */
public final class ApiRequestMetrics implements Interceptor {
  /** The interceptor's name in Fabric8's HTTP client. */
  public static final String INTERCEPTOR_NAME = "arrest-api-request-metrics";

  /** Reported as the resource of requests outside the resource API (discovery, /version). */
  static final String NON_RESOURCE = "non-resource";

  // /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]] and
  // /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
  private static final Pattern RESOURCE_PATH =
      Pattern.compile(
          "/(?:api/v1|apis/[^/]+/[^/]+)(?:/namespaces/[^/]+)?/([^/]+)(?:/([^/]+))?(?:/([^/]+))?/?");
  private static final Pattern WATCH = Pattern.compile("(?:^|&)watch=(?:true|1)(?:&|$)");

  private final Counter requests;

  public ApiRequestMetrics(CollectorRegistry registry) {
    requests =
        Counter.build(
                "arrest_operator_api_requests_total",
                "Requests the operator sent to the Kubernetes API server, by RBAC verb and"
                    + " resource (a watch counts once, when opened).")
            .labelNames("verb", "resource")
            .register(registry);
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    record(request.method(), request.uri());
  }

  /** Counts one request. */
  public void record(String method, URI uri) {
    Access access = access(method, uri);
    requests.labels(access.verb(), access.resource()).inc();
  }

  /** A request in RBAC terms: verb and resource[/subresource]. */
  record Access(String verb, String resource) {}

  static Access access(String method, URI uri) {
    Matcher path = RESOURCE_PATH.matcher(uri.getRawPath());
    if (!path.matches()) {
      return new Access(method.toLowerCase(Locale.ROOT), NON_RESOURCE);
    }
    String name = path.group(2);
    String resource = path.group(3) == null ? path.group(1) : path.group(1) + "/" + path.group(3);
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    String verb =
        switch (method) {
          case "GET" -> name != null ? "get" : WATCH.matcher(query).find() ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> method.toLowerCase(Locale.ROOT);
        };
    return new Access(verb, resource);
  }
}
