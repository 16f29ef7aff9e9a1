package dev.arrest.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node stand-in itself, on the real API server: races a real scheduler meets are not problems
 * of the stand-in, so that the suites using it fail only for what they test.
 */
@Tag("control-plane")
@ExtendWith(ControlPlaneSuite.class)
class NodeStandInOnApiServerTest {
  private static final String NS = "ml-node-stand-in";
  private static final String NODE = "arrest-e2e-binding-race";
  private static final String FINALIZER = "arrest.dev/test-hold";

  private static KubernetesClient admin;
  private static NodeStandIn node;

  @BeforeAll
  static void setUp(ControlPlaneSuite.Cluster cluster) throws Exception {
    admin = cluster.admin;
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    // It serves no namespace, so that its own loop never races the test for the pod.
    node =
        new NodeStandIn(
            admin, Map.of(), cluster.controlPlane.home().resolve("node-stand-in"), List.of(NODE));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (node != null) {
      node.close();
    }
    if (admin != null) {
      admin.namespaces().withName(NS).delete();
    }
  }

  /**
   * The pod was pending when listed and is being deleted when bound (its Job was deleted between
   * the two): the API server refuses the binding with 409, and the stand-in lets the pod go.
   */
  @Test
  void aPodDeletedBetweenItsListingAndItsBindingIsLetGoNotReportedAsAProblem() {
    Pod listed =
        admin
            .pods()
            .inNamespace(NS)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("deleted-before-binding")
                    .addToFinalizers(FINALIZER)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("trainer")
                    .withImage("arrest-trainer:test")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    try {
      admin.pods().inNamespace(NS).withName("deleted-before-binding").delete();
      assertNotNull(
          admin
              .pods()
              .inNamespace(NS)
              .withName("deleted-before-binding")
              .get()
              .getMetadata()
              .getDeletionTimestamp(),
          "the finalizer holds the pod in deletion");

      assertFalse(node.bind(listed, NODE), "a pod being deleted is not bound");
      assertEquals(List.of(), node.problems(), "the node stand-in's own problems");
    } finally {
      admin
          .pods()
          .inNamespace(NS)
          .withName("deleted-before-binding")
          .edit(
              pod -> {
                pod.getMetadata().setFinalizers(List.of());
                return pod;
              });
    }
  }
}
