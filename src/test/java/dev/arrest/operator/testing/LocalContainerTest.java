package dev.arrest.operator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in kubelet resolves a container's resourceFieldRef env vars and stops a container as a
 * kubelet does.
 */
class LocalContainerTest {
  private static final Container CONTAINER =
      new ContainerBuilder()
          .withName("trainer")
          .withNewResources()
          .addToRequests("cpu", new Quantity("250m"))
          .addToRequests("memory", new Quantity("1536Mi"))
          .addToLimits("memory", new Quantity("1536Mi"))
          .endResources()
          .build();

  private static String value(String container, String resource, String divisor) {
    return LocalContainer.resourceValue(
        CONTAINER,
        new ResourceFieldSelector(
            container, divisor == null ? null : new Quantity(divisor), resource));
  }

  @Test
  void divideByTheDivisorAndRoundUp() {
    assertEquals("1", value("trainer", "requests.cpu", "1"));
    assertEquals("1", value(null, "requests.cpu", null), "divisor 1, this container");
    assertEquals("250", value("trainer", "requests.cpu", "1m"));
    assertEquals("1536", value("trainer", "limits.memory", "1Mi"));
    assertEquals("2", value("trainer", "requests.memory", "1Gi"));
  }

  @Test
  void unsetLimitsAndOtherContainersAreNotResolved() {
    assertNull(value("trainer", "limits.cpu", "1"), "a kubelet would use the node's allocatable");
    assertNull(value("sidecar", "requests.cpu", "1"));
  }

  @Test
  void killReturnsOnceTheContainerAndItsChildrenAreGone(@TempDir Path directory) throws Exception {
    Container sleeper =
        new ContainerBuilder()
            .withName("sleeper")
            .withCommand("bash", "-c", "sleep 300 & sleep 300 & echo started; wait")
            .build();
    StringBuffer log = new StringBuffer();
    LocalContainer container =
        LocalContainer.start(
            sleeper, mount -> directory, field -> null, line -> line, directory, log::append);
    Thread reader =
        new Thread(
            () -> {
              try {
                container.awaitTermination();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    reader.start();
    while (!log.toString().contains("started")) {
      Thread.sleep(20);
    }
    List<ProcessHandle> processes =
        ProcessHandle.of(container.pid()).orElseThrow().descendants().toList();
    assertEquals(2, processes.size(), "the two sleeps");

    container.kill();

    // A kubelet removes a deleted pod only after this: nothing of the container may still run.
    assertFalse(container.isAlive(), "the container process");
    processes.forEach(child -> assertFalse(child.isAlive(), "child " + child.pid()));
    reader.join();
  }
}
