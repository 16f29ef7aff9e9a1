package dev.arrest.operator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import org.junit.jupiter.api.Test;

/** The stand-in kubelet resolves a container's resourceFieldRef env vars as a kubelet does. */
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
}
