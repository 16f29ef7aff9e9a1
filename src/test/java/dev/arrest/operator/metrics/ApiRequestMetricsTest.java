package dev.arrest.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.client.CollectorRegistry;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ApiRequestMetricsTest {
  private static ApiRequestMetrics.Access access(String method, String url) {
    return ApiRequestMetrics.access(method, URI.create(url));
  }

  @Test
  void namesRequestsByRbacVerbAndResource() {
    String api = "https://127.0.0.1:6443";
    assertEquals(
        new ApiRequestMetrics.Access("get", "jobs"),
        access("GET", api + "/apis/batch/v1/namespaces/ml/jobs/quick-pretrain"));
    assertEquals(
        new ApiRequestMetrics.Access("list", "pods"),
        access("GET", api + "/api/v1/namespaces/ml/pods?labelSelector=job-name%3Dquick"));
    assertEquals(
        new ApiRequestMetrics.Access("watch", "jobs"),
        access("GET", api + "/apis/batch/v1/jobs?allowWatchBookmarks=true&watch=true"));
    assertEquals(
        new ApiRequestMetrics.Access("get", "pods/log"),
        access("GET", api + "/api/v1/namespaces/ml/pods/quick-pretrain-x1/log?tailLines=200"));
    assertEquals(
        new ApiRequestMetrics.Access("update", "arresttrainings/status"),
        access(
            "PUT", api + "/apis/arrest.dev/v1alpha1/namespaces/ml/arresttrainings/quick/status"));
    assertEquals(
        new ApiRequestMetrics.Access("create", "events"),
        access("POST", api + "/api/v1/namespaces/ml/events"));
    assertEquals(
        new ApiRequestMetrics.Access("patch", "leases"),
        access("PATCH", api + "/apis/coordination.k8s.io/v1/namespaces/ops/leases/leader"));
    assertEquals(
        new ApiRequestMetrics.Access("get", "namespaces"),
        access("GET", api + "/api/v1/namespaces/ml"));
    assertEquals(
        new ApiRequestMetrics.Access("get", ApiRequestMetrics.NON_RESOURCE),
        access("GET", api + "/version"));
  }

  @Test
  void countsEachRequest() {
    CollectorRegistry registry = new CollectorRegistry();
    ApiRequestMetrics metrics = new ApiRequestMetrics(registry);
    URI job = URI.create("https://api/apis/batch/v1/namespaces/ml/jobs/a");
    metrics.record("GET", job);
    metrics.record("GET", job);
    assertEquals(
        2.0,
        registry.getSampleValue(
            "arrest_operator_api_requests_total",
            new String[] {"verb", "resource"},
            new String[] {"get", "jobs"}));
  }
}
