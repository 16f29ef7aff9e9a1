package dev.arrest.operator.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;

/** Serves one CollectorRegistry on {@code /metrics} in the Prometheus text format. */
public final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;

  public MetricsServer(int port, CollectorRegistry registry) throws IOException {
    server =
        new HTTPServer.Builder()
            .withPort(port)
            .withRegistry(registry)
            .withDaemonThreads(true)
            .build();
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
