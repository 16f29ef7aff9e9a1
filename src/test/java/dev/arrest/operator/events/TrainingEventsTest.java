package dev.arrest.operator.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.testing.FakeCluster;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrainingEventsTest {
  private final FakeCluster cluster = new FakeCluster();
  private final TrainingEvents events = new TrainingEvents(cluster.client(), Clock.systemUTC());

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private List<Event> list() {
    return cluster.client().v1().events().inNamespace("ml").list().getItems();
  }

  @Test
  void theSameEventTwiceRaisesTheCountInsteadOfAddingAnother() {
    ArrestTraining training =
        cluster.client().resource(Trainings.fashionMnist("quick")).inNamespace("ml").create();

    events.warning(training, "StageFailed", "finetune failed: out of memory");
    events.warning(training, "StageFailed", "finetune failed: out of memory");
    events.normal(training, "StageStarted", "stage finetune started: Job quick-finetune");

    List<Event> recorded = list();
    assertEquals(2, recorded.size());
    Event failed =
        recorded.stream()
            .filter(e -> "StageFailed".equals(e.getReason()))
            .findFirst()
            .orElseThrow();
    assertEquals(2, failed.getCount());
    assertEquals("Warning", failed.getType());
    assertEquals("ArrestTraining", failed.getInvolvedObject().getKind());
    assertEquals("quick", failed.getInvolvedObject().getName());
    assertEquals(training.getMetadata().getUid(), failed.getInvolvedObject().getUid());
    assertEquals("arrest-operator", failed.getSource().getComponent());
  }
}
