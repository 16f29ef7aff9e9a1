package dev.arrest.operator.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.RuntimeInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Liveness and readiness endpoints for the operator's Deployment, on their own port so that probes
 * never queue behind a metrics scrape.
 *
 * <ul>
 *   <li>{@code /healthz} (liveness): 200 unless the operator has started and one of its informers
 *       is unhealthy (e.g. its watch keeps failing), a state a restart may cure.
 *   <li>{@code /readyz} (readiness): 200 once the operator has started.
 * </ul>
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  public HealthServer(int port, BooleanSupplier live, BooleanSupplier ready) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> respond(exchange, live.getAsBoolean()));
    server.createContext("/readyz", exchange -> respond(exchange, ready.getAsBoolean()));
    executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "health-server");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.start();
  }

  /** Probes backed by JOSDK's runtime information. */
  public static HealthServer forOperator(int port, RuntimeInfo runtime) throws IOException {
    return new HealthServer(
        port,
        () -> !runtime.isStarted() || runtime.allEventSourcesAreHealthy(),
        runtime::isStarted);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, boolean ok) throws IOException {
    byte[] body = (ok ? "ok\n" : "unhealthy\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
