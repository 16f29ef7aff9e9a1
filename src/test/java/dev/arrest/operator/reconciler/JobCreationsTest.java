package dev.arrest.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.testing.Trainings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JobCreationsTest {
  private static final Instant START = Instant.parse("2026-11-29T10:00:00Z");

  private static ArrestTraining createdAt(String timestamp) {
    ArrestTraining training = Trainings.fashionMnist("t");
    training.getMetadata().setCreationTimestamp(timestamp);
    return training;
  }

  @Test
  void onlyTrainingsCreatedAfterThisProcessBeganReconcilingAreItsAlone() {
    JobCreations creations = new JobCreations(Clock.fixed(START, ZoneOffset.UTC));
    ArrestTraining later = createdAt("2026-11-29T10:01:00Z");
    assertFalse(creations.onlyThisProcess(later), "not reconciling yet: ask the cluster");

    creations.reconciling();
    assertTrue(creations.onlyThisProcess(later));
    assertFalse(
        creations.onlyThisProcess(createdAt("2026-11-29T09:59:00Z")),
        "an earlier process may have created its Jobs");
    assertFalse(
        creations.onlyThisProcess(createdAt("2026-11-29T10:00:04Z")), "within the clock margin");
    assertFalse(creations.onlyThisProcess(createdAt(null)));
    assertFalse(creations.onlyThisProcess(createdAt("yesterday")));
  }

  @Test
  void aNewLeadershipTermMovesTheStartAndCreationsAreRemembered() {
    Instant[] now = {START};
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    JobCreations creations = new JobCreations(clock);
    creations.reconciling();
    now[0] = START.plusSeconds(600);
    creations.reconciling();
    assertFalse(
        creations.onlyThisProcess(createdAt("2026-11-29T10:01:00Z")),
        "created while another leader may have reconciled it");
    assertTrue(creations.onlyThisProcess(createdAt("2026-11-29T10:11:00Z")));

    assertFalse(creations.createdHere("ml", "t-pretrain"));
    creations.created("ml", "t-pretrain");
    assertTrue(creations.createdHere("ml", "t-pretrain"));
    assertFalse(creations.createdHere("other", "t-pretrain"));
  }
}
